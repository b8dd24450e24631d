package amd64

import (
	"math"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"ferry/ir"
)

// Scalar floating point with Arm semantics on SSE.
//
// Where x86 and Arm agree (IEEE results of +, -, ×, ÷, √, conversions and
// rounding in every rounding mode; the Invalid, Divide-by-zero, Overflow
// and Inexact flags) the host instruction is used directly. The
// differences are handled exactly:
//
//   - FPCR.RMode selects MXCSR.RC (the entry trampoline sets it from FPCR;
//     MSR FPCR inside a block updates it). FPCR.FZ and FPCR.DN have no
//     x86 equivalent with Arm's semantics: blocks with FP ops check them at
//     entry and, if either is set, run in the interpreter instead
//     (exitFPMode). AHP only matters for half precision, which is not
//     compiled.
//   - NaN results: x86 returns the first NaN operand or its negative
//     default NaN, Arm the first signalling NaN, else the first quiet NaN,
//     else its positive default NaN. Every arithmetic result is tested for
//     NaN; the rare NaN goes out of line to the nanSel helper (stubs.go).
//   - Underflow: Arm detects tininess before rounding, x86 after. They
//     disagree only when the rounded result is exactly ±MinNormal; such
//     results go out of line, where the operation is redone rounding toward
//     zero: the exact result was tiny iff that gives less than MinNormal,
//     and then UFC is raised.
//   - Float → integer: Arm saturates and maps NaN to 0. The value is
//     rounded in FP (ROUNDSD), range-checked, and only converted when
//     exact; out-of-range and NaN inputs go out of line.
//   - FMAX/FMIN: x86 MAXSD/MINSD treat NaN and ±0 differently, so equal
//     operands and unordered ones are handled before them.
//
// Flags accumulate in MXCSR (see stubs.go); flags x86 does not raise the
// Arm way (Invalid for saturation, Inexact of an exact conversion check,
// Underflow above) are ORed into cpu.FPSR directly.

// fpcrGuardBits are the FPCR bits compiled FP code cannot honour.
const fpcrGuardBits = ir.FPCRFZ | ir.FPCRDN

// fpSupported reports whether the FP op in is compiled; handled is false
// for non-FP ops.
func fpSupported(in *ir.Inst, cp caps) (ok, handled bool) {
	size := in.Aux
	scalar := ir.FPLanes(in.Aux2) == ir.FPScalar
	sized := size == 2 || size == 3
	if lanes, ok := fpLanesOf(in); ok && lanes != ir.FPScalar && !singleLane(in, lanes) {
		return vecFPSupported(in, cp), true
	}
	switch in.Op {
	case ir.OpFAdd, ir.OpFSub, ir.OpFMul, ir.OpFDiv, ir.OpFSqrt,
		ir.OpFMax, ir.OpFMin, ir.OpFMaxNM, ir.OpFMinNM:
		return scalar && sized, true
	case ir.OpFMA:
		return cp.fma && scalar && sized, true
	case ir.OpFAbs, ir.OpFNeg:
		return sized, true
	case ir.OpFCmp, ir.OpFCmEq, ir.OpFCmGe, ir.OpFCmGt, ir.OpFAcGe, ir.OpFAcGt:
		return sized, true
	case ir.OpFCvtl, ir.OpFCvtn:
		return size == 2, true
	case ir.OpFCvt:
		return size == 2 && in.Aux2 == 3 || size == 3 && in.Aux2 == 2, true
	case ir.OpFCvtToInt:
		r, isz, _, fbits, lanes := ir.ParseCvtAux(in.Aux2)
		return cp.sse41 && sized && (lanes != ir.FPScalar || isz == 2 || isz == 3) && fbits == 0 &&
			r != ir.RoundFPCRExact, true
	case ir.OpIntToFP:
		_, isz, _, fbits, lanes := ir.ParseCvtAux(in.Aux2)
		return sized && (lanes != ir.FPScalar || isz == 2 || isz == 3) && fbits == 0, true
	case ir.OpFRound:
		return cp.sse41 && sized, true
	}
	return false, false
}

// singleLane reports whether the vector op in with lanes computes one
// lane only (a 64-bit vector of doubles): it is then the scalar op, which
// zeroes the rest of the vector as a 64-bit vector op does.
func singleLane(in *ir.Inst, lanes ir.FPLanes) bool {
	return lanes == ir.FPVec64 && in.Aux == 3
}

// needsFPCRGuard reports whether the compiled op depends on FPCR.FZ/DN:
// all compiled FP ops but FAbs and FNeg, which only move sign bits.
func needsFPCRGuard(op ir.Op) bool {
	switch op {
	case ir.OpFAdd, ir.OpFSub, ir.OpFMul, ir.OpFDiv, ir.OpFSqrt, ir.OpFMax, ir.OpFMin,
		ir.OpFMaxNM, ir.OpFMinNM, ir.OpFCmp, ir.OpFMA, ir.OpFCvt, ir.OpFCvtToInt, ir.OpIntToFP, ir.OpFRound,
		ir.OpFCmEq, ir.OpFCmGe, ir.OpFCmGt, ir.OpFAcGe, ir.OpFAcGt, ir.OpFCvtl, ir.OpFCvtn:
		return true
	}
	return false
}

// fpAs returns the single- or double-precision form.
func fpAs(size int64, s, d obj.As) obj.As {
	if size == 3 {
		return d
	}
	return s
}

// loadLane0 loads the low FP lane (size 2 or 3) of V128 value v into XMM x,
// zeroing the rest of x; while a vector op is compiled lane by lane
// (eachLane), the lane being computed.
func (c *compiler) loadLane0(v ir.Value, size int64, x int16) {
	c.op2(fpAs(size, x86.AMOVL, x86.AMOVQ), c.vecAddr(v, c.laneOffset(size)), rg(x))
}

// minNormalShifted is MinNormal of the format shifted left by one (the sign
// dropped).
func minNormalShifted(size int64) int64 {
	if size == 3 {
		return 0x0010000000000000 << 1
	}
	return 0x00800000 << 1
}

// emitFP compiles the FP op in; it reports false for other ops.
func (c *compiler) emitFP(v ir.Value, in *ir.Inst) bool {
	size := in.Aux
	a, b := in.Args[0], in.Args[1]
	if lanes, ok := fpLanesOf(in); ok && !c.lane.on && lanes != ir.FPScalar && !singleLane(in, lanes) {
		c.emitVecFP(v, in, lanes)
		return true
	}
	switch in.Op {
	case ir.OpFCmEq, ir.OpFCmGe, ir.OpFCmGt, ir.OpFAcGe, ir.OpFAcGt:
		c.fpCompareMask(v, in)
	case ir.OpFCvtl:
		c.fcvtl(v, in)
	case ir.OpFCvtn:
		c.fcvtn(v, in)
	case ir.OpFAdd, ir.OpFSub, ir.OpFMul, ir.OpFDiv:
		as := map[ir.Op][2]obj.As{
			ir.OpFAdd: {x86.AADDSS, x86.AADDSD}, ir.OpFSub: {x86.ASUBSS, x86.ASUBSD},
			ir.OpFMul: {x86.AMULSS, x86.AMULSD}, ir.OpFDiv: {x86.ADIVSS, x86.ADIVSD},
		}[in.Op][size-2]
		c.vdef()
		c.loadLane0(a, size, rX0)
		c.loadLane0(b, size, rX1)
		compute := func(dst int16) {
			c.op2(x86.AMOVOU, rg(rX0), rg(dst))
			c.op2(as, rg(rX1), rg(dst))
		}
		compute(rX3)
		c.fixNaN(size, rX3, func() { c.op2(x86.AMOVOU, rg(rX1), rg(rX2)) })
		c.fixTiny(size, rX3, compute)
		c.fpStore(size, rX3, v)
	case ir.OpFMA:
		// Args[0] + Args[1]*Args[2] with one rounding: VFMADD231 adds the
		// product of its sources to its destination.
		c.vdef()
		c.loadLane0(a, size, rX0)
		c.loadLane0(b, size, rX1)
		c.loadLane0(in.Args[2], size, rX2)
		compute := func(dst int16) {
			c.op2(x86.AMOVOU, rg(rX0), rg(dst))
			c.op3(fpAs(size, x86.AVFMADD231SS, x86.AVFMADD231SD), rg(rX2), rg(rX1), rg(dst))
		}
		compute(rX3)
		c.op2(fpAs(size, x86.AUCOMISS, x86.AUCOMISD), rg(rX3), rg(rX3))
		c.slowPath(x86.AJPS, func() { c.fmaNaN(size) })
		c.fixTiny(size, rX3, compute)
		c.fpStore(size, rX3, v)
	case ir.OpFSqrt:
		c.vdef()
		c.loadLane0(a, size, rX0)
		c.op2(x86.AMOVOU, rg(rX0), rg(rX3))
		c.op2(fpAs(size, x86.ASQRTSS, x86.ASQRTSD), rg(rX3), rg(rX3))
		// √ of a positive number is never tiny.
		c.fixNaN(size, rX3, func() {
			c.op2(x86.AMOVOU, rg(rX0), rg(rX1))
			c.op2(x86.AMOVOU, rg(rX0), rg(rX2))
		})
		c.fpStore(size, rX3, v)
	case ir.OpFMax, ir.OpFMin, ir.OpFMaxNM, ir.OpFMinNM:
		c.minMax(v, in)
	case ir.OpFAbs, ir.OpFNeg:
		c.absNeg(v, in)
	case ir.OpFCmp:
		r := c.def(ir.NoValue)
		c.loadLane0(a, size, rX0)
		c.loadLane0(b, size, rX1)
		// UCOMIS raises Invalid for signalling NaNs only (FCMP); COMIS for
		// quiet ones too (FCMPE). Then ZF,PF,CF = 000 greater, 001 less,
		// 100 equal, 111 unordered; the NZCV nibble for the index
		// CF | ZF<<1 | PF<<2 comes from a packed table.
		cmp := fpAs(size, x86.AUCOMISS, x86.AUCOMISD)
		if in.Aux2 == 1 {
			cmp = fpAs(size, x86.ACOMISS, x86.ACOMISD)
		}
		c.op2(cmp, rg(rX1), rg(rX0))
		c.op1(x86.ASETCS, rg(rAX))
		c.op1(x86.ASETEQ, rg(rCX))
		c.op1(x86.ASETPS, rg(rDX))
		c.op2(x86.AMOVBLZX, rg(rAX), rg(rAX))
		c.op2(x86.AMOVBLZX, rg(rCX), rg(rCX))
		c.op2(x86.AMOVBLZX, rg(rDX), rg(rDX))
		c.op2(x86.ALEAL, memIdx(rAX, rCX, 2, 0), rg(rAX))
		c.op2(x86.ALEAL, memIdx(rAX, rDX, 4, 0), rg(rCX))
		c.op2(x86.ASHLL, imm(2), rg(rCX))
		c.op2(x86.AMOVL, imm(0x30000682), rg(r))
		c.op2(x86.ASHRL, rg(rCX), rg(r))
		c.op2(x86.AANDL, imm(15), rg(r))
		c.op2(x86.ASHLL, imm(28), rg(r))
		c.clean[v] = true
	case ir.OpFCvt:
		c.vdef()
		c.loadLane0(a, size, rX0)
		c.op2(x86.APXOR, rg(rX3), rg(rX3))
		if size == 2 {
			// Widening is exact; x86 quiets NaNs keeping the payload's
			// top bits exactly as Arm's FPConvertNaN does.
			c.op2(x86.ACVTSS2SD, rg(rX0), rg(rX3))
		} else {
			compute := func(dst int16) {
				c.op2(x86.APXOR, rg(dst), rg(dst))
				c.op2(x86.ACVTSD2SS, rg(rX0), rg(dst))
			}
			compute(rX3)
			c.fixTiny(2, rX3, compute)
		}
		c.storeX(rX3, v)
	case ir.OpIntToFP:
		c.intToFP(v, in)
	case ir.OpFCvtToInt:
		c.fpToInt(v, in)
	case ir.OpFRound:
		r, _ := ir.ParseFRoundAux(in.Aux2)
		c.vdef()
		c.loadLane0(a, size, rX0)
		c.op2(x86.AMOVOU, rg(rX0), rg(rX3))
		if r == ir.RoundTieAway {
			c.roundTieAway(size, rX0, rX3)
		} else {
			mode := roundImm[r]
			if r != ir.RoundFPCRExact {
				mode |= 8 // FRINT other than FRINTX raises no Inexact
			}
			c.op3(fpAs(size, x86.AROUNDSS, x86.AROUNDSD), imm(mode), rg(rX0), rg(rX3))
		}
		c.fpStore(size, rX3, v)
	default:
		return false
	}
	return true
}

// roundImm is the ROUNDSS/ROUNDSD immediate of each rounding (4: MXCSR.RC,
// which follows FPCR.RMode).
var roundImm = map[ir.FPRounding]int64{ir.RoundTieEven: 0, ir.RoundMinusInf: 1, ir.RoundPlusInf: 2,
	ir.RoundZero: 3, ir.RoundFPCR: 4, ir.RoundFPCRExact: 4}

// roundTieAway rounds the low lane of x to an integral value, ties away
// from zero (FRINTA), into dst. x86 has no such mode: truncate, then step
// one away from zero if the discarded fraction is at least one half.
// Values of magnitude 2^52 (2^23 for single) and more, infinities and NaNs
// are integral already (NaNs come out quieted, with Invalid for a
// signalling one, from the truncation). Below that, x - trunc(x) and the
// step are exact, so no flags are raised.
func (c *compiler) roundTieAway(size int64, x, dst int16) {
	const rX4 = x86.REG_X4
	w := size == 3
	mov := fpAs(size, x86.AMOVL, x86.AMOVQ)
	big, half, one := int64(math.Float32bits(1<<23)), int64(math.Float32bits(0.5)), int64(math.Float32bits(1))
	if w {
		big, half, one = int64(math.Float64bits(1<<52)), int64(math.Float64bits(0.5)), int64(math.Float64bits(1))
	}
	// magnitude leaves the bits of |reg| in RAX; cmpTo compares them with k.
	magnitude := func(reg int16) {
		c.op2(mov, rg(reg), rg(rAX))
		c.op2(pick(w, x86.ASHLQ, x86.ASHLL), imm(1), rg(rAX))
		c.op2(pick(w, x86.ASHRQ, x86.ASHRL), imm(1), rg(rAX))
	}
	cmpTo := func(k int64) {
		c.op2(x86.AMOVQ, imm(k), rg(rCX))
		c.op2(pick(w, x86.ACMPQ, x86.ACMPL), rg(rAX), rg(rCX))
	}
	c.op3(fpAs(size, x86.AROUNDSS, x86.AROUNDSD), imm(3|8), rg(x), rg(dst))
	magnitude(x)
	cmpTo(big)
	integral := c.fwd(x86.AJCC)
	c.op2(x86.AMOVOU, rg(x), rg(rX4))
	c.op2(fpAs(size, x86.ASUBSS, x86.ASUBSD), rg(dst), rg(rX4))
	magnitude(rX4)
	cmpTo(half)
	small := c.fwd(x86.AJCS)
	// dst += copysign(1, x)
	c.op2(mov, rg(x), rg(rAX))
	c.op2(pick(w, x86.ASHRQ, x86.ASHRL), imm(pick64(w, 63, 31)), rg(rAX))
	c.op2(pick(w, x86.ASHLQ, x86.ASHLL), imm(pick64(w, 63, 31)), rg(rAX))
	c.op2(x86.AMOVQ, imm(one), rg(rCX))
	c.op2(x86.AORQ, rg(rCX), rg(rAX))
	c.op2(mov, rg(rAX), rg(rX4))
	c.op2(fpAs(size, x86.AADDSS, x86.AADDSD), rg(rX4), rg(dst))
	c.bind(integral, small)
}

func pick64(w bool, a, b int64) int64 {
	if w {
		return a
	}
	return b
}

// fmaNaN is the out-of-line path of a NaN FMA result (operands in X0 =
// addend, X1, X2): Arm returns the default NaN and raises Invalid for
// ∞ × 0 even when the addend is a quiet NaN; otherwise the usual NaN
// priority applies.
func (c *compiler) fmaNaN(size int64) {
	mov := fpAs(size, x86.AMOVL, x86.AMOVQ)
	w := size == 3
	// class leaves in RAX the magnitude bits of reg.
	class := func(reg int16) {
		c.op2(mov, rg(reg), rg(rAX))
		c.op2(pick(w, x86.ASHLQ, x86.ASHLL), imm(1), rg(rAX))
		c.op2(pick(w, x86.ASHRQ, x86.ASHRL), imm(1), rg(rAX))
	}
	inf := int64(0x7f800000)
	if w {
		inf = 0x7ff0000000000000
	}
	var normal []*obj.Prog
	// The addend must be a quiet NaN and the factors no NaNs.
	c.op2(mov, rg(rX0), rg(rAX))
	isQNaN(c.a, size)
	normal = append(normal, c.fwd(x86.AJNE))
	for _, f := range []int16{rX1, rX2} {
		c.op2(fpAs(size, x86.AUCOMISS, x86.AUCOMISD), rg(f), rg(f))
		normal = append(normal, c.fwd(x86.AJPS))
	}
	// One factor ∞ and the other 0: |x1| == inf && |x2| == 0, or the
	// reverse. RDX holds ∞'s bits.
	c.op2(x86.AMOVQ, imm(inf), rg(rDX))
	var invalid []*obj.Prog
	for _, fs := range [][2]int16{{rX1, rX2}, {rX2, rX1}} {
		class(fs[0])
		c.op2(pick(w, x86.ACMPQ, x86.ACMPL), rg(rAX), rg(rDX))
		next := c.fwd(x86.AJNE)
		class(fs[1])
		c.op2(pick(w, x86.ATESTQ, x86.ATESTL), rg(rAX), rg(rAX))
		invalid = append(invalid, c.fwd(x86.AJEQ))
		c.bind(next)
	}
	c.bind(normal...)
	c.op2(x86.AMOVQ, imm(int64(nanSel[size])), rg(rCX))
	c.op1(obj.ACALL, rg(rCX))
	c.op2(mov, rg(rAX), rg(rX3))
	done := c.fwd(obj.AJMP)
	c.bind(invalid...)
	c.orFPSR(ir.FPSRIOC)
	if w {
		c.op2(x86.AMOVQ, imm(0x7ff8000000000000), rg(rAX))
	} else {
		c.op2(x86.AMOVL, imm(0x7fc00000), rg(rAX))
	}
	c.op2(mov, rg(rAX), rg(rX3))
	c.bind(done)
}

// fixNaN replaces a NaN result in XMM res by the Arm one. setup moves the
// operands into X0, X1, X2 as nanSel expects (X0 already holds the first).
func (c *compiler) fixNaN(size int64, res int16, setup func()) {
	c.op2(fpAs(size, x86.AUCOMISS, x86.AUCOMISD), rg(res), rg(res))
	c.slowPath(x86.AJPS, func() {
		setup()
		c.op2(x86.AMOVQ, imm(int64(nanSel[size])), rg(rCX))
		c.op1(obj.ACALL, rg(rCX))
		c.op2(fpAs(size, x86.AMOVL, x86.AMOVQ), rg(rAX), rg(res))
	})
}

// fixTiny raises UFC where Arm's tininess-before-rounding differs from
// x86's: for a result of ±MinNormal, compute redoes the operation into its
// register argument rounding toward zero; a result below MinNormal then
// means the exact value was tiny (and, being rounded up, inexact).
func (c *compiler) fixTiny(size int64, res int16, compute func(dst int16)) {
	c.op2(fpAs(size, x86.AMOVL, x86.AMOVQ), rg(res), rg(rAX))
	w := size == 3
	c.op2(pick(w, x86.AADDQ, x86.AADDL), rg(rAX), rg(rAX))
	if w {
		c.op2(x86.AMOVQ, imm(minNormalShifted(size)), rg(rDX))
		c.op2(x86.ACMPQ, rg(rAX), rg(rDX))
	} else {
		c.op2(x86.ACMPL, rg(rAX), imm(minNormalShifted(size)))
	}
	c.slowPath(x86.AJEQ, func() {
		const rX4 = x86.REG_X4
		c.op1(x86.ASTMXCSR, mxcsrAddr())
		c.op2(x86.AMOVL, mxcsrAddr(), rg(rAX))
		c.op2(x86.AMOVL, rg(rAX), rg(rCX))
		c.op2(x86.AORL, imm(0x6000), rg(rCX)) // RC = toward zero
		c.op2(x86.AMOVL, rg(rCX), mxcsrAddr())
		c.op1src(x86.ALDMXCSR, mxcsrAddr())
		compute(rX4)
		c.op2(fpAs(size, x86.AMOVL, x86.AMOVQ), rg(rX4), rg(rCX))
		c.op2(pick(w, x86.AADDQ, x86.AADDL), rg(rCX), rg(rCX))
		if w {
			c.op2(x86.AMOVQ, imm(minNormalShifted(size)), rg(rDX))
			c.op2(x86.ACMPQ, rg(rCX), rg(rDX))
		} else {
			c.op2(x86.ACMPL, rg(rCX), imm(minNormalShifted(size)))
		}
		same := c.fwd(x86.AJEQ)
		c.op2(x86.AORL, imm(0x10), rg(rAX)) // UE
		c.bind(same)
		// Restore the mode and the flags of the real operation.
		c.op2(x86.AMOVL, rg(rAX), mxcsrAddr())
		c.op1src(x86.ALDMXCSR, mxcsrAddr())
	})
}

// orFPSR ORs constant flags into cpu.FPSR.
func (c *compiler) orFPSR(bits int64) {
	c.op2(x86.AORQ, imm(bits), cpuOff(ir.OffFPSR))
}

// minMax implements FMAX/FMIN/FMAXNM/FMINNM on the low lane.
func (c *compiler) minMax(v ir.Value, in *ir.Inst) {
	size := in.Aux
	isMax := in.Op == ir.OpFMax || in.Op == ir.OpFMaxNM
	nm := in.Op == ir.OpFMaxNM || in.Op == ir.OpFMinNM
	c.vdef()
	c.loadLane0(in.Args[0], size, rX0)
	c.loadLane0(in.Args[1], size, rX1)
	c.op2(x86.AMOVOU, rg(rX0), rg(rX3))
	// UCOMIS raises Invalid only for signalling NaNs, as Arm does.
	c.op2(fpAs(size, x86.AUCOMISS, x86.AUCOMISD), rg(rX1), rg(rX0))
	unordered := c.fwd(x86.AJPS)
	equal := c.fwd(x86.AJEQ)
	c.op2(pick(isMax, fpAs(size, x86.AMAXSS, x86.AMAXSD), fpAs(size, x86.AMINSS, x86.AMINSD)), rg(rX1), rg(rX3))
	done := c.fwd(obj.AJMP)
	// Equal operands differ at most in the sign of a zero: max(-0, +0) =
	// +0 is the AND of the bits, min(-0, +0) = -0 the OR.
	c.bind(equal)
	c.op2(pick(isMax, x86.APAND, x86.APOR), rg(rX1), rg(rX3))
	back := c.label()
	c.outOfLin = append(c.outOfLin, func() {
		unordered.To.SetTarget(c.label())
		if nm {
			// A quiet NaN against a number gives the number.
			mov := fpAs(size, x86.AMOVL, x86.AMOVQ)
			for i, x := range []int16{rX0, rX1} {
				other := []int16{rX1, rX0}[i]
				c.op2(mov, rg(x), rg(rAX))
				isQNaN(c.a, size)
				next := c.fwd(x86.AJNE)
				c.op2(fpAs(size, x86.AUCOMISS, x86.AUCOMISD), rg(other), rg(other))
				nextP := c.fwd(x86.AJPS)
				c.op2(x86.AMOVOU, rg(other), rg(rX3))
				c.jump(obj.AJMP, back)
				c.bind(next, nextP)
			}
		}
		c.op2(x86.AMOVOU, rg(rX1), rg(rX2))
		c.op2(x86.AMOVQ, imm(int64(nanSel[size])), rg(rCX))
		c.op1(obj.ACALL, rg(rCX))
		c.op2(fpAs(size, x86.AMOVL, x86.AMOVQ), rg(rAX), rg(rX3))
		c.jump(obj.AJMP, back)
	})
	c.bind(done)
	c.fpStore(size, rX3, v)
}

// absNeg clears or flips the sign bit of every computed lane (no flags,
// NaNs included).
func (c *compiler) absNeg(v ir.Value, in *ir.Inst) {
	size := in.Aux
	lanes := ir.FPLanes(in.Aux2)
	c.vdef()
	c.loadX(in.Args[0], rX0)
	var sign uint64 = 1 << 63
	switch {
	case size == 2 && lanes == ir.FPScalar:
		sign = 0x80000000
	case size == 2:
		sign = 0x8000000080000000
	}
	c.op2(x86.AMOVQ, imm(int64(sign)), rg(rAX))
	c.op2(x86.AMOVQ, rg(rAX), rg(rX1)) // sign bits of the low 64 bits
	switch lanes {
	case ir.FPScalar:
		// Only lane 0; the rest of the result is zero.
		if size == 2 {
			c.op2(x86.AMOVL, rg(rX0), rg(rAX))
			c.op2(x86.AMOVL, rg(rAX), rg(rX0))
		} else {
			c.op2(x86.AMOVQ, rg(rX0), rg(rX0))
		}
	case ir.FPVec64:
		c.op2(x86.AMOVQ, rg(rX0), rg(rX0)) // upper half zero
	case ir.FPVec128:
		c.op2(x86.APUNPCKLQDQ, rg(rX1), rg(rX1))
	}
	if in.Op == ir.OpFAbs {
		c.op2(x86.APANDN, rg(rX0), rg(rX1)) // X1 = ^sign & X0
		c.storeX(rX1, v)
		return
	}
	c.op2(x86.APXOR, rg(rX1), rg(rX0))
	c.storeX(rX0, v)
}

// intToFP converts the integer in lane 0 to FP, rounding per MXCSR (=
// FPCR). x86 converts signed integers only: unsigned 32-bit values are
// zero-extended to 64 bits first, and unsigned 64-bit ones with the top
// bit set are halved keeping a sticky bit (so the one rounding is still
// correct in every mode), converted and doubled (exactly).
func (c *compiler) intToFP(v ir.Value, in *ir.Inst) {
	size := in.Aux
	_, isz, unsigned, _, lanes := ir.ParseCvtAux(in.Aux2)
	if lanes != ir.FPScalar {
		isz = int(size) // vector forms convert lanes of the FP size
	}
	c.vdef()
	src := c.vecAddr(in.Args[0], c.laneOffset(int64(isz)))
	switch {
	case isz == 3:
		c.op2(x86.AMOVQ, src, rg(rAX))
	case unsigned:
		c.op2(x86.AMOVL, src, rg(rAX))
	default:
		c.op2(x86.AMOVLQSX, src, rg(rAX))
	}
	cvt := fpAs(size, x86.ACVTSQ2SS, x86.ACVTSQ2SD)
	c.op2(x86.APXOR, rg(rX3), rg(rX3))
	if isz == 3 && unsigned {
		c.op2(x86.ATESTQ, rg(rAX), rg(rAX))
		big := c.fwd(x86.AJMI)
		c.op2(cvt, rg(rAX), rg(rX3))
		done := c.fwd(obj.AJMP)
		c.bind(big)
		c.op2(x86.AMOVQ, rg(rAX), rg(rCX))
		c.op2(x86.ASHRQ, imm(1), rg(rCX))
		c.op2(x86.AANDL, imm(1), rg(rAX))
		c.op2(x86.AORQ, rg(rAX), rg(rCX))
		c.op2(cvt, rg(rCX), rg(rX3))
		c.op2(fpAs(size, x86.AADDSS, x86.AADDSD), rg(rX3), rg(rX3))
		c.bind(done)
	} else {
		c.op2(cvt, rg(rAX), rg(rX3))
	}
	c.fpStore(size, rX3, v)
}

// fpToInt converts lane 0 to an integer with Arm's saturation: the value is
// rounded as a double (exact for single inputs), range-checked against the
// integer type's bounds and converted only when in range, where CVTTSD2SI
// is exact. Inexact is raised when rounding changed the value, Invalid
// (out of line) for NaN and out-of-range inputs.
func (c *compiler) fpToInt(v ir.Value, in *ir.Inst) {
	size := in.Aux
	r, isz, unsigned, _, lanes := ir.ParseCvtAux(in.Aux2)
	if lanes != ir.FPScalar {
		isz = int(size) // vector forms give integers of the FP size
	}
	mode := roundImm[r] | 8
	bits := int64(8) << isz
	var lo, hi float64 // representable range: lo <= x < hi
	var loInt, hiInt uint64
	switch {
	case unsigned:
		lo, hi = 0, float64(uint64(1)<<(bits-1))*2
		loInt, hiInt = 0, 1<<bits-1
		if bits == 64 {
			hiInt = ^uint64(0)
		}
	default:
		lo, hi = -float64(uint64(1)<<(bits-1)), float64(uint64(1)<<(bits-1))
		loInt, hiInt = 1<<(bits-1), 1<<(bits-1)-1
		if bits == 32 {
			loInt = 0x80000000
		}
	}
	c.vdef()
	c.loadLane0(in.Args[0], size, rX0)
	if size == 2 {
		c.op2(x86.ACVTSS2SD, rg(rX0), rg(rX0)) // exact
	}
	if r == ir.RoundTieAway {
		c.op2(x86.AMOVOU, rg(rX0), rg(rX1))
		c.roundTieAway(3, rX0, rX1)
	} else {
		c.op3(x86.AROUNDSD, imm(mode), rg(rX0), rg(rX1))
	}
	c.op2(x86.AMOVQ, imm(int64(math.Float64bits(lo))), rg(rAX))
	c.op2(x86.AMOVQ, rg(rAX), rg(rX2))
	c.op2(x86.AUCOMISD, rg(rX2), rg(rX1)) // x1 vs lo
	nan := c.fwd(x86.AJPS)
	low := c.fwd(x86.AJCS)
	c.op2(x86.AMOVQ, imm(int64(math.Float64bits(hi))), rg(rAX))
	c.op2(x86.AMOVQ, rg(rAX), rg(rX2))
	c.op2(x86.AUCOMISD, rg(rX2), rg(rX1))
	high := c.fwd(x86.AJCC)
	if unsigned && bits == 64 {
		// Values from 2^63 up: convert x - 2^63 and set the top bit.
		c.op2(x86.AMOVQ, imm(int64(math.Float64bits(1<<63))), rg(rAX))
		c.op2(x86.AMOVQ, rg(rAX), rg(rX2))
		c.op2(x86.AUCOMISD, rg(rX2), rg(rX1))
		small := c.fwd(x86.AJCS)
		c.op2(x86.AMOVOU, rg(rX1), rg(rX3))
		c.op2(x86.ASUBSD, rg(rX2), rg(rX3)) // exact
		c.op2(x86.ACVTTSD2SQ, rg(rX3), rg(rAX))
		c.op2(x86.ABTSQ, imm(63), rg(rAX))
		join := c.fwd(obj.AJMP)
		c.bind(small)
		c.op2(x86.ACVTTSD2SQ, rg(rX1), rg(rAX))
		c.bind(join)
	} else {
		c.op2(x86.ACVTTSD2SQ, rg(rX1), rg(rAX))
	}
	if bits == 32 {
		c.op2(x86.AMOVL, rg(rAX), rg(rAX))
	}
	c.op2(x86.AUCOMISD, rg(rX1), rg(rX0)) // inexact iff rounding changed it
	c.slowPath(x86.AJNE, func() { c.orFPSR(ir.FPSRIXC) })
	out := c.label()
	c.outOfLin = append(c.outOfLin, func() {
		for _, s := range []struct {
			j   *obj.Prog
			val uint64
		}{{nan, 0}, {low, loInt}, {high, hiInt}} {
			s.j.To.SetTarget(c.label())
			c.op2(x86.AMOVQ, imm(int64(s.val)), rg(rAX))
			c.orFPSR(ir.FPSRIOC)
			c.jump(obj.AJMP, out)
		}
	})
	c.op2(x86.AMOVQ, rg(rAX), rg(rX3))
	c.fpStore(int64(isz), rX3, v)
}

// syncFPSR ORs the exception flags accumulated in MXCSR into cpu.FPSR and
// clears them, so FPSR can be read or written directly.
func (c *compiler) syncFPSR() {
	c.op1(x86.ASTMXCSR, mxcsrAddr())
	c.op2(x86.AMOVL, mxcsrAddr(), rg(rAX))
	c.op2(x86.AANDL, imm(^0x3f), mxcsrAddr())
	c.op1src(x86.ALDMXCSR, mxcsrAddr())
	emitMergeFlags(c.a)
	c.flagOwner = -1
}

// setRoundingFromFPCR makes MXCSR.RC follow the FPCR value now in memory.
func (c *compiler) setRoundingFromFPCR() {
	c.op2(x86.AMOVL, cpuOff(ir.OffFPCR), rg(rAX))
	emitRoundingBits(c.a)
	c.op1(x86.ASTMXCSR, mxcsrAddr())
	c.op2(x86.AANDL, imm(^0x6000), mxcsrAddr())
	c.op2(x86.AORL, rg(rCX), mxcsrAddr())
	c.op1src(x86.ALDMXCSR, mxcsrAddr())
	c.flagOwner = -1
}
