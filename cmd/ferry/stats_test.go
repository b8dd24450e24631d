package main

import (
	"regexp"
	"strconv"
	"testing"
)

var statsRE = regexp.MustCompile(`ferry: stats: engine (\w+), guest instructions: (\d+),`)

// TestStatsCountsAgree checks ferry -stats: both engines must report the
// same, non-zero number of guest instructions for a deterministic program
// that exits normally (the benchmark reports guest MIPS from it), and
// -stats must not change what the guest prints.
func TestStatsCountsAgree(t *testing.T) {
	needFerry(t)
	prog := guestPath(t, "intarith")
	plain := run(t, ferryRunner("jit"), invocation{argv: []string{prog}})
	counts := map[string]uint64{}
	for _, engine := range engines {
		r := runner{name: engine + "-stats", command: func(inv invocation) (string, []string) {
			return ferryBin, append([]string{ferryBin, "-engine=" + engine, "-stats"}, inv.argv...)
		}}
		res := run(t, r, invocation{argv: []string{prog}})
		if res.status != "exit 0" || string(res.stdout) != string(plain.stdout) {
			t.Fatalf("%s: -stats changed the run: %v", engine, res)
		}
		m := statsRE.FindSubmatch(res.stderr)
		if m == nil || string(m[1]) != engine {
			t.Fatalf("%s: no stats line in stderr %q", engine, res.stderr)
		}
		n, _ := strconv.ParseUint(string(m[2]), 10, 64)
		if n == 0 {
			t.Fatalf("%s: counted no instructions", engine)
		}
		counts[engine] = n
	}
	if counts["jit"] != counts["interp"] {
		t.Errorf("engines disagree on the instruction count: %v", counts)
	}
}
