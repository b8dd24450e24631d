package interp

import (
	"math"
	"testing"

	"ferry/ir"
)

// Expected values below are worked out by hand from the Arm ARM
// pseudocode (or computed with Go's math package where noted), not by
// running the code under test.

func v2(lo, hi uint64) [2]uint64 { return [2]uint64{lo, hi} }

// s4 builds a vector from four 32-bit lanes, lane 0 first.
func s4(a, b, c, d uint64) [2]uint64 { return [2]uint64{a | b<<32, c | d<<32} }

func vec(cpu *ir.CPU, op ir.Op, aux, aux2 int64, args ...[2]uint64) [2]uint64 {
	var a [3][2]uint64
	copy(a[:], args)
	in := ir.Inst{Op: op, Type: ir.V128, Aux: aux, Aux2: aux2}
	return evalVec(cpu, &in, a[0], a[1], a[2])
}

func TestIntegerLaneOps(t *testing.T) {
	var cpu ir.CPU
	cases := []struct {
		name      string
		op        ir.Op
		aux, aux2 int64
		args      [][2]uint64
		want      [2]uint64
	}{
		{"add.b wraps", ir.OpVAdd, 0, 0, [][2]uint64{v2(0xff01, 1), v2(0x0101, 0xff)}, v2(0x0002, 0)},
		{"sub.d", ir.OpVSub, 3, 0, [][2]uint64{v2(0, 5), v2(1, 7)}, v2(^uint64(0), ^uint64(1))},
		{"mul.h low half", ir.OpVMul, 1, 0, [][2]uint64{v2(0x0100_8000, 0), v2(0x0100_0002, 0)}, v2(0x0000_0000, 0)},
		{"cmeq.b", ir.OpVCmpEq, 0, 0, [][2]uint64{v2(0x00_41_00_61, 0), v2(0x00_41_01_62, 0)}, v2(0xffffffff_ff_ff_00_00, 0xffffffffffffffff)},
		{"cmhi.b unsigned", ir.OpVCmpUGt, 0, 0, [][2]uint64{v2(0x80, 0), v2(0x7f, 0)}, v2(0xff, 0)},
		{"cmgt.b signed", ir.OpVCmpSGt, 0, 0, [][2]uint64{v2(0x80, 0), v2(0x7f, 0)}, v2(0, 0)},
		{"cmtst.s", ir.OpVCmpTst, 2, 0, [][2]uint64{v2(0x00000001_00000002, 0), v2(0x00000001_00000001, 0)}, v2(0xffffffff_00000000, 0)},
		{"abs.b minint", ir.OpVAbs, 0, 0, [][2]uint64{v2(0x80_ff_05, 0)}, v2(0x80_01_05, 0)},
		{"smax.h", ir.OpVSMax, 1, 0, [][2]uint64{v2(0x8000_0001, 0), v2(0x7fff_ffff, 0)}, v2(0x7fff_0001, 0)},
		{"ushr.b by 8 = 0", ir.OpVLShrI, 0, 8, [][2]uint64{v2(0xff, 0)}, v2(0, 0)},
		{"sshr.s by 32 = sign", ir.OpVAShrI, 2, 32, [][2]uint64{v2(0x80000000_7fffffff, 0)}, v2(0xffffffff_00000000, 0)},
		{"sri.b #4", ir.OpVSri, 0, 4, [][2]uint64{v2(0xab, 0), v2(0xcd, 0)}, v2(0xac, 0)},
		{"sli.b #4", ir.OpVSli, 0, 4, [][2]uint64{v2(0xab, 0), v2(0xcd, 0)}, v2(0xdb, 0)},
		{"ushl.b by -1 and 9", ir.OpVUShl, 0, 0, [][2]uint64{v2(0x80_80, 0), v2(0x09_ff, 0)}, v2(0x00_40, 0)},
		{"sshl.b by -1", ir.OpVSShl, 0, 0, [][2]uint64{v2(0x80, 0), v2(0xff, 0)}, v2(0xc0, 0)},
		{"xtn.h→b", ir.OpVXtn, 0, 0, [][2]uint64{v2(0x1234_5678_9abc_def0, 0x0102_0304_0506_0708)}, v2(0x0204_0608_3478_bcf0, 0)},
		{"sxtl2.b→h", ir.OpVSxtl, 0, 1, [][2]uint64{v2(0, 0x80_7f)}, v2(0xff80_007f, 0)},
		{"uzp1.b 64-bit", ir.OpVUzp1, 0, 0, [][2]uint64{v2(0x0706050403020100, 0xdead), v2(0x0f0e0d0c0b0a0908, 0xbeef)}, v2(0x0e0c0a0806040200, 0)},
		{"uzp2.s", ir.OpVUzp2, 2, 1, [][2]uint64{s4(0, 1, 2, 3), s4(4, 5, 6, 7)}, s4(1, 3, 5, 7)},
		{"zip1.h 128", ir.OpVZip1, 1, 1, [][2]uint64{v2(0x0003_0002_0001_0000, 0), v2(0x0013_0012_0011_0010, 0)}, v2(0x0011_0001_0010_0000, 0x0013_0003_0012_0002)},
		{"trn2.s", ir.OpVTrn2, 2, 1, [][2]uint64{s4(0, 1, 2, 3), s4(4, 5, 6, 7)}, s4(1, 5, 3, 7)},
		{"ext #3 64-bit", ir.OpVExt, 3, 0, [][2]uint64{v2(0x0706050403020100, 0), v2(0x0f0e0d0c0b0a0908, 0)}, v2(0x0a09080706050403, 0)},
		{"ext #15 128-bit", ir.OpVExt, 15, 1, [][2]uint64{v2(0, 0xaa00000000000000), v2(0x0403020100000000, 0xbb)}, v2(0x03020100000000aa, 0xbb04)},
		{"tbx keeps out of range", ir.OpVTbx, 0, 0, [][2]uint64{v2(0x1111111111111111, 0x2222222222222222), v2(0x0f0e0d0c0b0a0908, 0x1716151413121110), v2(0x10_0f_00, 0x80)}, v2(0x08080808_08_11_17_08, 0x0808080808080822)},
		{"rev64.b", ir.OpVRev, 0, 3, [][2]uint64{v2(0x0706050403020100, 0x0f0e0d0c0b0a0908)}, v2(0x0001020304050607, 0x08090a0b0c0d0e0f)},
		{"rev32.h", ir.OpVRev, 1, 2, [][2]uint64{v2(0x3333_2222_1111_0000, 0)}, v2(0x2222_3333_0000_1111, 0)},
		{"cnt", ir.OpVCnt, 0, 0, [][2]uint64{v2(0xff_0f_01_00, 0x80)}, v2(0x08_04_01_00, 0x01)},
		{"clz.s", ir.OpVClz, 2, 0, [][2]uint64{v2(0x00000001_00000000, 0x80000000)}, v2(0x1f_00000020, 0x20_00000000)},
		{"cls.h", ir.OpVCls, 1, 0, [][2]uint64{v2(0xffff_0001_0000, 0)}, v2(0x000f_000f_000e_000f, 0x000f_000f_000f_000f)},
		{"rbit", ir.OpVRbit, 0, 0, [][2]uint64{v2(0x01_80_0f, 0)}, v2(0x80_01_f0, 0)},
		{"bsl", ir.OpVBsl, 0, 0, [][2]uint64{v2(0xff00, 0), v2(0x1234, 0xff), v2(0xabcd, 0xee)}, v2(0x12cd, 0xee)},
		{"dup lane", ir.OpVDupLane, 1, 5, [][2]uint64{v2(0, 0x0000_0000_abcd_0000)}, v2(0xabcdabcdabcdabcd, 0xabcdabcdabcdabcd)},
		{"ins lane 3 ← lane 0", ir.OpVInsLane, 2, 3 | 0<<8, [][2]uint64{v2(1, 2), v2(0x99, 0)}, v2(1, 0x99_00000002)},
		{"pmul", ir.OpVPMul, 0, 0, [][2]uint64{v2(0x03_ff, 0), v2(0x03_02, 0)}, v2(0x05_fe, 0)},
		{"addv.b 64-bit", ir.OpVAddV, 0, 0, [][2]uint64{v2(0x0101010101010180, 0xff)}, v2(0x87, 0)},
		{"umaxv.h", ir.OpVUMaxV, 1, 1, [][2]uint64{v2(0x1, 0x8000_0000_0000_7fff)}, v2(0x8000, 0)},
		{"sminv.s", ir.OpVSMinV, 2, 1, [][2]uint64{v2(0x80000000_00000001, 0x7fffffff_ffffffff)}, v2(0x80000000, 0)},
		{"uaddlv.b", ir.OpVUAddLV, 0, 1, [][2]uint64{v2(^uint64(0), ^uint64(0))}, v2(16*255, 0)},
		{"saddlv.h", ir.OpVSAddLV, 1, 0, [][2]uint64{v2(0xffff_ffff_ffff_ffff, 0)}, v2(0xfffffffc, 0)},
	}
	for _, c := range cases {
		if got := vec(&cpu, c.op, c.aux, c.aux2, c.args...); got != c.want {
			t.Errorf("%s: got %#x, want %#x", c.name, got, c.want)
		}
	}
}

func TestSaturatingSetsQC(t *testing.T) {
	var cpu ir.CPU
	if got := vec(&cpu, ir.OpVUQAdd, 0, 0, v2(0xf0_01, 0), v2(0x20_01, 0)); got != v2(0xff_02, 0) || cpu.FPSR != ir.FPSRQC {
		t.Errorf("uqadd: %#x fpsr %#x", got, cpu.FPSR)
	}
	cpu.FPSR = 0
	if got := vec(&cpu, ir.OpVSQSub, 3, 0, v2(1<<63, 5), v2(1, ^uint64(0))); got != v2(1<<63, 6) || cpu.FPSR != ir.FPSRQC {
		t.Errorf("sqsub.d: %#x fpsr %#x", got, cpu.FPSR)
	}
	cpu.FPSR = 0
	if got := vec(&cpu, ir.OpVSQAdd, 1, 0, v2(0x0001_7fff, 0), v2(0x0001_0001, 0)); got != v2(0x0002_7fff, 0) || cpu.FPSR != ir.FPSRQC {
		t.Errorf("sqadd.h: %#x fpsr %#x", got, cpu.FPSR)
	}
	cpu.FPSR = 0
	// SQXTN h→b: 300 → 127, -300 → -128; SQXTUN: -5 → 0; UQXTN: 0x1ff → 0xff.
	if got := vec(&cpu, ir.OpVSqxtn, 0, 0, v2(0xfed4_012c, 0)); got != v2(0x80_7f, 0) || cpu.FPSR != ir.FPSRQC {
		t.Errorf("sqxtn: %#x fpsr %#x", got, cpu.FPSR)
	}
	if got := vec(&cpu, ir.OpVSqxtun, 0, 0, v2(0xfffb_0005, 0)); got != v2(0x00_05, 0) {
		t.Errorf("sqxtun: %#x", got)
	}
	if got := vec(&cpu, ir.OpVUqxtn, 0, 0, v2(0x01ff_00fe, 0)); got != v2(0xff_fe, 0) {
		t.Errorf("uqxtn: %#x", got)
	}
	cpu.FPSR = 0
	if vec(&cpu, ir.OpVUQSub, 0, 0, v2(5, 0), v2(3, 0)); cpu.FPSR != 0 {
		t.Errorf("uqsub without saturation set QC")
	}
}

const (
	dNaNd   = 0x7ff8000000000000 // Arm default NaN (double)
	dNaNs   = 0x7fc00000
	qNaNd   = 0x7ff8000000000123 // quiet NaN with payload
	qNaNdN  = 0xfff8000000000456 // negative quiet NaN
	sNaNd   = 0x7ff0000000000789 // signalling NaN
	sNaNs   = 0x7f800001
	posZero = 0
	negZero = 1 << 63
)

func d(f float64) uint64 { return math.Float64bits(f) }
func s(f float32) uint64 { return uint64(math.Float32bits(f)) }

// fp runs a scalar FP op with FPCR fpcr and returns lane 0 and the FPSR.
func fp(op ir.Op, size int64, fpcr uint64, args ...uint64) (uint64, uint64) {
	cpu := ir.CPU{FPCR: fpcr}
	var vs [][2]uint64
	for _, a := range args {
		vs = append(vs, v2(a, 0xdeadbeef)) // upper lanes must not matter
	}
	r := vec(&cpu, op, size, int64(ir.FPScalar), vs...)
	if r[1] != 0 {
		panic("scalar FP result did not clear the upper half")
	}
	return r[0], cpu.FPSR
}

type fpCase struct {
	name  string
	op    ir.Op
	size  int64
	fpcr  uint64
	args  []uint64
	want  uint64
	flags uint64
}

func runFP(t *testing.T, cases []fpCase) {
	t.Helper()
	for _, c := range cases {
		got, flags := fp(c.op, c.size, c.fpcr, c.args...)
		if got != c.want || flags != c.flags {
			t.Errorf("%s: got %#x flags %#x, want %#x flags %#x", c.name, got, flags, c.want, c.flags)
		}
	}
}

const (
	rn = 0 << ir.FPCRRModeShift
	rp = 1 << ir.FPCRRModeShift
	rm = 2 << ir.FPCRRModeShift
	rz = 3 << ir.FPCRRModeShift
)

func TestFPArithmetic(t *testing.T) {
	third := 0x3fd5555555555555 // 1/3 rounded to nearest (= toward zero)
	runFP(t, []fpCase{
		{"1+2", ir.OpFAdd, 3, rn, []uint64{d(1), d(2)}, d(3), 0},
		{"1/3 RN inexact", ir.OpFDiv, 3, rn, []uint64{d(1), d(3)}, uint64(third), ir.FPSRIXC},
		{"1/3 RP", ir.OpFDiv, 3, rp, []uint64{d(1), d(3)}, uint64(third) + 1, ir.FPSRIXC},
		{"1/3 RZ", ir.OpFDiv, 3, rz, []uint64{d(1), d(3)}, uint64(third), ir.FPSRIXC},
		{"-1/3 RM", ir.OpFDiv, 3, rm, []uint64{d(-1), d(3)}, uint64(third) + 1 + negZero, ir.FPSRIXC},
		{"x-x RN = +0", ir.OpFSub, 3, rn, []uint64{d(5), d(5)}, posZero, 0},
		{"x-x RM = -0", ir.OpFSub, 3, rm, []uint64{d(5), d(5)}, negZero, 0},
		{"+0 + -0 RN", ir.OpFAdd, 3, rn, []uint64{posZero, negZero}, posZero, 0},
		{"+0 + -0 RM", ir.OpFAdd, 3, rm, []uint64{posZero, negZero}, negZero, 0},
		{"1/0 = inf, DZC only", ir.OpFDiv, 3, rn, []uint64{d(1), posZero}, d(math.Inf(1)), ir.FPSRDZC},
		{"-1/+0", ir.OpFDiv, 2, rn, []uint64{s(-1), posZero}, s(float32(math.Inf(-1))), ir.FPSRDZC},
		{"0/0 default NaN", ir.OpFDiv, 3, rn, []uint64{posZero, posZero}, dNaNd, ir.FPSRIOC},
		{"inf-inf default NaN", ir.OpFAdd, 3, rn, []uint64{d(math.Inf(1)), d(math.Inf(-1))}, dNaNd, ir.FPSRIOC},
		{"0*inf single", ir.OpFMul, 2, rn, []uint64{posZero, s(float32(math.Inf(1)))}, dNaNs, ir.FPSRIOC},
		{"sqrt(-1)", ir.OpFSqrt, 3, rn, []uint64{d(-1)}, dNaNd, ir.FPSRIOC},
		{"sqrt(-0) = -0", ir.OpFSqrt, 3, rn, []uint64{negZero}, negZero, 0},
		{"sqrt(2) RN", ir.OpFSqrt, 3, rn, []uint64{d(2)}, d(math.Sqrt2), ir.FPSRIXC},
		// Denormal radicands: the root is normal but its error term is
		// below the denormal range (found by the differential fuzzer).
		// math.Sqrt (SQRTSD, correctly rounded) gives the value.
		{"sqrt(2^-1069) inexact", ir.OpFSqrt, 3, rn, []uint64{0x20}, d(math.Sqrt(0x1p-1069)), ir.FPSRIXC},
		{"sqrt(2^-1072) = 2^-536 exact", ir.OpFSqrt, 3, rn, []uint64{0x4}, d(0x1p-536), 0},
		// Exact squares are exact in every mode (the directed modes used
		// to come out one unit low and inexact; differential fuzzer).
		{"sqrt single exact square RM", ir.OpFSqrt, 2, rm, []uint64{0x7bef1642}, 0x5daef000, 0},
		{"sqrt single exact square RZ", ir.OpFSqrt, 2, rz, []uint64{0x7bef1642}, 0x5daef000, 0},
		{"sqrt single exact square RP", ir.OpFSqrt, 2, rp, []uint64{0x7bef1642}, 0x5daef000, 0},
		{"sqrt double exact square RM", ir.OpFSqrt, 3, rm, []uint64{d(0x1.ffffffp+0 * 0x1.ffffffp+0)}, d(0x1.ffffffp+0), 0},
		{"sqrt double exact square RZ", ir.OpFSqrt, 3, rz, []uint64{d(0x1.ffffffp+0 * 0x1.ffffffp+0)}, d(0x1.ffffffp+0), 0},
		{"sqrt(2) RM", ir.OpFSqrt, 3, rm, []uint64{d(2)}, d(math.Sqrt2) - 1, ir.FPSRIXC}, // the nearest double is above √2
		{"sqrt(4) exact RM", ir.OpFSqrt, 3, rm, []uint64{d(4)}, d(2), 0},
		{"max*2 overflow RN", ir.OpFMul, 3, rn, []uint64{d(math.MaxFloat64), d(2)}, d(math.Inf(1)), ir.FPSROFC | ir.FPSRIXC},
		{"max*2 overflow RZ", ir.OpFMul, 3, rz, []uint64{d(math.MaxFloat64), d(2)}, d(math.MaxFloat64), ir.FPSROFC | ir.FPSRIXC},
		{"-max*2 overflow RP", ir.OpFMul, 3, rp, []uint64{d(-math.MaxFloat64), d(2)}, d(-math.MaxFloat64), ir.FPSROFC | ir.FPSRIXC},
		{"single overflow RM", ir.OpFAdd, 2, rm, []uint64{s(math.MaxFloat32), s(math.MaxFloat32)}, s(math.MaxFloat32), ir.FPSROFC | ir.FPSRIXC},
		{"tiny exact denormal", ir.OpFMul, 3, rn, []uint64{d(0x1p-1000), d(0x1p-50)}, d(0x1p-1050), 0},
		{"tiny inexact underflow", ir.OpFMul, 3, rn, []uint64{d(0x1.8p-1000), d(0x1p-74)}, d(0x1p-1073), ir.FPSRUFC | ir.FPSRIXC},
		{"underflow to 0 RN", ir.OpFMul, 3, rn, []uint64{d(0x1p-1000), d(0x1p-100)}, posZero, ir.FPSRUFC | ir.FPSRIXC},
		{"underflow RP → min denormal", ir.OpFMul, 3, rp, []uint64{d(0x1p-1000), d(0x1p-100)}, 1, ir.FPSRUFC | ir.FPSRIXC},
		{"FZ: denormal input flushed", ir.OpFAdd, 3, ir.FPCRFZ, []uint64{d(0x1p-1060), d(0x1p-1060)}, posZero, ir.FPSRIDC},
		{"FZ: denormal output flushed", ir.OpFMul, 3, ir.FPCRFZ, []uint64{d(0x1p-1000), d(0x1p-30)}, posZero, ir.FPSRUFC},
		{"no FZ: denormal kept", ir.OpFMul, 3, rn, []uint64{d(0x1p-1000), d(0x1p-30)}, d(0x1p-1030), 0},
		{"single 1/3", ir.OpFDiv, 2, rn, []uint64{s(1), s(3)}, s(1.0 / 3), ir.FPSRIXC},
		{"single 1/3 RZ", ir.OpFDiv, 2, rz, []uint64{s(1), s(3)}, s(1.0/3) - 1, ir.FPSRIXC}, // nearest single is above 1/3
		{"FMULX 0*inf = 2", ir.OpFMulX, 3, rn, []uint64{negZero, d(math.Inf(1))}, d(-2), 0},
	})
}

func TestFPNaNs(t *testing.T) {
	runFP(t, []fpCase{
		{"qNaN first operand wins", ir.OpFAdd, 3, rn, []uint64{qNaNd, qNaNdN}, qNaNd, 0},
		{"qNaN second operand", ir.OpFAdd, 3, rn, []uint64{d(1), qNaNdN}, qNaNdN, 0},
		{"sNaN beats qNaN, quieted", ir.OpFMul, 3, rn, []uint64{qNaNd, sNaNd}, sNaNd | 1<<51, ir.FPSRIOC},
		{"DN gives default NaN", ir.OpFSub, 3, ir.FPCRDN, []uint64{qNaNdN, d(1)}, dNaNd, 0},
		{"single sNaN", ir.OpFAdd, 2, rn, []uint64{s(1), sNaNs}, sNaNs | 1<<22, ir.FPSRIOC},
		{"fma: addend NaN first", ir.OpFMA, 3, rn, []uint64{qNaNd, qNaNdN, d(1)}, qNaNd, 0},
		{"fma: qNaN addend with inf*0 is invalid", ir.OpFMA, 3, rn, []uint64{qNaNd, d(math.Inf(1)), posZero}, dNaNd, ir.FPSRIOC},
		{"fma: sNaN multiplicand beats qNaN addend", ir.OpFMA, 3, rn, []uint64{qNaNd, d(2), sNaNd}, sNaNd | 1<<51, ir.FPSRIOC},
		{"fmax NaN propagates", ir.OpFMax, 3, rn, []uint64{d(1), qNaNd}, qNaNd, 0},
		{"fmaxnm qNaN loses", ir.OpFMaxNM, 3, rn, []uint64{qNaNd, d(-7)}, d(-7), 0},
		{"fminnm qNaN loses (second)", ir.OpFMinNM, 2, rn, []uint64{s(3), dNaNs}, s(3), 0},
		{"fmaxnm sNaN still invalid", ir.OpFMaxNM, 3, rn, []uint64{sNaNd, d(1)}, sNaNd | 1<<51, ir.FPSRIOC},
		{"fmax(-0,+0) = +0", ir.OpFMax, 3, rn, []uint64{negZero, posZero}, posZero, 0},
		{"fmax(+0,-0) = +0", ir.OpFMax, 3, rn, []uint64{posZero, negZero}, posZero, 0},
		{"fmin(+0,-0) = -0", ir.OpFMin, 3, rn, []uint64{posZero, negZero}, negZero, 0},
		{"fminnm(-0,+0) = -0", ir.OpFMinNM, 2, rn, []uint64{1 << 31, 0}, 1 << 31, 0},
		{"fmin", ir.OpFMin, 3, rn, []uint64{d(2), d(-3)}, d(-3), 0},
		{"fneg NaN flips sign", ir.OpFNeg, 3, rn, []uint64{qNaNd}, qNaNd | negZero, 0},
		{"fabs sNaN, no exception", ir.OpFAbs, 3, rn, []uint64{sNaNd | negZero}, sNaNd, 0},
	})
}

func TestFMASingleRounding(t *testing.T) {
	// addend 1+2^-23, product -(1+2^-23)·2^-24·(1-2^-23) = -2^-24(1-2^-46):
	// exact = 1 + 2^-24 + 2^-70, just above the midpoint of 1 and
	// 1+2^-23, so the single-precision result is 1+2^-23. Rounding
	// through double would land on the midpoint and round to even (1.0).
	a := s(1 + 0x1p-23)
	b := s(-(1 + 0x1p-23) * 0x1p-24)
	c := s(1 - 0x1p-23)
	got, flags := fp(ir.OpFMA, 2, rn, a, b, c)
	if got != 0x3f800001 || flags != ir.FPSRIXC {
		t.Errorf("fma single: %#x flags %#x, want 0x3f800001 IXC", got, flags)
	}
	// Double: math.FMA is the oracle; 0.1*10-1 exposes the fused rounding.
	got, _ = fp(ir.OpFMA, 3, rn, d(-1), d(0.1), d(10))
	if got != d(math.FMA(0.1, 10, -1)) || got == 0 {
		t.Errorf("fma double: %#x", got)
	}
	// RM with an exact zero result: -0.
	got, _ = fp(ir.OpFMA, 3, rm, d(-1), d(1), d(1))
	if got != negZero {
		t.Errorf("fma RM exact zero: %#x", got)
	}
	// A huge addend (about -2^1019) plus a product of a normal and a
	// denormal (about -2^-1954): the product must still count, however
	// far below the addend. Found by the differential fuzzer (FMLA by
	// element); the exact sum spans about 2970 bits.
	huge, normal, denormal := uint64(0xffa088617f800000), uint64(0x870c50647fa1511a), uint64(0x7fffffff)
	for _, c := range []struct {
		fpcr, want uint64
	}{
		{rn, huge}, {rz, huge}, {rp, huge},
		{rm, huge + 1}, // one ulp further from zero
	} {
		got, flags := fp(ir.OpFMA, 3, c.fpcr, huge, normal, denormal)
		if got != c.want || flags != ir.FPSRIXC {
			t.Errorf("fma huge + tiny×tiny, fpcr %#x: %#x flags %#x, want %#x IXC", c.fpcr, got, flags, c.want)
		}
	}
	// a + (-a)·9 = -8a exactly, although the product 9a is not a double
	// and the fast path's first sum differs from the result: no Inexact.
	// Found by the differential fuzzer (FMLS by element).
	a = 0xe88de3d0261ea2dd
	got, flags = fp(ir.OpFMA, 3, rn, a, a^1<<63, d(9))
	if want := d(-8 * math.Float64frombits(a)); got != want || flags != 0 {
		t.Errorf("fma a - 9a: %#x flags %#x, want %#x exact", got, flags, want)
	}
}

func TestFPCompare(t *testing.T) {
	cases := []struct {
		a, b   uint64
		signal bool
		nzcv   uint64
		flags  uint64
	}{
		{d(1), d(1), false, 0x6 << 28, 0},
		{negZero, posZero, false, 0x6 << 28, 0},
		{d(1), d(2), false, 0x8 << 28, 0},
		{d(3), d(2), false, 0x2 << 28, 0},
		{qNaNd, d(2), false, 0x3 << 28, 0},
		{qNaNd, d(2), true, 0x3 << 28, ir.FPSRIOC},
		{d(1), sNaNd, false, 0x3 << 28, ir.FPSRIOC},
	}
	for _, c := range cases {
		cpu := ir.CPU{}
		aux2 := int64(0)
		if c.signal {
			aux2 = 1
		}
		in := ir.Inst{Op: ir.OpFCmp, Type: ir.I32, Aux: 3, Aux2: aux2}
		r := evalVec(&cpu, &in, v2(c.a, 0), v2(c.b, 0), v2(0, 0))
		if r[0] != c.nzcv || cpu.FPSR != c.flags {
			t.Errorf("fcmp %#x %#x signal=%v: nzcv %#x flags %#x, want %#x %#x", c.a, c.b, c.signal, r[0], cpu.FPSR, c.nzcv, c.flags)
		}
	}
	// Vector compare masks; FCMGE signals on a quiet NaN, FCMEQ does not.
	cpu := ir.CPU{}
	r := vec(&cpu, ir.OpFCmGe, 2, int64(ir.FPVec64), v2(s(1)|s(2)<<32, 0xffffffff), v2(s(1)|s(3)<<32, 0))
	if r != v2(0xffffffff, 0) || cpu.FPSR != 0 {
		t.Errorf("fcmge.2s: %#x %#x", r, cpu.FPSR)
	}
	r = vec(&cpu, ir.OpFCmEq, 3, int64(ir.FPVec128), v2(qNaNd, d(1)), v2(qNaNd, d(1)))
	if r != v2(0, ^uint64(0)) || cpu.FPSR != 0 {
		t.Errorf("fcmeq.2d: %#x %#x", r, cpu.FPSR)
	}
	r = vec(&cpu, ir.OpFCmGt, 3, int64(ir.FPVec128), v2(qNaNd, d(1)), v2(d(0), d(-1)))
	if r != v2(0, ^uint64(0)) || cpu.FPSR != ir.FPSRIOC {
		t.Errorf("fcmgt.2d: %#x %#x", r, cpu.FPSR)
	}
}

func TestFPConversions(t *testing.T) {
	cvt := func(r ir.FPRounding, intSize int, unsigned bool, fbits int) int64 {
		return ir.CvtAux(r, intSize, unsigned, fbits, ir.FPScalar)
	}
	toInt := func(size int64, aux2 int64, x uint64) (uint64, uint64) {
		cpu := ir.CPU{}
		r := vec(&cpu, ir.OpFCvtToInt, size, aux2, v2(x, 0))
		return r[0], cpu.FPSR
	}
	cases := []struct {
		name        string
		size, aux2  int64
		x           uint64
		want, flags uint64
	}{
		{"fcvtzs w, 2.7", 3, cvt(ir.RoundZero, 2, false, 0), d(2.7), 2, ir.FPSRIXC},
		{"fcvtzs w, -2.7", 3, cvt(ir.RoundZero, 2, false, 0), d(-2.7), 0xfffffffe, ir.FPSRIXC},
		{"fcvtzs w, 1e10 saturates", 3, cvt(ir.RoundZero, 2, false, 0), d(1e10), 0x7fffffff, ir.FPSRIOC},
		{"fcvtzs w, -1e10 saturates", 3, cvt(ir.RoundZero, 2, false, 0), d(-1e10), 0x80000000, ir.FPSRIOC},
		{"fcvtzs x, NaN = 0", 3, cvt(ir.RoundZero, 3, false, 0), qNaNd, 0, ir.FPSRIOC},
		{"fcvtzs x, -2^63 exact", 3, cvt(ir.RoundZero, 3, false, 0), d(-0x1p63), 1 << 63, 0},
		{"fcvtzs x, 2^63 saturates", 3, cvt(ir.RoundZero, 3, false, 0), d(0x1p63), 1<<63 - 1, ir.FPSRIOC},
		{"fcvtzu w, -0.5 = 0 inexact", 3, cvt(ir.RoundZero, 2, true, 0), d(-0.5), 0, ir.FPSRIXC},
		{"fcvtzu w, -1 saturates", 3, cvt(ir.RoundZero, 2, true, 0), d(-1), 0, ir.FPSRIOC},
		{"fcvtzu x, inf", 2, cvt(ir.RoundZero, 3, true, 0), s(float32(math.Inf(1))), ^uint64(0), ir.FPSRIOC},
		{"fcvtns 2.5 = 2", 3, cvt(ir.RoundTieEven, 3, false, 0), d(2.5), 2, ir.FPSRIXC},
		{"fcvtas 2.5 = 3", 3, cvt(ir.RoundTieAway, 3, false, 0), d(2.5), 3, ir.FPSRIXC},
		{"fcvtms -2.5 = -3", 3, cvt(ir.RoundMinusInf, 3, false, 0), d(-2.5), uint64(1<<64 - 3), ir.FPSRIXC},
		{"fcvtps -2.5 = -2", 3, cvt(ir.RoundPlusInf, 3, false, 0), d(-2.5), uint64(1<<64 - 2), ir.FPSRIXC},
		{"fcvtzs fixed #8", 3, cvt(ir.RoundZero, 2, false, 8), d(1.5), 0x180, 0},
	}
	for _, c := range cases {
		got, flags := toInt(c.size, c.aux2, c.x)
		if got != c.want || flags != c.flags {
			t.Errorf("%s: %#x flags %#x, want %#x %#x", c.name, got, flags, c.want, c.flags)
		}
	}
	fromInt := func(size int64, fpcr uint64, aux2 int64, x uint64) (uint64, uint64) {
		cpu := ir.CPU{FPCR: fpcr}
		r := vec(&cpu, ir.OpIntToFP, size, aux2, v2(x, 0))
		return r[0], cpu.FPSR
	}
	if got, fl := fromInt(3, rn, cvt(ir.RoundFPCR, 2, false, 0), 0xffffffff); got != d(-1) || fl != 0 {
		t.Errorf("scvtf d, w(-1): %#x %#x", got, fl)
	}
	if got, fl := fromInt(3, rn, cvt(ir.RoundFPCR, 2, true, 0), 0xffffffff); got != d(4294967295) || fl != 0 {
		t.Errorf("ucvtf d, w: %#x %#x", got, fl)
	}
	if got, fl := fromInt(3, rn, cvt(ir.RoundFPCR, 3, true, 0), ^uint64(0)); got != d(0x1p64) || fl != ir.FPSRIXC {
		t.Errorf("ucvtf d, x(max): %#x %#x", got, fl)
	}
	if got, fl := fromInt(2, rz, cvt(ir.RoundFPCR, 3, false, 0), 1<<24+1); got != s(1<<24) || fl != ir.FPSRIXC {
		t.Errorf("scvtf s RZ: %#x %#x", got, fl)
	}
	if got, fl := fromInt(2, rp, cvt(ir.RoundFPCR, 3, false, 0), 1<<24+1); got != s(1<<24+2) || fl != ir.FPSRIXC {
		t.Errorf("scvtf s RP: %#x %#x", got, fl)
	}
	if got, _ := fromInt(3, rn, cvt(ir.RoundFPCR, 3, false, 4), uint64(1<<64-24)); got != d(-1.5) {
		t.Errorf("scvtf fixed #4: %#x", got)
	}

	fcvt := func(from, to int64, fpcr uint64, x uint64) (uint64, uint64) {
		cpu := ir.CPU{FPCR: fpcr}
		r := vec(&cpu, ir.OpFCvt, from, to, v2(x, 0))
		return r[0], cpu.FPSR
	}
	for _, c := range []struct {
		name        string
		from, to    int64
		fpcr, x     uint64
		want, flags uint64
	}{
		{"d→s 0.1", 3, 2, rn, d(0.1), s(0.1), ir.FPSRIXC},
		{"d→s 0.1 RZ", 3, 2, rz, d(0.1), s(0.1) - 1, ir.FPSRIXC}, // float32(0.1) rounds up
		{"d→s overflow", 3, 2, rn, d(1e300), s(float32(math.Inf(1))), ir.FPSROFC | ir.FPSRIXC},
		{"d→s sNaN keeps payload top bits, quiet", 3, 2, rn, 0x7ff4000020000000, 0x7fe00001, ir.FPSRIOC},
		{"s→d NaN payload", 2, 3, rn, 0xffc00001, 0xfff8000020000000, 0},
		{"d→h 65504", 3, 1, rn, d(65504), 0x7bff, 0},
		{"d→h 65520 overflows", 3, 1, rn, d(65520), 0x7c00, ir.FPSROFC | ir.FPSRIXC},
		{"s→h 1/3", 2, 1, rn, s(1.0 / 3), 0x3555, ir.FPSRIXC},
		{"s→h min denormal", 2, 1, rn, s(0x1p-24), 0x0001, 0},
		{"h→s denormal", 1, 2, rn, 0x8001, s(-0x1p-24), 0},
		{"h→d 1.5", 1, 3, rn, 0x3e00, d(1.5), 0},
		{"s→d denormal, FZ flushes", 2, 3, ir.FPCRFZ, 1, posZero, ir.FPSRIDC},
		// FPCR.AHP, alternative half precision: exponent 31 is a binade of
		// numbers (2^16 ≤ |x| ≤ 131008), there are no NaNs or infinities.
		// Found by the differential fuzzer (FCVTL2 with AHP set).
		{"AHP h→s 0x7e98 = 2^16×(1+0x298/1024)", 1, 2, ir.FPCRAHP, 0x7e98, 0x47d30000, 0},
		{"AHP h→s 0x7c00 = 65536", 1, 2, ir.FPCRAHP, 0x7c00, s(65536), 0},
		{"AHP h→d 0xffff = -131008", 1, 3, ir.FPCRAHP | ir.FPCRDN, 0xffff, d(-131008), 0},
		{"AHP h→s denormal", 1, 2, ir.FPCRAHP | ir.FPCRFZ, 0x0001, s(0x1p-24), 0},
		{"AHP s→h 65536", 2, 1, ir.FPCRAHP, s(65536), 0x7c00, 0},
		{"AHP s→h 131008", 2, 1, ir.FPCRAHP, s(131008), 0x7fff, 0},
		{"AHP s→h 2^17 saturates, Invalid", 2, 1, ir.FPCRAHP, s(131072), 0x7fff, ir.FPSRIOC},
		{"AHP s→h 131040 rounds to 2^17: Invalid, not Inexact", 2, 1, ir.FPCRAHP, s(131040), 0x7fff, ir.FPSRIOC},
		{"AHP s→h -131040 RZ", 2, 1, ir.FPCRAHP | rz, s(-131040), 0xffff, ir.FPSRIXC},
		{"AHP d→h 65520 rounds to 65536", 3, 1, ir.FPCRAHP, d(65520), 0x7c00, ir.FPSRIXC},
		{"AHP s→h 1/3 as IEEE", 2, 1, ir.FPCRAHP, s(1.0 / 3), 0x3555, ir.FPSRIXC},
		{"AHP s→h qNaN = +0, Invalid", 2, 1, ir.FPCRAHP, 0x7fc00000, 0, ir.FPSRIOC},
		{"AHP d→h -inf = -131008, Invalid", 3, 1, ir.FPCRAHP, d(math.Inf(-1)), 0xffff, ir.FPSRIOC},
	} {
		got, flags := fcvt(c.from, c.to, c.fpcr, c.x)
		if got != c.want || flags != c.flags {
			t.Errorf("%s: %#x flags %#x, want %#x %#x", c.name, got, flags, c.want, c.flags)
		}
	}
}

func TestFRINT(t *testing.T) {
	frint := func(r ir.FPRounding, fpcr, x uint64) (uint64, uint64) {
		cpu := ir.CPU{FPCR: fpcr}
		res := vec(&cpu, ir.OpFRound, 3, ir.FRoundAux(r, ir.FPScalar), v2(x, 0))
		return res[0], cpu.FPSR
	}
	for _, c := range []struct {
		r     ir.FPRounding
		fpcr  uint64
		x     float64
		want  uint64
		flags uint64
	}{
		{ir.RoundTieEven, 0, 2.5, d(2), 0},
		{ir.RoundTieEven, 0, -0.5, negZero, 0},
		{ir.RoundTieAway, 0, 2.5, d(3), 0},
		{ir.RoundTieAway, 0, -2.5, d(-3), 0},
		{ir.RoundPlusInf, 0, -0.5, negZero, 0},
		{ir.RoundMinusInf, 0, 0.5, posZero, 0},
		{ir.RoundZero, 0, -1.9, d(-1), 0},
		{ir.RoundFPCR, rp, 1.1, d(2), 0},
		{ir.RoundFPCRExact, rm, 1.1, d(1), ir.FPSRIXC},
		{ir.RoundFPCRExact, rn, 3, d(3), 0},
	} {
		got, flags := frint(c.r, c.fpcr, d(c.x))
		if got != c.want || flags != c.flags {
			t.Errorf("frint %d fpcr %#x %v: %#x %#x, want %#x %#x", c.r, c.fpcr, c.x, got, flags, c.want, c.flags)
		}
	}
}

func TestFPVectorLanes(t *testing.T) {
	// 2S vector add leaves the upper half zero and raises nothing for it,
	// even when the upper lanes hold signalling NaNs.
	cpu := ir.CPU{}
	x := v2(s(1)|s(2)<<32, sNaNs|sNaNs<<32)
	r := vec(&cpu, ir.OpFAdd, 2, int64(ir.FPVec64), x, x)
	if r != v2(s(2)|s(4)<<32, 0) || cpu.FPSR != 0 {
		t.Errorf("fadd.2s: %#x fpsr %#x", r, cpu.FPSR)
	}
	r = vec(&cpu, ir.OpFMul, 3, int64(ir.FPVec128), v2(d(1.5), d(-2)), v2(d(2), d(0.25)))
	if r != v2(d(3), d(-0.5)) {
		t.Errorf("fmul.2d: %#x", r)
	}
	r = vec(&cpu, ir.OpFCvtl, 2, 1, v2(0, s(1.5)|s(-2)<<32))
	if r != v2(d(1.5), d(-2)) {
		t.Errorf("fcvtl2: %#x", r)
	}
	r = vec(&cpu, ir.OpFCvtn, 2, 0, v2(d(1.5), d(-2)))
	if r != v2(s(1.5)|s(-2)<<32, 0) {
		t.Errorf("fcvtn: %#x", r)
	}
	r = vec(&cpu, ir.OpFCvtToInt, 2, ir.CvtAux(ir.RoundZero, 2, false, 0, ir.FPVec128), v2(s(-1.5)|s(3e9)<<32, s(7)|sNaNs<<32))
	if r != v2(0xffffffff|0x7fffffff<<32, 7) || cpu.FPSR&ir.FPSRIOC == 0 {
		t.Errorf("fcvtzs.4s: %#x fpsr %#x", r, cpu.FPSR)
	}
}
