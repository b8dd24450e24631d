package backend

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ferry/ir"
)

// The tests here run the cache with a model engine whose "code memory" is
// a generation counter: placing a block records the generation it lives
// in, and a flush starts a new one. A thread executing a block from an
// older generation would be running reused memory, which the flush
// handshake must rule out.

type modelCode struct {
	gen  uint64
	next uint64 // guest PC the block continues at
}

type modelEngine struct {
	gen      atomic.Uint64
	used     atomic.Int64 // blocks placed in this generation
	capacity int64
	stale    atomic.Int64 // blocks executed after their memory was reused
	linked   atomic.Int64
}

func (m *modelEngine) Link(s *Site[modelCode], to *Block[modelCode]) bool {
	m.linked.Add(1)
	return true
}
func (m *modelEngine) Unlink(s *Site[modelCode])     {}
func (m *modelEngine) Dropped(b *Block[modelCode])   {}
func (m *modelEngine) Flushed()                      { m.gen.Add(1); m.used.Store(0) }
func (m *modelEngine) translate(pc uint64) *ir.Block { return &ir.Block{PC: pc, End: pc + 4} }

type modelTranslation struct {
	m     *modelEngine
	cache *Cache[modelCode]
	blk   *ir.Block
}

func (t modelTranslation) Place() (modelCode, []SiteSpec, bool) {
	if t.m.used.Add(1) > t.m.capacity {
		return modelCode{}, nil, false
	}
	next := t.blk.PC + 4
	if next >= loopEnd {
		next = loopStart
	}
	site := SiteSpec{ID: t.cache.NewSiteID(), Target: next}
	return modelCode{gen: t.m.gen.Load(), next: next}, []SiteSpec{site}, true
}

type modelThread struct {
	m     *modelEngine
	cache *Cache[modelCode]
}

func (x *modelThread) Compile(blk *ir.Block) Translation[modelCode] {
	return modelTranslation{x.m, x.cache, blk}
}

func (x *modelThread) Execute(t *Thread[modelCode], b *Block[modelCode], cpu *ir.CPU) ir.ExitReason {
	if b.Code.gen != x.m.gen.Load() {
		x.m.stale.Add(1)
	}
	runtime.Gosched() // let flushes and other threads interleave
	if b.Code.gen != x.m.gen.Load() {
		x.m.stale.Add(1)
	}
	cpu.X[0]++
	cpu.Budget--
	cpu.PC = b.Code.next
	if cpu.PC == loopStart {
		cpu.Exit = uint64(ir.ExitSyscall) // one lap: back to the "runtime"
		return ir.ExitSyscall
	}
	t.Link(b.sites[0].ID, cpu.PC)
	return ir.ExitNone
}

const (
	loopStart = 0x10000
	loopEnd   = loopStart + 4*300
)

// TestFlushHandshake runs several threads through more blocks than the
// model memory holds, so they flush it again and again while the others
// run, invalidate and link; no thread may ever execute a block whose
// memory was reused.
func TestFlushHandshake(t *testing.T) {
	m := &modelEngine{capacity: 64}
	c := NewCache[modelCode](m.translate, m)
	const threads = 4
	laps := 30
	if testing.Short() {
		laps = 10
	}
	var wg sync.WaitGroup
	for i := 0; i < threads; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			th := c.NewThread(&modelThread{m, c})
			defer th.Close()
			cpu := &ir.CPU{PC: loopStart}
			for lap := 0; lap < laps; {
				switch r := th.Run(cpu); r {
				case ir.ExitSyscall:
					lap++
				case ir.ExitBudget:
				default:
					t.Errorf("exit %d", r)
					return
				}
			}
			if cpu.X[0] != uint64(laps*(loopEnd-loopStart)/4) {
				t.Errorf("ran %d blocks, want %d", cpu.X[0], laps*(loopEnd-loopStart)/4)
			}
		}()
	}
	stop := make(chan struct{})
	var inval sync.WaitGroup
	inval.Add(1)
	go func() {
		defer inval.Done()
		for pc := uint64(loopStart); ; pc = loopStart + (pc+36)%(loopEnd-loopStart) {
			select {
			case <-stop:
				return
			default:
			}
			c.Invalidate(pc, pc+8)
			time.Sleep(10 * time.Microsecond)
		}
	}()
	wg.Wait()
	close(stop)
	inval.Wait()
	if n := m.stale.Load(); n != 0 {
		t.Errorf("%d blocks ran after their code memory was reused", n)
	}
	if c.Flushes() == 0 || m.linked.Load() == 0 {
		t.Errorf("flushes %d, links %d: the test did not exercise flushing and linking", c.Flushes(), m.linked.Load())
	}
	t.Logf("%d flushes, %d links", c.Flushes(), m.linked.Load())
}

// TestInstallRace: when threads translate the same PC at once, they all
// end up running the one block that was installed first.
func TestInstallRace(t *testing.T) {
	m := &modelEngine{capacity: 1 << 20}
	c := NewCache[modelCode](m.translate, m)
	const threads = 8
	got := make([]*Block[modelCode], threads)
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			th := c.NewThread(&modelThread{m, c})
			defer th.Close()
			start.Wait()
			th.enterCode()
			got[i] = th.Lookup(loopStart)
			th.inCode.Store(false)
		}()
	}
	start.Done()
	wg.Wait()
	for _, b := range got {
		if b != got[0] {
			t.Fatal("threads got different blocks for one PC")
		}
	}
	if c.Len() != 1 {
		t.Errorf("%d blocks cached, want 1", c.Len())
	}
}

// TestInvalidateDuringTranslation: a translation that read guest memory
// before an overlapping Invalidate must not be installed.
func TestInvalidateDuringTranslation(t *testing.T) {
	m := &modelEngine{capacity: 1 << 20}
	var c *Cache[modelCode]
	translations := 0
	c = NewCache[modelCode](func(pc uint64) *ir.Block {
		translations++
		if translations == 1 {
			c.Invalidate(pc, pc+4) // the guest rewrites the code meanwhile
		}
		return m.translate(pc)
	}, m)
	th := c.NewThread(&modelThread{m, c})
	defer th.Close()
	th.enterCode()
	b := th.Lookup(loopStart)
	th.inCode.Store(false)
	if translations != 2 || b.Dropped() || c.Len() != 1 {
		t.Errorf("%d translations, dropped %v, %d cached: want the stale translation discarded and redone",
			translations, b.Dropped(), c.Len())
	}
	// An unrelated invalidation does not force a retranslation.
	translations = 0
	c.SetTranslator(func(pc uint64) *ir.Block {
		translations++
		c.Invalidate(0x900000, 0x900004)
		return m.translate(pc)
	})
	th.enterCode()
	th.Lookup(loopStart + 4)
	th.inCode.Store(false)
	if translations != 1 {
		t.Errorf("%d translations after an unrelated invalidation, want 1", translations)
	}
}

// TestInterrupt: Run returns ExitBudget as soon as cpu.Interrupt is set.
func TestInterrupt(t *testing.T) {
	m := &modelEngine{capacity: 1 << 20}
	c := NewCache[modelCode](m.translate, m)
	th := c.NewThread(&modelThread{m, c})
	defer th.Close()
	cpu := &ir.CPU{PC: loopStart}
	atomic.StoreUint32(&cpu.Interrupt, 1)
	if r := th.Run(cpu); r != ir.ExitBudget || cpu.X[0] != 0 || cpu.PC != loopStart {
		t.Errorf("exit %d after %d blocks at %#x, want ExitBudget before any block", r, cpu.X[0], cpu.PC)
	}
}

// TestInvalidatePageIndex: small ranges are invalidated through the page
// index and large ones by a scan; either way exactly the overlapping blocks
// go, including one that spans a page boundary, and the index forgets
// dropped and flushed blocks.
func TestInvalidatePageIndex(t *testing.T) {
	m := &modelEngine{capacity: 1 << 20}
	sizes := map[uint64]uint64{0x10ff8: 16} // crosses into page 0x11
	c := NewCache[modelCode](func(pc uint64) *ir.Block {
		n := uint64(4)
		if s, ok := sizes[pc]; ok {
			n = s
		}
		return &ir.Block{PC: pc, End: pc + n}
	}, m)
	th := c.NewThread(&modelThread{m, c})
	defer th.Close()
	pcs := []uint64{0x10000, 0x10040, 0x10ff8, 0x11010, 0x20000, 0x80000}
	load := func() map[uint64]*Block[modelCode] {
		th.enterCode()
		defer th.inCode.Store(false)
		got := map[uint64]*Block[modelCode]{}
		for _, pc := range pcs {
			got[pc] = th.Lookup(pc)
		}
		return got
	}
	check := func(what string, blocks map[uint64]*Block[modelCode], wantDropped ...uint64) {
		t.Helper()
		for pc, b := range blocks {
			want := slices.Contains(wantDropped, pc)
			if b.Dropped() != want {
				t.Errorf("%s: block %#x dropped %v, want %v", what, pc, b.Dropped(), want)
			}
		}
	}
	b := load()
	c.Invalidate(0x10040, 0x10080) // one IC IVAU line
	check("line", b, 0x10040)
	b = load()
	c.Invalidate(0x11000, 0x11004) // the second page of the spanning block
	check("second page", b, 0x10ff8)
	b = load()
	c.Invalidate(0x11014, 0x11040) // past the end of the block at 0x11010
	check("miss", b)
	c.Invalidate(0x10000, 0x90000) // large: the scan
	check("scan", b, pcs...)
	if c.Len() != 0 || len(c.pages) != 0 {
		t.Errorf("%d blocks, %d index pages left after dropping all", c.Len(), len(c.pages))
	}
	load()
	c.flush(int64(c.Flushes()))
	if len(c.pages) != 0 {
		t.Errorf("%d index pages left after a flush", len(c.pages))
	}
}
