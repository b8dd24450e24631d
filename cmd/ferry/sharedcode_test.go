package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

var sharedStatsLine = regexp.MustCompile(`ferry: stats: shared code: (\d+) blocks reused, (\d+) saved`)

// TestSharedCodeFile: with FERRY_CODE_CACHE naming a file, a second run of
// a program reuses every block the first compiled (and saves none), with
// the same results; a file another user could write, or one from another
// build, is not trusted or reused.
func TestSharedCodeFile(t *testing.T) {
	needFerry(t)
	cache := filepath.Join(t.TempDir(), "code")
	prog := guestPath(t, "hello")
	dyn := dynPath(t, "arm64", "dyn_hello")
	stats := func(t *testing.T, argv ...string) (result, int, int) {
		t.Helper()
		r := runner{name: "ferry", command: func(inv invocation) (string, []string) {
			return ferryBin, append([]string{ferryBin, "-stats"}, inv.argv...)
		}}
		res := run(t, r, invocation{argv: argv, env: append([]string{"FERRY_CODE_CACHE=" + cache}, guestEnv...)})
		m := sharedStatsLine.FindSubmatch(res.stderr)
		if m == nil {
			t.Fatalf("no shared code statistics in %q", res.stderr)
		}
		reused, _ := strconv.Atoi(string(m[1]))
		saved, _ := strconv.Atoi(string(m[2]))
		return res, reused, saved
	}
	for _, p := range []string{prog, dyn} {
		first, reused, saved := stats(t, p, "x")
		if reused != 0 || saved == 0 {
			t.Errorf("%s, first run: %d reused, %d saved", p, reused, saved)
		}
		second, reused, saved2 := stats(t, p, "x")
		if reused < saved || saved2 != 0 {
			t.Errorf("%s, second run: %d reused of %d saved, %d saved again", p, reused, saved, saved2)
		}
		if string(first.stdout) != string(second.stdout) || first.status != second.status || first.status != "exit 0" {
			t.Errorf("%s: runs differ: %v / %v", p, first, second)
		}
	}
	// Threads: which code runs depends on timing (contended locks take
	// glibc's slow paths), so a second run may meet blocks the first did
	// not; it must still reuse nearly all that the first saved.
	threaded := dynPath(t, "arm64", "dyn_cxx")
	_, _, first := stats(t, threaded)
	if _, reused, _ := stats(t, threaded); reused < first*9/10 {
		t.Errorf("dyn_cxx, second run: %d reused of %d saved by the first", reused, first)
	}
	// Writable by others: ignored (translated from scratch, same result).
	if err := os.Chmod(cache, 0o666); err != nil {
		t.Fatal(err)
	}
	if _, reused, _ := stats(t, prog, "x"); reused != 0 {
		t.Errorf("a file others may write was trusted: %d blocks reused", reused)
	}
	os.Chmod(cache, 0o600)
	// Another build's or a damaged header: started afresh.
	f, err := os.OpenFile(cache, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{0xff, 0xff, 0xff, 0xff}, 8) // the configuration
	f.Close()
	if _, reused, saved := stats(t, prog, "x"); reused != 0 || saved == 0 {
		t.Errorf("after the header changed: %d reused, %d saved", reused, saved)
	}
}
