package amd64

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"ferry/ir"
)

// Vector floating point with Arm semantics on packed SSE.
//
// Every lane of a vector FP op must come out exactly as the scalar op
// (fp.go) would compute it: the same NaN selection, tininess detected
// before rounding, saturating conversions, and FPSR flags that are the OR
// of the lanes' flags. For ordinary numbers, which is what nearly every
// lane of real data holds, x86's packed instructions already agree with
// Arm. So:
//
//   - Arithmetic (FADD, FSUB, FMUL, FDIV, FSQRT, FMLA/FMLS) runs packed.
//     One check per vector then looks for the lanes where x86 and Arm could
//     differ: a NaN result, or a result of magnitude MinNormal (the only
//     results where tininess before and after rounding disagree). If any
//     lane is such, the whole op is computed again out of line, lane by
//     lane, with the scalar code. The packed attempt left in MXCSR only
//     flags the scalar computation raises too (the same invalid, divide by
//     zero, overflow and inexact; x86's underflows are a subset of Arm's),
//     so FPSR is exact either way.
//   - Compares are exact packed: CMPPS's EQ_OQ is as quiet as FCMEQ, and
//     LT_OS/LE_OS signal on quiet NaNs as FCMGT/FCMGE do.
//   - FRINT (but FRINTA), SCVTF of 32-bit lanes, FCVTL and FCVTN (with the
//     same MinNormal check as arithmetic) are single packed instructions.
//   - What x86 has no cheap exact packed form for (FMAX/FMIN and the NM
//     forms with their NaN and signed-zero rules, FP → integer with Arm's
//     saturation, unsigned and 64-bit integer → FP, FRINTA) is compiled
//     lane by lane inline with the scalar code.
//
// A 64-bit vector (FPVec64) of doubles has a single lane and is compiled as
// the scalar op, which zeroes the upper half as FPVec64 requires.

// laneState says which lane of a vector FP op the scalar emitters compute.
type laneState struct {
	on  bool
	idx int64    // the lane
	dst ir.Value // the vector being defined
}

// laneOffset is the byte offset of the current lane of size size (0 when
// not compiling lane by lane).
func (c *compiler) laneOffset(size int64) int64 {
	if !c.lane.on {
		return 0
	}
	return c.lane.idx << size
}

// fpStore stores the result of an FP op of size held in XMM x: as the
// whole value v, or, lane by lane, its low lane as the current lane of v.
func (c *compiler) fpStore(size int64, x int16, v ir.Value) {
	if !c.lane.on {
		c.storeX(x, v)
		return
	}
	c.op2(fpAs(size, x86.AMOVL, x86.AMOVQ), rg(x), c.vecAddr(v, c.laneOffset(size)))
}

// fpLaneCount is the number of lanes of size an op with lanes computes.
func fpLaneCount(size int64, lanes ir.FPLanes) int64 {
	switch lanes {
	case ir.FPScalar:
		return 1
	case ir.FPVec64:
		return 8 >> size
	}
	return 16 >> size
}

// fpLanesOf returns the lanes an FP op computes and its lane size; ok is
// false for ops whose Aux2 is not an FPLanes (or that have no lanes).
func fpLanesOf(in *ir.Inst) (lanes ir.FPLanes, ok bool) {
	switch in.Op {
	case ir.OpFAdd, ir.OpFSub, ir.OpFMul, ir.OpFDiv, ir.OpFSqrt, ir.OpFMA,
		ir.OpFMax, ir.OpFMin, ir.OpFMaxNM, ir.OpFMinNM, ir.OpFAbs, ir.OpFNeg,
		ir.OpFCmEq, ir.OpFCmGe, ir.OpFCmGt, ir.OpFAcGe, ir.OpFAcGt:
		return ir.FPLanes(in.Aux2), true
	case ir.OpFCvtToInt, ir.OpIntToFP:
		_, _, _, _, l := ir.ParseCvtAux(in.Aux2)
		return l, true
	case ir.OpFRound:
		_, l := ir.ParseFRoundAux(in.Aux2)
		return l, true
	}
	return 0, false
}

// eachLane compiles the vector FP op defining v by running body, scalar
// code, once for each lane; the upper half of a 64-bit vector is zeroed.
func (c *compiler) eachLane(v ir.Value, size int64, lanes ir.FPLanes, body func()) {
	n := fpLaneCount(size, lanes)
	for i := int64(0); i < n; i++ {
		c.lane = laneState{on: true, idx: i, dst: v}
		body()
	}
	c.lane = laneState{}
	if lanes == ir.FPVec64 {
		c.op2(x86.AMOVQ, imm(0), c.vecAddr(v, 8))
	}
}

// pinSlots records where the values vals live now, for out-of-line code:
// a value's slot is released when it dies, before out-of-line code is
// emitted, yet at run time the slow path runs before the slot is reused.
// The returned function puts the recorded slots back and returns the
// function that undoes that.
func (c *compiler) pinSlots(vals ...ir.Value) func() (restore func()) {
	saved := make([]int32, len(vals))
	for i, x := range vals {
		saved[i] = c.slot[x]
	}
	return func() func() {
		old := make([]int32, len(vals))
		for i, x := range vals {
			old[i] = c.slot[x]
			c.slot[x] = saved[i]
		}
		return func() {
			for i := len(vals) - 1; i >= 0; i-- { // a value may appear twice
				c.slot[vals[i]] = old[i]
			}
		}
	}
}

// vecFPSupported reports whether the vector form (lanes other than
// FPScalar) of the FP op in is compiled.
func vecFPSupported(in *ir.Inst, cp caps) bool {
	size := in.Aux
	if size != 2 && size != 3 {
		return false
	}
	switch in.Op {
	case ir.OpFAdd, ir.OpFSub, ir.OpFMul, ir.OpFDiv, ir.OpFSqrt:
		return cp.sse41 // PCMPEQQ in the check of double lanes
	case ir.OpFMA:
		return cp.sse41 && cp.fma
	case ir.OpFMax, ir.OpFMin, ir.OpFMaxNM, ir.OpFMinNM, ir.OpFAbs, ir.OpFNeg,
		ir.OpFCmEq, ir.OpFCmGe, ir.OpFCmGt, ir.OpFAcGe, ir.OpFAcGt:
		return true
	case ir.OpFCvtToInt:
		r, _, _, fbits, _ := ir.ParseCvtAux(in.Aux2)
		return cp.sse41 && fbits == 0 && r != ir.RoundFPCRExact
	case ir.OpIntToFP:
		_, _, _, fbits, _ := ir.ParseCvtAux(in.Aux2)
		return fbits == 0
	case ir.OpFRound:
		return cp.sse41
	}
	return false
}

// emitVecFP compiles the vector form of an FP op (see vecFPSupported).
func (c *compiler) emitVecFP(v ir.Value, in *ir.Inst, lanes ir.FPLanes) {
	size := in.Aux
	switch in.Op {
	case ir.OpFAdd, ir.OpFSub, ir.OpFMul, ir.OpFDiv, ir.OpFSqrt, ir.OpFMA:
		c.packedArith(v, in, lanes)
	case ir.OpFCmEq, ir.OpFCmGe, ir.OpFCmGt, ir.OpFAcGe, ir.OpFAcGt:
		c.fpCompareMask(v, in)
	case ir.OpFAbs, ir.OpFNeg:
		c.absNeg(v, in)
	case ir.OpIntToFP:
		if _, _, unsigned, _, _ := ir.ParseCvtAux(in.Aux2); size == 2 && !unsigned {
			// CVTDQ2PS rounds per MXCSR (= FPCR) and raises Inexact as
			// Arm does.
			c.vdef()
			c.loadPacked(in.Args[0], lanes, rX0)
			c.op2(x86.ACVTPL2PS, rg(rX0), rg(rX3))
			c.storeX(rX3, v)
			return
		}
		c.vdef()
		c.eachLane(v, size, lanes, func() { c.intToFP(v, in) })
	case ir.OpFRound:
		if r, _ := ir.ParseFRoundAux(in.Aux2); r != ir.RoundTieAway {
			mode := roundImm[r]
			if r != ir.RoundFPCRExact {
				mode |= 8 // FRINT other than FRINTX raises no Inexact
			}
			c.vdef()
			c.loadPacked(in.Args[0], lanes, rX0)
			c.op3(fpAs(size, x86.AROUNDPS, x86.AROUNDPD), imm(mode), rg(rX0), rg(rX3))
			c.storeX(rX3, v)
			return
		}
		c.vdef()
		c.eachLane(v, size, lanes, func() { c.emitFP(v, in) })
	default: // FMAX/FMIN/FMAXNM/FMINNM, FP → integer
		c.vdef()
		c.eachLane(v, size, lanes, func() { c.emitFP(v, in) })
	}
}

// loadPacked loads the lanes of a that an op with lanes reads into x:
// all 128 bits, or the low 64 with the upper half zero (zero lanes raise
// no exceptions in any op but division).
func (c *compiler) loadPacked(a ir.Value, lanes ir.FPLanes, x int16) {
	if lanes == ir.FPVec64 {
		c.op2(x86.AMOVQ, c.vecAddr(a, 0), rg(x))
		return
	}
	c.loadX(a, x)
}

// splat is the pool operand of k (of the FP size) in every lane.
func (c *compiler) splat(size int64, k uint64) obj.Addr {
	if size == 2 {
		k = k&0xffffffff | k<<32
	}
	return c.a.constV128(k, k)
}

// anyMinNormal ORs into XMM acc an all-ones lane for every lane of res
// whose magnitude is MinNormal of the FP size. Clobbers X5.
func (c *compiler) anyMinNormal(size int64, res, acc int16) {
	const rX5 = x86.REG_X5
	c.op2(x86.AMOVOU, rg(res), rg(rX5))
	c.op2(fpAs(size, x86.APSLLL, x86.APSLLQ), imm(1), rg(rX5)) // drop the sign
	c.op2(fpAs(size, x86.APCMPEQL, x86.APCMPEQQ), c.splat(size, uint64(minNormalShifted(size))), rg(rX5))
	c.op2(x86.APOR, rg(rX5), rg(acc))
}

// packedArith: FADD, FSUB, FMUL, FDIV, FSQRT and FMA on every lane at once,
// redone lane by lane out of line when a lane needs Arm's NaN or tininess
// rules (see the top of this file).
func (c *compiler) packedArith(v ir.Value, in *ir.Inst, lanes ir.FPLanes) {
	const rX4 = x86.REG_X4
	size := in.Aux
	nargs := 2
	switch in.Op {
	case ir.OpFSqrt:
		nargs = 1
	case ir.OpFMA:
		nargs = 3
	}
	args := append([]ir.Value(nil), in.Args[:nargs]...)
	c.vdef()
	c.loadPacked(args[0], lanes, rX0)
	switch in.Op {
	case ir.OpFSqrt:
		c.op2(fpAs(size, x86.ASQRTPS, x86.ASQRTPD), rg(rX0), rg(rX3))
	case ir.OpFMA:
		// Args[0] + Args[1]*Args[2]: VFMADD231 adds the product of its
		// sources to its destination.
		c.loadPacked(args[1], lanes, rX1)
		c.loadPacked(args[2], lanes, rX2)
		c.op2(x86.AMOVOU, rg(rX0), rg(rX3))
		c.op3(fpAs(size, x86.AVFMADD231PS, x86.AVFMADD231PD), rg(rX2), rg(rX1), rg(rX3))
	default:
		as := map[ir.Op][2]obj.As{
			ir.OpFAdd: {x86.AADDPS, x86.AADDPD}, ir.OpFSub: {x86.ASUBPS, x86.ASUBPD},
			ir.OpFMul: {x86.AMULPS, x86.AMULPD}, ir.OpFDiv: {x86.ADIVPS, x86.ADIVPD},
		}[in.Op][size-2]
		c.loadPacked(args[1], lanes, rX1)
		if in.Op == ir.OpFDiv && lanes == ir.FPVec64 {
			// The zero upper lanes would divide 0 by 0 and raise Invalid:
			// divide by 1.0 there instead.
			c.op2(x86.APOR, c.a.constV128(0, 0x3f8000003f800000), rg(rX1))
		}
		c.op2(x86.AMOVOU, rg(rX0), rg(rX3))
		c.op2(as, rg(rX1), rg(rX3))
	}
	if lanes == ir.FPVec64 {
		c.op2(x86.AMOVQ, rg(rX3), rg(rX3)) // 0 - 0 is -0 rounding down
	}
	// The check: NaN lanes, and (√ is never tiny) MinNormal ones.
	c.op2(x86.AMOVOU, rg(rX3), rg(rX4))
	c.op3(fpAs(size, x86.ACMPPS, x86.ACMPPD), rg(rX4), rg(rX4), imm(3)) // unordered
	if in.Op != ir.OpFSqrt {
		c.anyMinNormal(size, rX3, rX4)
	}
	c.op2(x86.APMOVMSKB, rg(rX4), rg(rAX))
	c.op2(x86.ATESTL, rg(rAX), rg(rAX))
	pin := c.pinSlots(append(args, v)...)
	c.slowPath(x86.AJNE, func() {
		restore := pin()
		c.eachLane(v, size, lanes, func() { c.emitFP(v, in) })
		c.op2(x86.AMOVOU, c.vecAddr(v, 0), rg(rX3))
		restore()
	})
	c.storeX(rX3, v)
}

// fpCompareMask: FCMEQ, FCMGE, FCMGT, FACGE, FACGT, every form. The x86
// predicates match Arm's exception behaviour exactly (EQ_OQ raises
// Invalid for signalling NaNs only; LT_OS and LE_OS for any NaN), so no
// lane needs fixing.
func (c *compiler) fpCompareMask(v ir.Value, in *ir.Inst) {
	size := in.Aux
	lanes := ir.FPLanes(in.Aux2)
	c.vdef()
	if lanes == ir.FPScalar {
		c.loadLane0(in.Args[0], size, rX0)
		c.loadLane0(in.Args[1], size, rX1)
	} else {
		c.loadPacked(in.Args[0], lanes, rX0)
		c.loadPacked(in.Args[1], lanes, rX1)
	}
	if in.Op == ir.OpFAcGe || in.Op == ir.OpFAcGt {
		abs := c.splat(size, 1<<(8<<size-1)-1)
		c.op2(x86.APAND, abs, rg(rX0))
		c.op2(x86.APAND, abs, rg(rX1))
	}
	cmp := fpAs(size, x86.ACMPPS, x86.ACMPPD)
	if lanes == ir.FPScalar {
		// The scalar compare keeps the destination's zero upper lanes.
		cmp = fpAs(size, x86.ACMPSS, x86.ACMPSD)
	}
	var res int16 = rX1
	switch in.Op {
	case ir.OpFCmEq:
		c.op3(cmp, rg(rX1), rg(rX0), imm(0)) // X0 = X0 == X1
		res = rX0
	case ir.OpFCmGe, ir.OpFAcGe:
		c.op3(cmp, rg(rX0), rg(rX1), imm(2)) // X1 = X1 <= X0
	default:
		c.op3(cmp, rg(rX0), rg(rX1), imm(1)) // X1 = X1 < X0
	}
	if lanes == ir.FPVec64 {
		c.op2(x86.AMOVQ, rg(res), rg(res)) // 0 == 0 in the upper lanes
	}
	c.storeX(res, v)
}

// fcvtl widens the single lanes of the low or high half to doubles
// (FCVTL/FCVTL2): exact, NaNs quieted keeping their payload's top bits as
// Arm's FPConvertNaN does.
func (c *compiler) fcvtl(v ir.Value, in *ir.Inst) {
	c.vdef()
	c.loadX(in.Args[0], rX0)
	src := int16(rX0)
	if in.Aux2&1 != 0 {
		c.op3(x86.APSHUFD, imm(0xee), rg(rX0), rg(rX1))
		src = rX1
	}
	c.op2(x86.ACVTPS2PD, rg(src), rg(rX3))
	c.storeX(rX3, v)
}

// fcvtn narrows the two double lanes to singles in the low 64 bits
// (FCVTN), redone lane by lane out of line when a result is ±MinNormal
// (tininess, as in packedArith).
func (c *compiler) fcvtn(v ir.Value, in *ir.Inst) {
	const rX4 = x86.REG_X4
	a := in.Args[0]
	c.vdef()
	c.loadX(a, rX0)
	c.op2(x86.ACVTPD2PS, rg(rX0), rg(rX3)) // upper half zero
	c.op2(x86.APXOR, rg(rX4), rg(rX4))
	c.anyMinNormal(2, rX3, rX4)
	c.op2(x86.APMOVMSKB, rg(rX4), rg(rAX))
	c.op2(x86.ATESTL, rg(rAX), rg(rAX))
	pin := c.pinSlots(a, v)
	c.slowPath(x86.AJNE, func() {
		restore := pin()
		for i := int64(0); i < 2; i++ {
			c.op2(x86.AMOVQ, c.vecAddr(a, 8*i), rg(rX0))
			compute := func(dst int16) {
				c.op2(x86.APXOR, rg(dst), rg(dst))
				c.op2(x86.ACVTSD2SS, rg(rX0), rg(dst))
			}
			compute(rX3)
			c.fixTiny(2, rX3, compute)
			c.op2(x86.AMOVL, rg(rX3), c.vecAddr(v, 4*i))
		}
		c.op2(x86.AMOVQ, imm(0), c.vecAddr(v, 8))
		c.op2(x86.AMOVOU, c.vecAddr(v, 0), rg(rX3))
		restore()
	})
	c.storeX(rX3, v)
}
