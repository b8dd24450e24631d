package interp

import (
	"math"
	"testing"

	"ferry/ir"
)

// Expected values are worked out by hand from the Arm ARM pseudocode of
// each instruction (the arithmetic is in the comments); qc is whether the
// op must set FPSR.QC.

func TestSaturatingAndRoundingLaneOps(t *testing.T) {
	const maxI64 = math.MaxInt64
	neg := func(x int64) uint64 { return uint64(-x) }
	cases := []struct {
		name      string
		op        ir.Op
		aux, aux2 int64
		args      [][2]uint64
		want      [2]uint64
		qc        bool
	}{
		// 0xff+0xff = 0x1fe, 1+2 = 3; signed: -1 + -1 = -2.
		{"uaddlp.b", ir.OpVUAddLP, 0, 0, [][2]uint64{v2(0x0201ffff, 0)}, v2(0x0003_01fe, 0), false},
		{"saddlp.b", ir.OpVSAddLP, 0, 0, [][2]uint64{v2(0x0201ffff, 0)}, v2(0x0003_fffe, 0), false},
		// MinInt32 + MinInt32 = -2^32 in a 64-bit lane.
		{"saddlp.s", ir.OpVSAddLP, 2, 0, [][2]uint64{s4(0x80000000, 0x80000000, 1, 2)}, v2(0xffffffff00000000, 3), false},
		{"uhadd.b", ir.OpVUHAdd, 0, 0, [][2]uint64{v2(0x01ff, 0), v2(0x02ff, 0)}, v2(0x01ff, 0), false},
		{"urhadd.b", ir.OpVURHAdd, 0, 0, [][2]uint64{v2(0x01ff, 0), v2(0x02ff, 0)}, v2(0x02ff, 0), false},
		// (-128 + -128) >> 1 = -128; (127 + 1) >> 1 = 64.
		{"shadd.b", ir.OpVSHAdd, 0, 0, [][2]uint64{v2(0x7f80, 0), v2(0x0180, 0)}, v2(0x4080, 0), false},
		// (-128 + -1 + 1) >> 1 = -64.
		{"srhadd.b", ir.OpVSRHAdd, 0, 0, [][2]uint64{v2(0x80, 0), v2(0xff, 0)}, v2(0xc0, 0), false},
		// (0 - 1) >> 1 = -1: the borrow is kept.
		{"uhsub.b", ir.OpVUHSub, 0, 0, [][2]uint64{v2(0x00, 0), v2(0x01, 0)}, v2(0xff, 0), false},
		// (-32768 - 32767) >> 1 = -32768.
		{"shsub.h", ir.OpVSHSub, 1, 0, [][2]uint64{v2(0x8000, 0), v2(0x7fff, 0)}, v2(0x8000, 0), false},
		// 129 by -1: (129 + 1) >> 1 = 65; 255 by 1 = 0x1fe truncated.
		{"urshl.b", ir.OpVURShl, 0, 0, [][2]uint64{v2(0xff81, 0), v2(0x01ff, 0)}, v2(0xfe41, 0), false},
		// -127 by -1: -63; -128 by -8: (-128 + 128) >> 8 = 0; 64 by -7: 1;
		// -1 by -128: (-1 + 2^127) >> 128 = 0.
		{"srshl.b", ir.OpVSRShl, 0, 0, [][2]uint64{v2(0xff_40_80_81, 0), v2(0x80_f9_f8_ff, 0)}, v2(0x00_01_00_c1, 0), false},
		// (2^64-1 + 1) >> 1 = 2^63; (2^64-1 + 2^63) >> 64 = 1.
		{"urshl.d", ir.OpVURShl, 3, 0, [][2]uint64{v2(^uint64(0), ^uint64(0)), v2(0xff, 0xc0)}, v2(1<<63, 1), false},
		{"sqshl.b overflow", ir.OpVSQShl, 0, 0, [][2]uint64{v2(0x40, 0), v2(0x01, 0)}, v2(0x7f, 0), true},
		{"sqshl.b -64<<1 fits", ir.OpVSQShl, 0, 0, [][2]uint64{v2(0xc0, 0), v2(0x01, 0)}, v2(0x80, 0), false},
		{"sqshl.b -65<<1", ir.OpVSQShl, 0, 0, [][2]uint64{v2(0xbf, 0), v2(0x01, 0)}, v2(0x80, 0), true},
		{"uqshl.h", ir.OpVUQShl, 1, 0, [][2]uint64{v2(0x0001_8000, 0), v2(0x000f_0001, 0)}, v2(0x8000_ffff, 0), true},
		// Right shifts never saturate; 0 shifted by 127 stays 0.
		{"uqshl.s right", ir.OpVUQShl, 2, 0, [][2]uint64{s4(0xffffffff, 0, 0, 0), s4(0xdf, 0x7f, 0, 0)}, v2(0, 0), false},
		{"sqrshl.s", ir.OpVSQRShl, 2, 0, [][2]uint64{s4(0x7fffffff, 0, 0, 0), s4(0xff, 0, 0, 0)}, s4(0x40000000, 0, 0, 0), false},
		{"uqrshl.d", ir.OpVUQRShl, 3, 0, [][2]uint64{v2(^uint64(0), 1), v2(0xff, 0x40)}, v2(1<<63, ^uint64(0)), true},
		{"sqshl.d", ir.OpVSQShl, 3, 0, [][2]uint64{v2(1<<62, neg(1<<62)), v2(1, 1)}, v2(maxI64, 1<<63), true},
		// -128 → 0; 127 << 1 = 254; 1 << 1 = 2.
		{"sqshlu.b #1", ir.OpVSQShlU, 0, 1, [][2]uint64{v2(0x01_7f_80, 0)}, v2(0x02_fe_00, 0), true},
		{"sqshlu.h #0", ir.OpVSQShlU, 1, 0, [][2]uint64{v2(0x7fff, 0)}, v2(0x7fff, 0), false},
		// MinInt16²: 2^31 >> 16 = 2^15 saturates; 0.5 × 0.5 = 0.25 (Q15).
		{"sqdmulh.h", ir.OpVSQDMulH, 1, 0, [][2]uint64{v2(0x4000_8000, 0), v2(0x4000_8000, 0)}, v2(0x2000_7fff, 0), true},
		// (2×1×16384 + 32768) >> 16 = 1 (SQDMULH would give 0).
		{"sqrdmulh.h", ir.OpVSQRDMulH, 1, 0, [][2]uint64{v2(0x0001, 0), v2(0x4000, 0)}, v2(0x0001, 0), false},
		{"sqdmulh.h no rounding", ir.OpVSQDMulH, 1, 0, [][2]uint64{v2(0x0001, 0), v2(0x4000, 0)}, v2(0, 0), false},
		// MinInt32² saturates; (2×-1×1 + 2^31) >> 32 = 0.
		{"sqrdmulh.s", ir.OpVSQRDMulH, 2, 0, [][2]uint64{s4(0x80000000, 0xffffffff, 0, 0), s4(0x80000000, 1, 0, 0)}, s4(0x7fffffff, 0, 0, 0), true},
		{"sqabs.b", ir.OpVSQAbs, 0, 0, [][2]uint64{v2(0xff80, 0)}, v2(0x017f, 0), true},
		{"sqneg.d", ir.OpVSQNeg, 3, 0, [][2]uint64{v2(1<<63, 5)}, v2(maxI64, neg(5)), true},
		{"sqneg.h", ir.OpVSQNeg, 1, 0, [][2]uint64{v2(0x7fff, 0)}, v2(0x8001, 0), false},
		// 127 + 1 saturates; -128 + 255 = 127; -16 + 16 = 0.
		{"suqadd.b", ir.OpVSUQAdd, 0, 0, [][2]uint64{v2(0xf0_80_7f, 0), v2(0x10_ff_01, 0)}, v2(0x00_7f_7f, 0), true},
		// MinInt64 + (2^64-1) = MaxInt64 exactly; -1 + 2^63 too.
		{"suqadd.d exact", ir.OpVSUQAdd, 3, 0, [][2]uint64{v2(1<<63, ^uint64(0)), v2(^uint64(0), 1<<63)}, v2(maxI64, maxI64), false},
		{"suqadd.d", ir.OpVSUQAdd, 3, 0, [][2]uint64{v2(1, 0), v2(^uint64(0), 0)}, v2(maxI64, 0), true},
		// 5 - 6 → 0; 255 + 127 → 255; 128 - 128 = 0.
		{"usqadd.b", ir.OpVUSQAdd, 0, 0, [][2]uint64{v2(0x80_ff_05, 0), v2(0x80_7f_fa, 0)}, v2(0x00_ff_00, 0), true},
		{"usqadd.d", ir.OpVUSQAdd, 3, 0, [][2]uint64{v2(^uint64(0), 5), v2(^uint64(0), 3)}, v2(^uint64(0)-1, 8), false},
		{"usqadd.d underflow", ir.OpVUSQAdd, 3, 0, [][2]uint64{v2(0, 0), v2(1<<63, 0)}, v2(0, 0), true},
		// RecipEstimate(256) = (2^19 / 513 + 1) / 2 = 511; (511) → 256;
		// (384) → (2^19/769 = 681, + 1) / 2 = 341 = 0x155; bit 31 clear → all ones.
		{"urecpe", ir.OpVURecpe, 2, 0, [][2]uint64{s4(0x80000000, 0x7fffffff, 0xffffffff, 0xc0000000)},
			s4(0xff800000, 0xffffffff, 0x80000000, 0xaa800000), false},
		// RecipSqrtEstimate(128): a = 257, b = 1022 (257×1023² ≥ 2^28), r = 511;
		// (511): a = 1022, b = 512, r = 256; top two bits clear → all ones.
		{"ursqrte", ir.OpVURsqrte, 2, 0, [][2]uint64{s4(0x3fffffff, 0x40000000, 0xffffffff, 0)},
			s4(0xffffffff, 0xff800000, 0x80000000, 0xffffffff), false},
		// Carry-less: 3×3 = 0b101; 0xff² spreads the bits: 0x5555; 2×0x80 = 0x100.
		{"pmull.b low", ir.OpVPMull, 0, 0, [][2]uint64{v2(0xff_03, 0), v2(0xff_03, 0)}, v2(0x5555_0005, 0), false},
		{"pmull.b high", ir.OpVPMull, 0, 1, [][2]uint64{v2(0xff, 0x02), v2(0xff, 0x80)}, v2(0x0100, 0), false},
		// 2^63 × 2 = 2^64; (2^64-1)² carry-less spreads the bits: 0x5555….
		{"pmull.d high", ir.OpVPMull, 3, 1, [][2]uint64{v2(0, 1<<63), v2(0, 2)}, v2(0, 1), false},
		{"pmull.d low", ir.OpVPMull, 3, 0, [][2]uint64{v2(^uint64(0), 0), v2(^uint64(0), 0)},
			v2(0x5555555555555555, 0x5555555555555555), false},
	}
	for _, c := range cases {
		var cpu ir.CPU
		got := vec(&cpu, c.op, c.aux, c.aux2, c.args...)
		qc := cpu.FPSR&ir.FPSRQC != 0
		if got != c.want || qc != c.qc {
			t.Errorf("%s: got %#x qc %v, want %#x qc %v", c.name, got, qc, c.want, c.qc)
		}
	}
}

// TestSaturatingOpsAreKept: ops that may set FPSR.QC must survive dead
// code elimination even when their value is unused; the others are pure.
func TestSaturatingOpsAreKept(t *testing.T) {
	for op := ir.OpVUAddLP; op <= ir.OpVPMull; op++ {
		var cpu ir.CPU
		// Between them, these operand pairs saturate every saturating op:
		// MinInt lanes (negation, doubling products, SQSHLU's negative
		// lanes, shifts left by 1) and MaxInt plus MinInt's bit pattern
		// (the mixed-sign accumulations).
		minInt := v2(0x8000800080008000, 0x8000800080008000)
		vec(&cpu, op, 1, 1, minInt, v2(0x8000800080000001, 0x8000800080008000))
		vec(&cpu, op, 1, 1, v2(0x7fff7fff7fff7fff, 0x7fff7fff7fff7fff), minInt)
		if setsQC := cpu.FPSR&ir.FPSRQC != 0; op.HasSideEffects() != setsQC {
			t.Errorf("%v: HasSideEffects %v, sets QC %v", op, op.HasSideEffects(), setsQC)
		}
	}
}

// TestRecipTables checks the estimate tables at their ends and against
// the functions they approximate: every estimate is within one unit of
// the exact value, as the Arm ARM's construction guarantees.
func TestRecipTables(t *testing.T) {
	for a := 256; a < 512; a++ {
		exact := 512 * 256 / (float64(a) + 0.5)
		if r := recipEstimate(a); r < 256 || r > 511 || math.Abs(float64(r)-exact) > 1 {
			t.Errorf("recipEstimate(%d) = %d, exact %.2f", a, r, exact)
		}
	}
	for a := 128; a < 512; a++ {
		r := recipSqrtEstimate(a)
		exact := 256 / math.Sqrt(float64(a)/512)
		if r < 256 || r > 511 || math.Abs(float64(r)-exact) > 2 {
			t.Errorf("recipSqrtEstimate(%d) = %d, exact %.2f", a, r, exact)
		}
	}
}

func TestFPEstimates(t *testing.T) {
	const (
		rn = 0
		fz = ir.FPCRFZ
		rz = uint64(ir.RoundZero) << ir.FPCRRModeShift
	)
	cases := []struct {
		name  string
		op    ir.Op
		size  int64
		fpcr  uint64
		a, b  uint64
		want  uint64
		flags uint64
	}{
		// 1.0: scaled 256 → estimate 511 (fraction 0xff), exponent 253-127.
		{"frecpe 1", ir.OpFRecpe, 2, rn, s(1), 0, 0x3f7f8000, 0},
		{"frecpe 2", ir.OpFRecpe, 2, rn, s(2), 0, 0x3eff8000, 0},
		{"frecpe -0", ir.OpFRecpe, 2, rn, 0x80000000, 0, 0xff800000, ir.FPSRDZC},
		{"frecpe inf", ir.OpFRecpe, 2, rn, 0x7f800000, 0, 0, 0},
		{"frecpe qnan", ir.OpFRecpe, 2, rn, 0x7fc00123, 0, 0x7fc00123, 0},
		// Below 2^-128: the reciprocal overflows (to ∞ in RN, max normal in RZ).
		{"frecpe tiny rn", ir.OpFRecpe, 2, rn, 1, 0, 0x7f800000, ir.FPSROFC | ir.FPSRIXC},
		{"frecpe tiny rz", ir.OpFRecpe, 2, rz, 1, 0, 0x7f7fffff, ir.FPSROFC | ir.FPSRIXC},
		// Max float: scaled 511 → estimate 256 (fraction 0), exponent -1 →
		// the denormal 2^-128.
		{"frecpe max", ir.OpFRecpe, 2, rn, 0x7f7fffff, 0, 0x00200000, 0},
		{"frecpe max fz", ir.OpFRecpe, 2, fz, 0x7f7fffff, 0, 0, ir.FPSRUFC},
		// A denormal input with FZ is a zero: DZC and IDC.
		{"frecpe denormal fz", ir.OpFRecpe, 2, fz, 0x00400000, 0, 0x7f800000, ir.FPSRDZC | ir.FPSRIDC},
		{"frecpe 1 double", ir.OpFRecpe, 3, rn, d(1), 0, 0x3feff00000000000, 0},
		// 1.0 (odd biased exponent): scaled '01':0 = 128 → 511 → 0x3f7f8000.
		{"frsqrte 1", ir.OpFRsqrte, 2, rn, s(1), 0, 0x3f7f8000, 0},
		// 4.0 halves the exponent: 0x3eff8000 ≈ 0.499.
		{"frsqrte 4", ir.OpFRsqrte, 2, rn, s(4), 0, 0x3eff8000, 0},
		// 2.0: scaled 256 → a = 514, b = 722 (514×723² ≥ 2^28), estimate 361
		// = 0x169 → fraction 0x69, exponent (380-128)/2.
		{"frsqrte 2", ir.OpFRsqrte, 2, rn, s(2), 0, 0x3f348000, 0},
		{"frsqrte -1", ir.OpFRsqrte, 2, rn, s(-1), 0, 0x7fc00000, ir.FPSRIOC},
		{"frsqrte +0", ir.OpFRsqrte, 2, rn, 0, 0, 0x7f800000, ir.FPSRDZC},
		{"frsqrte inf", ir.OpFRsqrte, 2, rn, 0x7f800000, 0, 0, 0},
		{"frecps 2×0.5", ir.OpFRecps, 2, rn, s(2), s(0.5), s(1), 0},
		{"frecps ∞×0", ir.OpFRecps, 2, rn, 0x7f800000, 0x80000000, s(2), 0},
		// The first operand is negated before NaN selection.
		{"frecps nan sign", ir.OpFRecps, 2, rn, 0x7fc00001, s(1), 0xffc00001, 0},
		{"frsqrts 1×1", ir.OpFRsqrts, 3, rn, d(1), d(1), d(1), 0},
		{"frsqrts ∞×0", ir.OpFRsqrts, 3, rn, 0xfff0000000000000, 0, d(1.5), 0},
		// (3 - 3)/2: an exact zero is +0 except when rounding down.
		{"frsqrts exact zero", ir.OpFRsqrts, 3, rn, d(3), d(1), 0, 0},
		{"frecpx 1", ir.OpFRecpx, 2, rn, s(1), 0, s(2), 0},
		{"frecpx -0", ir.OpFRecpx, 2, rn, 0x80000000, 0, 0xff000000, 0},
		{"frecpx denormal", ir.OpFRecpx, 2, rn, 1, 0, 0x7f000000, 0},
		{"frecpx snan", ir.OpFRecpx, 2, rn, 0x7f800001, 0, 0x7fc00001, ir.FPSRIOC},
	}
	for _, c := range cases {
		cpu := ir.CPU{FPCR: c.fpcr}
		r := vec(&cpu, c.op, c.size, int64(ir.FPScalar), v2(c.a, 0), v2(c.b, 0))
		if r != v2(c.want, 0) || cpu.FPSR != c.flags {
			t.Errorf("%s: got %#x flags %#x, want %#x flags %#x", c.name, r[0], cpu.FPSR, c.want, c.flags)
		}
	}
}

func TestFCvtxnRoundsToOdd(t *testing.T) {
	cases := []struct {
		name  string
		in    [2]uint64
		want  uint64
		flags uint64
	}{
		{"exact", v2(d(1), d(-2)), s(1) | s(-2)<<32, 0},
		// 1 + 2^-52 truncates to 1.0 and becomes odd.
		{"inexact", v2(0x3ff0000000000001, 0), 0x3f800001, ir.FPSRIXC},
		// 1 + 2^-24 + 2^-52 rounds up to nearest, but to odd it is 1.0
		// truncated, made odd.
		{"near half", v2(0x3ff0000010000001, 0), 0x3f800001, ir.FPSRIXC},
		// Overflow behaves as round-toward-zero: the largest normal.
		{"overflow", v2(d(1e300), 0), 0x7f7fffff, ir.FPSROFC | ir.FPSRIXC},
		{"qnan", v2(0x7ff8000000000000, 0), 0x7fc00000, 0},
	}
	for _, c := range cases {
		var cpu ir.CPU
		r := vec(&cpu, ir.OpFCvtxn, 2, 0, c.in)
		if r != v2(c.want, 0) || cpu.FPSR != c.flags {
			t.Errorf("%s: got %#x flags %#x, want %#x flags %#x", c.name, r, cpu.FPSR, c.want, c.flags)
		}
	}
}
