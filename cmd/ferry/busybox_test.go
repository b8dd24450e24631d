package main

// Busybox tests: Debian's busybox-static for arm64 runs under ferry and
// must produce byte-identical stdout and exit status to the amd64 build of
// the same Debian version running natively. The applets chosen do not fork
// (ferry's fork support is tested elsewhere). Each case also runs the arm64
// busybox under qemu-aarch64 against the same native oracle, which checks
// the case itself: a case that differs between two correct
// implementations of the architecture is a broken case.
//
// stderr is compared too, except for dd, which reports its transfer rate
// there. Busybox names the applet, not argv[0], in its messages.

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// busyboxInputs are deterministic files the applets read.
type busyboxInputs struct {
	dir    string
	text   string // ~100 KB of lines with words and numbers
	sorted string // text's lines, sorted, with duplicates (for uniq)
	data   string // 256 KB of pseudo-random bytes
	b64    string // base64 of text, wrapped at 76 columns like busybox
	lsdir  string // fixed names, sizes, modes and mtimes
}

var (
	inputsOnce sync.Once
	inputs     busyboxInputs
	inputsErr  error
)

// sharedInputs creates the input files once per test binary run.
func sharedInputs(t *testing.T) busyboxInputs {
	t.Helper()
	inputsOnce.Do(func() { inputs, inputsErr = makeInputs() })
	if inputsErr != nil {
		t.Fatalf("creating busybox inputs: %v", inputsErr)
	}
	return inputs
}

func makeInputs() (busyboxInputs, error) {
	dir, err := os.MkdirTemp("", "ferry-busybox-")
	if err != nil {
		return busyboxInputs{}, err
	}
	in := busyboxInputs{
		dir:    dir,
		text:   filepath.Join(dir, "text.txt"),
		sorted: filepath.Join(dir, "sorted.txt"),
		data:   filepath.Join(dir, "data.bin"),
		b64:    filepath.Join(dir, "text.b64"),
		lsdir:  filepath.Join(dir, "lsdir"),
	}
	// A fixed xorshift sequence: the same files on every run and machine.
	state := uint64(0x2545f4914f6cdd1d)
	next := func() uint64 {
		state ^= state << 13
		state ^= state >> 7
		state ^= state << 17
		return state
	}
	words := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
		"iota", "kappa", "lambda", "Mu", "NU", "xi", "omicron", "pi"}
	var text bytes.Buffer
	var lines []string
	// Sized for the interpreter, the slowest engine: the regex- and
	// sort-heavy applets on this file dominate the suite's run time.
	for i := 0; text.Len() < 100_000; i++ {
		r := next()
		line := fmt.Sprintf("line %d %s %d word%d %d.%02d", i, words[r%16], (r>>8)%1000,
			(r>>20)%5000, (r>>32)%100, (r>>40)%100)
		text.WriteString(line + "\n")
		lines = append(lines, fmt.Sprintf("%s %d", words[r%16], (r>>8)%7))
	}
	sort.Strings(lines)
	var b64 strings.Builder
	enc := base64.StdEncoding.EncodeToString(text.Bytes())
	for len(enc) > 76 {
		b64.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	b64.WriteString(enc + "\n")
	data := make([]byte, 256<<10)
	for i := range data {
		data[i] = byte(next() >> 56)
	}
	files := map[string][]byte{
		in.text:   text.Bytes(),
		in.sorted: []byte(strings.Join(lines, "\n") + "\n"),
		in.data:   data,
		in.b64:    []byte(b64.String()),
	}
	for name, content := range files {
		if err := os.WriteFile(name, content, 0o644); err != nil {
			return in, err
		}
	}
	// ls and stat see these only; nothing else reads them, so access times
	// do not matter and modification times stay fixed.
	if err := os.Mkdir(in.lsdir, 0o755); err != nil {
		return in, err
	}
	mtime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	for i, name := range []string{"a.txt", "B.bin", "c-long-name.data", "d", ".hidden"} {
		p := filepath.Join(in.lsdir, name)
		if name == "d" {
			err = os.Mkdir(p, 0o750)
		} else {
			err = os.WriteFile(p, bytes.Repeat([]byte{'x'}, i*1000+7), 0o640)
		}
		if err != nil {
			return in, err
		}
		if err := os.Chmod(p, []os.FileMode{0o644, 0o600, 0o755, 0o750, 0o400}[i]); err != nil {
			return in, err
		}
		if err := os.Chtimes(p, mtime, mtime.Add(time.Duration(i)*time.Hour)); err != nil {
			return in, err
		}
	}
	if err := os.Symlink("a.txt", filepath.Join(in.lsdir, "link")); err != nil {
		return in, err
	}
	return in, os.Chtimes(in.lsdir, mtime, mtime)
}

// busyboxCase is one applet invocation: argv after "busybox".
type busyboxCase struct {
	name  string
	args  func(in busyboxInputs) []string
	stdin func(in busyboxInputs) string // file whose contents are stdin
	// want, if set, is the expected stdout for arm64 runs (see uname).
	want string
	// exitStatus is the oracle's expected exit status and noStdout says it
	// prints nothing. Checking the oracle against them keeps a broken case
	// (an unsupported option, a pattern matching nothing) from passing by
	// comparing two identical error exits.
	exitStatus int
	noStdout   bool
	// stderrVaries marks the cases whose stderr is not comparable (dd
	// reports its transfer rate there); the others compare stderr too.
	stderrVaries bool
}

func fixed(args ...string) func(busyboxInputs) []string {
	return func(busyboxInputs) []string { return args }
}

var busyboxCases = []busyboxCase{
	{name: "echo", args: fixed("echo", "-n", "hello", "", "world")},
	{name: "echo-e", args: fixed("echo", "-e", `tab\there\x41\0102\\ end\c ignored`)},
	{name: "cat", args: func(in busyboxInputs) []string { return []string{"cat", in.text, in.data} }},
	{name: "sha256sum", args: func(in busyboxInputs) []string { return []string{"sha256sum", in.text, in.data} }},
	{name: "md5sum", args: func(in busyboxInputs) []string { return []string{"md5sum", in.text, in.data} }},
	{name: "wc", args: func(in busyboxInputs) []string { return []string{"wc", in.text, in.data} }},
	{name: "wc-stdin", args: fixed("wc", "-l", "-w"), stdin: func(in busyboxInputs) string { return in.text }},
	{name: "sort", args: func(in busyboxInputs) []string { return []string{"sort", in.text} }},
	{name: "sort-numeric-key", args: func(in busyboxInputs) []string {
		return []string{"sort", "-t", " ", "-k4,4n", "-k2,2nr", in.text}
	}},
	{name: "sort-reverse-unique", args: func(in busyboxInputs) []string { return []string{"sort", "-r", "-u", in.sorted} }},
	{name: "uniq-count", args: fixed("uniq", "-c"), stdin: func(in busyboxInputs) string { return in.sorted }},
	{name: "uniq-dup", args: func(in busyboxInputs) []string { return []string{"uniq", "-d", "-i", in.sorted} }},
	{name: "tr-upper", args: fixed("tr", "a-z", "A-Z"), stdin: func(in busyboxInputs) string { return in.text }},
	{name: "tr-delete-squeeze", args: fixed("tr", "-s", "-d", "0-9", " "), stdin: func(in busyboxInputs) string { return in.text }},
	{name: "sed", args: func(in busyboxInputs) []string {
		return []string{"sed", "-e", `s/word\([0-9]*\)/W<\1>/g`, "-e", "/7$/d", "-e", "y/abc/ABC/", in.text}
	}},
	{name: "sed-range", args: func(in busyboxInputs) []string { return []string{"sed", "-n", "100,140p;$=", in.text} }},
	{name: "awk", args: func(in busyboxInputs) []string {
		return []string{"awk", `{ s += $4; n[$3]++; if ($6 > m) m = $6 }
			END { printf "%d %.6f %.2f\n", NR, s / NR, m; c = 0; for (k in n) c++; print c, n["pi"] }`, in.text}
	}},
	{name: "awk-fields", args: func(in busyboxInputs) []string {
		return []string{"awk", "-F", " ", `NR % 97 == 0 { printf "%s|%5.1f|%x\n", toupper($3), $6 * 3, $4 }`, in.text}
	}},
	{name: "grep-count", args: func(in busyboxInputs) []string { return []string{"grep", "-c", "word1", in.text} }},
	{name: "grep-regex", args: func(in busyboxInputs) []string {
		return []string{"grep", "-n", "-E", "word(12|34)5 |^line 9+ ", in.text}
	}},
	{name: "grep-invert-icase", args: func(in busyboxInputs) []string {
		return []string{"grep", "-v", "-i", "-e", "alpha", "-e", "BETA", "-e", "word1", in.text}
	}},
	{name: "grep-nomatch", exitStatus: 1, noStdout: true, args: func(in busyboxInputs) []string { return []string{"grep", "no such text", in.text} }},
	{name: "bzip2", args: func(in busyboxInputs) []string { return []string{"bzip2", "-c", in.text} }},
	{name: "gzip", args: func(in busyboxInputs) []string { return []string{"gzip", "-c", "-9", in.text} }},
	{name: "gzip-stdin", args: fixed("gzip", "-c", "-1"), stdin: func(in busyboxInputs) string { return in.data }},
	{name: "od", args: func(in busyboxInputs) []string { return []string{"od", "-A", "x", "-t", "x1", "-N", "4096", in.data} }},
	{name: "od-d4", args: func(in busyboxInputs) []string {
		return []string{"od", "-t", "d4", "-j", "1000", "-N", "2048", in.data}
	}},
	{name: "expr-arith", args: fixed("expr", "12345", "*", "6789", "%", "1000", "+", "-7")},
	{name: "expr-match", args: fixed("expr", "abcdef", ":", "a\\(.*\\)e")},
	{name: "expr-false", exitStatus: 1, args: fixed("expr", "0", "&", "1")}, // prints 0
	{name: "printf", args: fixed("printf", `%s|%5d|%-5x|%o|%c|%e|%.3f|%g|%%\n`, "str", "42", "255", "8", "Z",
		"12345.678", "3.14159", "0.0001")},
	{name: "printf-repeat", args: fixed("printf", `[%3s]`, "a", "bb", "cccc", "dd")},
	{name: "seq", args: fixed("seq", "1", "7", "1000")},
	{name: "seq-float", args: fixed("seq", "-s", ",", "-w", "0.5", "0.25", "3")},
	{name: "ls", args: func(in busyboxInputs) []string { return []string{"ls", "-1", in.lsdir} }},
	{name: "ls-long", args: func(in busyboxInputs) []string { return []string{"ls", "-lan", in.lsdir} }},
	{name: "ls-sorted", args: func(in busyboxInputs) []string { return []string{"ls", "-nS", "-r", "-l", in.lsdir} }},
	{name: "stat", args: func(in busyboxInputs) []string {
		return []string{"stat", "-c", "%n %s %a %A %F %h %i %u %g %Y %y",
			filepath.Join(in.lsdir, "a.txt"), filepath.Join(in.lsdir, "d"), filepath.Join(in.lsdir, "B.bin")}
	}},
	{name: "stat-link", args: func(in busyboxInputs) []string {
		return []string{"stat", "-c", "%N %F", filepath.Join(in.lsdir, "link")}
	}},
	{name: "date-epoch", args: fixed("date", "-u", "-d", "@0")},
	{name: "date-format", args: fixed("date", "-u", "-d", "@1234567890", "+%Y-%m-%d %H:%M:%S %j %a %b %s %%")},
	// The one case whose oracle is the Arm ABI rather than the amd64
	// build: uname -m must report the guest architecture.
	{name: "uname-m", args: fixed("uname", "-m"), want: "aarch64\n"},
	{name: "basename", args: fixed("basename", "/a/b/c.txt", ".txt")},
	{name: "dirname", args: fixed("dirname", "/a/b/c.txt")},
	{name: "cut-fields", args: func(in busyboxInputs) []string { return []string{"cut", "-d", " ", "-f", "2,4-5", in.text} }},
	{name: "cut-chars", args: fixed("cut", "-c", "3-9,12"), stdin: func(in busyboxInputs) string { return in.text }},
	{name: "head", args: func(in busyboxInputs) []string { return []string{"head", "-n", "25", in.text} }},
	{name: "head-bytes", args: func(in busyboxInputs) []string { return []string{"head", "-c", "1000", in.data} }},
	{name: "tail", args: func(in busyboxInputs) []string { return []string{"tail", "-n", "30", in.text} }},
	{name: "tail-bytes", args: func(in busyboxInputs) []string { return []string{"tail", "-c", "+199000", in.data} }},
	{name: "xxd", args: func(in busyboxInputs) []string { return []string{"xxd", "-l", "2048", in.data} }},
	{name: "xxd-plain", args: func(in busyboxInputs) []string { return []string{"xxd", "-p", "-s", "100", "-l", "512", in.data} }},
	{name: "base64", args: func(in busyboxInputs) []string { return []string{"base64", in.data} }},
	{name: "base64-decode", args: fixed("base64", "-d"), stdin: func(in busyboxInputs) string { return in.b64 }},
	{name: "dd", stderrVaries: true, args: func(in busyboxInputs) []string {
		return []string{"dd", "if=" + in.data, "bs=4096", "skip=3", "count=5"}
	}},
	{name: "dd-conv", stderrVaries: true, args: func(in busyboxInputs) []string {
		return []string{"dd", "if=" + in.text, "bs=1000", "count=3", "conv=swab,sync"}
	}},
	{name: "false-status", exitStatus: 1, noStdout: true, args: fixed("false")},
	{name: "cat-missing", exitStatus: 1, noStdout: true, args: func(in busyboxInputs) []string { return []string{"cat", filepath.Join(in.dir, "missing")} }},
}

func TestBusybox(t *testing.T) {
	for _, c := range busyboxCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			testBusyboxCase(t, c)
		})
	}
}

func testBusyboxCase(t *testing.T, c busyboxCase) {
	in := sharedInputs(t)
	arm64 := arm64Busybox(t)
	needFile(t, nativeBusybox, "deps")
	inv := invocation{argv: append([]string{"busybox"}, c.args(in)...), dir: in.dir}
	if c.stdin != nil {
		b, err := os.ReadFile(c.stdin(in))
		if err != nil {
			t.Fatal(err)
		}
		inv.stdin = b
	}
	arm64Inv := inv
	arm64Inv.argv = append([]string{arm64}, inv.argv[1:]...)

	want := run(t, nativeRunner(nativeBusybox), inv)
	if c.want != "" {
		want.stdout = []byte(c.want)
	}
	if want.status != fmt.Sprintf("exit %d", c.exitStatus) || (len(want.stdout) == 0) != c.noStdout {
		t.Fatalf("oracle: %v; the case expects exit %d and noStdout=%v: the case is broken",
			want, c.exitStatus, c.noStdout)
	}
	for _, r := range arm64Runners() {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			needRunner(t, r)
			got := run(t, r, arm64Inv)
			compare(t, "arm64 busybox under "+r.name+" vs amd64 busybox", want, got, !c.stderrVaries)
		})
	}
}

// arm64Runners are the ways to run an arm64 program: the qemu oracle and
// ferry with each engine.
func arm64Runners() []runner {
	runners := []runner{qemuRunner}
	for _, e := range engines {
		runners = append(runners, ferryRunner(e))
	}
	return runners
}

// needRunner fails t unless what r starts is available.
func needRunner(t *testing.T, r runner) {
	t.Helper()
	if r.name == "qemu" {
		needQEMU(t)
	} else {
		needFerry(t)
	}
}

// TestBusyboxRoundTrip compresses and decompresses with the arm64 busybox
// alone (both steps translated) and checks the original comes back, and
// that Go's decoders accept the compressed stream.
func TestBusyboxRoundTrip(t *testing.T) {
	formats := []struct {
		compress, decompress string
		goReader             func(io.Reader) (io.Reader, error)
	}{
		{"gzip", "gunzip", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
		{"bzip2", "bunzip2", func(r io.Reader) (io.Reader, error) { return bzip2.NewReader(r), nil }},
	}
	for _, f := range formats {
		t.Run(f.compress, func(t *testing.T) {
			t.Parallel()
			in := sharedInputs(t)
			arm64 := arm64Busybox(t)
			original, err := os.ReadFile(in.text)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range arm64Runners() {
				t.Run(r.name, func(t *testing.T) {
					t.Parallel()
					needRunner(t, r)
					packed := run(t, r, invocation{argv: []string{arm64, f.compress, "-c"}, stdin: original, dir: in.dir})
					if packed.status != "exit 0" || len(packed.stdout) == 0 {
						t.Fatalf("%s: %v", f.compress, packed)
					}
					rd, err := f.goReader(bytes.NewReader(packed.stdout))
					if err == nil {
						var viaGo []byte
						viaGo, err = io.ReadAll(rd)
						if err == nil && !bytes.Equal(viaGo, original) {
							err = fmt.Errorf("decodes to %d different bytes", len(viaGo))
						}
					}
					if err != nil {
						t.Errorf("Go's %s decoder rejects the guest's output: %v", f.compress, err)
					}
					unpacked := run(t, r, invocation{argv: []string{arm64, f.decompress, "-c"}, stdin: packed.stdout, dir: in.dir})
					compare(t, f.decompress+" of "+f.compress, result{stdout: original, status: "exit 0"}, unpacked, false)
				})
			}
		})
	}
}

// TestBusyboxProcessName checks the host process name (comm) a guest gets,
// which pidof, ps and busybox itself read: the kernel names a process after
// the file it executes and a forked child after its parent; busybox renames
// itself after the applet it runs (and a re-exec through /proc/self/exe is
// named "exe" until it does). Under ferry the host executed ferry, so ferry
// must name the process. The native oracle runs through applet links; ferry
// gets the link as -argv0, as busybox-test's launcher passes it.
func TestBusyboxProcessName(t *testing.T) {
	arm64 := arm64Busybox(t)
	needFile(t, nativeBusybox, "deps")
	dir := t.TempDir()
	for _, applet := range []string{"sh", "pidof"} {
		if err := os.Symlink(nativeBusybox, filepath.Join(dir, applet)); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		argv []string // argv[0] is the applet link
	}{
		// The shell itself, a forked subshell, an applet it runs in a
		// child (NOEXEC), one it re-executes /proc/self/exe for.
		{"sh", []string{filepath.Join(dir, "sh"), "-c",
			`read a </proc/$$/comm; (read b </proc/self/comm; echo "$a $b"); cat /proc/self/comm; exec cat /proc/self/comm`}},
		// pidof finds itself by name (busybox's testsuite: "pidof pidof").
		{"pidof", []string{filepath.Join(dir, "pidof"), "pidof"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := run(t, nativeRunner(c.argv[0]), invocation{argv: c.argv, dir: dir})
			if want.status != "exit 0" || len(want.stdout) == 0 {
				t.Fatalf("oracle: %v", want)
			}
			for _, e := range engines {
				got := run(t, runner{name: e, command: func(inv invocation) (string, []string) {
					return ferryBin, append([]string{ferryBin, "-engine=" + e, "-argv0=" + inv.argv[0], arm64}, inv.argv[1:]...)
				}}, invocation{argv: c.argv, dir: dir})
				if c.name == "pidof" {
					// Pids differ: that it found one is the point.
					if got.status != "exit 0" || len(got.stdout) == 0 {
						t.Errorf("%s: pidof does not find itself: %v", e, got)
					}
					continue
				}
				compare(t, "process names under "+e, want, got, true)
			}
		})
	}
}
