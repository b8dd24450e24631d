package main

// Dynamically linked guests (testdata/dyn, built by `make testdata` against
// Debian's arm64 cross libraries in /usr/aarch64-linux-gnu): ferry maps the
// program and its loader, ld-linux-aarch64.so.1 does the rest as a guest.
// The oracle is the amd64 build of the same source run natively; qemu-aarch64
// with -L on the cross sysroot is checked against it too.

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const crossSysroot = "/usr/aarch64-linux-gnu"

// dynPath is the build of a testdata/dyn program for arch ("arm64" or
// "amd64").
func dynPath(t *testing.T, arch, name string) string {
	t.Helper()
	p := filepath.Join(repoRoot, ".cache/testdata/"+arch+"dyn", name)
	needFile(t, p, "testdata")
	return p
}

// qemuSysrootRunner runs qemu-aarch64 with the cross sysroot.
var qemuSysrootRunner = runner{name: "qemu -L", command: func(inv invocation) (string, []string) {
	return qemuPath, append([]string{qemuPath, "-L", crossSysroot}, inv.argv...)
}}

func TestDynamicPrograms(t *testing.T) {
	type dynCase struct {
		name string
		prog string
		// args and env, with @ARCH@ replaced by arm64 or amd64 for the
		// run at hand (paths to the matching shared objects).
		args, env []string
	}
	cases := []dynCase{
		{name: "hello", prog: "dyn_hello", args: []string{"one", "two words"}, env: []string{"DYN_VAR=set"}},
		{name: "libstdc++", prog: "dyn_cxx"},
		{name: "dlopen", prog: "dyn_dlopen", args: []string{"@DIR@/dyn_plugin.so"}},
		{name: "LD_PRELOAD", prog: "dyn_preload", env: []string{"LD_PRELOAD=@DIR@/dyn_preload_lib.so"}},
		// dlopen by file name, found through LD_LIBRARY_PATH.
		{name: "LD_LIBRARY_PATH", prog: "dyn_dlopen", args: []string{"dyn_plugin.so"}, env: []string{"LD_LIBRARY_PATH=@DIR@"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			inv := func(arch string) invocation {
				dir := filepath.Dir(dynPath(t, arch, c.prog))
				sub := func(s string) string { return strings.ReplaceAll(s, "@DIR@", dir) }
				in := invocation{argv: []string{dynPath(t, arch, c.prog)}, env: append([]string(nil), guestEnv...)}
				for _, a := range c.args {
					in.argv = append(in.argv, sub(a))
				}
				for _, e := range c.env {
					in.env = append(in.env, sub(e))
				}
				return in
			}
			want := run(t, nativeRunner(dynPath(t, "amd64", c.prog)), inv("amd64"))
			if len(want.stdout) == 0 {
				t.Fatalf("native oracle printed nothing: %v", want)
			}
			t.Run("qemu", func(t *testing.T) {
				needQEMU(t)
				// Debian's qemu-aarch64 is itself dynamically linked:
				// the host loader would try to preload the arm64 library
				// into qemu. qemu's -E sets it for the guest only.
				in := inv("arm64")
				var env []string
				qemuArgs := []string{qemuPath, "-L", crossSysroot}
				for _, e := range in.env {
					if strings.HasPrefix(e, "LD_PRELOAD=") {
						qemuArgs = append(qemuArgs, "-E", e)
					} else {
						env = append(env, e)
					}
				}
				in.env = env
				q := runner{name: "qemu", command: func(inv invocation) (string, []string) {
					return qemuPath, append(qemuArgs, inv.argv...)
				}}
				compare(t, "qemu-aarch64 -L vs native", want, run(t, q, in), true)
			})
			for _, engine := range engines {
				t.Run(engine, func(t *testing.T) {
					needFerry(t)
					compare(t, "ferry -engine="+engine, want, run(t, ferryRunner(engine), inv("arm64")), true)
				})
			}
		})
	}
}

// TestDynamicSysroot checks where the loader and libraries come from:
// the cross libc by default, -L and QEMU_LD_PREFIX when given (a sysroot
// without the loader falls back to the host, which has none: exit 127 as
// for the kernel's ENOENT).
func TestDynamicSysroot(t *testing.T) {
	needFerry(t)
	prog := dynPath(t, "arm64", "dyn_hello")
	want := run(t, nativeRunner(dynPath(t, "amd64", "dyn_hello")), invocation{argv: []string{prog}})
	r := func(extra ...string) runner {
		return runner{name: "ferry", command: func(inv invocation) (string, []string) {
			return ferryBin, append(append([]string{ferryBin}, extra...), inv.argv...)
		}}
	}
	compare(t, "explicit -L", want, run(t, r("-L", crossSysroot), invocation{argv: []string{prog}}), true)
	compare(t, "QEMU_LD_PREFIX", want, run(t, r(), invocation{argv: []string{prog},
		env: append([]string{"QEMU_LD_PREFIX=" + crossSysroot}, guestEnv...)}), true)

	empty := t.TempDir()
	got := run(t, r("-L", empty), invocation{argv: []string{prog}})
	if got.status != "exit 127" || !strings.Contains(string(got.stderr), "ferry: ") ||
		!strings.Contains(string(got.stderr), "/lib/ld-linux-aarch64.so.1") {
		t.Errorf("sysroot without a loader: %v", got)
	}

	// A program naming a loader that exists nowhere.
	missing := filepath.Join(t.TempDir(), "noloader")
	data, err := os.ReadFile(prog)
	if err != nil {
		t.Fatal(err)
	}
	old := []byte("/lib/ld-linux-aarch64.so.1\x00")
	if !bytes.Contains(data, old) {
		t.Fatal("dyn_hello does not name /lib/ld-linux-aarch64.so.1")
	}
	data = bytes.Replace(data, old, []byte("/lib/ld-linux-nowhere.so\x00\x00\x00"), 1)
	if err := os.WriteFile(missing, data, 0o755); err != nil {
		t.Fatal(err)
	}
	got = run(t, r(), invocation{argv: []string{missing}})
	if got.status != "exit 127" || strings.Count(string(got.stderr), "\n") != 1 ||
		!strings.HasPrefix(string(got.stderr), "ferry: "+missing+": cannot find its dynamic loader /lib/ld-linux-nowhere.so") {
		t.Errorf("missing loader: %v", got)
	}
}

// TestLdd runs glibc's loader directly with --list, as ldd does: the list of
// libraries and where they were found must be qemu's (addresses aside:
// each translator places libraries where its mmap finds room), and the
// sysroot is the cross libc's because the loader runs from inside it.
// ferry's list also names the vDSO, as on arm64 Linux.
func TestLdd(t *testing.T) {
	needFerry(t)
	needQEMU(t)
	loader := filepath.Join(crossSysroot, "lib/ld-linux-aarch64.so.1")
	needFile(t, loader, "deps")
	addr := regexp.MustCompile(`\(0x[0-9a-f]+\)`)
	for _, prog := range []string{"dyn_cxx", "dyn_dlopen"} {
		inv := invocation{argv: []string{loader, "--list", dynPath(t, "arm64", prog)}}
		want := run(t, qemuSysrootRunner, inv)
		got := run(t, ferryRunner("jit"), inv)
		want.stdout = addr.ReplaceAll(want.stdout, []byte("(ADDR)"))
		got.stdout = addr.ReplaceAll(got.stdout, []byte("(ADDR)"))
		// The arm64 kernel maps a vDSO into every process and glibc lists
		// it; qemu-aarch64 7.2 has none for aarch64 guests.
		vdso := []byte("\tlinux-vdso.so.1 (ADDR)\n")
		if !bytes.Contains(got.stdout, vdso) {
			t.Errorf("%s: ferry's list lacks the vDSO:\n%s", prog, got.stdout)
		}
		got.stdout = bytes.Replace(got.stdout, vdso, nil, 1)
		if !bytes.Contains(want.stdout, []byte("libc.so.6 => /lib/libc.so.6")) {
			t.Fatalf("qemu's list lacks libc: %s", want.stdout)
		}
		compare(t, prog+": ld.so --list", want, got, true)
	}
}
