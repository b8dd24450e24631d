package amd64

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ferry/backend"
	"ferry/ir"
	"ferry/ir/interp"
)

// blockSet is a test translator over hand-built blocks; unknown PCs trap.
type blockSet map[uint64]*ir.Block

func (s blockSet) translate(pc uint64) *ir.Block {
	if b := s[pc]; b != nil {
		return b
	}
	return trapBlock(pc)
}

func build(pc uint64, n int, f func(b *ir.Builder)) *ir.Block {
	b := ir.NewBuilder(pc)
	b.InsnStart(pc)
	f(b)
	b.B.End = pc + uint64(4*n)
	b.B.NInsns = n
	return b.B
}

// countdown is "loop: subs x0, x0, #1; b.ne loop; svc #0".
func countdown() blockSet {
	return blockSet{
		0x1000: build(0x1000, 2, func(b *ir.Builder) {
			x := b.GetReg(0)
			one := b.Const(ir.I64, 1)
			d := b.Bin(ir.OpSub, x, one)
			f := b.Emit(ir.OpFlagsSub, ir.I32, 0, 0, x, one)
			b.SetReg(0, d)
			b.SetNZCV(f)
			b.CondJump(b.CondHolds(f, 1), 0x1000, 0x1008) // b.ne
		}),
		0x1008: build(0x1008, 1, func(b *ir.Builder) { b.Syscall(0x100c) }),
	}
}

// soloEngine is an engine with one runner, for single-threaded tests.
type soloEngine struct {
	*Engine
	*runner
}

func newSolo(tr backend.Translator, cacheSize int) (*soloEngine, error) {
	e, err := newEngine(tr, cacheSize)
	if err != nil {
		return nil, err
	}
	return &soloEngine{e, e.newRunner()}, nil
}

// countingSiteIDs numbers chain sites for compilers used without an
// engine.
func countingSiteIDs() func() uint64 {
	var n atomic.Uint64
	return func() uint64 { return n.Add(1) }
}

// runToExit calls Run until it returns something other than ExitBudget.
func runToExit(e backend.Runner, c *ir.CPU) (ir.ExitReason, int) {
	budgets := 0
	for {
		r := e.Run(c)
		if r != ir.ExitBudget {
			return r, budgets
		}
		if c.PC == 0 {
			panic("budget exit without a PC")
		}
		budgets++
	}
}

func TestChainedLoop(t *testing.T) {
	bs := countdown()
	e, err := newSolo(bs.translate, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	const n = 1_000_000
	c := ir.CPU{PC: 0x1000}
	c.X[0] = n
	r, budgets := runToExit(e, &c)
	if r != ir.ExitSyscall || c.PC != 0x100c || c.X[0] != 0 || c.NZCV != 0x60000000 {
		t.Fatalf("exit %d pc %#x x0 %d nzcv %#x", r, c.PC, c.X[0], c.NZCV)
	}
	// The loop runs n blocks; budget exits return to Go every 1<<16 of them.
	if budgets < n/backend.SliceBlocks-1 {
		t.Errorf("only %d budget exits for %d blocks", budgets, n)
	}
	s := e.Stats()
	if s.Chained < 2 || s.Compiled != 2 {
		t.Errorf("stats %+v: want the loop chained to itself and to the exit", s)
	}
}

// TestIndirectBranches runs call/return pairs: the return is an indirect
// branch that must be served by the inline lookup table after its first
// miss.
func TestIndirectBranches(t *testing.T) {
	bs := blockSet{
		0x1000: build(0x1000, 1, func(b *ir.Builder) { // bl f
			b.SetReg(30, b.Const(ir.I64, 0x1004))
			b.Jump(0x3000)
		}),
		0x1004: build(0x1004, 2, func(b *ir.Builder) { // subs x1, x1, 1; b.ne 0x1000
			x := b.GetReg(1)
			one := b.Const(ir.I64, 1)
			f := b.Emit(ir.OpFlagsSub, ir.I32, 0, 0, x, one)
			b.SetReg(1, b.Bin(ir.OpSub, x, one))
			b.SetNZCV(f)
			b.CondJump(b.CondHolds(f, 1), 0x1000, 0x100c)
		}),
		0x100c: build(0x100c, 1, func(b *ir.Builder) { b.Syscall(0x1010) }),
		0x3000: build(0x3000, 2, func(b *ir.Builder) { // f: add x0, x0, 3; ret
			b.SetReg(0, b.Bin(ir.OpAdd, b.GetReg(0), b.Const(ir.I64, 3)))
			b.Indirect(b.GetReg(30))
		}),
	}
	e, err := newSolo(bs.translate, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	c := ir.CPU{PC: 0x1000}
	c.X[1] = 100000
	if r, _ := runToExit(e, &c); r != ir.ExitSyscall || c.X[0] != 300000 || c.PC != 0x1010 {
		t.Fatalf("exit %d pc %#x x0 %d", r, c.PC, c.X[0])
	}
	if m := e.Stats().IndirectMiss; m > 2 {
		t.Errorf("%d indirect misses for 100000 returns: the inline lookup is not used", m)
	}
}

// TestBudgetLetsGCRun: a guest block that jumps to itself forever must not
// keep runtime.GC() in another goroutine from completing.
func TestBudgetLetsGCRun(t *testing.T) {
	bs := blockSet{0x1000: build(0x1000, 2, func(b *ir.Builder) {
		b.SetReg(0, b.Bin(ir.OpAdd, b.GetReg(0), b.Const(ir.I64, 1)))
		b.Jump(0x1000)
	})}
	e, err := newSolo(bs.translate, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var c ir.CPU
	c.PC = 0x1000
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			if r := e.Run(&c); r != ir.ExitBudget || c.PC != 0x1000 {
				t.Errorf("exit %d at %#x, want a budget exit at the loop", r, c.PC)
				return
			}
		}
	}()
	time.Sleep(20 * time.Millisecond) // let the guest loop get going
	for i := 0; i < 5; i++ {
		done := make(chan time.Duration)
		go func() {
			start := time.Now()
			runtime.GC()
			done <- time.Since(start)
		}()
		select {
		case d := <-done:
			t.Logf("GC during guest loop took %v", d)
		case <-time.After(5 * time.Second):
			t.Fatal("runtime.GC did not finish while the guest loops")
		}
	}
	stop.Store(true)
	wg.Wait()
	if c.X[0] == 0 {
		t.Error("guest made no progress")
	}
}

func TestExits(t *testing.T) {
	bs := blockSet{
		0x1000: build(0x1000, 1, func(b *ir.Builder) { b.Syscall(0x1004) }),
		0x2000: build(0x2000, 1, func(b *ir.Builder) { b.Trap(ir.TrapBreakpoint, 0x2000, 0xf000) }),
		0x3000: build(0x3000, 2, func(b *ir.Builder) {
			b.SetReg(5, b.Const(ir.I64, 7))
			b.Trap(ir.TrapUndefined, 0x3004, 0xdeadbeef)
		}),
	}
	eng, err := New(bs.translate)
	if err != nil {
		t.Fatal(err)
	}
	e := eng.NewRunner()
	defer e.Close()
	for _, tc := range []struct {
		pc, wantPC, info uint64
		want             ir.ExitReason
	}{
		{0x1000, 0x1004, 0, ir.ExitSyscall},
		{0x2000, 0x2000, 0xf000, ir.ExitBreakpoint},
		{0x3000, 0x3004, 0xdeadbeef, ir.ExitUndefined},
	} {
		c := ir.CPU{PC: tc.pc}
		r := e.Run(&c)
		if r != tc.want || ir.ExitReason(c.Exit) != tc.want || c.PC != tc.wantPC ||
			(tc.want != ir.ExitSyscall && c.ExitInfo != tc.info) {
			t.Errorf("block %#x: exit %d (cpu.Exit %d) pc %#x info %#x; want %d pc %#x info %#x",
				tc.pc, r, c.Exit, c.PC, c.ExitInfo, tc.want, tc.wantPC, tc.info)
		}
	}
}

// TestInvalidateUnlinks replaces a block that another block is chained to:
// after Invalidate the new translation must run, not the stale code.
func TestInvalidateUnlinks(t *testing.T) {
	target := func(v uint64) *ir.Block {
		return build(0x2000, 1, func(b *ir.Builder) {
			b.SetReg(1, b.Const(ir.I64, v))
			b.Syscall(0x2004)
		})
	}
	bs := blockSet{
		0x1000: build(0x1000, 1, func(b *ir.Builder) { b.Jump(0x2000) }),
		0x2000: target(1),
	}
	e, err := newSolo(bs.translate, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	for round := uint64(1); round <= 3; round++ {
		for i := 0; i < 3; i++ { // the second run goes through the patched jump
			c := ir.CPU{PC: 0x1000}
			if r := e.Run(&c); r != ir.ExitSyscall || c.X[1] != round {
				t.Fatalf("round %d: exit %d x1 %d", round, r, c.X[1])
			}
		}
		bs[0x2000] = target(round + 1)
		e.Invalidate(0x2000, 0x2004)
	}
	if s := e.Stats(); s.Chained < 3 {
		t.Errorf("jump was not re-chained after invalidation: %+v", s)
	}
}

// TestCacheFlush runs a long chain of distinct blocks through a cache
// too small to hold them, so it is flushed repeatedly while running.
func TestCacheFlush(t *testing.T) {
	bs := blockSet{}
	const n = 2000
	for i := uint64(0); i < n; i++ {
		pc := 0x10000 + 4*i
		bs[pc] = build(pc, 1, func(b *ir.Builder) {
			b.SetReg(0, b.Bin(ir.OpAdd, b.GetReg(0), b.Const(ir.I64, i)))
			if i == n-1 {
				b.Syscall(pc + 4)
			} else {
				b.Jump(pc + 4)
			}
		})
	}
	e, err := newSolo(bs.translate, 16<<10)
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		c := ir.CPU{PC: 0x10000}
		if r, _ := runToExit(e, &c); r != ir.ExitSyscall || c.X[0] != n*(n-1)/2 {
			t.Fatalf("exit %d x0 %d", r, c.X[0])
		}
	}
	if e.Stats().Flushes == 0 {
		t.Error("the cache never filled up")
	}
}

// TestInterpreterFallback: a block with an op the JIT does not compile runs
// in the interpreter, and execution continues in compiled code after it.
func TestInterpreterFallback(t *testing.T) {
	bs := blockSet{
		0x1000: build(0x1000, 1, func(b *ir.Builder) {
			// The virtual counter is read through Go (time.Now), so the
			// JIT leaves it to the interpreter.
			b.SetReg(1, b.Emit(ir.OpReadCounter, ir.I64, 0, 0))
			b.Jump(0x1004)
		}),
		0x1004: build(0x1004, 1, func(b *ir.Builder) {
			b.SetReg(2, b.Const(ir.I64, 9))
			b.Syscall(0x1008)
		}),
	}
	e, err := newSolo(bs.translate, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	c := ir.CPU{PC: 0x1000}
	if r := e.Run(&c); r != ir.ExitSyscall || c.X[1] == 0 || c.X[2] != 9 {
		t.Fatalf("exit %d x1 %d x2 %d", r, c.X[1], c.X[2])
	}
	if s := e.Stats(); s.Interpreted != 1 || s.Compiled != 1 {
		t.Errorf("stats %+v", s)
	}
}

// BenchmarkLoop reports guest instructions per second of the countdown
// loop under the JIT and the interpreter.
func BenchmarkLoop(b *testing.B) {
	for _, eng := range []string{"jit", "interp"} {
		b.Run(eng, func(b *testing.B) {
			bs := countdown()
			var engine backend.Engine = interp.New(bs.translate)
			if eng == "jit" {
				engine, _ = New(bs.translate)
			}
			e := engine.NewRunner()
			defer e.Close()
			const n = 1 << 20
			start := time.Now()
			for i := 0; i < b.N; i++ {
				c := ir.CPU{PC: 0x1000}
				c.X[0] = n
				runToExit(e, &c)
			}
			b.ReportMetric(float64(2*n*b.N)/time.Since(start).Seconds()/1e6, "Mguestinsn/s")
		})
	}
}

// BenchmarkCompile measures blocks compiled per second for random blocks
// of about 20 IR steps.
func BenchmarkCompile(b *testing.B) {
	m := newTestMem()
	g := &gen{r: newRand(1), mem: m, cpu: hostCaps()}
	blocks := make([]*ir.Block, 256)
	insts := 0
	for i := range blocks {
		blocks[i] = g.block(testPC, 20)
		insts += len(blocks[i].Insts)
	}
	c := newCompiler(hostCaps(), countingSiteIDs())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.compile(blocks[i%len(blocks)]); err != nil && !strings.Contains(err.Error(), "FP op after a write to FPCR") {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "blocks/s")
	b.ReportMetric(float64(insts)/float64(len(blocks)), "IRinsts/block")
}
