package main

import (
	"bufio"
	"bytes"
	"regexp"
	"sort"
	"strconv"
)

// ferryStats is what ferry reported on stderr over every process of one
// run: `-stats` prints the guest instruction count at exit, FERRY_STATS=1
// the JIT's counters and the reasons blocks ran in the interpreter (the
// top 15 per process). A workload that forks or executes reports once per
// process; the figures here are sums.
type ferryStats struct {
	processes int // FERRY_STATS reports: processes that exited normally
	// instructions are the guest instructions retired by the
	// instructionProcesses processes that counted them: the ones ferry
	// was started as with -stats, which a guest's execve does not pass on.
	instructions         uint64
	instructionProcesses int
	counters             map[string]int64 // the JIT's Stats fields, summed
	reasons              map[string]int64 // interpreted block runs by reason, summed
}

var (
	instructionsRE = regexp.MustCompile(`^ferry: stats: engine \w+, guest instructions: (\d+),`)
	countersRE     = regexp.MustCompile(`^ferry jit: \{(.*)\}$`)
	counterRE      = regexp.MustCompile(`(\w+):(-?\d+)`)
	reasonRE       = regexp.MustCompile(`^ferry jit: interpreted\s+(\d+)× (.*)$`)
)

func parseFerryStats(stderr []byte) ferryStats {
	st := ferryStats{counters: map[string]int64{}, reasons: map[string]int64{}}
	sc := bufio.NewScanner(bytes.NewReader(stderr))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := instructionsRE.FindStringSubmatch(line); m != nil {
			n, _ := strconv.ParseUint(m[1], 10, 64)
			st.instructions += n
			st.instructionProcesses++
		} else if m := countersRE.FindStringSubmatch(line); m != nil {
			st.processes++
			for _, kv := range counterRE.FindAllStringSubmatch(m[1], -1) {
				n, _ := strconv.ParseInt(kv[2], 10, 64)
				st.counters[kv[1]] += n
			}
		} else if m := reasonRE.FindStringSubmatch(line); m != nil {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			st.reasons[m[2]] += n
		}
	}
	return st
}

// fallbacks is how often blocks ran in the interpreter instead of
// compiled code: blocks the JIT could not compile, and compiled FP blocks
// run interpreted under a non-default FPCR mode.
func (st ferryStats) fallbacks() int64 {
	return st.counters["InterpretedRuns"] + st.counters["FPModeRuns"]
}

type reasonCount struct {
	reason string
	runs   int64
}

// topReasons are the n commonest reasons, most runs first.
func (st ferryStats) topReasons(n int) []reasonCount {
	var rs []reasonCount
	for k, v := range st.reasons {
		rs = append(rs, reasonCount{k, v})
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].runs != rs[j].runs {
			return rs[i].runs > rs[j].runs
		}
		return rs[i].reason < rs[j].reason
	})
	if len(rs) > n {
		rs = rs[:n]
	}
	return rs
}
