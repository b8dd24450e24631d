package main

// binfmt_misc tests: real registrations with the kernel, in a sandbox.
//
// Each test runs its shell script in a new user namespace (uids and gids
// 0..65535 mapped to themselves, so root stays root and setpriv can become
// nobody) and mount namespace, where a private binfmt_misc instance
// (Linux ≥ 6.7) is mounted over /proc/sys/fs/binfmt_misc and a tmpfs over
// /run (where install --force saves what it replaces). Registrations made
// there apply only to the script's processes and vanish with the
// namespace: the host's entries (a qemu-aarch64 registration, another
// engineer's test entries) are never touched, and nothing can be left
// behind, even when a test fails or is killed. The tests skip, saying
// why, only when not root or when binfmt_misc cannot be mounted so.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const sandboxPrologue = `
mount --make-rprivate / 2>/dev/null
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || exit 99
mount -t tmpfs tmpfs /run || exit 99
`

type sandboxResult struct {
	stdout, stderr string
	status         int
}

// sandbox runs script with bash in a fresh binfmt sandbox, in dir, with
// env (and FERRY, QEMU set to the binaries' paths).
func sandbox(t *testing.T, dir, script string, env ...string) sandboxResult {
	t.Helper()
	cmd := exec.Command("/bin/bash", "-c", sandboxPrologue+script)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "FERRY=" + ferryBin, "QEMU=" + qemuPath}, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:                 syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}},
		GidMappingsEnableSetgroups: true,
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the sandbox: %v", err)
	}
	timer := time.AfterFunc(runTimeout, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	if !timer.Stop() {
		t.Fatalf("sandbox script timed out:\n%s\nstdout %q\nstderr %q", script, stdout.String(), stderr.String())
	}
	res := sandboxResult{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return res
}

var (
	sandboxOnce sync.Once
	sandboxWhy  string
)

// needBinfmtSandbox skips the test if binfmt sandboxes are impossible.
func needBinfmtSandbox(t *testing.T) {
	t.Helper()
	needFerry(t)
	if os.Geteuid() != 0 {
		t.Skip("binfmt_misc tests need root")
	}
	sandboxOnce.Do(func() {
		if r := sandbox(t, "", "true"); r.status != 0 {
			sandboxWhy = fmt.Sprintf("binfmt_misc cannot be mounted in a private user namespace (Linux ≥ 6.7 needed): exit %d, %s",
				r.status, strings.TrimSpace(r.stderr))
		}
	})
	if sandboxWhy != "" {
		t.Skip(sandboxWhy)
	}
}

// binfmtDirWith makes a directory everyone can enter, holding copies of
// the given programs (name → source) with mode.
func binfmtDirWith(t *testing.T, mode os.FileMode, progs map[string]string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ferry-bf-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	for name, src := range progs {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, data, mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dst, mode)
	}
	return dir
}

// scriptSections splits a sandbox script's output at its "== NAME" lines:
// what follows each, by NAME.
func scriptSections(stdout string) map[string]string {
	sec := map[string]string{}
	for _, s := range strings.Split(stdout, "== ")[1:] {
		name, body, _ := strings.Cut(s, "\n")
		sec[name] = body
	}
	return sec
}

// qemuRegistration registers qemu-aarch64 as an oracle with flags.
func qemuRegistration(name, flags string) string {
	e := binfmtEntry{Name: name, Interpreter: qemuPath, Flags: flags,
		Magic: hex.EncodeToString(aarch64Magic), Mask: hex.EncodeToString(aarch64Mask)}
	return e.registration()
}

// TestBinfmtRun registers ferry with flags F, PF, OF and POCF and runs
// arm64 programs as ./prog, by absolute path, under another argv[0] and
// from a native shell; argv and environment must be what qemu-aarch64
// registered with the same flags gives, and under P what the native
// amd64 build gives (the kernel passes the real argv[0]).
func TestBinfmtRun(t *testing.T) {
	needBinfmtSandbox(t)
	needQEMU(t)
	dir := binfmtDirWith(t, 0o755, map[string]string{
		"hello": guestPath(t, "hello"), "hello-native": nativePath(t, "hello"),
		// A guest program named like ferry's subcommand.
		"binfmt": guestPath(t, "hello"),
	})
	commands := `
echo "== dot"; env -i FOO=bar ./$P a "b c"; echo "status $?"
echo "== abs"; env -i FOO=bar "$PWD/$P" abs; echo "status $?"
echo "== argv0"; env -i FOO=bar bash -c 'exec -a custom ./$0 x' "$P"; echo "status $?"
echo "== shell"; env -i FOO=bar /bin/sh -c './$0 from-sh' "$P"; echo "status $?"
`
	for _, flags := range []string{"F", "PF", "OF", "POCF"} {
		t.Run(flags, func(t *testing.T) {
			qemu := sandbox(t, dir, `printf '%s' "$REG" > /proc/sys/fs/binfmt_misc/register || exit 98
P=hello`+commands, "REG="+qemuRegistration("qemu-oracle", flags))
			install := `$FERRY binfmt install --flags=` + flags + ` >/dev/null || exit 98
`
			ferry := sandbox(t, dir, install+"P=hello"+commands)
			named := sandbox(t, dir, install+"P=binfmt"+commands)
			native := sandbox(t, dir, "P=hello-native"+commands)
			if qemu.status != 0 || ferry.status != 0 || native.status != 0 {
				t.Fatalf("exit statuses: qemu %d (%s), ferry %d (%s), native %d (%s)", qemu.status, qemu.stderr,
					ferry.status, ferry.stderr, native.status, native.stderr)
			}
			// A program named binfmt is a program under binfmt_misc.
			if strings.ReplaceAll(named.stdout, "binfmt", "hello") != ferry.stdout {
				t.Errorf("./binfmt under binfmt_misc is not run as a program:\n%s\nwant\n%s", named.stdout, ferry.stdout)
			}
			hello := ferry.stdout
			sections := func(out string) map[string]string {
				m := map[string]string{}
				for _, sec := range strings.Split(out, "== ")[1:] {
					name, body, _ := strings.Cut(sec, "\n")
					a, env := helloView([]byte(body))
					m[name] = a + "\n" + strings.Join(env, "\n")
				}
				return m
			}
			q, f, n := sections(qemu.stdout), sections(hello), sections(strings.ReplaceAll(native.stdout, "hello-native", "hello"))
			for _, name := range []string{"dot", "abs", "argv0", "shell"} {
				if f[name] != q[name] {
					t.Errorf("%s: ferry\n%s\nqemu-aarch64 (flags %s)\n%s", name, f[name], flags, q[name])
				}
				if strings.Contains(flags, "P") && f[name] != n[name] {
					t.Errorf("%s: ferry\n%s\nnative\n%s", name, f[name], n[name])
				}
			}
			if !strings.Contains(flags, "P") && !strings.Contains(f["argv0"], "argv[0]="+dir+"/hello") &&
				!strings.Contains(f["argv0"], "argv[0]=./hello") {
				t.Errorf("without P, argv[0] is the path executed: %s", f["argv0"])
			}
		})
	}
}

// TestBinfmtOpenBinary: an execute-only program (mode 0711, run as
// nobody) runs through ferry with the O flag, as it does natively, and is
// refused without it (ferry cannot read it, nor can qemu).
func TestBinfmtOpenBinary(t *testing.T) {
	needBinfmtSandbox(t)
	dir := binfmtDirWith(t, 0o711, map[string]string{"hello": guestPath(t, "hello"), "hello-native": nativePath(t, "hello")})
	const asNobody = "env -i FOO=bar setpriv --reuid=65534 --regid=65534 --clear-groups "
	native := sandbox(t, dir, asNobody+"./hello-native x")
	if native.status != 0 {
		t.Fatalf("native: exit %d, %s", native.status, native.stderr)
	}
	for _, flags := range []string{"OF", "POF"} {
		r := sandbox(t, dir, `$FERRY binfmt install --flags=`+flags+` >/dev/null || exit 98
`+asNobody+"./hello x")
		if want := strings.ReplaceAll(native.stdout, "hello-native", "hello"); r.status != 0 || r.stdout != want {
			t.Errorf("flags %s: exit %d, stdout %q, stderr %q; want %q", flags, r.status, r.stdout, r.stderr, want)
		}
	}
	r := sandbox(t, dir, `$FERRY binfmt install --flags=F >/dev/null || exit 98
`+asNobody+"./hello x")
	if r.status != 126 || !strings.Contains(r.stderr, "ferry: ./hello: ") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("flags F: exit %d, stderr %q; want 126 and one ferry: line", r.status, r.stderr)
	}
}

// TestBinfmtChroot: a chroot holding only the arm64 busybox (no ferry, no
// /proc at first) runs through ferry registered with F: the program, its
// execve of other arm64 programs and its forks (re-executing ferry through
// its descriptor or /proc, or, without any way to reach it, through
// binfmt_misc again), also when the guest of a ferry started outside
// chroot(2)s there itself. The output is the amd64 busybox's in the same chroot natively,
// but for uname -m.
func TestBinfmtChroot(t *testing.T) {
	needBinfmtSandbox(t)
	arm := binfmtDirWith(t, 0o755, map[string]string{"bin/busybox": arm64Busybox(t)})
	native := binfmtDirWith(t, 0o755, map[string]string{"bin/busybox": nativeBusybox})
	for _, root := range []string{arm, native} {
		for _, l := range []string{"sh", "echo", "cat", "uname", "ls"} {
			os.Symlink("busybox", filepath.Join(root, "bin", l))
		}
		os.Mkdir(filepath.Join(root, "proc"), 0o755)
	}
	const script = `
echo "== direct"; chroot "$ROOT" /bin/busybox echo hi; echo "status $?"
echo "== exec"; chroot "$ROOT" /bin/sh -c 'exec /bin/busybox uname -m'; echo "status $?"
echo "== exec-chain"; chroot "$ROOT" /bin/sh -c 'exec /bin/sh -c "exec /bin/echo two levels"'; echo "status $?"
echo "== fork-noproc"; chroot "$ROOT" /bin/sh -c 'echo $(/bin/echo substituted); /bin/uname -m; echo after'; echo "status $?"
echo "== guest-chroot"; $GUEST_CHROOT "$ROOT" /bin/sh -c 'echo $(/bin/echo substituted); exec /bin/uname -m'; echo "status $?"
mount --rbind /proc "$ROOT/proc" || exit 97
echo "== fork"; chroot "$ROOT" /bin/sh -c 'echo $(/bin/echo substituted); /bin/uname -m | /bin/cat; echo after'; echo "status $?"
echo "== self"; chroot "$ROOT" /bin/sh -c 'ls /proc/self/exe && echo proc works'; echo "status $?"
`
	// guest-chroot: ferry run by hand outside, its guest chroot(2)s into
	// the root and executes and forks there.
	want := sandbox(t, "", script, "ROOT="+native, "GUEST_CHROOT="+nativeBusybox+" chroot")
	got := sandbox(t, "", "$FERRY binfmt install >/dev/null || exit 98\n"+script, "ROOT="+arm,
		"GUEST_CHROOT="+ferryBin+" "+arm64Busybox(t)+" chroot")
	if want.status != 0 || got.status != 0 {
		t.Fatalf("native: exit %d %s; ferry: exit %d %s", want.status, want.stderr, got.status, got.stderr)
	}
	w := strings.ReplaceAll(want.stdout, "x86_64", "aarch64")
	if got.stdout != w {
		t.Errorf("in a chroot with only arm64 busybox:\n%s\nnative:\n%s\nstderr %q", got.stdout, w, got.stderr)
	}
}

// TestBinfmtInstallRefuseForceRestore: install refuses an arm64 magic
// another entry claims, naming it; --force replaces it and uninstall puts
// it back exactly; uninstall removes only ferry's entry; status and
// --json report both; not root is refused.
func TestBinfmtInstallRefuseForceRestore(t *testing.T) {
	needBinfmtSandbox(t)
	needQEMU(t)
	const script = `
B=/proc/sys/fs/binfmt_misc
printf '%s' "$REG" > $B/register || exit 98
printf '%s' ':unrelated:E::jar::/bin/true:' > $B/register || exit 98
before=$(cat $B/qemu-aarch64)
echo "== refuse"; $FERRY binfmt install; echo "status $?"
echo "== not-root"; setpriv --reuid=65534 --regid=65534 --clear-groups $FERRY binfmt install --force; echo "status $?"
echo "== force"; $FERRY binfmt install --force --flags=PF; echo "status $?"
test -e $B/qemu-aarch64 && echo "qemu still there"
echo "== json"; $FERRY binfmt status --json; echo "status $?"
echo "== human"; $FERRY binfmt status; echo "status $?"
echo "== uninstall"; $FERRY binfmt uninstall; echo "status $?"
test -e $B/ferry-aarch64 && echo "ferry still there"
test "$(cat $B/qemu-aarch64)" = "$before" && echo "qemu restored"
test -e $B/unrelated && echo "unrelated kept"
echo "== status-after"; $FERRY binfmt status; echo "status $?"
echo "== uninstall-again"; $FERRY binfmt uninstall; echo "status $?"
`
	r := sandbox(t, "", script, "REG="+qemuRegistration("qemu-aarch64", "F"))
	if r.status != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
	sec := scriptSections(r.stdout)
	stderrLines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(stderrLines) != 2 ||
		stderrLines[0] != "ferry: binfmt install: arm64 programs are already claimed by qemu-aarch64 ("+qemuPath+"); --force replaces it" ||
		stderrLines[1] != "ferry: binfmt install: must be run as root" {
		t.Errorf("stderr %q", r.stderr)
	}
	if sec["refuse"] != "status 1\n" || sec["not-root"] != "status 1\n" {
		t.Errorf("refuse: %q, not root: %q", sec["refuse"], sec["not-root"])
	}
	if !strings.HasPrefix(sec["force"], "ferry: replaced qemu-aarch64 ("+qemuPath+", flags F)") ||
		!strings.Contains(sec["force"], "ferry: registered ferry-aarch64: arm64 ELF programs run with "+ferryBin+" (flags PF)\nstatus 0\n") {
		t.Errorf("force: %q", sec["force"])
	}
	var rep struct {
		Mounted, Enabled bool
		Entries          []binfmtEntry
	}
	js, _, _ := strings.Cut(sec["json"], "status ")
	if err := json.Unmarshal([]byte(js), &rep); err != nil || !strings.HasSuffix(sec["json"], "status 0\n") {
		t.Fatalf("status --json: %v: %q", err, sec["json"])
	}
	wantEntry := binfmtEntry{Name: "ferry-aarch64", Enabled: true, Interpreter: ferryBin, Flags: "PF",
		Magic: hex.EncodeToString(aarch64Magic), Mask: hex.EncodeToString(aarch64Mask), Ferry: true}
	if !rep.Mounted || !rep.Enabled || len(rep.Entries) != 1 || rep.Entries[0] != wantEntry {
		t.Errorf("status --json: %+v, want only %+v", rep, wantEntry)
	}
	if !strings.Contains(sec["human"], "ferry-aarch64: ferry, enabled, interpreter "+ferryBin+`, flags "PF"`) {
		t.Errorf("status: %q", sec["human"])
	}
	if sec["uninstall"] != "ferry: removed ferry-aarch64\nferry: restored qemu-aarch64\nstatus 0\nqemu restored\nunrelated kept\n" {
		t.Errorf("uninstall: %q", sec["uninstall"])
	}
	if !strings.Contains(sec["status-after"], "qemu-aarch64: other arm64 entry, enabled, interpreter "+qemuPath) ||
		!strings.Contains(sec["status-after"], "ferry-aarch64: not registered\nstatus 1\n") {
		t.Errorf("status after uninstall: %q", sec["status-after"])
	}
	if sec["uninstall-again"] != "ferry: ferry-aarch64 is not registered\nstatus 0\n" {
		t.Errorf("second uninstall: %q", sec["uninstall-again"])
	}
}

// TestBinfmtUnmounted: in a mount namespace where binfmt_misc is not
// mounted (a privileged container's, where the uninstall Job runs),
// status and uninstall mount it themselves, act on the entries that are
// there, and leave it unmounted as they found it.
func TestBinfmtUnmounted(t *testing.T) {
	needBinfmtSandbox(t)
	const script = `
B=/proc/sys/fs/binfmt_misc
$FERRY binfmt install >/dev/null || exit 98
# Hide it (the mounts under the sandbox's are locked in its namespace).
mount -t tmpfs tmpfs $B || exit 98
mounted() { test -e $B/register && echo "$1: mounted" || echo "$1: not mounted"; }
echo "== status"; $FERRY binfmt status; echo "status $?"; mounted after
echo "== uninstall"; $FERRY binfmt uninstall; echo "status $?"; mounted after
umount $B
test -e $B/ferry-aarch64 && echo "ferry still there"
echo "== done"
`
	r := sandbox(t, "", script)
	if r.status != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
	sec := scriptSections(r.stdout)
	if !strings.Contains(sec["status"], "ferry-aarch64: ferry, enabled, interpreter "+ferryBin) ||
		!strings.HasSuffix(sec["status"], "status 0\nafter: not mounted\n") {
		t.Errorf("status: %q", sec["status"])
	}
	if sec["uninstall"] != "ferry: removed ferry-aarch64\nstatus 0\nafter: not mounted\n" {
		t.Errorf("uninstall: %q", sec["uninstall"])
	}
	if r.stderr != "" {
		t.Errorf("stderr %q", r.stderr)
	}
}

// credsSource prints what a setuid program sees of its credentials.
const credsSource = `#include <stdio.h>
#include <unistd.h>
#include <sys/auxv.h>
int main(void)
{
	printf("uid=%d euid=%d AT_SECURE=%lu\n", (int)getuid(), (int)geteuid(), getauxval(AT_SECURE));
	return 0;
}
`

// buildC compiles src statically with cc into dir/name.
func buildC(t *testing.T, cc, src, dir, name string) string {
	t.Helper()
	if _, err := exec.LookPath(cc); err != nil {
		t.Fatalf("%s is missing: run `make deps` first", cc)
	}
	srcPath := filepath.Join(t.TempDir(), name+".c")
	os.WriteFile(srcPath, []byte(src), 0o644)
	out := filepath.Join(dir, name)
	if b, err := exec.Command(cc, "-static", "-O2", "-o", out, srcPath).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cc, err, b)
	}
	return out
}

// TestBinfmtCredentials: with C, a setuid-root arm64 program run by nobody
// gets euid 0 and AT_SECURE, as the amd64 build of the same program does
// natively; without C it runs with the caller's credentials.
func TestBinfmtCredentials(t *testing.T) {
	needBinfmtSandbox(t)
	dir := binfmtDirWith(t, 0o755, nil)
	for _, p := range []string{buildC(t, "aarch64-linux-gnu-gcc", credsSource, dir, "creds"),
		buildC(t, "gcc", credsSource, dir, "creds-native")} {
		if err := syscall.Chmod(p, 0o4755); err != nil {
			t.Fatal(err)
		}
	}
	const asNobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ./"
	native := sandbox(t, dir, asNobody+"creds-native")
	if want := "uid=65534 euid=0 AT_SECURE=1\n"; native.status != 0 || native.stdout != want {
		t.Fatalf("native setuid program: exit %d, stdout %q, stderr %q; want %q", native.status, native.stdout, native.stderr, want)
	}
	got := sandbox(t, dir, "$FERRY binfmt install --credentials >/dev/null || exit 98\n"+asNobody+"creds")
	if got.status != 0 || got.stdout != native.stdout {
		t.Errorf("flags OCF: exit %d, stdout %q, stderr %q; want %q", got.status, got.stdout, got.stderr, native.stdout)
	}
	plain := sandbox(t, dir, "$FERRY binfmt install >/dev/null || exit 98\n"+asNobody+"creds")
	if want := "uid=65534 euid=65534 AT_SECURE=0\n"; plain.stdout != want {
		t.Errorf("flags F: stdout %q, stderr %q; want %q", plain.stdout, plain.stderr, want)
	}
}

// TestBinfmtDynamic: a dynamically linked arm64 program run as ./prog
// (its loader from the cross libc, found as ferry finds it without -L)
// prints what its native build prints, with P its own argv[0] included.
func TestBinfmtDynamic(t *testing.T) {
	needBinfmtSandbox(t)
	dir := binfmtDirWith(t, 0o755, map[string]string{
		"dyn_hello": dynPath(t, "arm64", "dyn_hello"), "dyn_hello-native": dynPath(t, "amd64", "dyn_hello")})
	const cmd = "env -i DYN_VAR=set ./$P one 'two words'"
	native := sandbox(t, dir, "P=dyn_hello-native; "+cmd)
	got := sandbox(t, dir, "$FERRY binfmt install --flags=PF >/dev/null || exit 98\nP=dyn_hello; "+cmd)
	if want := strings.ReplaceAll(native.stdout, "dyn_hello-native", "dyn_hello"); native.status != 0 || got.status != 0 || got.stdout != want {
		t.Errorf("exit %d, stdout %q, stderr %q; native exit %d, %q", got.status, got.stdout, got.stderr, native.status, want)
	}
}
