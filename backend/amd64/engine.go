// Package amd64 is ferry's x86-64 JIT engine. It compiles IR blocks into
// host code in an executable code cache, links blocks with patchable
// direct jumps, resolves indirect branches through an inline lookup table,
// and runs any block holding an op it does not compile in the reference
// interpreter, so it is always exactly as correct as ir/interp.
package amd64

import (
	"time"
	"unsafe"

	"ferry/backend"
	"ferry/ir"
	"ferry/ir/interp"
)

// enter runs generated code at code with R15 = c until it returns (see
// enter_amd64.s).
//
//go:noescape
func enter(code uintptr, c *ir.CPU)

const (
	// budgetBlocks is how many blocks generated code runs before it
	// returns to Go. Go cannot stop a goroutine inside generated code for
	// a garbage collection, so this bounds how long a guest loop can hold
	// up the GC and the other goroutines: at ~1 ns per tight block it is
	// well below a millisecond.
	budgetBlocks = 1 << 16

	defaultCacheSize = 64 << 20
	indirectEntries  = 1 << 12 // power of two
)

// indirectEntry is one slot of the direct-mapped table that generated code
// consults for indirect branches: host is the entry of the block at pc.
type indirectEntry struct {
	pc, host uint64
}

// emptyPC never matches a guest PC (guest PCs are 4-byte aligned).
const emptyPC = 1

// block is a translated guest block.
type block struct {
	pc, end  uint64
	entry    uintptr   // host code; 0 if the block runs in the interpreter
	ir       *ir.Block // kept for interpreted blocks
	incoming []uint64  // ids of chain sites patched to jump here
	sites    []uint64  // ids of this block's own chain sites
	insns    []hostPC  // host offset → guest instruction, for faults
	dropped  bool
	why      string // for interpreted blocks: what the JIT could not compile
}

// site is a patchable direct jump in generated code.
type site struct {
	jmp    uintptr // host address of the 5-byte JMP
	stub   uintptr // its unpatched target: the exit stub
	target uint64  // guest PC it leads to
	linked *block  // block the jump is patched to, or nil
	owner  *block
}

// Stats counts engine events (for tests and benchmarks).
type Stats struct {
	Compiled     int // blocks compiled to host code
	Interpreted  int // blocks handed to the interpreter
	CodeBytes    int
	Chained      int // jumps patched
	Flushes      int
	IndirectMiss int
	Spills       int // values the register allocator spilled

	Entries         int // calls into generated code (each ends in an exit to Go)
	ChainExits      int // exits to link a direct jump
	InterpretedRuns int // executions of blocks in the interpreter
	FPModeRuns      int // compiled FP blocks run in the interpreter for FPCR.FZ/DN
	TranslateNanos  int64
}

// Engine is the JIT. It is not safe for concurrent use: each guest thread
// needs its own Engine.
type Engine struct {
	tr     backend.Translator
	comp   *compiler
	cache  *codeCache
	blocks map[uint64]*block
	sites  []site
	table  []indirectEntry
	byAddr []*block // compiled blocks in code-address order, for faults
	stats  Stats
	// spanLo, spanHi bound the guest code of all cached blocks, so
	// Invalidate can ignore most munmap/mprotect calls (heap memory)
	// without scanning the blocks.
	spanLo, spanHi uint64
	// interpRuns counts executions of interpreted blocks by the reason
	// they were not compiled: the JIT's coverage to-do list.
	interpRuns map[string]int
	perf       *perfMap
}

// New returns a JIT engine fetching blocks from tr.
func New(tr backend.Translator) (*Engine, error) {
	return newEngine(tr, defaultCacheSize)
}

func newEngine(tr backend.Translator, cacheSize int) (*Engine, error) {
	cc, err := newCodeCache(cacheSize)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		tr:         tr,
		comp:       newCompiler(hostCaps()),
		cache:      cc,
		blocks:     make(map[uint64]*block),
		interpRuns: make(map[string]int),
		table:      make([]indirectEntry, indirectEntries),
	}
	// Go never moves heap objects, so generated code may embed the
	// table's address; e keeps it alive.
	e.comp.indirectTable = uintptr(unsafe.Pointer(&e.table[0]))
	e.comp.indirectMask = indirectEntries - 1
	e.clearTable()
	if perfMapEnabled {
		e.perf = openPerfMap()
	}
	return e, nil
}

// CountRetired makes blocks compiled from now on add their guest
// instruction count to cpu.Retired when they start (for ferry -stats).
func (e *Engine) CountRetired(on bool) { e.comp.countRetired = on }

// Stats returns counters of the engine's work so far.
func (e *Engine) Stats() Stats {
	s := e.stats
	s.Spills = e.comp.spills
	return s
}

// InterpretedRuns returns how often blocks ran in the interpreter, by the
// reason the JIT did not compile them.
func (e *Engine) InterpretedRuns() map[string]int {
	m := make(map[string]int, len(e.interpRuns))
	for k, v := range e.interpRuns {
		m[k] = v
	}
	return m
}

func (e *Engine) clearTable() {
	for i := range e.table {
		e.table[i] = indirectEntry{pc: emptyPC}
	}
}

// Run executes guest code from cpu.PC until something needs the runtime.
func (e *Engine) Run(c *ir.CPU) ir.ExitReason {
	c.Budget = budgetBlocks
	for {
		b := e.lookup(c.PC)
		if b.entry == 0 {
			e.interpRuns[b.why]++
			e.stats.InterpretedRuns++
			r := interp.Exec(c, b.ir)
			if r != ir.ExitNone {
				if r == ir.ExitSyscall {
					e.maybeReportStats(c)
				}
				return r
			}
			if c.Budget--; c.Budget < 0 {
				c.Exit = uint64(ir.ExitBudget)
				return ir.ExitBudget
			}
			continue
		}
		enter(b.entry, c)
		e.stats.Entries++
		switch r := ir.ExitReason(c.Exit); r {
		case ir.ExitChain:
			e.stats.ChainExits++
			e.link(c.ChainSite, c.PC)
		case ir.ExitFault:
			rip := uintptr(c.Scratch[faultRIPSlot])
			if pc, ok := e.faultPC(rip); ok {
				c.PC = pc
			}
			return r
		case ir.ExitIndirect:
			e.stats.IndirectMiss++
			if t := e.lookup(c.PC); t.entry != 0 {
				e.table[c.PC>>2&(indirectEntries-1)] = indirectEntry{pc: c.PC, host: uint64(t.entry)}
			}
		case ir.ExitSyscall:
			e.maybeReportStats(c)
			return r
		case exitFPMode:
			e.stats.FPModeRuns++
			if r := interp.Exec(c, e.lookup(c.PC).ir); r != ir.ExitNone {
				if r == ir.ExitSyscall {
					e.maybeReportStats(c)
				}
				return r
			}
		default:
			return r
		}
	}
}

// link handles a chain exit: the jump at site id wants to continue at pc.
// If pc's block is compiled the jump is patched to enter it directly.
func (e *Engine) link(id, pc uint64) {
	flushes := e.stats.Flushes
	t := e.lookup(pc)
	if e.stats.Flushes != flushes {
		return // compiling pc flushed the cache, and the site with it
	}
	s := &e.sites[id]
	if t.entry == 0 || s.owner.dropped || s.linked != nil || s.target != pc {
		return
	}
	patchRel32(s.jmp, t.entry)
	s.linked = t
	t.incoming = append(t.incoming, id)
	e.stats.Chained++
}

// lookup returns the block at pc, translating and compiling it if needed.
func (e *Engine) lookup(pc uint64) *block {
	if b := e.blocks[pc]; b != nil {
		return b
	}
	start := time.Now()
	defer func() { e.stats.TranslateNanos += int64(time.Since(start)) }()
	blk := e.tr(pc)
	b := &block{pc: blk.PC, end: blk.End}
	e.comp.nextSite = uint64(len(e.sites))
	res, err := e.comp.compile(blk)
	if dumpPC != 0 && dumpPC == pc {
		dumpBlock(blk, res.code, err)
	}
	if err == nil {
		entry, ok := e.cache.add(res.code)
		if !ok {
			e.flush()
			e.comp.nextSite = 0
			if res, err = e.comp.compile(blk); err == nil {
				entry, ok = e.cache.add(res.code)
			}
			if !ok {
				err = compileError("block larger than the code cache")
			}
		}
		if err == nil {
			b.entry = entry
			b.insns = res.insns
			if res.fpGuard {
				b.ir = blk // for exitFPMode
			}
			e.byAddr = append(e.byAddr, b)
			for _, s := range res.sites {
				b.sites = append(b.sites, s.id)
				e.sites = append(e.sites, site{
					jmp: entry + uintptr(s.offset), stub: entry + uintptr(s.stub),
					target: s.target, owner: b,
				})
			}
			e.stats.Compiled++
			e.stats.CodeBytes += len(res.code)
			e.perf.add(entry, len(res.code), b.pc, b.end)
		}
	}
	if err != nil {
		b.ir = blk
		b.why = err.Error()
		e.stats.Interpreted++
	}
	e.blocks[pc] = b
	if len(e.blocks) == 1 || b.pc < e.spanLo {
		e.spanLo = b.pc
	}
	e.spanHi = max(e.spanHi, b.end, b.pc+1)
	return b
}

// flush empties the code cache. It runs only from the dispatcher, when no
// generated code is executing.
func (e *Engine) flush() {
	for _, b := range e.blocks {
		b.dropped = true
	}
	clear(e.blocks)
	e.spanLo, e.spanHi = 0, 0
	e.sites = e.sites[:0]
	e.byAddr = e.byAddr[:0]
	e.clearTable()
	e.cache.reset()
	e.stats.Flushes++
}

// Invalidate forgets translations overlapping [start, end). Jumps chained
// into a dropped block are pointed back at their exit stubs and its
// indirect-table entry is cleared, so nothing can reach its code again;
// the code bytes themselves are reclaimed at the next flush.
func (e *Engine) Invalidate(start, end uint64) {
	if len(e.blocks) == 0 || end <= e.spanLo || start >= e.spanHi {
		return
	}
	for pc, b := range e.blocks {
		if !(b.pc < end && b.end > start || pc >= start && pc < end) {
			continue
		}
		delete(e.blocks, pc)
		b.dropped = true
		for _, id := range b.incoming {
			s := &e.sites[id]
			if s.linked == b {
				patchRel32(s.jmp, s.stub)
				s.linked = nil
			}
		}
		if b.entry != 0 {
			i := pc >> 2 & (indirectEntries - 1)
			if e.table[i].pc == pc {
				e.table[i] = indirectEntry{pc: emptyPC}
			}
		}
	}
}
