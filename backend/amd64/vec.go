package amd64

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"ferry/ir"
)

// V128 values.
//
// Every V128 value lives in a 16-byte pair of Scratch words; there is no
// XMM register allocation. Lane-wise ops load their operands into
// XMM0–XMM5, compute with one SSE instruction (or a few) and store the
// result; the compiler remembers which value each XMM register still holds
// (compiler.xmmHolds), so a result consumed by the next instruction is not
// reloaded from its slot. Permutes, lane moves and conversions copy bytes
// between slots with integer moves, following a byte map computed at
// compile time. Any V128 op or lane size not handled here (vec2.go, fp.go)
// makes the block run in the interpreter (vecSupported).

const (
	rX0 = x86.REG_X0
	rX1 = x86.REG_X1
	rX2 = x86.REG_X2
)

var (
	paddAs  = [4]obj.As{x86.APADDB, x86.APADDW, x86.APADDL, x86.APADDQ}
	psubAs  = [4]obj.As{x86.APSUBB, x86.APSUBW, x86.APSUBL, x86.APSUBQ}
	pcmpeq  = [4]obj.As{x86.APCMPEQB, x86.APCMPEQW, x86.APCMPEQL, x86.APCMPEQQ}
	pcmpgt  = [4]obj.As{x86.APCMPGTB, x86.APCMPGTW, x86.APCMPGTL, x86.APCMPGTQ}
	pmaxu   = [3]obj.As{x86.APMAXUB, x86.APMAXUW, x86.APMAXUD}
	pminu   = [3]obj.As{x86.APMINUB, x86.APMINUW, x86.APMINUD}
	pmaxs   = [3]obj.As{x86.APMAXSB, x86.APMAXSW, x86.APMAXSD}
	pmins   = [3]obj.As{x86.APMINSB, x86.APMINSW, x86.APMINSD}
	psllAs  = [4]obj.As{x86.APSLLW, x86.APSLLW, x86.APSLLL, x86.APSLLQ}
	psrlAs  = [4]obj.As{x86.APSRLW, x86.APSRLW, x86.APSRLL, x86.APSRLQ}
	psraAs  = [4]obj.As{0, x86.APSRAW, x86.APSRAL, 0}
	pmullAs = [4]obj.As{0, x86.APMULLW, x86.APMULLD, 0}
)

// vecSupported reports whether the JIT compiles the vector instruction in
// on a host with features cp.
func vecSupported(in *ir.Inst, cp caps) bool {
	size, sse41 := in.Aux, cp.sse41
	if ok, handled := vecSupported2(in, cp); handled {
		return ok
	}
	if ok, handled := fpSupported(in, cp); handled {
		return ok
	}
	switch in.Op {
	case ir.OpVFromI64, ir.OpVExtractLane, ir.OpVZextLow, ir.OpVCombine,
		ir.OpVAnd, ir.OpVOr, ir.OpVXor, ir.OpVAndNot, ir.OpVOrNot, ir.OpVNot, ir.OpVBsl,
		ir.OpVAdd, ir.OpVSub, ir.OpVNeg, ir.OpVShlI, ir.OpVLShrI,
		ir.OpVUzp1, ir.OpVUzp2, ir.OpVZip1, ir.OpVZip2, ir.OpVTrn1, ir.OpVTrn2,
		ir.OpVExt, ir.OpVXtn, ir.OpVRev, ir.OpVDupLane, ir.OpVInsLane:
		return true
	case ir.OpVCmpEq:
		return size < 3 || sse41
	case ir.OpVCmpSGt, ir.OpVCmpSGe, ir.OpVCmpUGt, ir.OpVCmpUGe:
		return size < 3 || cp.sse42 // PCMPGTQ needs SSE4.2
	case ir.OpVCmpTst:
		return size < 3 || sse41
	case ir.OpVUMax, ir.OpVUMin:
		return size == 0 || size < 3 && sse41
	case ir.OpVSMax, ir.OpVSMin:
		return size == 1 || size < 3 && sse41
	case ir.OpVAShrI:
		return size == 1 || size == 2
	case ir.OpVMul:
		return size != 2 || sse41
	}
	return false
}

func (c *compiler) vecAddr(v ir.Value, off int64) obj.Addr {
	if c.slot[v] < 0 {
		panic(compileError("vector value without a slot"))
	}
	return cpuOff(ir.OffScratch + uintptr(c.slot[v])*8 + uintptr(off))
}

// vdef allocates the slot pair of the V128 value being defined (which,
// while a vector op is compiled lane by lane, has its slot already).
func (c *compiler) vdef() ir.Value {
	if c.lane.on {
		return c.lane.dst
	}
	v := ir.Value(c.cur)
	c.slot[v] = c.allocSlot(2)
	return v
}

// loadX puts V128 value v into XMM register x: nothing to do if x holds
// it already, a register copy if another XMM register does, else a load
// from its slot.
func (c *compiler) loadX(v ir.Value, x int16) {
	n := x - x86.REG_X0
	if c.xmmHolds[n] == v {
		return
	}
	src := c.vecAddr(v, 0)
	for i, h := range c.xmmHolds {
		if h == v {
			src = rg(x86.REG_X0 + int16(i))
			break
		}
	}
	c.op2(x86.AMOVOU, src, rg(x))
	c.xmmHolds[n] = v
}

// storeX stores XMM register x as the value of v, which x then holds.
func (c *compiler) storeX(x int16, v ir.Value) {
	c.op2(x86.AMOVOU, rg(x), c.vecAddr(v, 0))
	c.xmmHolds[x-x86.REG_X0] = v
}

// ones sets XMM register x to all ones.
func (c *compiler) ones(x int16) { c.op2(x86.APCMPEQB, rg(x), rg(x)) }

// byteMask sets XMM register x to byte b in every lane.
func (c *compiler) byteMask(x int16, b uint8) {
	c.op2(x86.AMOVQ, imm(int64(uint64(b)*0x0101010101010101)), rg(rAX))
	c.op2(x86.AMOVQ, rg(rAX), rg(x))
	c.op2(x86.APUNPCKLQDQ, rg(x), rg(x))
}

// emitVec compiles the V128 instruction in (and V128-related moves).
func (c *compiler) emitVec(v ir.Value, in *ir.Inst) {
	a, b, cc := in.Args[0], in.Args[1], in.Args[2]
	size := in.Aux
	switch in.Op {
	case ir.OpConst:
		// Built in XMM and stored whole: two 8-byte stores followed by a
		// 16-byte load of the slot would miss store forwarding (a stall of
		// a dozen cycles or more), and V128 slots are read 16 bytes wide.
		c.vdef()
		c.op2(x86.AMOVOU, c.a.constV128(uint64(in.Aux), uint64(in.Aux2)), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpGetV:
		c.vdef()
		c.op2(x86.AMOVOU, cpuOff(ir.OffV+uintptr(in.Aux)*16), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpSetV:
		c.loadX(a, rX0)
		c.op2(x86.AMOVOU, rg(rX0), cpuOff(ir.OffV+uintptr(in.Aux)*16))
	case ir.OpLoadV:
		addr := c.memOperand(a, rCX, rDX)
		c.vdef()
		if size == 16 {
			c.op2(x86.AMOVOU, addr, rg(rX0))
			c.storeX(rX0, v)
			return
		}
		switch size {
		case 8, 4: // MOVQ/MOVD zero the rest of the register
			c.op2(pick(size == 8, x86.AMOVQ, x86.AMOVL), addr, rg(rX0))
		default:
			c.op2(loadAs(size, false), addr, rg(rAX))
			c.op2(x86.AMOVQ, rg(rAX), rg(rX0))
		}
		c.storeX(rX0, v)
	case ir.OpStoreV:
		addr := c.memOperand(a, rCX, rDX)
		if size == 16 {
			c.loadX(b, rX0)
			c.op2(x86.AMOVOU, rg(rX0), addr)
			return
		}
		c.op2(x86.AMOVQ, c.vecAddr(b, 0), rg(rAX))
		c.op2(storeAs(size), rg(rAX), addr)
	case ir.OpVFromI64:
		A := c.src(a)
		c.vdef()
		if A.Type == obj.TYPE_CONST {
			c.op2(x86.AMOVQ, A, rg(rAX))
			A = rg(rAX)
		}
		c.op2(x86.AMOVQ, A, rg(rX0)) // zeroes the upper half
		c.storeX(rX0, v)
	case ir.OpVExtractLane:
		r := c.def(ir.NoValue)
		esize := int64(1) << size
		c.op2(loadAs(esize, false), c.vecAddr(a, in.Aux2*esize), rg(r))

	case ir.OpVAnd, ir.OpVOr, ir.OpVXor:
		as := obj.As(x86.APAND)
		switch in.Op {
		case ir.OpVOr:
			as = x86.APOR
		case ir.OpVXor:
			as = x86.APXOR
		}
		c.vbin(v, as, a, b)
	case ir.OpVAndNot: // a &^ b = PANDN with b as destination
		c.vdef()
		c.loadX(b, rX0)
		c.loadX(a, rX1)
		c.op2(x86.APANDN, rg(rX1), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpVOrNot:
		c.vdef()
		c.loadX(b, rX0)
		c.ones(rX1)
		c.op2(x86.APXOR, rg(rX1), rg(rX0))
		c.loadX(a, rX1)
		c.op2(x86.APOR, rg(rX1), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpVNot:
		c.vdef()
		c.loadX(a, rX0)
		c.ones(rX1)
		c.op2(x86.APXOR, rg(rX1), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpVBsl: // ((b ^ c) & mask) ^ c
		c.vdef()
		c.loadX(b, rX0)
		c.loadX(cc, rX1)
		c.op2(x86.APXOR, rg(rX1), rg(rX0))
		c.loadX(a, rX2)
		c.op2(x86.APAND, rg(rX2), rg(rX0))
		c.op2(x86.APXOR, rg(rX1), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpVAdd:
		c.vbin(v, paddAs[size], a, b)
	case ir.OpVSub:
		c.vbin(v, psubAs[size], a, b)
	case ir.OpVNeg:
		c.vdef()
		c.op2(x86.APXOR, rg(rX0), rg(rX0))
		c.loadX(a, rX1)
		c.op2(psubAs[size], rg(rX1), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpVMul:
		switch size {
		case 0:
			c.vmulBytes(v, a, b)
		case 3:
			c.vmulQuads(v, a, b)
		default:
			c.vbin(v, pmullAs[size], a, b)
		}
	case ir.OpVUMax:
		c.vbin(v, pmaxu[size], a, b)
	case ir.OpVUMin:
		c.vbin(v, pminu[size], a, b)
	case ir.OpVSMax:
		c.vbin(v, pmaxs[size], a, b)
	case ir.OpVSMin:
		c.vbin(v, pmins[size], a, b)
	case ir.OpVCmpEq:
		c.vbin(v, pcmpeq[size], a, b)
	case ir.OpVCmpSGt:
		c.vbin(v, pcmpgt[size], a, b)
	case ir.OpVCmpSGe: // a >= b is NOT (b > a)
		c.vdef()
		c.loadX(b, rX0)
		c.loadX(a, rX1)
		c.op2(pcmpgt[size], rg(rX1), rg(rX0))
		c.ones(rX1)
		c.op2(x86.APXOR, rg(rX1), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpVCmpTst: // (a & b) != 0 is NOT ((a & b) == 0)
		c.vdef()
		c.loadX(a, rX0)
		c.loadX(b, rX1)
		c.op2(x86.APAND, rg(rX1), rg(rX0))
		c.op2(x86.APXOR, rg(rX1), rg(rX1))
		c.op2(pcmpeq[size], rg(rX1), rg(rX0))
		c.ones(rX1)
		c.op2(x86.APXOR, rg(rX1), rg(rX0))
		c.storeX(rX0, v)
	case ir.OpVShlI, ir.OpVLShrI, ir.OpVAShrI:
		c.vshift(v, in)
	case ir.OpSelect:
		c.vselect(v, in)
	case ir.OpVCmpUGt, ir.OpVCmpUGe:
		c.vcmpUnsigned(v, in)

	default:
		if c.emitVec2(v, in) || c.emitFP(v, in) {
			return
		}
		m, ok := byteMap(in)
		if !ok {
			panic(compileError("unsupported vector op " + in.Op.String()))
		}
		c.vdef()
		c.emitByteMap(v, a, b, m)
	}
}

// vbin emits v = a OP b for a two-operand SSE instruction.
func (c *compiler) vbin(v ir.Value, as obj.As, a, b ir.Value) {
	if as == 0 {
		panic(compileError("no SSE instruction for this lane size"))
	}
	c.vdef()
	c.loadX(a, rX0)
	c.loadX(b, rX1)
	c.op2(as, rg(rX1), rg(rX0))
	c.storeX(rX0, v)
}

// vmulBytes multiplies byte lanes, which x86 cannot do directly: 16-bit
// multiplies give the even bytes' products in their low bytes, and the odd
// bytes' products after shifting both operands down by 8.
func (c *compiler) vmulBytes(v, a, b ir.Value) {
	c.vdef()
	c.loadX(a, rX0)
	c.loadX(b, rX1)
	c.op2(x86.AMOVOU, rg(rX0), rg(rX2))
	c.op2(x86.APMULLW, rg(rX1), rg(rX2)) // even products in the low bytes
	c.op2(x86.APSRLW, imm(8), rg(rX0))
	c.op2(x86.APSRLW, imm(8), rg(rX1))
	c.op2(x86.APMULLW, rg(rX1), rg(rX0))
	c.op2(x86.APSLLW, imm(8), rg(rX0)) // odd products in the high bytes
	c.op2(x86.AMOVQ, imm(0x00ff00ff00ff00ff), rg(rAX))
	c.op2(x86.AMOVQ, rg(rAX), rg(rX1))
	c.op2(x86.APUNPCKLQDQ, rg(rX1), rg(rX1))
	c.op2(x86.APAND, rg(rX1), rg(rX2))
	c.op2(x86.APOR, rg(rX2), rg(rX0))
	c.storeX(rX0, v)
}

// vmulQuads multiplies 64-bit lanes from 32×32→64 products:
// lo(a)·lo(b) + (hi(a)·lo(b) + lo(a)·hi(b)) << 32.
func (c *compiler) vmulQuads(v, a, b ir.Value) {
	const rX3 = x86.REG_X3
	c.vdef()
	c.loadX(a, rX0)
	c.loadX(b, rX1)
	c.op2(x86.AMOVOU, rg(rX0), rg(rX2))
	c.op2(x86.APSRLQ, imm(32), rg(rX2))
	c.op2(x86.APMULULQ, rg(rX1), rg(rX2)) // hi(a)·lo(b)
	c.op2(x86.AMOVOU, rg(rX1), rg(rX3))
	c.op2(x86.APSRLQ, imm(32), rg(rX3))
	c.op2(x86.APMULULQ, rg(rX0), rg(rX3)) // lo(a)·hi(b)
	c.op2(x86.APADDQ, rg(rX3), rg(rX2))
	c.op2(x86.APSLLQ, imm(32), rg(rX2))
	c.op2(x86.APMULULQ, rg(rX1), rg(rX0)) // lo(a)·lo(b)
	c.op2(x86.APADDQ, rg(rX2), rg(rX0))
	c.storeX(rX0, v)
}

// vshift emits shifts by an immediate. x86 has no byte shifts: a 16-bit
// shift followed by a mask removes the bits that crossed into the
// neighbouring byte.
func (c *compiler) vshift(v ir.Value, in *ir.Inst) {
	size, sh := in.Aux, in.Aux2
	var as obj.As
	switch in.Op {
	case ir.OpVShlI:
		as = psllAs[size]
	case ir.OpVLShrI:
		as = psrlAs[size]
	default:
		as = psraAs[size]
	}
	if as == 0 {
		panic(compileError("no SSE shift for this lane size"))
	}
	c.vdef()
	c.loadX(in.Args[0], rX0)
	// Counts of the lane width or more clear the lanes (sign-fill for
	// arithmetic shifts), as in the reference; x86 does the same for any
	// count above the width, so clamp to keep the immediate in range.
	c.op2(as, imm(min(sh, 64)), rg(rX0))
	if size == 0 {
		var keep uint8
		if sh < 8 {
			if in.Op == ir.OpVShlI {
				keep = uint8(0xff << sh)
			} else {
				keep = uint8(0xff >> sh)
			}
		}
		c.byteMask(rX1, keep)
		c.op2(x86.APAND, rg(rX1), rg(rX0))
	}
	c.storeX(rX0, v)
}

// byteMap describes a byte permutation: result byte i is byte m[i] of the
// concatenation a (0..15) : b (16..31), or zero if m[i] < 0.
type byteMapT [16]int16

// byteMap computes the byte permutation of a permute, lane-move or narrowing
// op, mirroring the reference semantics in ir/interp.
func byteMap(in *ir.Inst) (byteMapT, bool) {
	var m byteMapT
	for i := range m {
		m[i] = -1
	}
	size := int(in.Aux)
	es := 1 << size // lane size in bytes
	lanes := 16 / es
	copyLane := func(dst, src int) { // lane indices; src >= lanes selects b
		for k := 0; k < es; k++ {
			m[dst*es+k] = int16(src*es + k)
		}
	}
	full := in.Aux2 == 1
	switch in.Op {
	case ir.OpVZextLow:
		n := min(int(in.Aux), 8)
		for i := 0; i < n; i++ {
			m[i] = int16(i)
		}
	case ir.OpVCombine:
		for i := 0; i < 8; i++ {
			m[i], m[8+i] = int16(i), int16(16+i)
		}
	case ir.OpVUzp1, ir.OpVUzp2, ir.OpVZip1, ir.OpVZip2, ir.OpVTrn1, ir.OpVTrn2:
		n := lanes
		if !full {
			n /= 2
		}
		half := n / 2
		for i := 0; i < n; i++ {
			var fromB bool
			var j int
			switch in.Op {
			case ir.OpVUzp1, ir.OpVUzp2:
				j = 2 * i
				if in.Op == ir.OpVUzp2 {
					j++
				}
				if j >= n {
					fromB, j = true, j-n
				}
			case ir.OpVZip1, ir.OpVZip2:
				base := 0
				if in.Op == ir.OpVZip2 {
					base = half
				}
				fromB, j = i&1 == 1, base+i/2
			case ir.OpVTrn1, ir.OpVTrn2:
				j = i &^ 1
				if in.Op == ir.OpVTrn2 {
					j++
				}
				fromB = i&1 == 1
			}
			if fromB {
				j += lanes
			}
			copyLane(i, j)
		}
	case ir.OpVExt:
		n := 16
		if !full {
			n = 8
		}
		for i := 0; i < n; i++ {
			j := int(in.Aux) + i
			if j < n {
				m[i] = int16(j)
			} else {
				m[i] = int16(16 + j - n)
			}
		}
	case ir.OpVXtn: // lanes of size+1 truncated to size, packed low
		for i := 0; i < lanes/2; i++ {
			for k := 0; k < es; k++ {
				m[i*es+k] = int16(i*2*es + k)
			}
		}
	case ir.OpVRev:
		flip := 1<<uint(in.Aux2-in.Aux) - 1
		for i := 0; i < lanes; i++ {
			copyLane(i, i^flip)
		}
	case ir.OpVDupLane:
		for i := 0; i < lanes; i++ {
			copyLane(i, int(in.Aux2))
		}
	case ir.OpVInsLane:
		for i := 0; i < 16; i++ {
			m[i] = int16(i)
		}
		copyLane(int(in.Aux2&0xff), lanes+int(in.Aux2>>8))
	default:
		return m, false
	}
	return m, true
}

// emitByteMap builds v from a and b according to m: with PSHUFB where the
// host has it and the map takes more than two moves, else by copying runs
// of consecutive source bytes with the widest integer moves that fit.
func (c *compiler) emitByteMap(v, a, b ir.Value, m byteMapT) {
	runs, nruns := byteMapRuns(m)
	if c.cpu.ssse3 && nruns > 2 {
		c.shuffleBytes(v, a, b, m)
		return
	}
	for _, r := range runs[:nruns] {
		i, n := r[0], r[1]
		mov := storeAs(int64(n))
		dst := c.vecAddr(v, int64(i))
		if m[i] < 0 {
			c.op2(mov, imm(0), dst)
		} else {
			src := a
			if m[i] >= 16 {
				src = b
			}
			c.op2(loadAs(int64(n), false), c.vecAddr(src, int64(m[i]%16)), rg(rAX))
			c.op2(mov, rg(rAX), dst)
		}
	}
}

// byteMapRuns splits m into runs of consecutive source bytes (or zeroes),
// each {start, length} with the widest aligned integer move that fits.
func byteMapRuns(m byteMapT) (runs [16][2]int, nruns int) {
	for i := 0; i < 16; {
		n := 1
		for _, w := range []int{8, 4, 2} {
			if i%w != 0 || i+w > 16 {
				continue
			}
			run := true
			for k := 1; k < w; k++ {
				if m[i] < 0 != (m[i+k] < 0) || m[i] >= 0 && (m[i+k] != m[i]+int16(k) || m[i]/16 != m[i+k]/16) {
					run = false
					break
				}
			}
			if run {
				n = w
				break
			}
		}
		runs[nruns] = [2]int{i, n}
		nruns++
		i += n
	}
	return runs, nruns
}

// shuffleBytes builds v from a and b according to m with one PSHUFB per
// source operand used (mask bytes 0x80 give zero) and a POR to merge. The
// result stays in an XMM register: the copying form stores it bytewise,
// and the 16-byte load that next reads it cannot be store-forwarded.
func (c *compiler) shuffleBytes(v, a, b ir.Value, m byteMapT) {
	if a == b {
		for i := range m {
			if m[i] >= 16 {
				m[i] -= 16
			}
		}
	}
	var masks [2][2]uint64 // per source, low and high mask qwords
	var used [2]bool
	for i, x := range m {
		for s := range masks {
			sel := uint64(0x80)
			if x >= 0 && int(x)/16 == s {
				sel = uint64(x % 16)
				used[s] = true
			}
			masks[s][i/8] |= sel << (8 * (i % 8))
		}
	}
	c.vdef()
	srcs := [2]ir.Value{a, b}
	dataRegs := [2]int16{rX0, rX1}
	res := int16(-1)
	for s := range masks {
		if !used[s] {
			continue
		}
		d := dataRegs[s]
		c.loadX(srcs[s], d)
		c.op2(x86.APSHUFB, c.a.constV128(masks[s][0], masks[s][1]), rg(d))
		if res < 0 {
			res = d
		} else {
			c.op2(x86.APOR, rg(d), rg(res))
		}
	}
	if res < 0 { // nothing used: all zero
		res = rX0
		c.op2(x86.APXOR, rg(res), rg(res))
	}
	c.storeX(res, v)
}
