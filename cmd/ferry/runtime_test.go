package main

// Tests of the runtime loop and the command line: how ferry reports guest
// crashes (dying of the same signal the kernel would send) and bad input.

import (
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
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
	os.WriteFile(script, []byte("#!/bin/sh\n"), 0o755)
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
