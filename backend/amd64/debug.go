package amd64

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/arch/x86/x86asm"

	"ferry/ir"
)

// Diagnostics for tuning the JIT, switched on by environment variables:
//
//	FERRY_STATS=1    print the engine's counters and the top reasons blocks
//	                 ran in the interpreter to stderr when the guest exits
//	FERRY_PERFMAP=1  write /tmp/perf-PID.map naming each compiled block by
//	                 its guest PC, so `perf report` attributes samples in
//	                 generated code to guest blocks
var (
	statsEnabled   = os.Getenv("FERRY_STATS") != ""
	perfMapEnabled = os.Getenv("FERRY_PERFMAP") != ""
)

// Guest syscall numbers that end the thread or the process (asm-generic).
const (
	sysExit      = 93
	sysExitGroup = 94
)

// perfMap appends one line per compiled block in the format perf expects
// ("START SIZE NAME", hex without 0x).
type perfMap struct {
	f *os.File
}

func openPerfMap() *perfMap {
	f, err := os.OpenFile(fmt.Sprintf("/tmp/perf-%d.map", os.Getpid()),
		os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil
	}
	return &perfMap{f: f}
}

func (p *perfMap) add(entry uintptr, size int, pc, end uint64) {
	if p == nil {
		return
	}
	fmt.Fprintf(p.f, "%x %x guest_%x_%x\n", entry, size, pc, end)
}

// maybeReportStats prints the counters when the guest is about to exit.
func (r *runner) maybeReportStats(c *ir.CPU, reason ir.ExitReason) {
	if !statsEnabled || reason != ir.ExitSyscall || (c.X[8] != sysExit && c.X[8] != sysExitGroup) {
		return
	}
	fmt.Fprint(os.Stderr, r.e.statsReport())
}

// statsReport renders Stats and the interpreted-block reasons.
func (e *Engine) statsReport() string {
	var sb strings.Builder
	s := e.Stats()
	fmt.Fprintf(&sb, "ferry jit: %+v\n", s)
	type kv struct {
		k string
		n int
	}
	var runs []kv
	for k, n := range e.InterpretedRuns() {
		runs = append(runs, kv{k, n})
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].n > runs[j].n })
	for i, r := range runs {
		if i == 15 {
			break
		}
		fmt.Fprintf(&sb, "ferry jit: interpreted %10d× %s\n", r.n, r.k)
	}
	return sb.String()
}

// FERRY_DUMP=HEXPC prints the IR and the host code of the block at that
// guest PC when it is compiled.
var dumpPC = func() uint64 {
	v, err := strconv.ParseUint(strings.TrimPrefix(os.Getenv("FERRY_DUMP"), "0x"), 16, 64)
	if err != nil {
		return 0
	}
	return v
}()

func dumpBlock(blk *ir.Block, code []byte, err error) {
	var sb strings.Builder
	sb.WriteString(blk.String())
	if err != nil {
		fmt.Fprintf(&sb, "not compiled: %v\n", err)
	}
	for off := 0; off < len(code); {
		in, derr := x86asm.Decode(code[off:], 64)
		if derr != nil {
			fmt.Fprintf(&sb, "  %4x: (bad) %02x\n", off, code[off])
			off++
			continue
		}
		fmt.Fprintf(&sb, "  %4x: %s\n", off, x86asm.IntelSyntax(in, uint64(off), nil))
		off += in.Len
	}
	fmt.Fprint(os.Stderr, sb.String())
}
