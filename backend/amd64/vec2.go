package amd64

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"ferry/ir"
)

// More V128 ops: unsigned compares, absolute values and differences,
// widening, per-byte population count, across-lane reductions, table
// lookups and saturating arithmetic.

const rX3 = x86.REG_X3

// vecSupported2 covers the ops of this file; handled is false for others.
func vecSupported2(in *ir.Inst, cp caps) (ok, handled bool) {
	size := in.Aux
	switch in.Op {
	case ir.OpVCnt, ir.OpVUxtl, ir.OpVSxtl:
		return true, true
	case ir.OpVAbs:
		return size < 3 && cp.ssse3 || size == 3 && cp.sse42, true
	case ir.OpVUAbd:
		return size == 0 || size < 3 && cp.sse41, true
	case ir.OpVSAbd:
		return size == 1 || size < 3 && cp.sse41, true
	case ir.OpVAddV:
		return size < 3, true
	case ir.OpVUMaxV, ir.OpVUMinV:
		return size == 0 || size < 3 && cp.sse41, true
	case ir.OpVSMaxV, ir.OpVSMinV:
		return size == 1 || size < 3 && cp.sse41, true
	case ir.OpVUAddLV:
		return size == 0, true
	case ir.OpVTbx:
		return cp.ssse3, true
	case ir.OpVUQAdd, ir.OpVUQSub, ir.OpVSQAdd, ir.OpVSQSub:
		return size < 2, true
	}
	return false, false
}

// signMask sets x to the sign bit of every lane of size size.
func (c *compiler) signMask(x int16, size int64) {
	if size == 0 {
		c.byteMask(x, 0x80)
		return
	}
	c.ones(x)
	c.op2(psllAs[size], imm(8<<size-1), rg(x))
}

// vcmpUnsigned: flipping the sign bit of both operands turns an unsigned
// order into the signed one PCMPGT implements. a >= b is NOT (b > a).
func (c *compiler) vcmpUnsigned(v ir.Value, in *ir.Inst) {
	a, b, size := in.Args[0], in.Args[1], in.Aux
	c.vdef()
	c.signMask(rX2, size)
	if in.Op == ir.OpVCmpUGe {
		a, b = b, a
	}
	c.loadX(a, rX0)
	c.loadX(b, rX1)
	c.op2(x86.APXOR, rg(rX2), rg(rX0))
	c.op2(x86.APXOR, rg(rX2), rg(rX1))
	c.op2(pcmpgtAs(size), rg(rX1), rg(rX0))
	if in.Op == ir.OpVCmpUGe {
		c.ones(rX1)
		c.op2(x86.APXOR, rg(rX1), rg(rX0))
	}
	c.storeX(rX0, v)
}

func pcmpgtAs(size int64) obj.As {
	if size == 3 {
		return x86.APCMPGTQ
	}
	return pcmpgt[size]
}

// emitVec2 compiles the ops of this file; it reports false for others.
func (c *compiler) emitVec2(v ir.Value, in *ir.Inst) bool {
	a, b, size := in.Args[0], in.Args[1], in.Aux
	switch in.Op {
	case ir.OpVCnt:
		// SWAR popcount per byte: pairs, nibbles, then bytes. x86 has no
		// byte shifts, so 16-bit shifts are masked.
		c.vdef()
		c.loadX(a, rX0)
		c.op2(x86.AMOVOU, rg(rX0), rg(rX1))
		c.op2(x86.APSRLW, imm(1), rg(rX1))
		c.byteMask(rX2, 0x55)
		c.op2(x86.APAND, rg(rX2), rg(rX1))
		c.op2(x86.APSUBB, rg(rX1), rg(rX0)) // 2-bit counts
		c.op2(x86.AMOVOU, rg(rX0), rg(rX1))
		c.op2(x86.APSRLW, imm(2), rg(rX1))
		c.byteMask(rX2, 0x33)
		c.op2(x86.APAND, rg(rX2), rg(rX0))
		c.op2(x86.APAND, rg(rX2), rg(rX1))
		c.op2(x86.APADDB, rg(rX1), rg(rX0)) // 4-bit counts
		c.op2(x86.AMOVOU, rg(rX0), rg(rX1))
		c.op2(x86.APSRLW, imm(4), rg(rX1))
		c.op2(x86.APADDB, rg(rX1), rg(rX0))
		c.byteMask(rX2, 0x0f)
		c.op2(x86.APAND, rg(rX2), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpVUxtl:
		// Interleaving with zero widens each lane. (A byte map would do
		// too, but its partial stores make the next 16-byte load miss
		// store forwarding, which costs more than the whole operation.)
		c.vdef()
		c.loadX(a, rX0)
		if in.Aux2 == 1 {
			c.op2(x86.APSRLO, imm(8), rg(rX0))
		}
		c.op2(x86.APXOR, rg(rX1), rg(rX1))
		c.op2([3]obj.As{x86.APUNPCKLBW, x86.APUNPCKLWL, x86.APUNPCKLLQ}[size], rg(rX1), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpVZextLow:
		c.vdef()
		c.loadX(a, rX0)
		switch size {
		case 8:
			c.op2(x86.AMOVQ, rg(rX0), rg(rX0)) // clears bits 64..127
		default:
			c.op2(x86.AMOVQ, rg(rX0), rg(rAX))
			c.op2(loadAs(size, false), rg(rAX), rg(rAX))
			c.op2(x86.AMOVQ, rg(rAX), rg(rX0))
		}
		c.storeX(rX0, v)
	case ir.OpVCombine:
		c.vdef()
		c.loadX(a, rX0)
		c.loadX(b, rX1)
		c.op2(x86.APUNPCKLQDQ, rg(rX1), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpVDupLane:
		if size < 2 {
			return false // byte map
		}
		c.vdef()
		c.loadX(a, rX0)
		var order int64
		if size == 3 {
			order = 0x44 // dwords 0,1,0,1
			if in.Aux2 == 1 {
				order = 0xee // 2,3,2,3
			}
		} else {
			order = in.Aux2 * 0x55 // lane i in every dword
		}
		c.op3(x86.APSHUFD, imm(order), rg(rX0), rg(rX1))
		c.storeX(rX1, v)
	case ir.OpVSxtl:
		// Interleave the half with itself, then shift arithmetically so
		// each wide lane holds the sign-extended narrow one.
		c.vdef()
		c.loadX(a, rX0)
		if in.Aux2 == 1 {
			c.op2(x86.APSRLO, imm(8), rg(rX0))
		}
		switch size {
		case 0:
			c.op2(x86.APUNPCKLBW, rg(rX0), rg(rX0))
			c.op2(x86.APSRAW, imm(8), rg(rX0))
		case 1:
			c.op2(x86.APUNPCKLWL, rg(rX0), rg(rX0))
			c.op2(x86.APSRAL, imm(16), rg(rX0))
		default: // 32 → 64: the high word is the sign, from a compare with zero
			c.op2(x86.APXOR, rg(rX1), rg(rX1))
			c.op2(x86.APCMPGTL, rg(rX0), rg(rX1))
			c.op2(x86.APUNPCKLLQ, rg(rX1), rg(rX0))
		}
		c.storeX(rX0, v)
	case ir.OpVAbs:
		c.vdef()
		c.loadX(a, rX0)
		if size == 3 { // x ^ s - s with s = (0 > x)
			c.op2(x86.APXOR, rg(rX1), rg(rX1))
			c.op2(x86.APCMPGTQ, rg(rX0), rg(rX1))
			c.op2(x86.APXOR, rg(rX1), rg(rX0))
			c.op2(x86.APSUBQ, rg(rX1), rg(rX0))
		} else {
			c.op2([3]obj.As{x86.APABSB, x86.APABSW, x86.APABSD}[size], rg(rX0), rg(rX0))
		}
		c.storeX(rX0, v)
	case ir.OpVUAbd, ir.OpVSAbd:
		// max(a, b) - min(a, b) in the op's signedness.
		mx, mn := pmaxu[size], pminu[size]
		if in.Op == ir.OpVSAbd {
			mx, mn = pmaxs[size], pmins[size]
		}
		c.vdef()
		c.loadX(a, rX0)
		c.loadX(b, rX1)
		c.op2(x86.AMOVOU, rg(rX0), rg(rX2))
		c.op2(mx, rg(rX1), rg(rX0))
		c.op2(mn, rg(rX1), rg(rX2))
		c.op2(psubAs[size], rg(rX2), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpVAddV, ir.OpVUMaxV, ir.OpVUMinV, ir.OpVSMaxV, ir.OpVSMinV:
		c.reduce(v, in)
	case ir.OpVUAddLV:
		// PSADBW against zero sums the unsigned bytes of each half.
		c.vdef()
		c.loadX(a, rX0)
		c.op2(x86.APXOR, rg(rX1), rg(rX1))
		c.op2(x86.APSADBW, rg(rX1), rg(rX0))
		if in.Aux2 == 1 {
			c.op2(x86.AMOVOU, rg(rX0), rg(rX1))
			c.op2(x86.APSRLO, imm(8), rg(rX1))
			c.op2(x86.APADDQ, rg(rX1), rg(rX0))
		}
		c.lowLane(rX0, 1)
		c.storeX(rX0, v)
	case ir.OpVTbx:
		// PSHUFB picks table[idx & 15] (0 if bit 7 is set); lanes whose
		// index is 16 or more keep the byte of Args[0] instead. idx <= 15
		// unsigned iff min(idx, 15) == idx.
		c.vdef()
		c.loadX(in.Args[2], rX2)
		c.byteMask(rX3, 15)
		c.op2(x86.APMINUB, rg(rX2), rg(rX3))
		c.op2(x86.APCMPEQB, rg(rX2), rg(rX3)) // in-range lanes
		c.loadX(b, rX1)
		c.op2(x86.APSHUFB, rg(rX2), rg(rX1))
		c.op2(x86.APAND, rg(rX3), rg(rX1))
		c.loadX(a, rX0)
		c.op2(x86.APANDN, rg(rX0), rg(rX3))
		c.op2(x86.APOR, rg(rX3), rg(rX1))
		c.storeX(rX1, v)
	case ir.OpVUQAdd, ir.OpVUQSub, ir.OpVSQAdd, ir.OpVSQSub:
		c.saturating(v, in)
	default:
		return false
	}
	return true
}

// lowLane keeps lane 0 (size) of XMM register x and zeroes the rest.
func (c *compiler) lowLane(x int16, size int64) {
	c.op2(x86.AMOVQ, rg(x), rg(rAX))
	c.op2(loadAs(1<<size, false), rg(rAX), rg(rAX))
	c.op2(x86.AMOVQ, rg(rAX), rg(x))
}

// reduce folds the upper half of the live lanes onto the lower half until
// one lane is left, with the op's lane-wise instruction.
func (c *compiler) reduce(v ir.Value, in *ir.Inst) {
	size := in.Aux
	var as obj.As
	switch in.Op {
	case ir.OpVAddV:
		as = paddAs[size]
	case ir.OpVUMaxV:
		as = pmaxu[size]
	case ir.OpVUMinV:
		as = pminu[size]
	case ir.OpVSMaxV:
		as = pmaxs[size]
	case ir.OpVSMinV:
		as = pmins[size]
	}
	c.vdef()
	c.loadX(in.Args[0], rX0)
	bytes := int64(8)
	if in.Aux2 == 1 {
		bytes = 16
	}
	for w := bytes / 2; w >= 1<<size; w /= 2 {
		c.op2(x86.AMOVOU, rg(rX0), rg(rX1))
		c.op2(x86.APSRLO, imm(w), rg(rX1))
		c.op2(as, rg(rX1), rg(rX0))
	}
	c.lowLane(rX0, size)
	c.storeX(rX0, v)
}

// saturating emits UQADD/UQSUB/SQADD/SQSUB on 8- and 16-bit lanes, which
// x86 has as single instructions. Saturation happened iff the result
// differs from the wrapping one; then FPSR.QC is set.
func (c *compiler) saturating(v ir.Value, in *ir.Inst) {
	size := in.Aux
	var sat, wrap obj.As
	switch in.Op {
	case ir.OpVUQAdd:
		sat = [2]obj.As{x86.APADDUSB, x86.APADDUSW}[size]
	case ir.OpVUQSub:
		sat = [2]obj.As{x86.APSUBUSB, x86.APSUBUSW}[size]
	case ir.OpVSQAdd:
		sat = [2]obj.As{x86.APADDSB, x86.APADDSW}[size]
	case ir.OpVSQSub:
		sat = [2]obj.As{x86.APSUBSB, x86.APSUBSW}[size]
	}
	if in.Op == ir.OpVUQAdd || in.Op == ir.OpVSQAdd {
		wrap = paddAs[size]
	} else {
		wrap = psubAs[size]
	}
	c.vdef()
	c.loadX(in.Args[0], rX0)
	c.loadX(in.Args[1], rX1)
	c.op2(x86.AMOVOU, rg(rX0), rg(rX2))
	c.op2(sat, rg(rX1), rg(rX0))
	c.op2(wrap, rg(rX1), rg(rX2))
	c.storeX(rX0, v)
	c.op2(x86.APCMPEQB, rg(rX0), rg(rX2))
	c.op2(x86.APMOVMSKB, rg(rX2), rg(rAX))
	c.op2(x86.ACMPL, rg(rAX), imm(0xffff))
	c.slowPath(x86.AJNE, func() { c.op2(x86.AORQ, imm(ir.FPSRQC), cpuOff(ir.OffFPSR)) })
}

// vselect is a V128 Select (FCSEL): copy y, then x over it if the
// condition holds.
func (c *compiler) vselect(v ir.Value, in *ir.Inst) {
	cond, x, y := in.Args[0], in.Args[1], in.Args[2]
	cc := c.condFlags(cond)
	c.vdef()
	switch cc {
	case ccAlways:
		c.loadX(x, rX0)
	case ccNever:
		c.loadX(y, rX0)
	default:
		c.loadX(y, rX0) // MOVDQU leaves the flags alone
		skip := c.fwd(jccAs[cc.invert()])
		c.loadX(x, rX0)
		c.bind(skip)
	}
	c.storeX(rX0, v)
}
