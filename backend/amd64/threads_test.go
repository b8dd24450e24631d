package amd64

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ferry/backend"
	"ferry/ir"
	"ferry/ir/interp"
)

// callChain is a guest program of n distinct blocks at 0x10000, 0x10004…:
// block i adds i to X0, every seventh calls a function at 0x3000 that adds
// 1 to X1 and returns (an indirect branch), and the last one makes a
// syscall. Run to the syscall, X0 = n(n-1)/2 and X1 = the number of calls.
func callChain(n int) (blockSet, uint64) {
	bs := blockSet{}
	calls := uint64(0)
	for i := uint64(0); i < uint64(n); i++ {
		pc := 0x10000 + 4*i
		call := i%7 == 3
		if call {
			calls++
		}
		bs[pc] = build(pc, 1, func(b *ir.Builder) {
			b.SetReg(0, b.Bin(ir.OpAdd, b.GetReg(0), b.Const(ir.I64, i)))
			switch {
			case i == uint64(n)-1:
				b.Syscall(pc + 4)
			case call:
				b.SetReg(30, b.Const(ir.I64, pc+4))
				b.Jump(0x3000)
			default:
				b.Jump(pc + 4)
			}
		})
	}
	bs[0x3000] = build(0x3000, 2, func(b *ir.Builder) {
		b.SetReg(1, b.Bin(ir.OpAdd, b.GetReg(1), b.Const(ir.I64, 1)))
		b.Indirect(b.GetReg(30))
	})
	return bs, calls
}

// TestThreadsShareCache runs several threads through one JIT engine whose
// code cache is far too small for the program, so it is flushed over and
// over while the other threads run, link blocks and fill their indirect
// tables; meanwhile another goroutine invalidates code and reads the
// statistics. Every thread must compute the right result.
func TestThreadsShareCache(t *testing.T) {
	const n = 1500
	bs, calls := callChain(n)
	e, err := newEngine(bs.translate, 16<<10)
	if err != nil {
		t.Fatal(err)
	}
	threads, rounds := 4, 6
	if testing.Short() || raceEnabled {
		rounds = 3
	}
	var wg sync.WaitGroup
	for i := 0; i < threads; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread() // as guest threads will be
			defer runtime.UnlockOSThread()
			r := e.NewRunner()
			defer r.Close()
			for round := 0; round < rounds; round++ {
				c := ir.CPU{PC: 0x10000}
				if res, _ := runToExit(r, &c); res != ir.ExitSyscall || c.X[0] != n*(n-1)/2 || c.X[1] != calls {
					t.Errorf("exit %d x0 %d x1 %d; want syscall, %d, %d", res, c.X[0], c.X[1], n*(n-1)/2, calls)
					return
				}
			}
		}()
	}
	stop := make(chan struct{})
	var side sync.WaitGroup
	side.Add(1)
	go func() {
		defer side.Done()
		rng := rand.New(rand.NewPCG(1, 2))
		for {
			select {
			case <-stop:
				return
			default:
			}
			pc := 0x10000 + 4*rng.Uint64N(n)
			if rng.IntN(8) == 0 {
				pc = 0x3000
			}
			e.Invalidate(pc, pc+4)
			_ = e.Stats()
			time.Sleep(50 * time.Microsecond)
		}
	}()
	wg.Wait()
	close(stop)
	side.Wait()
	s := e.Stats()
	if s.Flushes == 0 || s.Chained == 0 {
		t.Errorf("stats %+v: want flushes and chaining", s)
	}
	t.Logf("%d flushes, %d links, %d indirect misses, %d blocks compiled", s.Flushes, s.Chained, s.IndirectMiss, s.Compiled)
}

// TestInvalidateWhileRunning replaces a block other threads keep running
// chained: after Invalidate returns, each thread must see the new code at
// its next pass (the chained jump into the old block is unlinked).
func TestInvalidateWhileRunning(t *testing.T) {
	var value atomic.Int64
	value.Store(1)
	tr := func(pc uint64) *ir.Block {
		switch pc {
		case 0x1000: // x1 = value; b 0x2000
			v := value.Load()
			return build(0x1000, 1, func(b *ir.Builder) {
				b.SetReg(1, b.Const(ir.I64, uint64(v)))
				b.Jump(0x2000)
			})
		case 0x2000: // x0 -= 1; if x0 != 0 goto 0x1000; svc
			return build(0x2000, 2, func(b *ir.Builder) {
				x := b.GetReg(0)
				one := b.Const(ir.I64, 1)
				f := b.Emit(ir.OpFlagsSub, ir.I32, 0, 0, x, one)
				b.SetReg(0, b.Bin(ir.OpSub, x, one))
				b.CondJump(b.CondHolds(f, 1), 0x1000, 0x2008)
			})
		}
		return build(pc, 1, func(b *ir.Builder) { b.Syscall(pc + 4) })
	}
	e, err := newEngine(tr, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	const threads = 3
	var seen [threads]atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < threads; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.NewRunner()
			defer r.Close()
			for {
				select {
				case <-stop:
					return
				default:
				}
				c := ir.CPU{PC: 0x1000}
				c.X[0] = 1000
				if res, _ := runToExit(r, &c); res != ir.ExitSyscall {
					t.Errorf("exit %d", res)
					return
				}
				seen[i].Store(int64(c.X[1]))
			}
		}()
	}
	for v := int64(2); v <= 5; v++ {
		time.Sleep(5 * time.Millisecond)
		value.Store(v)
		e.Invalidate(0x1000, 0x1004)
		deadline := time.Now().Add(10 * time.Second)
		for i := range seen {
			for seen[i].Load() != v {
				if time.Now().After(deadline) {
					t.Fatalf("thread %d still sees x1 = %d after the block was replaced by one setting %d", i, seen[i].Load(), v)
				}
				runtime.Gosched()
			}
		}
	}
	close(stop)
	wg.Wait()
}

// TestInterruptStopsRun: a runner whose cpu.Interrupt is set returns
// ExitBudget without running guest code, in both engines, and a runner
// spinning in a chained loop returns promptly once another goroutine
// sets it.
func TestInterruptStopsRun(t *testing.T) {
	loop := blockSet{0x1000: build(0x1000, 1, func(b *ir.Builder) {
		b.SetReg(0, b.Bin(ir.OpAdd, b.GetReg(0), b.Const(ir.I64, 1)))
		b.Jump(0x1000)
	})}
	jit, err := New(loop.translate)
	if err != nil {
		t.Fatal(err)
	}
	for name, eng := range map[string]backend.Engine{"jit": jit, "interp": interp.New(loop.translate)} {
		r := eng.NewRunner()
		c := ir.CPU{PC: 0x1000}
		atomic.StoreUint32(&c.Interrupt, 1)
		if res := r.Run(&c); res != ir.ExitBudget || c.X[0] != 0 || c.PC != 0x1000 {
			t.Errorf("%s: exit %d x0 %d pc %#x with Interrupt set", name, res, c.X[0], c.PC)
		}
		atomic.StoreUint32(&c.Interrupt, 0)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for atomic.LoadUint32(&c.Interrupt) == 0 {
				if res := r.Run(&c); res != ir.ExitBudget {
					t.Errorf("%s: exit %d", name, res)
					return
				}
			}
		}()
		time.Sleep(5 * time.Millisecond)
		atomic.StoreUint32(&c.Interrupt, 1)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: runner did not stop after Interrupt", name)
		}
		r.Close()
	}
}

// TestTranslatingThreadDoesNotStallOthers measures how fast one thread
// runs a cached loop alone and while another thread translates new blocks
// without pause, on the JIT and on the interpreter, and the longest single
// time slice of the loop thread (a stall behind the translating thread
// would show there). It logs the figures (the machine may be shared, so
// they are not asserted) and checks only that both threads made progress.
func TestTranslatingThreadDoesNotStallOthers(t *testing.T) {
	window := 150 * time.Millisecond
	if testing.Short() || raceEnabled {
		window = 30 * time.Millisecond
	}
	// The loop at 0x1000 counts in X0 forever; every PC from 0x100000 on
	// is a fresh block of 60 IR steps that continues at the next PC, so
	// running there means translating all the time.
	tr := func(pc uint64) *ir.Block {
		if pc == 0x1000 {
			return build(0x1000, 1, func(b *ir.Builder) {
				b.SetReg(0, b.Bin(ir.OpAdd, b.GetReg(0), b.Const(ir.I64, 1)))
				b.Jump(0x1000)
			})
		}
		return build(pc, 1, func(b *ir.Builder) {
			v := b.GetReg(2)
			for i := uint64(0); i < 20; i++ {
				v = b.Bin(ir.OpXor, b.Bin(ir.OpAdd, v, b.Const(ir.I64, pc+i)), b.GetReg(3))
			}
			b.SetReg(2, v)
			b.Jump(pc + 4)
		})
	}
	jit, err := New(tr)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"jit", "interp"} {
		var eng backend.Engine = jit
		if name == "interp" {
			eng = interp.New(tr)
		}
		loop := eng.NewRunner()
		lc := ir.CPU{PC: 0x1000}
		loop.Run(&lc) // translate and chain it first
		// loopRate runs the cached loop for one window and returns its
		// blocks per millisecond and its longest time slice.
		loopRate := func() (float64, time.Duration) {
			start, from := time.Now(), lc.X[0]
			var longest time.Duration
			for last := start; last.Sub(start) < window; {
				if r := loop.Run(&lc); r != ir.ExitBudget {
					t.Fatalf("%s loop: exit %d", name, r)
				}
				now := time.Now()
				longest = max(longest, now.Sub(last))
				last = now
			}
			return float64(lc.X[0]-from) / float64(time.Since(start).Microseconds()) * 1000, longest
		}
		// translating runs a thread translating new blocks on engine
		// other while the loop runs for one window.
		translating := func(other backend.Engine, base uint64) (float64, time.Duration, float64) {
			translator := other.NewRunner()
			defer translator.Close()
			tc := ir.CPU{PC: base}
			done := make(chan struct{})
			go func() {
				defer close(done)
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				for atomic.LoadUint32(&tc.Interrupt) == 0 {
					if r := translator.Run(&tc); r != ir.ExitBudget {
						t.Errorf("%s translator: exit %d", name, r)
						return
					}
				}
			}()
			start := time.Now()
			rate, longest := loopRate()
			atomic.StoreUint32(&tc.Interrupt, 1)
			<-done
			if tc.PC == base {
				t.Fatalf("%s: the translating thread made no progress", name)
			}
			return rate, longest, float64((tc.PC-base)/4) / float64(time.Since(start).Microseconds()) * 1000
		}
		// The control: the same translating work on a separate engine,
		// which shares nothing with the loop's (same CPU competition,
		// no shared cache).
		separate := func() backend.Engine {
			if name == "interp" {
				return interp.New(tr)
			}
			e, err := New(tr)
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		var alone, shared, control, sharedNew, controlNew []float64
		var aloneMax, sharedMax, controlMax time.Duration
		for rep := uint64(0); rep < 3; rep++ {
			rate, longest := loopRate()
			alone, aloneMax = append(alone, rate), max(aloneMax, longest)
			rate, longest, n := translating(eng, 0x100000+rep<<24)
			shared, sharedMax, sharedNew = append(shared, rate), max(sharedMax, longest), append(sharedNew, n)
			rate, longest, n = translating(separate(), 0x100000+rep<<24)
			control, controlMax, controlNew = append(control, rate), max(controlMax, longest), append(controlNew, n)
		}
		loop.Close()
		t.Logf("%s: cached loop, blocks/ms (longest slice): alone %s (%v); "+
			"another thread translating %s new blocks/ms into the same engine %s (%v); "+
			"control, the same work on a separate engine (%s new blocks/ms) %s (%v)",
			name, fmtRates(alone), aloneMax.Round(time.Microsecond),
			fmtRates(sharedNew), fmtRates(shared), sharedMax.Round(time.Microsecond),
			fmtRates(controlNew), fmtRates(control), controlMax.Round(time.Microsecond))
	}
}

func fmtRates(r []float64) string {
	s := ""
	for i, x := range r {
		if i > 0 {
			s += "/"
		}
		s += strconv.FormatFloat(x, 'f', 0, 64)
	}
	return s
}
