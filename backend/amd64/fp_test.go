package amd64

import (
	"fmt"
	"testing"

	"ferry/ir"
)

// fpPairEdges are the operands of the exhaustive pairwise FP test: every
// class of value (signed zeros, infinities, quiet and signalling NaNs with
// payloads, denormals, MinNormal and values whose results round to it,
// ordinary and extreme finite values, conversion bounds).
var fpPairEdges = map[int64][]uint64{
	2: {0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc12345, 0xffc00001, 0x7f800001, 0xff812345,
		0x00000001, 0x807fffff, 0x00800000, 0x80800001, 0x00ffffff, 0x3f000000, 0xbf000000,
		0x3f7fffff, 0x3f7ffffe, 0x00800001, 0x3f800000, 0xbfc00000, 0x40200000, 0x7f7fffff, 0xff7fffff, 0x4f000000,
		0xcf000001, 0x4f800000, 0x5f800000, 0x33800000, 0x34000001, 0x40490fdb},
	3: {0, 1 << 63, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000012345, 0xfff8000000000001,
		0x7ff0000000000001, 0xfff0000000012345, 1, 0x800fffffffffffff, 0x0010000000000000,
		0x8010000000000001, 0x001fffffffffffff, 0x3fe0000000000000, 0xbfe0000000000000,
		0x3fefffffffffffff, 0x3feffffffffffffe, 0x0010000000000001, 0x3ff0000000000000, 0xbff8000000000000, 0x4004000000000000,
		0x7fefffffffffffff, 0xffefffffffffffff, 0x41e0000000000000, 0xc1e0000000200000,
		0x43e0000000000000, 0x43f0000000000000, 0x3ca0000000000000, 0x400921fb54442d18,
		0x47efffffe0000000, 0x380fffffffffffff, 0x36a0000000000001},
}

// fpTestOne runs a block of FP instructions built by f under the
// interpreter and the JIT, in every rounding mode, from clear FPSR.
func fpTestOne(t *testing.T, e *soloEngine, m *testMem, name string, f func(b *ir.Builder)) {
	t.Helper()
	b := ir.NewBuilder(testPC)
	b.InsnStart(testPC)
	f(b)
	b.Jump(testPC + 0x1000)
	b.B.End = testPC + 4
	for rmode := uint64(0); rmode < 4; rmode++ {
		var st ir.CPU
		st.PC = testPC
		st.FPCR = rmode << ir.FPCRRModeShift
		if d := runBoth(e, m, b.B, st); d != "" {
			t.Fatalf("%s, RMode %d: %s\n%s", name, rmode, d, b.B)
		}
	}
}

// takeFlags moves the FPSR flags of the instruction just emitted to X[i]
// and clears FPSR, so that every instruction's flags are checked on their
// own (cumulative flags would hide a missing one).
func takeFlags(b *ir.Builder, i int) {
	b.SetReg(i, b.GetSys(ir.SysFPSR))
	b.SetSys(ir.SysFPSR, b.Const(ir.I64, 0))
}

// TestFPEdgePairs applies every compiled binary FP operation to all pairs
// of edge values, and every unary one (conversions, roundings, square
// root, sign ops) to all edge values, comparing results, NZCV and FPSR
// with the interpreter in the four rounding modes.
func TestFPEdgePairs(t *testing.T) {
	m := newTestMem()
	binary := []ir.Op{ir.OpFAdd, ir.OpFSub, ir.OpFMul, ir.OpFDiv, ir.OpFMax, ir.OpFMin, ir.OpFMaxNM, ir.OpFMinNM, ir.OpFMA}
	variants := capVariants()
	if testing.Short() || raceEnabled {
		variants = variants[:2] // everything the host has, and plain SSE2
	}
	for _, cp := range variants {
		e := newTestEngine(t)
		e.comp.cpu = cp
		for _, size := range []int64{2, 3} {
			edges := fpPairEdges[size]
			for _, op := range binary {
				for _, x := range edges {
					fpTestOne(t, e, m, fmt.Sprintf("%v/%s size %d a=%#x", cp, op, size, x), func(b *ir.Builder) {
						a := b.ConstV128(x, 0)
						for i, y := range edges {
							var r ir.Value
							if op == ir.OpFMA {
								// a + y*z, z cycling through the edges too.
								z := edges[(i*7+int(x%5))%len(edges)]
								r = b.Emit(op, ir.V128, size, int64(ir.FPScalar), a, b.ConstV128(y, 0), b.ConstV128(z, 0))
								if !vecSupported(&b.B.Insts[r], cp) {
									b.B.Insts = b.B.Insts[:len(b.B.Insts)-3]
									continue
								}
							} else {
								r = b.Emit(op, ir.V128, size, int64(ir.FPScalar), a, b.ConstV128(y, 0))
							}
							b.SetV(i, r)
							takeFlags(b, i)
						}
					})
				}
			}
			// Vector forms: lane 0 pairs x with each edge, the other lanes
			// hold other pairings, so lanes that need Arm's NaN and
			// tininess rules sit beside lanes that do not.
			vecOps := append(binary, ir.OpFCmEq, ir.OpFCmGe, ir.OpFCmGt, ir.OpFAcGe, ir.OpFAcGt)
			n := len(edges)
			vector := func(size int64, x uint64, k int) (lo, hi uint64) {
				if size == 3 {
					return x, edges[(k*5+3)%n]
				}
				return x | edges[(k+1)%n]<<32, edges[(k*3+2)%n] | edges[(k*7+5)%n]<<32
			}
			for _, op := range vecOps {
				for _, lanes := range []ir.FPLanes{ir.FPVec64, ir.FPVec128} {
					for xi, x := range edges {
						fpTestOne(t, e, m, fmt.Sprintf("%v/%s size %d lanes %d a=%#x", cp, op, size, lanes, x), func(b *ir.Builder) {
							alo, ahi := vector(size, x, xi)
							a := b.ConstV128(alo, ahi)
							for i, y := range edges {
								mark := len(b.B.Insts)
								blo, bhi := vector(size, y, i+xi)
								args := []ir.Value{a, b.ConstV128(blo, bhi)}
								if op == ir.OpFMA {
									clo, chi := vector(size, edges[(i*7+xi)%n], i*3+1)
									args = append(args, b.ConstV128(clo, chi))
								}
								r := b.Emit(op, ir.V128, size, int64(lanes), args...)
								if !vecSupported(&b.B.Insts[r], cp) {
									b.B.Insts = b.B.Insts[:mark]
									continue
								}
								b.SetV(i, r)
								takeFlags(b, i)
							}
						})
					}
				}
			}
			for _, x := range edges {
				// Compares: the NZCV of each pair lands in a register.
				fpTestOne(t, e, m, fmt.Sprintf("%v/fcmp size %d a=%#x", cp, size, x), func(b *ir.Builder) {
					a := b.ConstV128(x, 0)
					for i, y := range edges {
						f := b.Emit(ir.OpFCmp, ir.I32, size, int64(i%2), a, b.ConstV128(y, 0))
						nzcv := b.Emit(ir.OpZExt32, ir.I64, 0, 0, f)
						b.SetReg(i, b.Bin(ir.OpOr, nzcv, b.GetSys(ir.SysFPSR)))
						b.SetSys(ir.SysFPSR, b.Const(ir.I64, 0))
					}
				})
			}
			var unary []func(b *ir.Builder, a ir.Value) ir.Value
			for _, op := range []ir.Op{ir.OpFSqrt, ir.OpFAbs, ir.OpFNeg} {
				for _, lanes := range []ir.FPLanes{ir.FPScalar, ir.FPVec64, ir.FPVec128} {
					unary = append(unary, func(b *ir.Builder, a ir.Value) ir.Value {
						return b.Emit(op, ir.V128, size, int64(lanes), a)
					})
				}
			}
			if size == 2 {
				for half := int64(0); half < 2; half++ {
					unary = append(unary, func(b *ir.Builder, a ir.Value) ir.Value {
						return b.Emit(ir.OpFCvtl, ir.V128, 2, half, a)
					})
				}
			} else {
				unary = append(unary, func(b *ir.Builder, a ir.Value) ir.Value {
					return b.Emit(ir.OpFCvtn, ir.V128, 2, 0, a)
				})
			}
			unary = append(unary, func(b *ir.Builder, a ir.Value) ir.Value {
				return b.Emit(ir.OpFCvt, ir.V128, size, 5-size, a)
			})
			allLanes := []ir.FPLanes{ir.FPScalar, ir.FPVec64, ir.FPVec128}
			for r := ir.RoundTieEven; r <= ir.RoundFPCRExact; r++ {
				for _, lanes := range allLanes {
					unary = append(unary, func(b *ir.Builder, a ir.Value) ir.Value {
						return b.Emit(ir.OpFRound, ir.V128, size, ir.FRoundAux(r, lanes), a)
					})
				}
				for _, isz := range []int{2, 3} {
					for _, uns := range []bool{false, true} {
						unary = append(unary, func(b *ir.Builder, a ir.Value) ir.Value {
							return b.Emit(ir.OpFCvtToInt, ir.V128, size, ir.CvtAux(r, isz, uns, 0, ir.FPScalar), a)
						})
					}
				}
				for _, lanes := range allLanes[1:] {
					for _, uns := range []bool{false, true} {
						unary = append(unary, func(b *ir.Builder, a ir.Value) ir.Value {
							return b.Emit(ir.OpFCvtToInt, ir.V128, size, ir.CvtAux(r, int(size), uns, 0, lanes), a)
						})
					}
				}
			}
			for _, isz := range []int{2, 3} {
				for _, uns := range []bool{false, true} {
					unary = append(unary, func(b *ir.Builder, a ir.Value) ir.Value {
						return b.Emit(ir.OpIntToFP, ir.V128, size, ir.CvtAux(ir.RoundFPCR, isz, uns, 0, ir.FPScalar), a)
					})
				}
			}
			for _, lanes := range allLanes[1:] {
				for _, uns := range []bool{false, true} {
					unary = append(unary, func(b *ir.Builder, a ir.Value) ir.Value {
						return b.Emit(ir.OpIntToFP, ir.V128, size, ir.CvtAux(ir.RoundFPCR, int(size), uns, 0, lanes), a)
					})
				}
			}
			for ui, u := range unary {
				fpTestOne(t, e, m, fmt.Sprintf("%v/unary #%d size %d", cp, ui, size), func(b *ir.Builder) {
					for i, x := range edges {
						// Vector forms see the edge in lane 0 beside other
						// edges; integer sources see them as integer bit
						// patterns.
						mark := len(b.B.Insts)
						v := u(b, b.ConstV128(vector(size, x, i)))
						if in := b.B.Insts[v]; !vecSupported(&in, cp) {
							b.B.Insts = b.B.Insts[:mark]
							continue
						}
						b.SetV(i, v)
						takeFlags(b, i)
					}
				})
			}
		}
		if e.Stats().Compiled == 0 {
			t.Errorf("%v: nothing compiled", cp)
		}
	}
}

// TestFPCRWriteChangesRounding: MSR FPCR in one block must change the
// rounding of FP code in the next block even when the two are chained and
// run without returning to Go (MXCSR.RC is updated in place), and FPSR
// must be exact across the MRS/MSR of FPSR in between.
func TestFPCRWriteChangesRounding(t *testing.T) {
	const one, small = 0x3ff0000000000000, 0x3ca8000000000000 // 1 and 0.75 ulp(1)
	bs := blockSet{
		0x1000: build(0x1000, 2, func(b *ir.Builder) {
			b.SetSys(ir.SysFPCR, b.GetReg(1))
			b.SetReg(2, b.GetSys(ir.SysFPSR))
			b.Jump(0x2000)
		}),
		0x2000: build(0x2000, 1, func(b *ir.Builder) {
			b.SetV(0, b.Emit(ir.OpFAdd, ir.V128, 3, 0, b.ConstV128(one, 0), b.ConstV128(small, 0)))
			b.Syscall(0x2004)
		}),
	}
	e, err := newSolo(bs.translate, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ { // later rounds run A→B chained
		for rmode, want := range []uint64{one + 1, one + 1, one, one} {
			c := ir.CPU{PC: 0x1000}
			c.X[1] = uint64(rmode) << ir.FPCRRModeShift
			if r, _ := runToExit(e, &c); r != ir.ExitSyscall {
				t.Fatalf("exit %d", r)
			}
			if c.V[0][0] != want || c.FPSR != ir.FPSRIXC || c.X[2] != 0 {
				t.Errorf("round %d RMode %d: %#x FPSR %#x X2 %#x; want %#x FPSR IXC", round, rmode, c.V[0][0], c.FPSR, c.X[2], want)
			}
		}
	}
	if e.Stats().Chained == 0 {
		t.Error("blocks were never chained")
	}
}
