package main

// Shared machinery of the end-to-end tests: building ferry once, locating
// the guest programs and oracles that `make deps` and `make testdata`
// provide, running a program under an engine, and comparing results.
//
// Missing prerequisites are test failures, never skips: a green run must
// mean every comparison happened.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// engines are the ferry execution engines every guest program runs under.
var engines = []string{"interp", "jit"}

// qemuPath is the oracle for arm64 behaviour.
const qemuPath = "/usr/bin/qemu-aarch64"

// nativeBusybox is the amd64 busybox oracle (Debian busybox-static).
const nativeBusybox = "/bin/busybox"

// runTimeout bounds one guest run, so a hung translation fails the test
// instead of stalling the suite.
const runTimeout = 120 * time.Second

var (
	repoRoot   string // the module root
	ferryBin   string // ferry built by TestMain for this test run
	buildError error  // why building ferry failed, reported by every test that needs it
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if os.Getenv(argAreaHelperEnv) != "" {
		return argAreaHelper()
	}
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferry e2e:", err)
		return 1
	}
	repoRoot = filepath.Clean(filepath.Join(wd, "../.."))
	dir, err := os.MkdirTemp("", "ferry-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferry e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	ferryBin = filepath.Join(dir, "ferry")
	buildError = buildFerry(ferryBin)
	code := m.Run()
	if inputs.dir != "" {
		os.RemoveAll(inputs.dir)
	}
	return code
}

// buildFerry builds the translator exactly as the Makefile does: static,
// linked above the guest's address range, with a fixed heap base and the
// entry point that prepares the descriptor table (syscalls/hostfd/floor).
func buildFerry(out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-T=0x7e0000001000 -E=ferry_entry", "-o", out, "./cmd/ferry")
	cmd.Dir = repoRoot
	// `go test` puts its own GOROOT/bin first in PATH: the same toolchain.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOEXPERIMENT=norandomizedheapbase64")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building ferry: %v\n%s", err, stderr.String())
	}
	return nil
}

// needFerry fails the test if ferry could not be built.
func needFerry(t *testing.T) {
	t.Helper()
	if buildError != nil {
		t.Fatal(buildError)
	}
}

// needFile fails the test with a hint when a prerequisite is missing.
func needFile(t *testing.T, path, makeTarget string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s is missing (%v): run `make %s` first", path, err, makeTarget)
	}
}

// guestPath is the arm64 build of a testdata program.
func guestPath(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(repoRoot, ".cache/testdata/arm64", name)
	needFile(t, p, "testdata")
	return p
}

// nativePath is the amd64 build of a portable testdata program.
func nativePath(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(repoRoot, ".cache/testdata/amd64", name)
	needFile(t, p, "testdata")
	return p
}

// arm64Busybox is Debian's busybox-static for arm64, the same version as
// the amd64 oracle.
func arm64Busybox(t *testing.T) string {
	t.Helper()
	p := filepath.Join(repoRoot, ".cache/arm64/busybox")
	needFile(t, p, "deps")
	return p
}

// result is everything a run makes observable.
type result struct {
	stdout, stderr []byte
	status         string // "exit N" or "signal NAME"
}

func (r result) String() string {
	return fmt.Sprintf("%s, stdout %d bytes, stderr %q", r.status, len(r.stdout), truncate(r.stderr, 400))
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// invocation describes one run: argv[0] is what the program sees as its
// own name; the executable actually started is chosen by the runner.
type invocation struct {
	argv  []string
	env   []string
	stdin []byte
	dir   string
}

// guestEnv is the fixed environment every run gets, so output that
// mentions it is comparable.
var guestEnv = []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "TZ=UTC", "FERRY_TEST=e2e"}

// runner starts an invocation of an arm64 program in one particular way.
type runner struct {
	name string
	// command returns the host command line for inv (argv[0] included).
	command func(inv invocation) (path string, args []string)
}

func ferryRunner(engine string) runner {
	return runner{name: engine, command: func(inv invocation) (string, []string) {
		// ferry passes PROGRAM on as the guest's argv[0].
		return ferryBin, append([]string{ferryBin, "-engine=" + engine}, inv.argv...)
	}}
}

var qemuRunner = runner{name: "qemu", command: func(inv invocation) (string, []string) {
	return qemuPath, append([]string{qemuPath}, inv.argv...)
}}

// nativeRunner runs the amd64 build at exe with the guest's argv, argv[0]
// included, so programs printing argv see the same strings.
func nativeRunner(exe string) runner {
	return runner{name: "native", command: func(inv invocation) (string, []string) {
		return exe, inv.argv
	}}
}

// run executes inv with r and collects the result; a failure to start or
// a timeout fails the test.
func run(t *testing.T, r runner, inv invocation) result {
	t.Helper()
	path, args := r.command(inv)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Args = args
	cmd.Env = inv.env
	if cmd.Env == nil {
		cmd.Env = guestEnv
	}
	cmd.Dir = inv.dir
	cmd.Stdin = bytes.NewReader(inv.stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s: %q timed out after %v", r.name, args, runTimeout)
	}
	res := result{stdout: stdout.Bytes(), stderr: stderr.Bytes()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		res.status = "exit 0"
	case errors.As(err, &exitErr):
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.status = "signal " + ws.Signal().String()
		} else {
			res.status = fmt.Sprintf("exit %d", exitErr.ExitCode())
		}
	default:
		t.Fatalf("%s: starting %q: %v", r.name, args, err)
	}
	return res
}

// compare fails t unless got matches want in the parts that matter.
func compare(t *testing.T, what string, want, got result, compareStderr bool) {
	t.Helper()
	if want.status != got.status {
		t.Errorf("%s: status %s, want %s (stderr %q)", what, got.status, want.status, truncate(got.stderr, 400))
	}
	if !bytes.Equal(want.stdout, got.stdout) {
		t.Errorf("%s: stdout differs\n%s", what, diffSummary(want.stdout, got.stdout))
	}
	if compareStderr && !bytes.Equal(want.stderr, got.stderr) {
		t.Errorf("%s: stderr differs\n%s", what, diffSummary(want.stderr, got.stderr))
	}
}

// diffSummary shows the first differing line of two outputs with context.
func diffSummary(want, got []byte) string {
	wl := strings.SplitAfter(string(want), "\n")
	gl := strings.SplitAfter(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("first difference at line %d (want %d bytes, got %d):\n  want: %q\n  got:  %q",
				i+1, len(want), len(got), truncate([]byte(w), 300), truncate([]byte(g), 300))
		}
	}
	return fmt.Sprintf("want %d bytes, got %d", len(want), len(got))
}

// needQEMU fails the test if the oracle is not installed.
func needQEMU(t *testing.T) {
	t.Helper()
	needFile(t, qemuPath, "deps")
}
