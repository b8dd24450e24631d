package main

// /proc as guests see it, and as other processes see a ferry process.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ferry/elfload"
)

// TestProcCPUInfo checks /proc/cpuinfo against AT_HWCAP inside the guest
// (procself cpuinfo decodes AT_HWCAP with the kernel's names and compares
// every Features line) and against what ferry advertises.
func TestProcCPUInfo(t *testing.T) {
	needFerry(t)
	prog := guestPath(t, "procself")
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			res := run(t, ferryRunner(engine), invocation{argv: []string{prog, "cpuinfo"}})
			lines := strings.Split(strings.TrimSuffix(string(res.stdout), "\n"), "\n")
			if res.status != "exit 0" || len(lines) != 3 {
				t.Fatalf("got %s, stdout %q, stderr %q", res.status, res.stdout, res.stderr)
			}
			hwcap2 := "0"
			if elfload.HWCap2 != 0 {
				hwcap2 = fmt.Sprintf("%#x", elfload.HWCap2)
			}
			if want := fmt.Sprintf("hwcap=%#x hwcap2=%s in /proc/self/auxv=1", elfload.HWCap, hwcap2); lines[0] != want {
				t.Errorf("got %q, want %q", lines[0], want)
			}
			names := elfload.FeatureNames(elfload.HWCap, elfload.HWCap2)
			if want := "hwcap names= " + strings.Join(names, " "); lines[1] != want {
				t.Errorf("got %q, want %q", lines[1], want)
			}
			var blocks, cpus, match int
			if _, err := fmt.Sscanf(lines[2], "cpuinfo feature lines=%d all match=%d (cpus %d)", &blocks, &match, &cpus); err != nil ||
				match != 1 || blocks != cpus || cpus < 1 {
				t.Errorf("%q: want one matching Features line per online CPU", lines[2])
			}
		})
	}
}

// TestProcSelfMaps: the guest's maps list its program (by absolute path,
// with an r-xp mapping), heap and stack, and nothing of ferry: no ferry
// path, nothing at or above ferry's load address or in the Go heap.
func TestProcSelfMaps(t *testing.T) {
	needFerry(t)
	busybox := arm64Busybox(t)
	abs, err := filepath.EvalSymlinks(busybox)
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			res := run(t, ferryRunner(engine), invocation{argv: []string{busybox, "cat", "/proc/self/maps"}})
			if res.status != "exit 0" {
				t.Fatalf("%v", res)
			}
			var exeCode, stack, heap bool
			sc := bufio.NewScanner(strings.NewReader(string(res.stdout)))
			for sc.Scan() {
				l := sc.Text()
				var lo, hi, off, ino uint64
				var perms, dev string
				if n, _ := fmt.Sscanf(l, "%x-%x %s %x %s %d", &lo, &hi, &perms, &off, &dev, &ino); n != 6 {
					t.Fatalf("unparsable line %q", l)
				}
				fields := strings.Fields(l)
				name := ""
				if len(fields) > 5 {
					name = fields[5]
					if len(l) < 73 || l[73:] != name {
						t.Errorf("%q: the name must start at column 73, as the kernel pads it", l)
					}
				}
				switch {
				case strings.Contains(l, "ferry"), hi > 0x7e0000000000, lo < 0xc100000000 && hi > 0xc000000000:
					t.Errorf("translator memory in the guest's maps: %q", l)
				case name == abs && perms == "r-xp":
					exeCode = ino != 0
				case name == "[stack]":
					stack = true
				case name == "[heap]":
					heap = true
				}
			}
			if !exeCode || !stack || !heap {
				t.Errorf("maps lack the program's code (%v, with its inode), [stack] (%v) or [heap] (%v):\n%s", exeCode, stack, heap, res.stdout)
			}
		})
	}
}

// TestProcCmdline compares what busybox reads from /proc/self/cmdline and
// /proc/self/comm under ferry with the native busybox given the same argv.
func TestProcCmdline(t *testing.T) {
	needFerry(t)
	busybox := arm64Busybox(t)
	needFile(t, nativeBusybox, "deps")
	script := "od -c /proc/self/cmdline; cat /proc/self/comm; cut -d' ' -f2 /proc/self/stat; " +
		"cd /proc/self && od -c cmdline; md5sum </proc/self/exe >/dev/null && echo exe-readable"
	argv := []string{"busybox", "sh", "-c", script, "arg 1", ""}
	want := run(t, nativeRunner(nativeBusybox), invocation{argv: argv})
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			got := run(t, runner{name: engine, command: func(inv invocation) (string, []string) {
				return ferryBin, append([]string{ferryBin, "-engine=" + engine, "-argv0=busybox", busybox}, inv.argv[1:]...)
			}}, invocation{argv: argv})
			compare(t, "cmdline under ferry vs native", want, got, true)
		})
	}
}

// startSleeper starts argv (a busybox copy sleeping) and returns its pid.
func startSleeper(t *testing.T, path string, args ...string) int {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = guestEnv
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd.Process.Pid
}

// waitComm waits until the host kernel names pid name (a ferry process
// renames itself once it has loaded the guest).
func waitComm(t *testing.T, pid int, name string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
		if strings.TrimSpace(string(b)) == name {
			return
		}
	}
	t.Fatalf("pid %d never showed the name %q", pid, name)
}

// pidof runs "pidof name" with the command line path, args and reports
// the pids it printed and the pid it ran as.
func pidof(t *testing.T, path string, args ...string) (found []int, self int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = guestEnv
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	self = cmd.Process.Pid
	if err := cmd.Wait(); err != nil && out.Len() == 0 {
		t.Fatalf("%q: %v", args, err)
	}
	for _, f := range strings.Fields(out.String()) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("pidof printed %q", out.String())
		}
		found = append(found, n)
	}
	slices.Sort(found)
	return found, self
}

// TestPidof: busybox pidof (which matches a process by the name in
// /proc/PID/stat, the first string of /proc/PID/cmdline or the basename of
// /proc/PID/exe) finds a ferry-run program by its own name, from a native
// busybox and from a ferry-run one, and finds itself, exactly as it finds
// a native program. The programs are busybox copies with names of their
// own, so no other process on the machine matches.
func TestPidof(t *testing.T) {
	needFerry(t)
	needFile(t, nativeBusybox, "deps")
	dir := t.TempDir()
	suffix := strconv.Itoa(os.Getpid() % 100000)
	// busybox runs argv[1] as the applet when argv[0] starts with "busybox".
	guestName, nativeName := "busyboxg"+suffix, "busyboxn"+suffix
	guestCopy, nativeCopy := filepath.Join(dir, guestName), filepath.Join(dir, nativeName)
	for src, dst := range map[string]string{arm64Busybox(t): guestCopy, nativeBusybox: nativeCopy} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	nativeSleeper := startSleeper(t, nativeCopy, "sleep", "60")
	guestSleeper := startSleeper(t, ferryBin, guestCopy, "sleep", "60")
	waitComm(t, guestSleeper, guestName)
	// The name is what the kernel gives the native process for its file.
	waitComm(t, nativeSleeper, nativeName)

	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			ferryArgs := func(prog string, args ...string) []string {
				return append([]string{"-engine=" + engine, prog}, args...)
			}
			// pidof of another process.
			for _, c := range []struct {
				name        string
				path        string
				args        []string
				wantSleeper int
			}{
				{"native finds guest", nativeBusybox, []string{"pidof", guestName}, guestSleeper},
				{"guest finds guest", ferryBin, ferryArgs(arm64Busybox(t), "pidof", guestName), guestSleeper},
				{"guest finds native", ferryBin, ferryArgs(arm64Busybox(t), "pidof", nativeName), nativeSleeper},
				{"native finds native", nativeBusybox, []string{"pidof", nativeName}, nativeSleeper},
			} {
				found, _ := pidof(t, c.path, c.args...)
				if !slices.Equal(found, []int{c.wantSleeper}) {
					t.Errorf("%s: pidof printed %v, want [%d]", c.name, found, c.wantSleeper)
				}
			}
			// pidof finding itself too (its name is the sleeper's).
			found, self := pidof(t, ferryBin, ferryArgs(guestCopy, "pidof", guestName)...)
			if want := []int{min(self, guestSleeper), max(self, guestSleeper)}; !slices.Equal(found, want) {
				t.Errorf("guest pidof of its own name printed %v, want %v", found, want)
			}
			found, self = pidof(t, nativeCopy, "pidof", nativeName)
			if want := []int{min(self, nativeSleeper), max(self, nativeSleeper)}; !slices.Equal(found, want) {
				t.Errorf("native pidof of its own name printed %v, want %v (the oracle)", found, want)
			}
			// What ps and pgrep read from outside: the guest's command line.
			b, err := os.ReadFile("/proc/" + strconv.Itoa(guestSleeper) + "/cmdline")
			if want := guestCopy + "\x00sleep\x0060\x00"; err != nil || string(b) != want {
				t.Errorf("/proc/%d/cmdline = %q, want %q", guestSleeper, b, want)
			}
		})
	}
}

// argAreaHelperEnv makes the test binary, run by TestArgAreaFallback, copy
// a command line over its own argument area and print what the kernel
// then shows in /proc/self/cmdline.
const argAreaHelperEnv = "FERRY_TEST_ARG_AREA"

func argAreaHelper() int {
	captureHostArgs()
	if hostArgArea == nil {
		fmt.Fprintln(os.Stderr, "argument strings not contiguous")
		return 3
	}
	// The environment cannot hold NULs: "|" stands for them.
	fillArgArea(hostArgArea, []byte(strings.ReplaceAll(os.Getenv(argAreaHelperEnv), "|", "\x00")))
	b, err := os.ReadFile("/proc/self/cmdline")
	if err != nil {
		return 4
	}
	os.Stdout.Write(b)
	return 0
}

// TestArgAreaFallback: where PR_SET_MM_MAP is refused, ferry's argument
// area shows the guest's command line: the kernel reads exactly that area,
// NUL-padded when the guest's is shorter, cut (still NUL-terminated) when
// it is longer.
func TestArgAreaFallback(t *testing.T) {
	args := []string{os.Args[0], "-test.run=^$", "some padding", "more"}
	area := len(strings.Join(args, "\x00")) + 1
	for _, c := range []struct{ cmdline, want string }{
		{"guest\x00arg 1\x00", "guest\x00arg 1\x00" + strings.Repeat("\x00", area-len("guest\x00arg 1\x00"))},
		{strings.Repeat("g", area+10) + "\x00", strings.Repeat("g", area-1) + "\x00"},
	} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), argAreaHelperEnv+"="+strings.ReplaceAll(c.cmdline, "\x00", "|"))
		out, err := cmd.Output()
		if err != nil || string(out) != c.want {
			t.Errorf("cmdline %q (%v), want %q", out, err, c.want)
		}
	}
}

func TestFillArgArea(t *testing.T) {
	area := []byte("ferry\x00-engine=jit\x00prog\x00")
	n := len(area)
	fillArgArea(area, []byte("prog\x00a\x00"))
	if want := "prog\x00a\x00" + strings.Repeat("\x00", n-7); string(area) != want {
		t.Errorf("%q, want %q", area, want)
	}
	fillArgArea(area, []byte(strings.Repeat("x", 40)))
	if want := strings.Repeat("x", n-1) + "\x00"; string(area) != want {
		t.Errorf("%q, want %q", area, want)
	}
}
