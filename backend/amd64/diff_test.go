package amd64

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"ferry/ir"
	"ferry/ir/interp"
)

// trapBlock is what the test translator returns for every PC other than the
// block under test: it stops Run with ExitUndefined at that PC.
func trapBlock(pc uint64) *ir.Block {
	b := ir.NewBuilder(pc)
	b.Trap(ir.TrapUndefined, pc, 0x7ee7)
	b.B.End = pc + 4
	return b.B
}

// runBoth executes blk from state st with the interpreter and with the JIT
// and returns a description of the first difference, or "".
func runBoth(e *soloEngine, m *testMem, blk *ir.Block, st ir.CPU) string {
	before := bytes.Clone(m.buf)

	ref := st
	r := interp.Exec(&ref, blk)
	if r == ir.ExitNone {
		r = interp.Exec(&ref, trapBlock(ref.PC))
	}
	refMem := bytes.Clone(m.buf)

	copy(m.buf, before)
	e.Invalidate(0, ^uint64(0))
	e.cache.SetTranslator(func(pc uint64) *ir.Block {
		if pc == blk.PC {
			return blk
		}
		return trapBlock(pc)
	})
	interpreted := e.Stats().Interpreted
	got := st
	rj := e.Run(&got)

	if e.Stats().Interpreted != interpreted {
		_, err := e.comp.compile(blk)
		switch {
		case (len(blk.Insts) > 400 || countType(blk, ir.V128) > 24) && err != nil &&
			strings.Contains(err.Error(), "out of spill slots"):
			// Huge random blocks, or ones with dozens of vectors (two
			// words each), can keep more values alive than cpu.Scratch
			// holds; such blocks legitimately run in the interpreter.
		default:
			return fmt.Sprintf("block fell back to the interpreter: %v", err)
		}
	}
	// Engine-private words may differ.
	got.Budget, ref.Budget = 0, 0
	got.ChainSite, ref.ChainSite = 0, 0
	got.IndirectTable, ref.IndirectTable = 0, 0
	got.Scratch, ref.Scratch = [64]uint64{}, [64]uint64{}
	got.JITSave, ref.JITSave = [2]uint64{}, [2]uint64{}
	if r != rj {
		return fmt.Sprintf("exit: interp %d, jit %d", r, rj)
	}
	if got != ref {
		if d := cpuDiff(&ref, &got); d != "" {
			return d
		}
		return "CPU state differs"
	}
	if !bytes.Equal(m.buf, refMem) {
		for i := range m.buf {
			if m.buf[i] != refMem[i] {
				return fmt.Sprintf("memory differs at offset %#x: interp %#x, jit %#x", i, refMem[i], m.buf[i])
			}
		}
	}
	return ""
}

func countType(blk *ir.Block, t ir.Type) int {
	n := 0
	for _, in := range blk.Insts {
		if in.Type == t {
			n++
		}
	}
	return n
}

func hasOp(blk *ir.Block, op ir.Op) bool {
	for _, in := range blk.Insts {
		if in.Op == op {
			return true
		}
	}
	return false
}

func cpuDiff(want, got *ir.CPU) string {
	var s string
	for i := range want.X {
		if want.X[i] != got.X[i] {
			s += fmt.Sprintf("X%d: interp %#x jit %#x\n", i, want.X[i], got.X[i])
		}
	}
	for i := range want.V {
		if want.V[i] != got.V[i] {
			s += fmt.Sprintf("V%d: interp %#x jit %#x\n", i, want.V[i], got.V[i])
		}
	}
	f := func(name string, a, b uint64) {
		if a != b {
			s += fmt.Sprintf("%s: interp %#x jit %#x\n", name, a, b)
		}
	}
	f("PC", want.PC, got.PC)
	f("NZCV", want.NZCV, got.NZCV)
	f("FPCR", want.FPCR, got.FPCR)
	f("FPSR", want.FPSR, got.FPSR)
	f("TPIDR", want.TPIDR, got.TPIDR)
	f("ExclAddr", want.ExclAddr, got.ExclAddr)
	f("ExclSize", want.ExclSize, got.ExclSize)
	f("ExclVal0", want.ExclVal[0], got.ExclVal[0])
	f("ExclVal1", want.ExclVal[1], got.ExclVal[1])
	f("Exit", want.Exit, got.Exit)
	f("ExitInfo", want.ExitInfo, got.ExitInfo)
	return s
}

func newTestEngine(t testing.TB) *soloEngine {
	e, err := newSolo(nil, 8<<20)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

const testPC = 0x400000

// checkRandom runs one random block from seed.
func checkRandom(t testing.TB, e *soloEngine, m *testMem, seed1, seed2 uint64, steps int) {
	checkRandomGen(t, e, m, seed1, seed2, steps, false)
}

func checkRandomGen(t testing.TB, e *soloEngine, m *testMem, seed1, seed2 uint64, steps int, fpOnly bool) {
	r := rand.New(rand.NewPCG(seed1, seed2))
	g := &gen{r: r, mem: m, cpu: e.comp.cpu, fpOnly: fpOnly}
	for i := range m.buf {
		m.buf[i] = byte(r.Uint32())
	}
	st := randomCPU(r, m)
	st.PC = testPC
	blk := g.block(testPC, steps)
	if d := runBoth(e, m, blk, st); d != "" {
		t.Fatalf("seed %d,%d: %s\n%s", seed1, seed2, d, blk)
	}
}

// TestDifferentialRandom compares thousands of random blocks under the
// interpreter and the JIT, with every combination of optional host
// instructions (LZCNT, BMI2 SHLX) switched on and off.
func TestDifferentialRandom(t *testing.T) {
	m := newTestMem()
	n := 4000
	if testing.Short() || raceEnabled {
		n = 500 // the race detector slows generated-code tests ~8×
	}
	for _, cp := range capVariants() {
		t.Run(cp.String(), func(t *testing.T) {
			e := newTestEngine(t)
			e.comp.cpu = cp
			for i := 0; i < n; i++ {
				steps := 1 + i%40
				if i%20 == 0 {
					steps = 300 // register pressure: many live values, spills
				}
				checkRandom(t, e, m, uint64(i), uint64(cp.lzcnt2()), steps)
			}
			if s := e.Stats(); s.Spills == 0 || s.Chained == 0 {
				t.Errorf("random blocks did not exercise spilling and chaining: %+v", s)
			}
		})
	}
}

// TestDifferentialFP compares blocks made only of FP instructions on edge
// values (NaN payloads, signalling NaNs, ±0, ±∞, denormals, MinNormal
// neighbours, integer-conversion bounds) in random rounding modes, with
// FPCR.FZ/DN now and then (the blocks must then run in the interpreter).
func TestDifferentialFP(t *testing.T) {
	m := newTestMem()
	n := 3000
	if testing.Short() || raceEnabled {
		n = 600
	}
	for _, cp := range capVariants() {
		t.Run(cp.String(), func(t *testing.T) {
			e := newTestEngine(t)
			e.comp.cpu = cp
			for i := 0; i < n; i++ {
				checkRandomGen(t, e, m, uint64(i), 77, 1+i%30, true)
			}
			if e.Stats().Compiled == 0 || e.Stats().FPModeRuns == 0 {
				t.Errorf("FP blocks were not compiled, or never ran under FZ/DN: %+v", e.Stats())
			}
		})
	}
}

// capVariants are the host feature sets the differential tests compile
// for: everything the host has, the SSE2 baseline, and mixtures.
func capVariants() []caps {
	h := hostCaps()
	return []caps{h, {}, {lzcnt: h.lzcnt, sse41: h.sse41, ssse3: h.ssse3},
		{bmi2: h.bmi2, ssse3: h.ssse3, sse41: h.sse41, sse42: h.sse42, popcnt: h.popcnt}}
}

func (c caps) String() string {
	return fmt.Sprintf("lzcnt=%v,bmi2=%v,ssse3=%v,sse41=%v,sse42=%v,popcnt=%v,fma=%v",
		c.lzcnt, c.bmi2, c.ssse3, c.sse41, c.sse42, c.popcnt, c.fma)
}

func (c caps) lzcnt2() int {
	n := 0
	if c.lzcnt {
		n++
	}
	if c.bmi2 {
		n += 2
	}
	return n
}

func FuzzDifferential(f *testing.F) {
	for i := uint64(0); i < 8; i++ {
		f.Add(i, i*7919, uint8(20), i%2 == 0)
	}
	e := newTestEngine(f)
	m := newTestMem()
	f.Fuzz(func(t *testing.T, s1, s2 uint64, steps uint8, fpOnly bool) {
		checkRandomGen(t, e, m, s1, s2, int(steps)%200+1, fpOnly)
	})
}
