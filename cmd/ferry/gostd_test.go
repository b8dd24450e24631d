package main

// Go's own standard-library tests, built for linux/arm64 and run under
// ferry from their package directories with -test.short, each next to the
// same tests built for linux/amd64 and run natively (the oracle: both must
// pass). These few are chosen for what they exercise of the process model
// and their speed: sync/atomic's TestStoreLoadSeqCst{32,64} (STLR→LDAR
// ordering, which qemu-aarch64 gets wrong), sync (mutexes, pools, condition
// variables under many goroutines and threads), context (timers,
// cancellation), os/exec (fork, exec, pipes, signals to children).
// `make gostd-test` runs a much longer list.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestGoStdlibUnderFerry(t *testing.T) {
	needFerry(t)
	goroot := runtime.GOROOT()
	dir := t.TempDir()
	for _, pkg := range []string{"sync/atomic", "sync", "context", "os/exec"} {
		t.Run(pkg, func(t *testing.T) {
			name := strings.ReplaceAll(pkg, "/", "_")
			bin := map[string]string{}
			for _, arch := range []string{"arm64", "amd64"} {
				bin[arch] = filepath.Join(dir, name+"."+arch+".test")
				build := exec.Command("go", "test", "-c", "-o", bin[arch], pkg)
				build.Env = append(os.Environ(), "GOARCH="+arch, "CGO_ENABLED=0")
				if out, err := build.CombinedOutput(); err != nil {
					t.Fatalf("building %s for %s: %v\n%s", pkg, arch, err, out)
				}
			}
			runIn := func(argv ...string) (string, error) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
				cmd.Dir = filepath.Join(goroot, "src", pkg)
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				err := cmd.Run()
				return out.String(), err
			}
			if out, err := runIn(bin["amd64"], "-test.short"); err != nil {
				t.Fatalf("native amd64 run fails, so it is no oracle: %v\n%s", err, tail(out))
			}
			if out, err := runIn(ferryBin, bin["arm64"], "-test.short", "-test.v"); err != nil {
				t.Errorf("under ferry: %v\n%s", err, failures(out))
			}
		})
	}
}

// failures picks the failing tests' lines out of verbose test output.
func failures(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "FAIL") || strings.HasPrefix(l, "panic") || strings.HasPrefix(l, "fatal") ||
			strings.HasPrefix(l, "    ") {
			keep = append(keep, l)
		}
	}
	return tail(strings.Join(keep, "\n"))
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}
