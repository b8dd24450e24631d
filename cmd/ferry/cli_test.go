package main

// End-to-end tests of ferry's command line: qemu-aarch64's options against
// qemu-aarch64 itself, -cpu against the guest's own view of AT_HWCAP, -d
// logs against qemu's and between engines, and PROGRAM checks and "#!"
// scripts against what the kernel does natively.

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helloView splits hello's output into its argv lines and its sorted
// environment (qemu-aarch64 7.2 reverses the environment's order; ferry
// keeps it, so only the set is comparable).
func helloView(out []byte) (argv string, env []string) {
	var a []string
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "env "):
			env = append(env, line)
		case line != "":
			a = append(a, line)
		}
	}
	sort.Strings(env)
	return strings.Join(a, "\n"), env
}

// TestQEMUOptions runs hello under qemu-aarch64 and under ferry with the
// same options and QEMU_* variables: the same argv and environment.
func TestQEMUOptions(t *testing.T) {
	needFerry(t)
	needQEMU(t)
	hello := guestPath(t, "hello")
	base := []string{"A=1", "B=2", "C=3"}
	cases := []struct {
		name string
		opts []string
		env  []string // added to base
	}{
		{"none", nil, nil},
		{"set-unset", []string{"-E", "B=9,D=4", "-U", "A", "-E", "E=5"}, nil},
		{"set-twice", []string{"-E", "D=1", "-E", "D=2", "-U", "D", "-E", "D=3,F=with=equals"}, nil},
		{"argv0", []string{"-0", "zero"}, nil},
		{"double-dash", []string{"--0", "x", "--"}, nil},
		{"qemu-variables", []string{"-E", "Y=2"}, []string{"QEMU_SET_ENV=Z=1,B=8", "QEMU_UNSET_ENV=A", "QEMU_ARGV0=envzero"}},
		{"args-override-variables", []string{"-0", "cmdline", "-U", "Z"}, []string{"QEMU_SET_ENV=Z=1", "QEMU_ARGV0=env"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := append(append([]string(nil), base...), c.env...)
			argv := append(append([]string(nil), c.opts...), hello, "arg 1", "-E", "X=guest")
			want := run(t, runner{name: "qemu", command: func(inv invocation) (string, []string) {
				return qemuPath, append([]string{qemuPath}, inv.argv...)
			}}, invocation{argv: argv, env: env})
			got := run(t, runner{name: "ferry", command: func(inv invocation) (string, []string) {
				return ferryBin, append([]string{ferryBin}, inv.argv...)
			}}, invocation{argv: argv, env: env})
			if want.status != "exit 0" || got.status != want.status {
				t.Fatalf("qemu: %v; ferry: %v", want, got)
			}
			wa, we := helloView(want.stdout)
			ga, ge := helloView(got.stdout)
			if wa != ga {
				t.Errorf("argv differs\nqemu:\n%s\nferry:\n%s", wa, ga)
			}
			if strings.Join(we, "\n") != strings.Join(ge, "\n") {
				t.Errorf("environment differs\nqemu:  %q\nferry: %q", we, ge)
			}
		})
	}
}

// ferryErr runs ferry with args (and a time limit: nothing may hang) and
// returns its exit status and stderr.
func ferryErr(t *testing.T, dir string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(ferryBin, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(20*time.Second, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	if !timer.Stop() {
		t.Fatalf("ferry %q hung", args)
	}
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return status, stdout.String(), stderr.String()
}

// oneLine checks stderr is a single "ferry: " line (optionally followed by
// the usage text) and no Go panic.
func oneLine(t *testing.T, what, stderr string, usageAllowed bool) {
	t.Helper()
	first, rest, _ := strings.Cut(stderr, "\n")
	if !strings.HasPrefix(first, "ferry: ") || strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
		t.Errorf("%s: stderr %q, want one \"ferry: \" line", what, stderr)
	}
	if rest != "" && !(usageAllowed && strings.HasPrefix(rest, "usage: ferry")) {
		t.Errorf("%s: more than one line: %q", what, stderr)
	}
}

// TestBadCommandLines: usage errors exit 2 with one line and the usage.
func TestBadCommandLines(t *testing.T) {
	needFerry(t)
	hello := guestPath(t, "hello")
	for _, c := range []struct {
		args  []string
		env   []string
		usage bool
	}{
		{args: []string{"-bogus", hello}, usage: true},
		{args: []string{"-L"}, usage: true},
		{args: []string{}, usage: true},
		{args: []string{"-E", "novalue", hello}, usage: true},
		{args: []string{"-cpu", "pentium", hello}},
		{args: []string{hello}, env: []string{"QEMU_CPU=z80"}},
		{args: []string{"-d", "nonsense", hello}},
		{args: []string{"-engine=fast", hello}},
		{args: []string{"binfmt"}, usage: true},
		{args: []string{"binfmt", "frobnicate"}, usage: true},
		{args: []string{"binfmt", "install", "--flags=XYZ"}},
		{args: []string{"binfmt", "status", "--bogus"}, usage: true},
		{args: []string{"binfmt", "install", "--name=a/b"}},
	} {
		status, _, stderr := ferryErr(t, "", c.env, c.args...)
		if status != exitUsage {
			t.Errorf("ferry %q: exit %d, want %d (stderr %q)", c.args, status, exitUsage, stderr)
		}
		oneLine(t, strings.Join(c.args, " "), stderr, c.usage)
	}
	// Informational options go to stdout and exit 0.
	for _, args := range [][]string{{"-h"}, {"-help"}, {"-version"}, {"-cpu", "help"}, {"-d", "help"}, {"binfmt", "-h"}} {
		status, stdout, stderr := ferryErr(t, "", nil, args...)
		if status != 0 || stdout == "" || stderr != "" {
			t.Errorf("ferry %q: exit %d, stdout %q, stderr %q", args, status, truncate([]byte(stdout), 100), stderr)
		}
	}
}

// TestProgramChecks: what the kernel refuses to execute, ferry refuses
// with one line and the shell's status; FIFOs and directories never hang.
// "#!" scripts run through their interpreter (arm64 under ferry, a host
// one natively) exactly as the kernel runs the same scripts natively.
func TestProgramChecks(t *testing.T) {
	needFerry(t)
	hello := guestPath(t, "hello")
	busybox := arm64Busybox(t)
	dir := t.TempDir()
	write := func(name, text string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "dir"), 0o755)
	data, err := os.ReadFile(hello)
	if err != nil {
		t.Fatal(err)
	}
	write("noexec", string(data), 0o644)
	write("empty-shebang", "#!\n", 0o755)
	write("loop1", "#!./loop2\n", 0o755)
	write("loop2", "#!./loop1\n", 0o755)
	write("missing-interp", "#!/nonexistent/interp\n", 0o755)
	for _, c := range []struct {
		prog   string
		status int
		msg    string
	}{
		{"./fifo", 126, "not a regular file"},
		{"./dir", 126, "is a directory"},
		{"./noexec", 126, "permission denied"},
		{"./missing", 127, "no such file"},
		{"./empty-shebang", 126, "exec format error"},
		{"./loop1", 126, "too many levels"},
		{"./missing-interp", 127, "no such file"},
	} {
		status, _, stderr := ferryErr(t, dir, nil, c.prog)
		if status != c.status || !strings.Contains(stderr, c.msg) {
			t.Errorf("ferry %s: exit %d, stderr %q; want %d and %q", c.prog, status, stderr, c.status, c.msg)
		}
		oneLine(t, c.prog, stderr, false)
	}

	// Scripts: the same script text with the arm64 busybox (under ferry)
	// and the amd64 one (natively, by the kernel) as interpreter.
	script := "echo \"$0\" \"$#\" \"$@\"\n"
	write("arm.sh", "#!"+busybox+" sh\n"+script, 0o755)
	write("native.sh", "#!"+nativeBusybox+" sh\n"+script, 0o755)
	write("host.sh", "#!/bin/sh\n"+script, 0o755)
	write("nested.sh", "#!"+filepath.Join(dir, "arm.sh")+"\n", 0o755)
	write("nested-native.sh", "#!"+filepath.Join(dir, "native.sh")+"\n", 0o755)
	nativeRun := func(args ...string) string {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q natively: %v\n%s", args, err, out)
		}
		return strings.ReplaceAll(strings.ReplaceAll(string(out), "native", "arm"), "nested-arm", "nested")
	}
	for _, c := range []struct{ ferry, native []string }{
		{[]string{"./arm.sh", "a b", "c"}, []string{"./native.sh", "a b", "c"}},
		{[]string{"./host.sh", "x"}, []string{"./host.sh", "x"}},
		{[]string{"./nested.sh", "y"}, []string{"./nested-native.sh", "y"}},
	} {
		status, stdout, stderr := ferryErr(t, dir, nil, c.ferry...)
		if want := nativeRun(c.native...); status != 0 || stdout != want {
			t.Errorf("ferry %q: exit %d, stdout %q, stderr %q; natively %q", c.ferry, status, stdout, stderr, want)
		}
	}
	// A guest program named binfmt runs as ./binfmt or after "--".
	write("binfmt", string(data), 0o755)
	for _, args := range [][]string{{"./binfmt", "x"}, {"--", "binfmt", "x"}} {
		status, stdout, stderr := ferryErr(t, dir, nil, args...)
		if status != 0 || !strings.Contains(stdout, "argv[1]=x") {
			t.Errorf("ferry %q: exit %d, stdout %q, stderr %q", args, status, stdout, stderr)
		}
	}
}

// TestCPUOption: -cpu changes AT_HWCAP as the guest sees it (procself
// compares auxv, getauxval and /proc/cpuinfo), and Go's runtime, which
// uses LSE atomics when AT_HWCAP says so, still matches its native build.
func TestCPUOption(t *testing.T) {
	needFerry(t)
	procself := guestPath(t, "procself")
	const all = "0x3d3ff9fb hwcap2=0xa181 in /proc/self/auxv=1\nhwcap names= fp asimd aes pmull sha1 sha2 crc32 " +
		"atomics cpuid asimdrdm jscvt fcma lrcpc dcpop sha3 sm3 sm4 asimddp sha512 dit ilrcpc flagm ssbs sb " +
		"dcpodp flagm2 frint i8mm dgh"
	const a53 = "0x8fb hwcap2=0 in /proc/self/auxv=1\nhwcap names= fp asimd aes pmull sha1 sha2 crc32 cpuid"
	for _, c := range []struct {
		cpu, env, want string
	}{
		{"", "", all},
		{"max", "", all},
		{"neoverse-n1", "", "0x101199fb hwcap2=0 in /proc/self/auxv=1\nhwcap names= fp asimd aes pmull sha1 sha2 crc32 " +
			"atomics cpuid asimdrdm lrcpc dcpop asimddp ssbs"},
		{"cortex-a53", "QEMU_CPU=max", a53},
		{"", "QEMU_CPU=cortex-a53", a53},
	} {
		args := []string{procself, "cpuinfo"}
		if c.cpu != "" {
			args = append([]string{"-cpu", c.cpu}, args...)
		}
		var env []string
		if c.env != "" {
			env = []string{c.env}
		}
		status, stdout, stderr := ferryErr(t, "", env, args...)
		want := "hwcap=" + c.want + "\n"
		if status != 0 || !strings.HasPrefix(stdout, want) || !strings.Contains(stdout, "all match=1") {
			t.Errorf("-cpu %q %s: exit %d, stdout %q, stderr %q; want %q", c.cpu, c.env, status, stdout, stderr, want)
		}
	}
	// The ID registers follow the model's HWCAPs (HWCAP_CPUID).
	sys := guestPath(t, "isa_sys")
	for _, model := range []string{"cortex-a53", "neoverse-n1", "neoverse-v1"} {
		status, stdout, stderr := ferryErr(t, "", nil, "-cpu", model, sys, "kernel")
		if status != 0 || !strings.Contains(stdout, "cpuid          disagreements with AT_HWCAP 0\n") {
			t.Errorf("-cpu %s: ID registers: exit %d, stdout %q, stderr %q", model, status, stdout, stderr)
		}
	}
	for _, prog := range []string{"gochan", "gogc"} {
		want := run(t, nativeRunner(nativePath(t, prog)), invocation{argv: []string{prog}})
		for _, engine := range engines {
			got := run(t, runner{name: engine, command: func(inv invocation) (string, []string) {
				return ferryBin, append([]string{ferryBin, "-engine=" + engine, "-cpu", "max", guestPath(t, prog)}, inv.argv[1:]...)
			}}, invocation{argv: []string{prog}})
			compare(t, prog+" -cpu max "+engine, want, got, false)
		}
	}
}

var (
	qemuInAsm  = regexp.MustCompile(`^0x([0-9a-f]+):  ([0-9a-f]{8})  `)
	ferryInAsm = regexp.MustCompile(`^0x([0-9a-f]{16}):  ([0-9a-f]{8})      \S`)
	traceLine  = regexp.MustCompile(`^Trace: \[0x([0-9a-f]+)\]$`)
)

func scanLog(t *testing.T, text string, re *regexp.Regexp) [][]string {
	t.Helper()
	var out [][]string
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			out = append(out, m[1:])
		}
	}
	return out
}

// TestLogItems: -d in_asm logs the guest code qemu's -d in_asm logs (the
// same instruction words at the same addresses, from the same entry);
// -d exec,nochain under the JIT traces exactly the blocks the interpreter
// runs; -d out_asm disassembles host code; -D writes the log to a file.
func TestLogItems(t *testing.T) {
	needFerry(t)
	needQEMU(t)
	hello := guestPath(t, "hello")
	qcmd := exec.Command(qemuPath, "-d", "in_asm", hello)
	var qlog bytes.Buffer
	qcmd.Stderr = &qlog
	if err := qcmd.Run(); err != nil {
		t.Fatal(err)
	}
	status, _, flog := ferryErr(t, "", nil, "-d", "in_asm", hello)
	if status != 0 {
		t.Fatalf("ferry -d in_asm: exit %d", status)
	}
	want := map[uint64]string{}
	qlines := scanLog(t, qlog.String(), qemuInAsm)
	for _, m := range qlines {
		pc, _ := strconv.ParseUint(m[0], 16, 64)
		want[pc] = m[1]
	}
	got := scanLog(t, flog, ferryInAsm)
	if len(got) == 0 || len(qlines) == 0 {
		t.Fatalf("no in_asm lines: ferry %d, qemu %d\n%s", len(got), len(qlines), truncate([]byte(flog), 500))
	}
	if a, b := strings.TrimLeft(got[0][0], "0"), strings.TrimLeft(qlines[0][0], "0"); a != b {
		t.Errorf("first block at %s, qemu's at %s", a, b)
	}
	same := 0
	for _, m := range got {
		pc, _ := strconv.ParseUint(m[0], 16, 64)
		if w, ok := want[pc]; ok {
			same++
			if w != m[1] {
				t.Errorf("0x%x: ferry logs %s, qemu %s", pc, m[1], w)
			}
		}
	}
	if same < len(got)/2 {
		t.Errorf("only %d of ferry's %d logged instructions were logged by qemu", same, len(got))
	}

	traces := map[string][][]string{}
	for _, c := range []struct{ engine, items string }{{"interp", "exec"}, {"jit", "exec,nochain"}} {
		logFile := filepath.Join(t.TempDir(), "log-%d")
		status, stdout, stderr := ferryErr(t, "", nil, "-engine="+c.engine, "-d", c.items, "-D", logFile, hello)
		if status != 0 || stderr != "" || !strings.Contains(stdout, "hello from arm64 guest") {
			t.Fatalf("%s -d %s: exit %d, stderr %q", c.engine, c.items, status, stderr)
		}
		matches, _ := filepath.Glob(strings.Replace(logFile, "%d", "*", 1))
		if len(matches) != 1 {
			t.Fatalf("-D %s made %q", logFile, matches)
		}
		text, _ := os.ReadFile(matches[0])
		traces[c.engine] = scanLog(t, string(text), traceLine)
	}
	// A JIT block whose entry check finds the time slice used up is
	// traced, leaves before its first instruction and is traced again
	// when the dispatcher comes back to it (qemu's exec log does the same
	// at an exit request): runs of one PC are compared as one.
	squash := func(tr [][]string) [][]string {
		var out [][]string
		for _, m := range tr {
			if len(out) == 0 || out[len(out)-1][0] != m[0] {
				out = append(out, m)
			}
		}
		return out
	}
	if a, b := squash(traces["interp"]), squash(traces["jit"]); len(a) == 0 || len(a) != len(b) {
		t.Errorf("exec traces: interp %d blocks, jit (nochain) %d", len(a), len(b))
	} else {
		for i := range a {
			if a[i][0] != b[i][0] {
				t.Errorf("exec trace differs at block %d: interp 0x%s, jit 0x%s", i, a[i][0], b[i][0])
				break
			}
		}
	}
	// Chained, the JIT returns to its dispatcher far less often.
	status, _, chained := ferryErr(t, "", nil, "-d", "exec", hello)
	if n := len(scanLog(t, chained, traceLine)); status != 0 || n == 0 || n >= len(traces["jit"]) {
		t.Errorf("-d exec with chaining: %d traced blocks, %d without chaining", n, len(traces["jit"]))
	}

	status, _, out := ferryErr(t, "", nil, "-d", "out_asm", hello)
	if status != 0 || !strings.Contains(out, "OUT: [guest addr: 0x") || strings.Contains(out, ".byte") {
		t.Errorf("-d out_asm: exit %d, log %q", status, truncate([]byte(out), 600))
	}
}

// TestSysrootMatchesQEMU: with -L DIR (or QEMU_LD_PREFIX), an absolute path
// the guest opens is looked up in DIR first and on the host if DIR lacks
// it, as qemu-aarch64 does.
func TestSysrootMatchesQEMU(t *testing.T) {
	needFerry(t)
	needQEMU(t)
	busybox := arm64Busybox(t)
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc", "ferry-sysroot-probe"), []byte("from the sysroot\n"), 0o644)
	for _, c := range []struct {
		opts, env []string
	}{
		{opts: []string{"-L", root}},
		{env: []string{"QEMU_LD_PREFIX=" + root}},
	} {
		argv := append(append([]string(nil), c.opts...), busybox, "cat", "/etc/ferry-sysroot-probe", "/etc/debian_version")
		want := run(t, runner{name: "qemu", command: func(inv invocation) (string, []string) {
			return qemuPath, append([]string{qemuPath}, inv.argv...)
		}}, invocation{argv: argv, env: c.env})
		got := run(t, runner{name: "ferry", command: func(inv invocation) (string, []string) {
			return ferryBin, append([]string{ferryBin}, inv.argv...)
		}}, invocation{argv: argv, env: c.env})
		compare(t, strings.Join(append(c.opts, c.env...), " "), want, got, true)
	}
}
