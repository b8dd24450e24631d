// Package amd64 is ferry's x86-64 JIT engine. It compiles IR blocks into
// host code in an executable code cache, links blocks with patchable
// direct jumps, resolves indirect branches through an inline lookup table,
// and runs any block holding an op it does not compile in the reference
// interpreter, so it is always exactly as correct as ir/interp.
//
// The block cache, the dispatch loop, chaining bookkeeping, invalidation
// and the flush handshake are backend's (backend/cache.go); this package
// supplies compiling, placing code, patching jumps and running code.
package amd64

import (
	"sync"
	"sync/atomic"
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
	defaultCacheSize = 64 << 20
	indirectEntries  = 1 << 12 // power of two
)

// Exit reasons private to the JIT: generated code returns them to the
// dispatcher, which handles them and never shows them to the runtime.
const (
	// exitChain: the unlinked direct jump cpu.ChainSite wants to
	// continue at cpu.PC; the dispatcher links it.
	exitChain ir.ExitReason = ir.ExitEnginePrivate + iota
	// exitIndirect: an indirect branch to cpu.PC missed the inline table.
	exitIndirect
	// exitFPMode: the block at cpu.PC holds FP ops compiled for
	// FPCR.FZ = FPCR.DN = 0, and one of them is set, so the dispatcher
	// runs this block in the interpreter.
	exitFPMode
)

// indirectEntry is one slot of the direct-mapped table that generated code
// consults for indirect branches: host is the entry of the block at pc.
// Each runner has its own table (reached through cpu.IndirectTable): a
// {pc, host} pair cannot be replaced atomically under a reader on another
// thread, but a table read only by its own thread's code can be filled by
// that thread between blocks. Other threads only ever clear pc (to
// emptyPC) when they drop a block, which is safe at any moment: a reader
// that already matched the old pc still finds the old host, whose code
// stays valid until a flush, and a flush waits for every runner to leave
// generated code.
type indirectEntry struct {
	pc, host uint64
}

// emptyPC never matches a guest PC (guest PCs are 4-byte aligned).
const emptyPC = 1

// jitCode is the JIT's compiled form of a block.
type jitCode struct {
	entry uintptr   // host code; 0 if the block runs in the interpreter
	ir    *ir.Block // interpreted blocks, and compiled ones with an FPCR guard
	insns []hostPC  // host offset → guest instruction, for faults
	// why an interpreted block was not compiled, and a counter of its
	// runs shared by all blocks with that reason (the coverage to-do list).
	why  string
	runs *atomic.Int64
}

type jitBlock = backend.Block[jitCode]

// placed records where a compiled block's code is, for mapping a faulting
// host RIP to a guest PC. Kept until the next flush, also for invalidated
// blocks, since another thread may still be running their code.
type placed struct {
	entry uintptr
	pc    uint64
	insns []hostPC
}

// Stats counts engine events (for tests and benchmarks), summed over all
// runners.
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

// counters are the per-runner Stats fields. They are atomics only so that
// Stats may read them while the runner runs; each has a single writer.
type counters struct {
	indirectMiss, spills, entries, chainExits, interpretedRuns, fpModeRuns, translateNanos atomic.Int64
}

func (c *counters) addTo(s *Stats) {
	s.IndirectMiss += int(c.indirectMiss.Load())
	s.Spills += int(c.spills.Load())
	s.Entries += int(c.entries.Load())
	s.ChainExits += int(c.chainExits.Load())
	s.InterpretedRuns += int(c.interpretedRuns.Load())
	s.FPModeRuns += int(c.fpModeRuns.Load())
	s.TranslateNanos += c.translateNanos.Load()
}

func (c *counters) fold(from *counters) {
	c.indirectMiss.Add(from.indirectMiss.Load())
	c.spills.Add(from.spills.Load())
	c.entries.Add(from.entries.Load())
	c.chainExits.Add(from.chainExits.Load())
	c.interpretedRuns.Add(from.interpretedRuns.Load())
	c.fpModeRuns.Add(from.fpModeRuns.Load())
	c.translateNanos.Add(from.translateNanos.Load())
}

// Engine is the JIT for one guest process; safe for concurrent use.
type Engine struct {
	cache *backend.Cache[jitCode]
	caps  caps // host features compiled code may use

	// codeMu guards the code memory, byAddr and perf. Lock order:
	// the cache's lock, then codeMu, then runnersMu.
	codeMu sync.Mutex
	code   *codeCache
	byAddr []placed // compiled blocks in code-address order, for faults
	perf   *perfMap

	runnersMu sync.Mutex
	runners   map[*runner]struct{}
	retired   counters // of closed runners

	compiled, interpreted, codeBytes atomic.Int64
	countRetired                     atomic.Bool

	reasonsMu sync.Mutex
	reasons   map[string]*atomic.Int64 // interpreted runs by why

	// shared, if set, is where compiled blocks are saved for and reused
	// from other processes; codeOK says whether the guest may execute
	// [pc, end) (the lifter's check, for blocks that skip the lifter).
	shared *SharedCode
	codeOK func(pc, end uint64) bool

	// codeLog, if set, sees every block placed (ferry -d out_asm): its
	// guest PC, and its host code, or why it runs in the interpreter.
	codeLog func(pc uint64, entry uintptr, code []byte, interpreted string)
}

// UseShared makes the engine save the blocks it compiles in s and reuse
// the ones saved there, before any code runs. codeOK must say whether
// the guest may execute [pc, end) now, as the translator would.
func (e *Engine) UseShared(s *SharedCode, codeOK func(pc, end uint64) bool) {
	e.shared, e.codeOK = s, codeOK
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
		caps:    hostCaps(),
		code:    cc,
		runners: make(map[*runner]struct{}),
		reasons: make(map[string]*atomic.Int64),
	}
	e.cache = backend.NewCache[jitCode](tr, e)
	if perfMapEnabled {
		e.perf = openPerfMap()
	}
	return e, nil
}

// CodeRange returns the code arena: every engine's code cache and the
// shared stubs, all of which run with R15 = the *ir.CPU.
func (e *Engine) CodeRange() (lo, hi uintptr) { return arenaLo, arenaHi }

// Invalidate forgets translations of guest code in [start, end).
func (e *Engine) Invalidate(start, end uint64) { e.cache.Invalidate(start, end) }

// CountRetired makes blocks compiled from now on add their guest
// instruction count to cpu.Retired when they start (for ferry -stats).
func (e *Engine) CountRetired(on bool) { e.countRetired.Store(on) }

// SetTrace makes the dispatcher report every block it enters, and with
// noChain never chain blocks or fill indirect-branch tables, so it sees
// every block run (ferry -d exec,nochain). Call it before any runner runs.
func (e *Engine) SetTrace(trace func(pc uint64), noChain bool) {
	e.cache.Trace, e.cache.NoChain = trace, noChain
}

// SetCodeLog makes the engine report each block it places (ferry -d
// out_asm): code is the block's host code at entry, valid during the call;
// for a block left to the interpreter, code is nil and interpreted says
// why. f runs under the engine's locks: it must not call back into it.
// Call it before any runner runs.
func (e *Engine) SetCodeLog(f func(pc uint64, entry uintptr, code []byte, interpreted string)) {
	e.codeLog = f
}

// Stats returns counters of the engine's work so far, over all runners.
func (e *Engine) Stats() Stats {
	s := Stats{
		Compiled:    int(e.compiled.Load()),
		Interpreted: int(e.interpreted.Load()),
		CodeBytes:   int(e.codeBytes.Load()),
		Chained:     e.cache.Chained(),
		Flushes:     e.cache.Flushes(),
	}
	e.runnersMu.Lock()
	defer e.runnersMu.Unlock()
	e.retired.addTo(&s)
	for r := range e.runners {
		r.stats.addTo(&s)
	}
	return s
}

// InterpretedRuns returns how often blocks ran in the interpreter, by the
// reason the JIT did not compile them.
func (e *Engine) InterpretedRuns() map[string]int {
	e.reasonsMu.Lock()
	defer e.reasonsMu.Unlock()
	m := make(map[string]int, len(e.reasons))
	for k, v := range e.reasons {
		if n := v.Load(); n != 0 {
			m[k] = int(n)
		}
	}
	return m
}

func (e *Engine) reasonCounter(why string) *atomic.Int64 {
	e.reasonsMu.Lock()
	defer e.reasonsMu.Unlock()
	n := e.reasons[why]
	if n == nil {
		n = new(atomic.Int64)
		e.reasons[why] = n
	}
	return n
}

// runner is one guest thread's half of the JIT.
type runner struct {
	e      *Engine
	thread *backend.Thread[jitCode]
	comp   *compiler // private: compiling needs no lock
	table  []indirectEntry
	stats  counters
	// reuseBuf holds a reused block's code until it is placed.
	reuseBuf []byte
}

// NewRunner returns the state one guest thread runs with.
func (e *Engine) NewRunner() backend.Runner { return e.newRunner() }

func (e *Engine) newRunner() *runner {
	r := &runner{e: e, comp: newCompiler(e.caps, e.cache.NewSiteID), table: make([]indirectEntry, indirectEntries)}
	for i := range r.table {
		r.table[i].pc = emptyPC
	}
	r.thread = e.cache.NewThread(r)
	e.runnersMu.Lock()
	e.runners[r] = struct{}{}
	e.runnersMu.Unlock()
	return r
}

// Close unregisters the runner; its counts stay in the engine's Stats.
func (r *runner) Close() {
	r.thread.Close()
	e := r.e
	e.runnersMu.Lock()
	delete(e.runners, r)
	e.retired.fold(&r.stats)
	e.runnersMu.Unlock()
}

// Run executes guest code from cpu.PC until something needs the runtime.
func (r *runner) Run(c *ir.CPU) ir.ExitReason {
	// Go never moves heap objects, so generated code may hold the
	// table's address; r keeps the table alive.
	c.IndirectTable = uint64(uintptr(unsafe.Pointer(&r.table[0])))
	start := r.thread.TranslateNanos()
	defer func() { r.stats.translateNanos.Add(r.thread.TranslateNanos() - start) }()
	return r.thread.Run(c)
}

// translation is a block compiled by one runner, not yet placed.
type translation struct {
	e   *Engine
	blk *ir.Block
	res compiled // res.code is the runner's encoder buffer, valid until its next compile
	err error
}

// Compile compiles blk with the runner's own compiler.
func (r *runner) Compile(blk *ir.Block) backend.Translation[jitCode] {
	r.comp.countRetired = r.e.countRetired.Load()
	res, err := r.comp.compile(blk)
	if err == nil && len(res.code) > len(r.e.code.mem) {
		err = compileError("block larger than the code cache")
	}
	r.stats.spills.Store(int64(r.comp.spills))
	if err == nil && r.e.shared != nil {
		r.e.shared.save(blk.PC, blk.End, blk.Code, res)
	}
	if dumpPC != 0 && dumpPC == blk.PC {
		dumpBlock(blk, res.code, err)
	}
	return &translation{e: r.e, blk: blk, res: res, err: err}
}

// Reuse returns the translation of the block at pc saved by another
// process (or earlier by this one), if guest memory there holds the same
// instructions and the guest may execute them (backend.Reuser).
func (r *runner) Reuse(pc uint64) (backend.Translation[jitCode], uint64, bool) {
	sh := r.e.shared
	if sh == nil {
		return nil, 0, false
	}
	b, ok := sh.lookup(pc, func(b savedBlock) bool {
		return r.e.codeOK(pc, b.end) && wordsMatch(pc, b.words)
	})
	if !ok {
		return nil, 0, false
	}
	tr := r.reuse(b)
	if tr == nil {
		return nil, 0, false
	}
	sh.reused.Add(1)
	return tr, b.end, true
}

// Place copies compiled code into the code cache (under the block cache's
// lock), or sets up an interpreted block.
func (t *translation) Place() (jitCode, []backend.SiteSpec, bool) {
	e := t.e
	if t.err != nil {
		e.interpreted.Add(1)
		why := t.err.Error()
		if e.codeLog != nil {
			e.codeLog(t.blk.PC, 0, nil, why)
		}
		return jitCode{ir: t.blk, why: why, runs: e.reasonCounter(why)}, nil, true
	}
	e.codeMu.Lock()
	defer e.codeMu.Unlock()
	entry, ok := e.code.add(t.res.code)
	if !ok {
		return jitCode{}, nil, false
	}
	code := jitCode{entry: entry, insns: t.res.insns}
	if t.res.fpGuard {
		code.ir = t.blk // for exitFPMode
	}
	sites := make([]backend.SiteSpec, len(t.res.sites))
	for i, s := range t.res.sites {
		jmp := entry + uintptr(s.offset)
		if (jmp+1)%4 != 0 {
			panic("amd64: chain jump displacement not 4-byte aligned")
		}
		sites[i] = backend.SiteSpec{ID: s.id, Target: s.target, Jump: jmp, Exit: entry + uintptr(s.stub)}
	}
	e.byAddr = append(e.byAddr, placed{entry: entry, pc: t.blk.PC, insns: t.res.insns})
	e.compiled.Add(1)
	e.codeBytes.Add(int64(len(t.res.code)))
	e.perf.add(entry, len(t.res.code), t.blk.PC, t.blk.End)
	if e.codeLog != nil {
		text := t.res.code
		if t.res.textLen > 0 { // reused code does not know where its pool starts
			text = text[:t.res.textLen]
		}
		e.codeLog(t.blk.PC, entry, text, "")
	}
	return code, sites, true
}

// Execute runs one block: compiled code (through whatever it chains to)
// or, for blocks the JIT does not compile, the interpreter.
func (r *runner) Execute(t *backend.Thread[jitCode], b *jitBlock, c *ir.CPU) ir.ExitReason {
	if b.Code.entry == 0 {
		return r.interpret(c, b.Code.ir, b.Code.runs)
	}
	enter(b.Code.entry, c)
	r.stats.entries.Add(1)
	switch reason := ir.ExitReason(c.Exit); reason {
	case exitChain:
		r.stats.chainExits.Add(1)
		t.Link(c.ChainSite, c.PC)
	case exitIndirect:
		r.stats.indirectMiss.Add(1)
		r.fillIndirect(t, t.Lookup(c.PC))
	case exitFPMode:
		r.stats.fpModeRuns.Add(1)
		// The block at c.PC (the one that took this exit, maybe reached
		// by chaining) normally still has its IR; if it was replaced
		// meanwhile, the dispatcher simply runs the new translation.
		if blk := t.Lookup(c.PC).Code.ir; blk != nil {
			if res := interp.Exec(c, blk); res != ir.ExitNone {
				r.maybeReportStats(c, res)
				return res
			}
		}
	case ir.ExitFault:
		if pc, ok := r.e.faultPC(uintptr(c.Scratch[faultRIPSlot])); ok {
			c.PC = pc
		}
		return reason
	default:
		r.maybeReportStats(c, reason)
		return reason
	}
	return ir.ExitNone
}

// interpret runs an interpreted block; it counts against the time slice
// like a compiled block's entry check.
func (r *runner) interpret(c *ir.CPU, blk *ir.Block, runs *atomic.Int64) ir.ExitReason {
	runs.Add(1)
	r.stats.interpretedRuns.Add(1)
	reason := interp.Exec(c, blk)
	if reason != ir.ExitNone {
		r.maybeReportStats(c, reason)
		return reason
	}
	c.Budget--
	return ir.ExitNone
}

// fillIndirect enters b in this runner's indirect-branch table. It happens
// under the cache's read lock after checking b is live, so an Invalidate
// (which drops blocks and clears table entries under the write lock)
// either comes after and clears the entry, or came before and b is seen
// dropped: a table never keeps a dropped block.
func (r *runner) fillIndirect(t *backend.Thread[jitCode], b *jitBlock) {
	if b.Code.entry == 0 || t.Cache().NoChain {
		return
	}
	t.Cache().IfLive(b, func() {
		ent := &r.table[b.PC>>2&(indirectEntries-1)]
		atomic.StoreUint64(&ent.host, uint64(b.Code.entry))
		atomic.StoreUint64(&ent.pc, b.PC)
	})
}

// Link patches site s to jump straight into to (backend.Hooks).
func (e *Engine) Link(s *backend.Site[jitCode], to *jitBlock) bool {
	if to.Code.entry == 0 {
		return false
	}
	patchRel32(s.Jump, to.Code.entry)
	return true
}

// Unlink points site s back at its exit stub (backend.Hooks).
func (e *Engine) Unlink(s *backend.Site[jitCode]) { patchRel32(s.Jump, s.Exit) }

// Dropped clears b's entry in every runner's indirect-branch table
// (backend.Hooks).
func (e *Engine) Dropped(b *jitBlock) {
	if b.Code.entry == 0 {
		return
	}
	i := b.PC >> 2 & (indirectEntries - 1)
	e.runnersMu.Lock()
	defer e.runnersMu.Unlock()
	for r := range e.runners {
		if ent := &r.table[i]; atomic.LoadUint64(&ent.pc) == b.PC {
			atomic.StoreUint64(&ent.pc, emptyPC)
		}
	}
}

// Flushed empties the code memory and every runner's indirect table; no
// runner is in generated code (backend.Hooks).
func (e *Engine) Flushed() {
	e.codeMu.Lock()
	e.code.reset()
	e.byAddr = e.byAddr[:0]
	e.codeMu.Unlock()
	e.runnersMu.Lock()
	defer e.runnersMu.Unlock()
	for r := range e.runners {
		for i := range r.table {
			atomic.StoreUint64(&r.table[i].pc, emptyPC)
		}
	}
}
