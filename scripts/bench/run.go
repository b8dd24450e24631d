package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// sample is what one finished run cost, as the kernel accounted it.
type sample struct {
	wall time.Duration
	// cpu is user+sys time of the process and every descendant it
	// waited for: wait4's rusage covers the whole tree when each parent
	// reaps its children, which the workloads' shells and ferry's forked
	// processes do.
	cpu time.Duration
	// faults are minor+major page faults over the same tree.
	faults int64
	// maxRSSKiB is the largest resident set of any single process of
	// the tree (ru_maxrss).
	maxRSSKiB int64
}

// output is what a run made observable.
type output struct {
	stdout, stderr []byte
	status         string // "exit N" or "signal NAME"
}

// runEnv is the fixed environment of every run, so outputs are comparable
// and nothing in the caller's environment (a GOMAXPROCS, a QEMU_* or
// FERRY_* variable) changes what is measured.
var runEnv = []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "TZ=UTC", "HOME=/nonexistent"}

// run executes argv with extra environment entries and measures it. The
// command gets its own process group so that a timeout kills the whole
// tree it started, not just its first process.
func run(argv, extraEnv []string, timeout time.Duration) (output, sample, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(slices.Clone(runEnv), extraEnv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if ctx.Err() != nil {
		return output{}, sample{}, fmt.Errorf("timed out after %v", timeout)
	}
	out := output{stdout: stdout.Bytes(), stderr: stderr.Bytes()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		out.status = "exit 0"
	case errors.As(err, &exitErr):
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			out.status = "signal " + ws.Signal().String()
		} else {
			out.status = fmt.Sprintf("exit %d", exitErr.ExitCode())
		}
	default:
		return output{}, sample{}, err
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return output{}, sample{}, fmt.Errorf("no rusage for %q", argv)
	}
	s := sample{
		wall:      wall,
		cpu:       time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		faults:    ru.Minflt + ru.Majflt,
		maxRSSKiB: ru.Maxrss,
	}
	return out, s, nil
}

// mismatch says how got differs from the oracle's output, or "" if it
// does not. stderr is not compared: the engines' diagnostics go there.
func mismatch(want, got output) string {
	if got.status != want.status {
		return fmt.Sprintf("%s, want %s (stderr %q)", got.status, want.status, firstLine(got.stderr))
	}
	if bytes.Equal(got.stdout, want.stdout) {
		return ""
	}
	wl := strings.SplitAfter(string(want.stdout), "\n")
	gl := strings.SplitAfter(string(got.stdout), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("stdout differs at line %d: got %q, want %q", i+1, truncate(g, 120), truncate(w, 120))
		}
	}
	return "stdout differs"
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return truncate(s, 200)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// median of the samples by one figure.
func median[T int64 | time.Duration](samples []sample, figure func(sample) T) T {
	v := make([]T, len(samples))
	for i, s := range samples {
		v[i] = figure(s)
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func wallOf(s sample) time.Duration { return s.wall }
func cpuOf(s sample) time.Duration  { return s.cpu }
func faultsOf(s sample) int64       { return s.faults }
func rssOf(s sample) int64          { return s.maxRSSKiB }
