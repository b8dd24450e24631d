package main

// Tests of the runtime loop and the command line: how ferry reports guest
// crashes (dying of the same signal the kernel would send) and bad input.

import (
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// tinyELF builds a static arm64 program whose code is words, loaded at
// 0x400000 with the code right after the headers.
func tinyELF(words ...uint32) []byte {
	const base, hdrs = 0x400000, 64 + 56
	le := binary.LittleEndian
	code := make([]byte, 4*len(words))
	for i, w := range words {
		le.PutUint32(code[4*i:], w)
	}
	f := make([]byte, hdrs+len(code))
	copy(f, "\x7fELF\x02\x01\x01")
	le.PutUint16(f[16:], 2)   // ET_EXEC
	le.PutUint16(f[18:], 183) // EM_AARCH64
	le.PutUint32(f[20:], 1)
	le.PutUint64(f[24:], base+hdrs) // entry
	le.PutUint64(f[32:], 64)        // phoff
	le.PutUint16(f[52:], 64)
	le.PutUint16(f[54:], 56)
	le.PutUint16(f[56:], 1)
	ph := f[64:]
	le.PutUint32(ph[0:], 1) // PT_LOAD
	le.PutUint32(ph[4:], 5) // R+X
	le.PutUint64(ph[16:], base)
	le.PutUint64(ph[24:], base)
	le.PutUint64(ph[32:], uint64(len(f)))
	le.PutUint64(ph[40:], uint64(len(f)))
	le.PutUint64(ph[48:], 0x10000)
	copy(f[hdrs:], code)
	return f
}

const (
	insnSVC0      = 0xd4000001
	insnUDF0      = 0x00000000
	insnBRK1000   = 0xd4200000 | 1000<<5
	insnMovX0_16  = 0xd2800000 | 16<<5     // movz x0, #16
	insnMovX0High = 0xd2a00000 | 0x1000<<5 // movz x0, #0x1000, lsl #16
	insnLdrX1AtX0 = 0xf9400001             // ldr x1, [x0]
	insnMovX0_42  = 0xd2800000 | 42<<5     // movz x0, #42
	insnMovX8Exit = 0xd2800000 | 94<<5 | 8 // movz x8, #94 (exit_group)
)

func TestGuestEndings(t *testing.T) {
	needFerry(t)
	cases := []struct {
		name   string
		code   []uint32
		status string
		stderr string
	}{
		{"exit", []uint32{insnMovX0_42, insnMovX8Exit, insnSVC0}, "exit 42", ""},
		{"udf", []uint32{insnUDF0}, "signal illegal instruction",
			"ferry: illegal instruction at 0x400078: 00000000\n"},
		{"brk", []uint32{insnMovX0_42, insnBRK1000}, "signal trace/breakpoint trap",
			"ferry: breakpoint (brk #0x3e8) at 0x40007c\n"},
		{"segv", []uint32{insnMovX0High, insnLdrX1AtX0}, "signal segmentation fault",
			"ferry: segmentation fault at 0x10000000 (pc 0x40007c)\n"},
		{"null", []uint32{insnMovX0_16, insnLdrX1AtX0}, "signal segmentation fault",
			"ferry: segmentation fault at 0x10 (pc 0x40007c)\n"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		prog := filepath.Join(dir, c.name)
		if err := os.WriteFile(prog, tinyELF(c.code...), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, engine := range engines {
			t.Run(c.name+"/"+engine, func(t *testing.T) {
				res := run(t, ferryRunner(engine), invocation{argv: []string{prog}})
				if res.status != c.status || string(res.stderr) != c.stderr {
					t.Errorf("got %s, stderr %q; want %s, stderr %q", res.status, res.stderr, c.status, c.stderr)
				}
			})
		}
	}
}

func TestCommandLineErrors(t *testing.T) {
	needFerry(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "script")
	os.WriteFile(script, []byte("echo not a #! script\n"), 0o755)
	cases := []struct {
		args   []string
		status string
		stderr string // prefix of the first line
	}{
		{[]string{filepath.Join(dir, "missing")}, "exit 127", "ferry: " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{[]string{script}, "exit 126", "ferry: " + script + ": not an ELF program"},
		{[]string{dir}, "exit 126", "ferry: " + dir + ": is a directory"},
		{nil, "exit 2", "ferry: no program given"},
		{[]string{"-engine=nope", script}, "exit 2", "ferry: unknown engine \"nope\""},
	}
	for _, c := range cases {
		cmd := append([]string{ferryBin}, c.args...)
		res := run(t, runner{name: "ferry", command: func(invocation) (string, []string) { return ferryBin, cmd }}, invocation{})
		first, _, _ := strings.Cut(string(res.stderr), "\n")
		if res.status != c.status || !strings.HasPrefix(first, c.stderr) {
			t.Errorf("ferry %q: %s, stderr %q; want %s, stderr starting %q", c.args, res.status, res.stderr, c.status, c.stderr)
		}
	}
	res := run(t, runner{name: "ferry", command: func(invocation) (string, []string) {
		return ferryBin, []string{ferryBin, "-version"}
	}}, invocation{})
	if res.status != "exit 0" || !strings.HasPrefix(string(res.stdout), "ferry ") {
		t.Errorf("-version: %s, stdout %q", res.status, res.stdout)
	}
}

// TestEnvironmentPassedVerbatim checks that the guest's envp is exactly
// what ferry received: order, duplicates and entries without '=' included
// (os.Environ would drop the last two; os/exec would deduplicate, so the
// child is started with syscall.ForkExec).
func TestEnvironmentPassedVerbatim(t *testing.T) {
	needFerry(t)
	busybox := arm64Busybox(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"B=2", "A=1", "B=3", "NOEQUALS"}
	pid, err := syscall.ForkExec(ferryBin, []string{ferryBin, busybox, "env"}, &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{0, w.Fd(), 2},
	})
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(r)
	var ws syscall.WaitStatus
	syscall.Wait4(pid, &ws, 0, nil)
	if want := strings.Join(env, "\n") + "\n"; string(out) != want || ws.ExitStatus() != 0 {
		t.Errorf("guest environment %q (status %v), want %q", out, ws, want)
	}
}

// TestGoRuntimeEnvironment: the Go runtime variables in the guest's
// environment are the guest's, not ferry's. GODEBUG=gctrace=1 makes no
// collection of ferry's appear on the guest's stderr (the 40 forks and
// execs give every ferry of the tree megabytes to collect), and the guest
// and what it executes (another arm64 program, through ferry) still see
// them. Native busybox is the oracle. Left out: settings that act before
// main in the first ferry of a tree (GODEBUG=inittrace=1, or a heap limit
// so small that ferry's own package initialisation collects), which only
// a runtime that does not read the environment could avoid.
func TestGoRuntimeEnvironment(t *testing.T) {
	needFerry(t)
	busybox := arm64Busybox(t)
	needFile(t, nativeBusybox, "deps")
	env := []string{"GODEBUG=gctrace=1", "GOMAXPROCS=1", "GOGC=50", "GOMEMLIMIT=64MiB", "LC_ALL=C"}
	// Enough work to make ferry allocate (translations, a fork and an
	// exec per iteration) for tens of milliseconds.
	script := `echo "$GODEBUG $GOMAXPROCS $GOGC $GOMEMLIMIT"; i=0; while [ $i -lt 40 ]; do i=$((i+1)); x=$(busybox sh -c 'echo $GODEBUG'); done; echo $i $x`
	inv := invocation{argv: []string{busybox, "sh", "-c", script}, env: append(env, "PATH="+filepath.Dir(busybox)+":/usr/bin:/bin")}
	want := run(t, nativeRunner(nativeBusybox), invocation{argv: []string{"busybox", "sh", "-c", script}, env: append(env, "PATH=/bin:/usr/bin")})
	got := run(t, ferryRunner("jit"), inv)
	compare(t, "Go runtime variables", want, got, true)
}

// TestExecve runs execve from a guest: another arm64 program (through
// ferry again), a "#!" script whose interpreter is arm64, a native
// program, and checks that ignored signals survive the exec as on Linux.
func TestExecve(t *testing.T) {
	needFerry(t)
	busybox := arm64Busybox(t)
	script := filepath.Join(t.TempDir(), "script")
	os.WriteFile(script, []byte("#!"+busybox+" sh\necho script \"$@\"\nexit 7\n"), 0o755)
	cases := []struct {
		name   string
		argv   []string
		stdout string
		status string
	}{
		{"arm64", []string{busybox, "env", "-i", "X=1", busybox, "sh", "-c", "echo $X $0"}, "1 sh\n", "exit 0"},
		{"script", []string{busybox, "env", script, "a", "b c"}, "script a b c\n", "exit 7"},
		{"native", []string{busybox, "sh", "-c", "exec /bin/echo native"}, "native\n", "exit 0"},
		{"missing", []string{busybox, "env", "/nonexistent"}, "", "exit 127"},
		{"ignored-signal", []string{busybox, "sh", "-c", "trap '' INT; exec " + busybox + " sh -c 'kill -INT $$; echo alive'"}, "alive\n", "exit 0"},
		{"default-signal", []string{busybox, "sh", "-c", "exec " + busybox + " sh -c 'kill -INT $$; echo alive'"}, "", "signal interrupt"},
	}
	for _, c := range cases {
		for _, engine := range engines {
			t.Run(c.name+"/"+engine, func(t *testing.T) {
				res := run(t, ferryRunner(engine), invocation{argv: c.argv})
				if string(res.stdout) != c.stdout || res.status != c.status {
					t.Errorf("got %s, stdout %q; want %s, stdout %q (stderr %q)", res.status, res.stdout, c.status, c.stdout, res.stderr)
				}
			})
		}
	}
}

// forkTestSource exercises process creation: fork (memory copied, fds and
// FD_CLOEXEC kept, shared file mappings shared, the parent's pid as ppid),
// a child dying of a signal, posix_spawn (clone with CLONE_VM|CLONE_VFORK,
// then execve of /proc/self/exe, which must be the guest) and system()
// (which runs the host's /bin/sh).
const forkTestSource = `#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>

extern char **environ;
int global = 1;

int main(int argc, char **argv) {
	if (argc > 1 && strcmp(argv[1], "spawned") == 0) { printf("spawned child pid-differs=%d\n", getpid() != atoi(argv[2])); return 9; }
	int pfd[2]; pipe2(pfd, O_CLOEXEC);
	char path[] = "/tmp/ferry-fork-XXXXXX"; int sfd = mkstemp(path); unlink(path); ftruncate(sfd, 4096);
	int *shared = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 0);
	int *anon = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	anon[12345] = 77;
	pid_t parent = getpid();
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		global = 2; shared[0] = 42;
		char msg[100]; int n = snprintf(msg, sizeof msg, "child ppid-ok=%d cloexec-kept=%d anon=%d", getppid() == parent, fcntl(pfd[1], F_GETFD) == FD_CLOEXEC, anon[12345]);
		write(pfd[1], msg, n);
		_exit(5);
	}
	int st; waitpid(pid, &st, 0);
	char buf[200] = {0}; read(pfd[0], buf, sizeof buf - 1);
	printf("%s\nparent status=%d global=%d shared=%d\n", buf, WEXITSTATUS(st), global, shared[0]);
	pid = fork();
	if (pid == 0) { raise(SIGTERM); _exit(0); }
	waitpid(pid, &st, 0); printf("signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
	char pidbuf[20]; snprintf(pidbuf, sizeof pidbuf, "%d", getpid());
	char *args[] = {argv[0], "spawned", pidbuf, NULL};
	fflush(stdout);
	if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, args, environ) != 0) { puts("posix_spawn failed"); return 1; }
	waitpid(pid, &st, 0); printf("spawn status=%d\n", WEXITSTATUS(st));
	fflush(stdout);
	printf("system=%d\n", WEXITSTATUS(system("exit 3")));
	return 0;
}
`

func TestFork(t *testing.T) {
	needFerry(t)
	cc, err := exec.LookPath("aarch64-linux-gnu-gcc")
	if err != nil {
		t.Fatalf("the arm64 cross compiler is needed: %v", err)
	}
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "fork.c"), filepath.Join(dir, "fork")
	os.WriteFile(src, []byte(forkTestSource), 0o644)
	if out, err := exec.Command(cc, "-static", "-O2", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "child ppid-ok=1 cloexec-kept=1 anon=77\nparent status=5 global=1 shared=42\nsignaled=1 sig=15\n" +
		"spawned child pid-differs=1\nspawn status=9\nsystem=3\n"
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			res := run(t, ferryRunner(engine), invocation{argv: []string{bin}})
			if string(res.stdout) != want || res.status != "exit 0" {
				t.Errorf("got %s, stdout:\n%s\nwant:\n%s(stderr %q)", res.status, res.stdout, want, res.stderr)
			}
		})
	}
}

// TestShellJobs runs shell scripts that fork, pipe, wait and signal under
// the arm64 busybox and compares them with the amd64 busybox of the same
// version (qemu-user is no oracle here: it cannot run busybox applets
// through /proc/self/exe and reports timeout(1) wrongly).
func TestShellJobs(t *testing.T) {
	needFerry(t)
	busybox := arm64Busybox(t)
	scripts := []string{
		"echo hi | cat; seq 1 1000 | sort -rn | head -3",
		"x=$(echo sub; echo two); echo \"got $x\"; (exit 3); echo \"status $?\"",
		"(for i in 3 1 2; do (sleep 0.0$i; echo $i) & done; wait) | sort; echo all",
		"yes | head -2; echo \"pipe status ${PIPESTATUS:-ok}\"",
		"trap 'echo got-usr1' USR1; (sleep 0.1; kill -USR1 $$) & wait; echo after",
		// Whether ash prints "Terminated" depends on whether `wait` or an
		// earlier reap sees the death first, a race even natively (a child
		// that dies before `wait` starts is reported silently): the sleep
		// makes it the silent case on every engine and natively.
		"sleep 5 & kill $!; sleep 1; wait $!; echo \"killed status $?\"",
		"timeout 1 sleep 3; echo \"timeout $?\"",
		"i=0; while [ $i -lt 20 ]; do i=$((i+1)); /bin/true; done; echo loop $i",
		"exec 3>/dev/null; sh -c 'echo fd3 >&3 && echo inherited'",
		"umask 027; f=$(mktemp); stat -c %a $f; rm $f",
		// Namespaces pass through (CI runs as root).
		"unshare -u sh -c 'hostname ferry-ns; hostname'; unshare -m sh -c 'mount -t tmpfs none /mnt && touch /mnt/f && ls /mnt'",
	}
	for i, script := range scripts {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			inv := invocation{argv: []string{"sh", "-c", script}}
			want := run(t, runner{name: "native", command: func(inv invocation) (string, []string) {
				return nativeBusybox, inv.argv
			}}, inv)
			for _, engine := range engines {
				got := run(t, runner{name: engine, command: func(inv invocation) (string, []string) {
					return ferryBin, append([]string{ferryBin, "-engine=" + engine, busybox}, inv.argv...)
				}}, inv)
				if string(got.stdout) != string(want.stdout) || got.status != want.status || string(got.stderr) != string(want.stderr) {
					t.Errorf("%s: %q\n got %s stdout %q stderr %q\nwant %s stdout %q stderr %q", engine, script,
						got.status, got.stdout, got.stderr, want.status, want.stdout, want.stderr)
				}
			}
		})
	}
}
