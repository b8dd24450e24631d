package main

import (
	"strings"
	"testing"
	"time"
)

// What ferry prints at the exits of a workload's processes: a forked
// shell's child that executed a program (FERRY_STATS only: -stats is not
// passed on), then the first process (both).
const sampleStderr = `ferry jit: {Compiled:851 Interpreted:2 CodeBytes:156622 Chained:806 Flushes:0 IndirectMiss:158 Spills:0 Entries:979 ChainExits:806 InterpretedRuns:40 FPModeRuns:1 TranslateNanos:2000000}
ferry jit: interpreted         30× amd64: unsupported op f.fma
ferry jit: interpreted         10× amd64: unsupported op crc32
some guest output on stderr
ferry jit: {Compiled:2360 Interpreted:1 CodeBytes:440689 Chained:2329 Flushes:0 IndirectMiss:483 Spills:0 Entries:2851 ChainExits:2329 InterpretedRuns:5 FPModeRuns:0 TranslateNanos:3000000}
ferry jit: interpreted          5× amd64: unsupported op crc32
ferry: stats: engine jit, guest instructions: 208674, 0.185s, 1.1 M guest instructions/s
ferry: stats: shared code: 0 blocks reused, 2360 saved
`

func TestParseFerryStatsSumsProcesses(t *testing.T) {
	st := parseFerryStats([]byte(sampleStderr))
	if st.processes != 2 || st.instructionProcesses != 1 || st.instructions != 208674 {
		t.Errorf("processes %d, instruction counts from %d processes totalling %d; want 2, 1, 208674",
			st.processes, st.instructionProcesses, st.instructions)
	}
	if st.counters["Compiled"] != 851+2360 || st.counters["TranslateNanos"] != 5000000 {
		t.Errorf("counters not summed: %v", st.counters)
	}
	if got := st.fallbacks(); got != 40+1+5 {
		t.Errorf("fallbacks %d, want 46", got)
	}
	top := st.topReasons(1)
	if len(top) != 1 || top[0] != (reasonCount{"amd64: unsupported op f.fma", 30}) {
		t.Errorf("top reason %v, want f.fma with 30 runs", top)
	}
	if all := st.topReasons(10); len(all) != 2 || all[1] != (reasonCount{"amd64: unsupported op crc32", 15}) {
		t.Errorf("reasons %v, want crc32 summed to 15 second", all)
	}
}

func TestReplaceGeneratedKeepsHandWrittenText(t *testing.T) {
	doc := "# Performance\n\nintro\n" + beginMarker + "\nold table\n" + endMarker + "\n\n## Causes\n\nhand-written\n"
	got, err := replaceGenerated([]byte(doc), "new table\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "# Performance\n\nintro\n" + beginMarker + "\nnew table\n" + endMarker + "\n\n## Causes\n\nhand-written\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, bad := range []string{
		"no markers at all\n",
		beginMarker + "\n" + beginMarker + "\n" + endMarker + "\n",
		endMarker + "\n" + beginMarker + "\n",
	} {
		if _, err := replaceGenerated([]byte(bad), "x\n"); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestMedianAndFormatting(t *testing.T) {
	odd := []sample{{wall: 3 * time.Second}, {wall: time.Second}, {wall: 2 * time.Second}}
	if m := median(odd, wallOf); m != 2*time.Second {
		t.Errorf("median of 3, 1, 2 s = %v", m)
	}
	even := []sample{{faults: 10}, {faults: 40}, {faults: 20}, {faults: 30}}
	if m := median(even, faultsOf); m != 25 {
		t.Errorf("median of 10, 40, 20, 30 = %d", m)
	}
	for v, want := range map[float64]string{0.0123: "0.012", 1.234: "1.23", 12.34: "12.3", 1234: "1234"} {
		if got := sig3(v); got != want {
			t.Errorf("sig3(%v) = %q, want %q", v, got, want)
		}
	}
	if g := geomean([]float64{2, 8}); g < 3.999 || g > 4.001 {
		t.Errorf("geomean(2, 8) = %v", g)
	}
}

func TestMismatchNamesTheFirstDifferentLine(t *testing.T) {
	want := output{stdout: []byte("a\nb\nc\n"), status: "exit 0"}
	if d := mismatch(want, want); d != "" {
		t.Errorf("equal outputs differ: %s", d)
	}
	if d := mismatch(want, output{stdout: []byte("a\nB\nc\n"), status: "exit 0"}); !strings.Contains(d, "line 2") {
		t.Errorf("mismatch = %q, want line 2 named", d)
	}
	if d := mismatch(want, output{stdout: want.stdout, status: "signal killed"}); !strings.Contains(d, "signal killed") {
		t.Errorf("mismatch = %q, want the status named", d)
	}
}
