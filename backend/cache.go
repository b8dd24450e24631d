package backend

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"ferry/ir"
)

// The shared block cache.
//
// All threads of a guest process run from one Cache. Its parts and the
// rules that keep it consistent while many threads translate, chain and
// run at once:
//
//   - Lookup. Each Thread keeps a private direct-mapped array of recently
//     used blocks, so the common lookup touches no shared cache line
//     (the blocks' dropped flags aside, which are read-mostly). A miss
//     reads the shared map under the read lock.
//
//   - Translation happens outside every lock. A thread that misses lifts
//     and compiles the block with its own compiler, then installs it in a
//     short critical section under the write lock; if another thread
//     installed the same PC meanwhile, the installed block wins and the
//     private copy is dropped. The write lock is held only for map
//     updates, placing code (a memcpy) and patching jumps, never for a
//     translation, so a thread translating does not stall the others.
//
//   - Invalidation racing a translation. A translation reads guest
//     memory before it is installed; if that memory is unmapped or
//     rewritten and invalidated in between, installing it would keep
//     stale code forever. Invalidate therefore logs its range while any
//     translation is in flight, and install refuses a block overlapping
//     a range logged since its translation began (the thread then
//     translates again, now seeing the new memory).
//
//   - Chaining bookkeeping. A Site is a patchable exit of a block's code;
//     Link points it straight at another block, and the target records
//     the site in its incoming list so that dropping the target points
//     the site back at its exit path. Patching itself is the engine's
//     (Hooks); it must be safe while other threads execute the code.
//
//   - Flush handshake. Invalidated code is merely unreachable; its memory
//     is reclaimed only by a full flush, when the engine's code memory is
//     full. Code memory must never be reused while any thread might
//     execute it, so every Thread has an inCode flag, set for the whole
//     of Run except while it translates, and the Cache a flushPending
//     flag. Both are sequentially consistent atomics, used Dekker style:
//     a thread sets inCode and then reads flushPending; a flusher sets
//     flushPending and then reads every inCode. In every interleaving at
//     least one of them sees the other's store: either the flusher sees
//     inCode set and waits for the thread to clear it, or the thread sees
//     flushPending and clears inCode and waits for the flush to end
//     before it looks up (and so obtains) any code address. A thread
//     re-checks flushPending on every return to its dispatcher, and
//     generated code returns to the dispatcher at the latest when its
//     time slice ends, so a flush waits at most about one time slice.
//     Threads blocked in syscalls are outside Run (inCode clear) and
//     never hold a flush up. Flushing marks every block dropped before
//     the memory is reused, so a block pointer a thread obtained before
//     it (re-)entered is recognised as stale.

// SliceBlocks is the time slice: Run returns ExitBudget after at most this
// many blocks. Go cannot stop a goroutine inside generated code for a
// garbage collection, and the runtime delivers signals between Runs, so
// this bounds how long a guest loop can hold up both: at ~1 ns per tight
// block it is well below a millisecond.
const SliceBlocks = 1 << 16

// Block is one translated guest block in the cache.
type Block[C any] struct {
	PC, End uint64 // guest code [PC, End) the translation was made from
	// Code is the engine's compiled form; immutable once installed.
	Code C

	sites    []*Site[C] // this block's own patchable exits
	incoming []*Site[C] // sites linked to this block; guarded by Cache.mu
	dropped  atomic.Bool
}

// Dropped reports whether b was invalidated or flushed: a dropped block
// must not be entered again (its code stays valid until the next flush,
// which waits for every thread to leave generated code).
func (b *Block[C]) Dropped() bool { return b.dropped.Load() }

// SiteSpec describes a patchable exit of freshly placed code.
type SiteSpec struct {
	ID     uint64  // from Cache.NewSiteID; what the code reports on exit
	Target uint64  // guest PC the exit continues at
	Jump   uintptr // host address of the patchable jump
	Exit   uintptr // where the jump goes while unlinked
}

// Site is a patchable exit of a block's code.
type Site[C any] struct {
	SiteSpec
	owner  *Block[C]
	linked *Block[C] // block the jump enters directly, or nil; guarded by Cache.mu
}

// Translation is a block one thread has compiled privately and not yet
// installed.
type Translation[C any] interface {
	// Place makes the code executable and returns its installed form and
	// patchable exits. It runs under the cache's write lock, so it may
	// allocate shared code memory; it reports false if that memory is
	// full (the cache then flushes and calls Place again).
	Place() (code C, sites []SiteSpec, ok bool)
}

// Executor is an engine's per-thread half: how one block is compiled and
// run. It is used by its own thread only.
type Executor[C any] interface {
	// Compile compiles blk privately; no lock is held.
	Compile(blk *ir.Block) Translation[C]
	// Execute runs b (and whatever its code chains to) on cpu. It
	// returns ExitNone when execution simply continues at cpu.PC, and is
	// responsible for decrementing cpu.Budget once per block run.
	Execute(t *Thread[C], b *Block[C], cpu *ir.CPU) ir.ExitReason
}

// Reuser is an Executor that may have a block's translation without
// lifting and compiling it (code saved by another process): Reuse returns
// it and the end of the guest code it covers.
type Reuser[C any] interface {
	Reuse(pc uint64) (tr Translation[C], end uint64, ok bool)
}

// Hooks are the engine's shared operations on compiled code, called by the
// cache with its write lock held. Engines that neither chain blocks nor
// keep per-thread references to code (the interpreter) need none.
type Hooks[C any] interface {
	// Link makes s jump straight into to's code; false if to cannot be
	// entered directly. Other threads may be executing s's code.
	Link(s *Site[C], to *Block[C]) bool
	// Unlink points s back at its exit path (s.Exit).
	Unlink(s *Site[C])
	// Dropped is called for each block Invalidate removes: the engine
	// forgets any other reference to its code (per-thread lookup tables).
	Dropped(b *Block[C])
	// Flushed is called when every block has been dropped and no thread
	// is in generated code: the engine may reuse all code memory.
	Flushed()
}

// invalLogSize is how many recent invalidations are kept for translations
// in flight; a translation that sees more than this many is redone.
const invalLogSize = 32

type invalidation struct{ start, end uint64 }

// Cache is the block cache of one guest process, shared by its threads.
type Cache[C any] struct {
	tr    Translator
	hooks Hooks[C]

	mu     sync.RWMutex
	blocks map[uint64]*Block[C]
	sites  map[uint64]*Site[C] // by SiteSpec.ID
	// pages indexes blocks by every guest page their code touches, so
	// invalidating a few lines or pages (a guest JIT's IC IVAU, an
	// mprotect of one page) visits only the blocks there, not all.
	pages map[uint64][]*Block[C]
	// spanLo, spanHi bound the guest code of all cached blocks, so
	// Invalidate can ignore most munmap/mprotect calls (heap memory)
	// without taking the lock. Written under mu.
	spanLo, spanHi atomic.Uint64

	// translating counts translations between their start and their
	// install; invalLog (guarded by mu) holds the ranges invalidated
	// while any was in flight, invalSeq numbers them.
	translating atomic.Int64
	invalSeq    atomic.Uint64
	invalLog    [invalLogSize]invalidation

	siteIDs atomic.Uint64

	threadsMu sync.Mutex
	threads   map[*Thread[C]]struct{}

	// flushMu is held for a whole flush, so threads that find a flush
	// pending wait on it instead of spinning.
	flushMu      sync.Mutex
	flushPending atomic.Bool
	flushes      atomic.Int64
	chained      atomic.Int64

	// Trace, if set, is called with the guest PC of every block the
	// dispatcher enters (ferry -d exec); blocks reached by chained jumps
	// or the JIT's indirect-branch table are not seen unless NoChain is
	// set too. Both are set before any thread runs.
	Trace   func(pc uint64)
	NoChain bool
}

// NewCache returns an empty cache fed by tr; hooks may be nil.
func NewCache[C any](tr Translator, hooks Hooks[C]) *Cache[C] {
	return &Cache[C]{
		tr:      tr,
		hooks:   hooks,
		blocks:  make(map[uint64]*Block[C]),
		sites:   make(map[uint64]*Site[C]),
		pages:   make(map[uint64][]*Block[C]),
		threads: make(map[*Thread[C]]struct{}),
	}
}

// SetTranslator replaces the translator (tests feed hand-made blocks).
// Only call it while no thread is translating.
func (c *Cache[C]) SetTranslator(tr Translator) { c.tr = tr }

// NewSiteID returns a site number unique for the cache's lifetime, so an
// exit reported by code that was flushed or dropped meanwhile can never be
// mistaken for a live site.
func (c *Cache[C]) NewSiteID() uint64 { return c.siteIDs.Add(1) }

// Flushes is how many times the cache was emptied to reclaim code memory.
func (c *Cache[C]) Flushes() int { return int(c.flushes.Load()) }

// Chained is how many jumps were linked.
func (c *Cache[C]) Chained() int { return int(c.chained.Load()) }

// Len is the number of cached blocks.
func (c *Cache[C]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.blocks)
}

// IfLive runs f under the read lock if b is not dropped, and reports
// whether it did. Dropping happens under the write lock, so f may record
// a reference to b's code (an indirect-table entry) that Hooks.Dropped
// will reliably find and clear.
func (c *Cache[C]) IfLive(b *Block[C], f func()) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if b.Dropped() {
		return false
	}
	f()
	return true
}

// Invalidate forgets translations overlapping [start, end). Jumps chained
// into a dropped block are pointed back at their exit paths and the engine
// forgets its other references, so nothing can reach its code again; the
// code memory itself is reclaimed at the next flush. Safe to call from any
// thread at any time.
func (c *Cache[C]) Invalidate(start, end uint64) {
	if start >= end {
		return
	}
	// Lock-free fast path. If no translation is in flight, one that
	// starts after this load reads guest memory after the caller's
	// munmap/mprotect/write, so it cannot be stale; and with none in
	// flight the span cannot grow under us.
	if c.translating.Load() == 0 && (end <= c.spanLo.Load() || start >= c.spanHi.Load()) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	seq := c.invalSeq.Load() + 1
	c.invalLog[seq%invalLogSize] = invalidation{start, end}
	c.invalSeq.Store(seq)
	if len(c.blocks) == 0 || end <= c.spanLo.Load() || start >= c.spanHi.Load() {
		return
	}
	first, last := start>>pageShift, (end-1)>>pageShift
	if last-first < indexedInvalidatePages {
		var hit []*Block[C]
		for pg := first; pg <= last; pg++ {
			for _, b := range c.pages[pg] {
				if b.PC < end && b.End > start && !slices.Contains(hit, b) {
					hit = append(hit, b)
				}
			}
		}
		for _, b := range hit {
			c.drop(b.PC, b)
		}
		return
	}
	for pc, b := range c.blocks {
		if b.PC < end && b.End > start {
			c.drop(pc, b)
		}
	}
}

// pageShift sizes the pages of Cache.pages (4 KiB, the guest's page).
const pageShift = 12

// indexedInvalidatePages: ranges of fewer pages are invalidated through
// the page index, larger ones (munmap of a library) by one pass over all
// blocks.
const indexedInvalidatePages = 64

// blockPages calls f for every page index b's code touches.
func blockPages[C any](b *Block[C], f func(pg uint64)) {
	for pg := b.PC >> pageShift; pg <= (b.End-1)>>pageShift; pg++ {
		f(pg)
	}
}

// drop removes b from the cache. Called with mu held.
func (c *Cache[C]) drop(pc uint64, b *Block[C]) {
	delete(c.blocks, pc)
	blockPages(b, func(pg uint64) {
		list := c.pages[pg]
		if i := slices.Index(list, b); i >= 0 {
			list[i] = list[len(list)-1]
			list = list[:len(list)-1]
		}
		if len(list) == 0 {
			delete(c.pages, pg)
		} else {
			c.pages[pg] = list
		}
	})
	b.dropped.Store(true)
	for _, s := range b.incoming {
		if s.linked == b {
			c.hooks.Unlink(s)
			s.linked = nil
		}
	}
	b.incoming = nil
	for _, s := range b.sites {
		delete(c.sites, s.ID)
		if t := s.linked; t != nil {
			// The owner is unreachable now; the target need not
			// unlink this site when it is dropped in turn.
			for i, in := range t.incoming {
				if in == s {
					t.incoming = append(t.incoming[:i], t.incoming[i+1:]...)
					break
				}
			}
		}
	}
	if c.hooks != nil {
		c.hooks.Dropped(b)
	}
}

// staleSince reports whether a range invalidated after sequence number
// seq overlaps [lo, hi). Called with mu held.
func (c *Cache[C]) staleSince(seq, lo, hi uint64) bool {
	now := c.invalSeq.Load()
	if now-seq > invalLogSize {
		return true // the log lost track: assume the worst
	}
	for s := seq + 1; s <= now; s++ {
		r := c.invalLog[s%invalLogSize]
		if r.start < hi && r.end > lo {
			return true
		}
	}
	return false
}

// install adds the translation of the block at pc. It returns the block
// now cached at pc (another thread's if it got there first), or nil if the
// translation went stale; full reports that code memory is full.
func (c *Cache[C]) install(pc uint64, blk *ir.Block, tr Translation[C], seq uint64) (b *Block[C], full bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b := c.blocks[pc]; b != nil {
		return b, false
	}
	if c.staleSince(seq, min(pc, blk.PC), max(blk.End, pc+1)) {
		return nil, false
	}
	code, specs, ok := tr.Place()
	if !ok {
		return nil, true
	}
	b = &Block[C]{PC: pc, End: max(blk.End, pc+1), Code: code}
	for _, sp := range specs {
		s := &Site[C]{SiteSpec: sp, owner: b}
		b.sites = append(b.sites, s)
		c.sites[sp.ID] = s
	}
	if len(c.blocks) == 0 || pc < c.spanLo.Load() {
		c.spanLo.Store(pc)
	}
	if b.End > c.spanHi.Load() {
		c.spanHi.Store(b.End)
	}
	c.blocks[pc] = b
	blockPages(b, func(pg uint64) { c.pages[pg] = append(c.pages[pg], b) })
	return b, false
}

// flush empties the cache so the engine can reuse its code memory. The
// caller must be outside generated code (its inCode clear). flushesSeen is
// the flush count when the caller found memory full: if another thread has
// flushed since, there is room again and nothing is done.
func (c *Cache[C]) flush(flushesSeen int64) {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	if c.flushes.Load() != flushesSeen {
		return
	}
	c.flushPending.Store(true)
	c.threadsMu.Lock()
	threads := make([]*Thread[C], 0, len(c.threads))
	for t := range c.threads {
		threads = append(threads, t)
	}
	c.threadsMu.Unlock()
	// Threads that register after the snapshot start outside code and
	// see flushPending before they enter.
	for _, t := range threads {
		for spins := 0; t.inCode.Load(); spins++ {
			if spins < 100 {
				runtime.Gosched()
			} else {
				time.Sleep(20 * time.Microsecond)
			}
		}
	}
	c.mu.Lock()
	for _, b := range c.blocks {
		b.dropped.Store(true)
	}
	clear(c.blocks)
	clear(c.sites)
	clear(c.pages)
	c.spanLo.Store(0)
	c.spanHi.Store(0)
	if c.hooks != nil {
		c.hooks.Flushed()
	}
	c.flushes.Add(1)
	c.mu.Unlock()
	c.flushPending.Store(false)
}

// link handles an exit through the unlinked site id that wants to
// continue at pc: if pc's block can be entered directly, the site's jump
// is patched to it. The caller is in code (inCode set), so no flush runs
// meanwhile.
func (c *Cache[C]) link(id uint64, to *Block[C]) {
	if c.hooks == nil || c.NoChain {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.sites[id]
	// The site is gone if its owner was dropped or flushed; another
	// thread may have linked it already.
	if s == nil || s.linked != nil || to.Dropped() || s.Target != to.PC {
		return
	}
	if c.hooks.Link(s, to) {
		s.linked = to
		to.incoming = append(to.incoming, s)
		c.chained.Add(1)
	}
}

// recentBlocks is the size of a thread's private lookup array.
const recentBlocks = 1 << 10

// Thread is one runner's share of a Cache: its private lookup array, its
// place in the flush handshake, and the dispatch loop. Used by its own
// thread only (but see inCode).
type Thread[C any] struct {
	cache *Cache[C]
	exec  Executor[C]
	// inCode is set while the thread may hold or run code addresses
	// obtained from the cache (see the flush handshake above).
	inCode atomic.Bool
	recent [recentBlocks]*Block[C]
	// translateNanos is the time spent translating, compiling and
	// installing blocks.
	translateNanos int64
}

// TranslateNanos returns the time t has spent translating blocks. Only
// t's own thread may call it.
func (t *Thread[C]) TranslateNanos() int64 { return t.translateNanos }

// NewThread registers a thread running exec on the cache.
func (c *Cache[C]) NewThread(exec Executor[C]) *Thread[C] {
	t := &Thread[C]{cache: c, exec: exec}
	c.threadsMu.Lock()
	c.threads[t] = struct{}{}
	c.threadsMu.Unlock()
	return t
}

// Close unregisters t; it must not run again.
func (t *Thread[C]) Close() {
	t.cache.threadsMu.Lock()
	delete(t.cache.threads, t)
	t.cache.threadsMu.Unlock()
	clear(t.recent[:])
}

// Cache returns the cache t runs on.
func (t *Thread[C]) Cache() *Cache[C] { return t.cache }

// Run is the dispatch loop: it sets the time slice and runs blocks from
// cpu.PC until one returns a reason the runtime must see, the slice is
// used up, or cpu.Interrupt is set.
func (t *Thread[C]) Run(cpu *ir.CPU) ir.ExitReason {
	cpu.Budget = SliceBlocks
	t.enterCode()
	// Deferred so that a recovered panic (the interpreter's guest
	// faults) leaves the thread outside code too.
	defer t.inCode.Store(false)
	for {
		if atomic.LoadUint32(&cpu.Interrupt) != 0 || cpu.Budget < 0 {
			cpu.Exit = uint64(ir.ExitBudget)
			return ir.ExitBudget
		}
		if t.cache.flushPending.Load() {
			t.inCode.Store(false)
			t.enterCode()
		}
		if t.cache.Trace != nil {
			t.cache.Trace(cpu.PC)
		}
		if r := t.exec.Execute(t, t.Lookup(cpu.PC), cpu); r != ir.ExitNone {
			return r
		}
	}
}

// enterCode sets inCode, first waiting for any pending flush to finish.
func (t *Thread[C]) enterCode() {
	for {
		t.inCode.Store(true)
		if !t.cache.flushPending.Load() {
			return
		}
		t.inCode.Store(false)
		t.cache.flushMu.Lock() // held by the flusher until it is done
		t.cache.flushMu.Unlock()
	}
}

// Lookup returns the live block at pc, translating and installing it if
// needed. It must be called from within Run (Executors use it for chain
// targets and indirect branches). While it translates, the thread is
// outside code, so a flush may happen: callers must not hold code
// addresses obtained before the call.
func (t *Thread[C]) Lookup(pc uint64) *Block[C] {
	i := pc >> 2 & (recentBlocks - 1)
	for {
		if b := t.recent[i]; b != nil && b.PC == pc && !b.Dropped() {
			return b
		}
		c := t.cache
		c.mu.RLock()
		b := c.blocks[pc]
		c.mu.RUnlock()
		if b == nil {
			t.inCode.Store(false)
			b = t.translate(pc)
			t.enterCode()
		}
		// Dropped: invalidated meanwhile, or flushed while this thread
		// was outside code; translate again.
		if b != nil && !b.Dropped() {
			t.recent[i] = b
			return b
		}
	}
}

// translate lifts, compiles and installs the block at pc, outside code.
// It returns nil if the translation went stale before it was installed.
func (t *Thread[C]) translate(pc uint64) *Block[C] {
	c := t.cache
	start := time.Now()
	c.translating.Add(1)
	defer func() {
		c.translating.Add(-1)
		t.translateNanos += int64(time.Since(start))
	}()
	seq := c.invalSeq.Load()
	var blk *ir.Block
	var tr Translation[C]
	if ru, ok := t.exec.(Reuser[C]); ok {
		if saved, end, ok := ru.Reuse(pc); ok {
			blk, tr = &ir.Block{PC: pc, End: end}, saved
		}
	}
	if tr == nil {
		blk = c.tr(pc)
		tr = t.exec.Compile(blk)
	}
	for {
		flushes := c.flushes.Load()
		b, full := c.install(pc, blk, tr, seq)
		if !full {
			return b
		}
		c.flush(flushes)
	}
}

// Link handles an exit through the unlinked site id towards cpu PC pc:
// the site is patched to enter pc's block directly from now on, if the
// engine can. Call it from Execute.
func (t *Thread[C]) Link(id, pc uint64) {
	to := t.Lookup(pc)
	t.cache.link(id, to)
}
