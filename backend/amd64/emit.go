package amd64

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"ferry/ir"
	"ferry/ir/interp"
)

const (
	rAX = x86.REG_AX
	rCX = x86.REG_CX
	rDX = x86.REG_DX
)

// emitBlock emits the whole block: budget check, body, terminator, then the
// out-of-line exit stubs.
func (c *compiler) emitBlock() {
	// Chained jumps between blocks do not store cpu.PC (a store per block
	// transition saved); exits that resume at this block store its PC.
	c.op2(x86.ASUBQ, imm(1), cpuOff(ir.OffBudget))
	c.jumpOut(x86.AJLT, func() {
		c.storePC(c.blk.PC)
		c.exit(ir.ExitBudget)
	})
	if c.countRetired {
		c.op2(x86.AADDQ, imm(int64(c.blk.NInsns)), cpuOff(ir.OffRetired))
	}
	if c.fpGuard {
		c.op2(x86.ATESTL, imm(fpcrGuardBits), cpuOff(ir.OffFPCR))
		c.jumpOut(x86.AJNE, func() {
			c.storePC(c.blk.PC)
			c.exit(exitFPMode)
		})
	}
	for i := range c.blk.Insts {
		c.cur = i
		in := &c.blk.Insts[i]
		if in.Op == ir.OpInsnStart {
			c.marks = append(c.marks, insnMark{label: c.a.label(), pc: uint64(in.Aux)})
			continue
		}
		if !c.needed[i] {
			continue
		}
		if in.Type == ir.V128 || in.Op == ir.OpSetV || in.Op == ir.OpStoreV || in.Op >= ir.OpVecBase {
			c.emitVec(ir.Value(i), in)
		} else {
			c.emitInst(ir.Value(i), in)
		}
		if len(c.uses[i]) == 0 {
			// A value computed only for its side effects.
			if c.reg[i] != 0 {
				c.regOwner[regIndex(c.reg[i])] = -1
			}
			c.freeSlot(ir.Value(i))
		}
		c.releaseRegs(i)
		c.releaseSlots(i)
	}
	c.cur = len(c.blk.Insts)
	c.emitTerm()
	// Out-of-line code may add more (a slow path with slow paths of its
	// own), so the list is walked by index.
	for i := 0; i < len(c.outOfLin); i++ {
		c.outOfLin[i]()
	}
}

// jumpOut emits a conditional jump to out-of-line code that body emits
// after the block (exits are cold, so they stay off the fall-through path).
func (c *compiler) jumpOut(as obj.As, body func()) {
	p := c.a.prog(as)
	p.To.Type = obj.TYPE_BRANCH
	c.outOfLin = append(c.outOfLin, func() {
		p.To.SetTarget(c.label())
		body()
	})
}

// slowPath emits a conditional jump to out-of-line code that body emits
// after the block and that then continues after the jump. The flags are
// unknown on return.
func (c *compiler) slowPath(as obj.As, body func()) {
	p := c.fwd(as)
	back := c.label()
	c.outOfLin = append(c.outOfLin, func() {
		p.To.SetTarget(c.label())
		body()
		c.jump(obj.AJMP, back)
	})
}

// exit returns to the dispatcher with reason.
func (c *compiler) exit(reason ir.ExitReason) {
	c.op2(x86.AMOVQ, imm(int64(reason)), cpuOff(ir.OffExit))
	c.op0(obj.ARET)
}

// storePC writes a constant guest PC to cpu.PC without touching flags.
func (c *compiler) storePC(pc uint64) {
	c.storeConst64(pc, cpuOff(ir.OffPC))
}

// storeConst64 stores a 64-bit constant to memory; constants outside the
// sign-extended imm32 range go through RAX. Flags are preserved.
func (c *compiler) storeConst64(x uint64, dst obj.Addr) {
	if immEligible(x) {
		c.op2(x86.AMOVQ, imm(int64(x)), dst)
		return
	}
	c.op2(x86.AMOVQ, imm(int64(x)), rg(rAX))
	c.op2(x86.AMOVQ, rg(rAX), dst)
}

func (c *compiler) sysOff(r ir.SysReg) uintptr {
	switch r {
	case ir.SysTPIDR:
		return ir.OffTPIDR
	case ir.SysFPCR:
		return ir.OffFPCR
	case ir.SysFPSR:
		return ir.OffFPSR
	}
	panic(compileError("bad system register"))
}

// store writes value v (reg, imm or slot) to memory operand dst with
// width-specific MOV as.
func (c *compiler) storeValue(as obj.As, v ir.Value, dst obj.Addr, scratch int16) {
	a := c.src(v)
	if a.Type == obj.TYPE_MEM {
		c.op2(x86.AMOVQ, a, rg(scratch))
		a = rg(scratch)
	} else if a.Type == obj.TYPE_CONST && as != x86.AMOVQ {
		// Narrow stores take the low bits of the immediate.
		a = imm(int64(truncImm(as, uint64(a.Offset))))
	}
	c.op2(as, a, dst)
}

func truncImm(as obj.As, x uint64) uint64 {
	switch as {
	case x86.AMOVB:
		return uint64(int8(x))
	case x86.AMOVW:
		return uint64(int16(x))
	case x86.AMOVL:
		return uint64(int32(x))
	}
	return x
}

// emitInst compiles one IR instruction defining value v.
func (c *compiler) emitInst(v ir.Value, in *ir.Inst) {
	a0, a1, a2 := in.Args[0], in.Args[1], in.Args[2]
	w64 := c.width64(v)
	switch in.Op {
	case ir.OpConst:
		x := constValue(in)
		if immEligible(x) {
			c.isImm[v], c.immVal[v] = true, int64(x)
			c.clean[v] = x&^0xf0000000 == 0
			return
		}
		r := c.def(ir.NoValue)
		c.op2(x86.AMOVQ, imm(int64(x)), rg(r))
		c.clean[v] = x&^0xf0000000 == 0
	case ir.OpGetReg:
		r := c.def(ir.NoValue)
		c.op2(x86.AMOVQ, cpuOff(ir.OffX+uintptr(in.Aux)*8), rg(r))
	case ir.OpSetReg:
		c.storeValue(x86.AMOVQ, a0, cpuOff(ir.OffX+uintptr(in.Aux)*8), rCX)
	case ir.OpGetNZCV:
		r := c.def(ir.NoValue)
		c.op2(x86.AMOVL, cpuOff(ir.OffNZCV), rg(r))
	case ir.OpSetNZCV:
		if c.clean[a0] {
			c.storeValue(x86.AMOVQ, a0, cpuOff(ir.OffNZCV), rCX)
			return
		}
		c.op2(x86.AMOVL, c.src(a0), rg(rCX))
		c.op2(x86.AANDL, imm(int64(int32(-0x10000000))), rg(rCX))
		c.op2(x86.AMOVQ, rg(rCX), cpuOff(ir.OffNZCV))
	case ir.OpGetSys:
		r := c.def(ir.NoValue)
		if ir.SysReg(in.Aux) == ir.SysFPSR {
			c.syncFPSR() // flags raised so far are still in MXCSR
		}
		c.op2(x86.AMOVQ, cpuOff(c.sysOff(ir.SysReg(in.Aux))), rg(r))
	case ir.OpSetSys:
		if ir.SysReg(in.Aux) == ir.SysFPSR {
			c.syncFPSR() // flags raised before the write must not survive it
		}
		c.storeValue(x86.AMOVQ, a0, cpuOff(c.sysOff(ir.SysReg(in.Aux))), rCX)
		if ir.SysReg(in.Aux) == ir.SysFPCR {
			c.setRoundingFromFPCR()
		}

	case ir.OpAdd:
		c.alu(v, pick(w64, x86.AADDQ, x86.AADDL), true)
	case ir.OpSub:
		c.alu(v, pick(w64, x86.ASUBQ, x86.ASUBL), false)
	case ir.OpAnd:
		c.alu(v, pick(w64, x86.AANDQ, x86.AANDL), true)
	case ir.OpOr:
		c.alu(v, pick(w64, x86.AORQ, x86.AORL), true)
	case ir.OpXor:
		c.alu(v, pick(w64, x86.AXORQ, x86.AXORL), true)
	case ir.OpMul:
		c.mul(v, w64)
	case ir.OpUMulHi, ir.OpSMulHi:
		r := c.def(ir.NoValue)
		c.movTo(c.src(a0), rAX)
		b := c.rm(a1, rCX)
		c.op1src(pick(in.Op == ir.OpUMulHi, x86.AMULQ, x86.AIMULQ), b)
		c.op2(x86.AMOVQ, rg(rDX), rg(r))
	case ir.OpUDiv, ir.OpSDiv:
		c.div(v, in.Op == ir.OpSDiv, w64)
	case ir.OpShl:
		c.shift(v, pick(w64, x86.ASHLQ, x86.ASHLL), w64)
	case ir.OpLShr:
		c.shift(v, pick(w64, x86.ASHRQ, x86.ASHRL), w64)
	case ir.OpAShr:
		c.shift(v, pick(w64, x86.ASARQ, x86.ASARL), w64)
	case ir.OpRotR:
		c.shift(v, pick(w64, x86.ARORQ, x86.ARORL), w64)
	case ir.OpNot:
		c.unary(v, pick(w64, x86.ANOTQ, x86.ANOTL))
	case ir.OpNeg:
		c.unary(v, pick(w64, x86.ANEGQ, x86.ANEGL))
	case ir.OpBswap:
		c.unary(v, pick(w64, x86.ABSWAPQ, x86.ABSWAPL))
	case ir.OpClz:
		r := c.def(a0)
		c.clz(c.rm(a0, rAX), r, w64)
	case ir.OpCls:
		r := c.def(a0)
		c.movTo(c.src(a0), rAX)
		c.op2(x86.AMOVQ, rg(rAX), rg(rCX))
		c.op2(pick(w64, x86.ASHRQ, x86.ASHRL), imm(1), rg(rCX))
		c.op2(pick(w64, x86.AXORQ, x86.AXORL), rg(rCX), rg(rAX))
		if w64 {
			c.op2(x86.ABTRQ, imm(63), rg(rAX))
		} else {
			c.op2(x86.AANDL, imm(0x7fffffff), rg(rAX))
		}
		c.clz(rg(rAX), r, w64)
		c.op2(pick(w64, x86.ASUBQ, x86.ASUBL), imm(1), rg(r))
	case ir.OpRbit:
		c.rbit(v, w64)
	case ir.OpZExt32, ir.OpTrunc:
		// I32 values are kept zero-extended, so a zero-extension, or a
		// truncation of a value whose upper half is clear, is a copy.
		if in.Op == ir.OpZExt32 || c.upperZero(a0) {
			r := c.def(a0)
			c.movTo(c.src(a0), r)
			return
		}
		c.extend(v, x86.AMOVL)
	case ir.OpSExt32:
		c.extend(v, x86.AMOVLQSX)
	case ir.OpZExtBits:
		switch in.Aux {
		case 8:
			c.extend(v, x86.AMOVBQZX)
		case 16:
			c.extend(v, x86.AMOVWQZX)
		case 32:
			c.extend(v, x86.AMOVL)
		default:
			panic(compileError("bad zextbits width"))
		}
	case ir.OpSExtBits:
		switch in.Aux {
		case 8:
			c.extend(v, pick(w64, x86.AMOVBQSX, x86.AMOVBLSX))
		case 16:
			c.extend(v, pick(w64, x86.AMOVWQSX, x86.AMOVWLSX))
		case 32:
			c.extend(v, x86.AMOVLQSX)
		default:
			panic(compileError("bad sextbits width"))
		}

	case ir.OpSelect:
		c.selectOp(v, w64)
	case ir.OpCmp, ir.OpCondHolds:
		r := c.def(ir.NoValue)
		c.setcc(c.condFlags(v), r)
	case ir.OpFlagsAdd, ir.OpFlagsSub, ir.OpFlagsAdc, ir.OpFlagsSbc, ir.OpFlagsLogic:
		r := c.def(ir.NoValue)
		c.produceFlags(v)
		c.materializeNZCV(v, r)
		c.clean[v] = true
	case ir.OpAdc, ir.OpSbc:
		c.adcSbc(v, in.Op == ir.OpSbc, w64)

	case ir.OpLoad:
		r := c.def(c.foldAddr(a0).base)
		c.op2(loadAs(in.Aux, in.Aux2 != 0), c.memOperand(a0, rAX, rDX), rg(r))
	case ir.OpStore:
		c.storeValue(storeAs(in.Aux), a1, c.memOperand(a0, rAX, rDX), rCX)
	case ir.OpLoadExcl:
		c.loadExcl(v, in)
	case ir.OpStoreExcl:
		c.storeExcl(v, in)
	case ir.OpLoadExclPair:
		r := c.def(a0)
		base := c.inReg(a0, rCX)
		c.op2(x86.AMOVQ, rg(base), cpuOff(ir.OffExclAddr))
		c.op2(x86.AMOVQ, imm(16), cpuOff(ir.OffExclSize))
		c.op2(x86.AMOVQ, mem(base, 8), rg(rAX))
		c.op2(x86.AMOVQ, rg(rAX), cpuOff(ir.OffExclVal+8))
		c.op2(x86.AMOVQ, mem(base, 0), rg(r))
		c.op2(x86.AMOVQ, rg(r), cpuOff(ir.OffExclVal))
	case ir.OpExclSecond:
		r := c.def(ir.NoValue)
		c.op2(x86.AMOVQ, cpuOff(ir.OffExclVal+8), rg(r))
	case ir.OpStoreExclPair:
		c.storeExclPair(v, a0, a1, a2)
	case ir.OpClearExcl:
		c.op2(x86.AMOVQ, imm(0), cpuOff(ir.OffExclSize))
	case ir.OpAtomic:
		c.atomic(v, in)
	case ir.OpFence:
		if ir.FenceKind(in.Aux) == ir.FenceFull {
			// x86 keeps loads and stores in order except store→load,
			// which only MFENCE (or a locked instruction) orders.
			c.op0(x86.AMFENCE)
		}
	default:
		panic(compileError("unsupported op " + in.Op.String()))
	}
}

func loadAs(size int64, signed bool) obj.As {
	switch size {
	case 1:
		return pick(signed, x86.AMOVBQSX, x86.AMOVBQZX)
	case 2:
		return pick(signed, x86.AMOVWQSX, x86.AMOVWQZX)
	case 4:
		return pick(signed, x86.AMOVLQSX, x86.AMOVL)
	case 8:
		return x86.AMOVQ
	}
	panic(compileError("bad load size"))
}

func storeAs(size int64) obj.As {
	switch size {
	case 1:
		return x86.AMOVB
	case 2:
		return x86.AMOVW
	case 4:
		return x86.AMOVL
	case 8:
		return x86.AMOVQ
	}
	panic(compileError("bad store size"))
}

// alu emits dst = a OP b for a two-address x86 instruction.
func (c *compiler) alu(v ir.Value, as obj.As, commutative bool) {
	in := c.inst(v)
	a, b := in.Args[0], in.Args[1]
	r := c.def(a)
	A, B := c.src(a), c.src(b)
	if (as == x86.AADDQ || as == x86.AADDL) && A.Type == obj.TYPE_REG && A.Reg != r {
		// Three-address add without a copy (LEA leaves the flags alone).
		lea := pick(as == x86.AADDQ, x86.ALEAQ, x86.ALEAL)
		switch {
		case B.Type == obj.TYPE_CONST:
			c.op2(lea, mem(A.Reg, B.Offset), rg(r))
			return
		case B.Type == obj.TYPE_REG:
			c.op2(lea, memIdx(A.Reg, B.Reg, 1, 0), rg(r))
			return
		}
	}
	if isReg(B, r) && !isReg(A, r) {
		if commutative {
			A, B = B, A
		} else {
			c.op2(x86.AMOVQ, B, rg(rCX))
			B = rg(rCX)
		}
	}
	c.movTo(A, r)
	c.op2(as, B, rg(r))
}

func (c *compiler) mul(v ir.Value, w64 bool) {
	in := c.inst(v)
	a, b := in.Args[0], in.Args[1]
	if c.isImm[a] && !c.isImm[b] {
		a, b = b, a
	}
	r := c.def(a)
	A, B := c.src(a), c.src(b)
	if B.Type == obj.TYPE_CONST {
		A = c.rm(a, rAX)
		c.op3(pick(w64, x86.AIMUL3Q, x86.AIMUL3L), B, A, rg(r))
		return
	}
	if isReg(B, r) && !isReg(A, r) {
		A, B = B, A
	}
	c.movTo(A, r)
	c.op2(pick(w64, x86.AIMULQ, x86.AIMULL), B, rg(r))
}

func (c *compiler) unary(v ir.Value, as obj.As) {
	a := c.inst(v).Args[0]
	r := c.def(a)
	c.movTo(c.src(a), r)
	c.op1(as, rg(r))
}

// extend emits a MOV-family conversion from a (register or memory; an
// immediate is first loaded into RAX).
func (c *compiler) extend(v ir.Value, as obj.As) {
	a := c.inst(v).Args[0]
	r := c.def(a)
	c.op2(as, c.rm(a, rAX), rg(r))
}

// shift emits a shift or rotate; x86 masks the count to 5 or 6 bits,
// exactly the AArch64 "count modulo width" rule.
func (c *compiler) shift(v ir.Value, as obj.As, w64 bool) {
	in := c.inst(v)
	a, b := in.Args[0], in.Args[1]
	r := c.def(a)
	if c.isImm[b] {
		mask := int64(31)
		if w64 {
			mask = 63
		}
		c.movTo(c.src(a), r)
		if n := c.immVal[b] & mask; n != 0 {
			c.op2(as, imm(n), rg(r))
		}
		return
	}
	c.op2(x86.AMOVQ, c.src(b), rg(rCX))
	c.movTo(c.src(a), r)
	c.op2(as, rg(rCX), rg(r))
}

// clz counts leading zeros of A into r.
func (c *compiler) clz(A obj.Addr, r int16, w64 bool) {
	if c.cpu.lzcnt {
		c.op2(pick(w64, x86.ALZCNTQ, x86.ALZCNTL), A, rg(r))
		return
	}
	// BSR leaves its destination undefined for a zero input, so select -1
	// then: (width-1) - (-1) = width.
	c.op2(x86.AMOVQ, imm(-1), rg(rCX))
	c.op2(pick(w64, x86.ABSRQ, x86.ABSRL), A, rg(rDX))
	c.op2(x86.ACMOVQEQ, rg(rCX), rg(rDX))
	width := int64(31)
	if w64 {
		width = 63
	}
	c.op2(x86.AMOVQ, imm(width), rg(r))
	c.op2(pick(w64, x86.ASUBQ, x86.ASUBL), rg(rDX), rg(r))
}

// rbit reverses bits: byte swap, then swap nibbles, bit pairs and bits.
func (c *compiler) rbit(v ir.Value, w64 bool) {
	a := c.inst(v).Args[0]
	r := c.def(a)
	c.movTo(c.src(a), r)
	c.op1(pick(w64, x86.ABSWAPQ, x86.ABSWAPL), rg(r))
	for _, st := range []struct {
		shift int64
		mask  uint64
	}{{4, 0x0f0f0f0f0f0f0f0f}, {2, 0x3333333333333333}, {1, 0x5555555555555555}} {
		var m obj.Addr
		if w64 {
			c.op2(x86.AMOVQ, imm(int64(st.mask)), rg(rDX))
			m = rg(rDX)
		} else {
			m = imm(int64(uint32(st.mask)))
		}
		and, shr, shl, or := pick(w64, x86.AANDQ, x86.AANDL), pick(w64, x86.ASHRQ, x86.ASHRL),
			pick(w64, x86.ASHLQ, x86.ASHLL), pick(w64, x86.AORQ, x86.AORL)
		c.op2(x86.AMOVQ, rg(r), rg(rAX))
		c.op2(shr, imm(st.shift), rg(rAX))
		c.op2(and, m, rg(rAX))
		c.op2(and, m, rg(r))
		c.op2(shl, imm(st.shift), rg(r))
		c.op2(or, rg(rAX), rg(r))
	}
}

// fwd emits a forward jump whose target is bound later with bind.
func (c *compiler) fwd(as obj.As) *obj.Prog {
	p := c.a.prog(as)
	p.To.Type = obj.TYPE_BRANCH
	return p
}

// bind emits a label and points the given forward jumps at it.
func (c *compiler) bind(jumps ...*obj.Prog) {
	l := c.label()
	for _, j := range jumps {
		j.To.SetTarget(l)
	}
}

// div implements AArch64 UDIV/SDIV: x/0 = 0 and MinInt/-1 = MinInt, where
// x86 DIV/IDIV would trap. Both cases branch around the division.
func (c *compiler) div(v ir.Value, signed, w64 bool) {
	in := c.inst(v)
	a, b := in.Args[0], in.Args[1]
	r := c.def(ir.NoValue)
	c.op2(x86.AMOVQ, c.src(b), rg(rCX))
	c.op2(pick(w64, x86.ATESTQ, x86.ATESTL), rg(rCX), rg(rCX))
	toZero := c.fwd(x86.AJEQ)
	var toNeg *obj.Prog
	if signed {
		c.op2(pick(w64, x86.ACMPQ, x86.ACMPL), rg(rCX), imm(-1))
		toNeg = c.fwd(x86.AJEQ)
	}
	c.movTo(c.src(a), rAX)
	if signed {
		c.op0(pick(w64, x86.ACQO, x86.ACDQ))
		c.op1src(pick(w64, x86.AIDIVQ, x86.AIDIVL), rg(rCX))
	} else {
		c.op2(x86.AMOVL, imm(0), rg(rDX))
		c.op1src(pick(w64, x86.ADIVQ, x86.ADIVL), rg(rCX))
	}
	c.op2(x86.AMOVQ, rg(rAX), rg(r))
	done := []*obj.Prog{c.fwd(obj.AJMP)}
	if signed {
		c.bind(toNeg)
		c.movTo(c.src(a), rAX)
		c.op1(pick(w64, x86.ANEGQ, x86.ANEGL), rg(rAX))
		c.op2(x86.AMOVQ, rg(rAX), rg(r))
		done = append(done, c.fwd(obj.AJMP))
	}
	c.bind(toZero)
	c.op2(x86.AMOVL, imm(0), rg(r))
	c.bind(done...)
}

// selectOp emits r = cond ? x : y with CMOV on the host flags of cond.
func (c *compiler) selectOp(v ir.Value, w64 bool) {
	in := c.inst(v)
	cond, x, y := in.Args[0], in.Args[1], in.Args[2]
	r := c.def(ir.NoValue)
	cc := c.condFlags(cond)
	X, Y := c.src(x), c.src(y)
	switch cc {
	case ccAlways:
		c.movTo(X, r)
		return
	case ccNever:
		c.movTo(Y, r)
		return
	}
	// Moves below preserve the flags just computed.
	if isReg(X, r) {
		// r already holds x: conditionally replace it by y.
		X, Y, cc = Y, X, cc.invert()
	}
	if X.Type == obj.TYPE_CONST {
		c.op2(x86.AMOVQ, X, rg(rDX))
		X = rg(rDX)
	}
	c.movTo(Y, r)
	c.op2(cmovqAs[cc], X, rg(r))
}

// setcc materializes a host condition as a 0/1 value in r.
func (c *compiler) setcc(cc hostCC, r int16) {
	switch cc {
	case ccAlways:
		c.op2(x86.AMOVL, imm(1), rg(r))
	case ccNever:
		c.op2(x86.AMOVL, imm(0), rg(r))
	default:
		c.op1(setccAs[cc], rg(r))
		c.op2(x86.AMOVBLZX, rg(r), rg(r))
	}
}

// condFlags sets the host flags so that the returned condition holds iff
// the boolean value v is 1. Cmp and CondHolds values are computed from
// their sources (reusing live host flags when possible); other booleans
// are tested against zero. It may use RAX and RCX, never RDX.
func (c *compiler) condFlags(v ir.Value) hostCC {
	in := c.inst(v)
	switch in.Op {
	case ir.OpCmp:
		if c.flagOwner != v {
			c.compare(in.Args[0], in.Args[1], c.width64(v))
			c.flagOwner, c.flagCC = v, predCC(ir.Pred(in.Aux))
		}
		return c.flagCC
	case ir.OpCondHolds:
		cond := int(in.Aux)
		if cond >= 14 {
			return ccAlways
		}
		p := in.Args[0]
		if k, ok := producerKind(c.inst(p).Op); ok {
			if cc, ok := armCondCC(k, cond); ok {
				if c.flagOwner != p {
					c.produceFlags(p)
				}
				return cc
			}
		}
		if c.flagOwner == v {
			return c.flagCC
		}
		cc := c.nzcvCond(p, cond)
		c.flagOwner, c.flagCC = v, cc
		return cc
	}
	A := c.src(v)
	if A.Type == obj.TYPE_CONST {
		if A.Offset != 0 {
			return ccAlways
		}
		return ccNever
	}
	if A.Type == obj.TYPE_MEM {
		c.op2(x86.ACMPQ, A, imm(0))
	} else {
		c.op2(x86.ATESTQ, A, A)
	}
	return ccNE
}

// compare emits CMP a, b (flags of a - b).
func (c *compiler) compare(a, b ir.Value, w64 bool) {
	A, B := c.src(a), c.src(b)
	if A.Type == obj.TYPE_CONST || A.Type == obj.TYPE_MEM && B.Type == obj.TYPE_MEM {
		c.op2(x86.AMOVQ, A, rg(rAX))
		A = rg(rAX)
	}
	c.op2(pick(w64, x86.ACMPQ, x86.ACMPL), A, B)
}

// nzcvCond evaluates Arm condition cond on an NZCV value held in a register
// or memory, returning the host condition equivalent to it.
func (c *compiler) nzcvCond(p ir.Value, cond int) hostCC {
	N := c.src(p)
	if N.Type == obj.TYPE_CONST {
		if interp.CondHolds(uint32(N.Offset), cond) {
			return ccAlways
		}
		return ccNever
	}
	var cc hostCC
	switch cond >> 1 {
	case 0, 1, 2, 3: // EQ, CS, MI, VS test one bit: Z=30, C=29, N=31, V=28
		bit := [...]int64{30, 29, 31, 28}[cond>>1]
		c.op2(x86.ABTL, imm(bit), N)
		cc = ccB
	case 4: // HI: C && !Z, i.e. bits 30..29 == 01
		c.op2(x86.AMOVL, N, rg(rAX))
		c.op2(x86.AANDL, imm(0x60000000), rg(rAX))
		c.op2(x86.ACMPL, rg(rAX), imm(0x20000000))
		cc = ccEQ
	case 5: // GE: N == V; bit 28 of (x>>3)^x is N^V
		c.op2(x86.AMOVL, N, rg(rAX))
		c.op2(x86.ASHRL, imm(3), rg(rAX))
		c.op2(x86.AXORL, N, rg(rAX))
		c.op2(x86.ABTL, imm(28), rg(rAX))
		cc = ccAE
	case 6: // GT: N == V && !Z; bit 30 of (x>>3)^x is Z (32-bit shift)
		c.op2(x86.AMOVL, N, rg(rAX))
		c.op2(x86.ASHRL, imm(3), rg(rAX))
		c.op2(x86.AXORL, N, rg(rAX))
		c.op2(x86.ATESTL, imm(0x50000000), rg(rAX))
		cc = ccEQ
	}
	if cond&1 == 1 {
		cc = cc.invert()
	}
	return cc
}

// produceFlags emits the host instruction whose flags correspond to the
// NZCV producer p (see flagKind).
func (c *compiler) produceFlags(p ir.Value) {
	in := c.inst(p)
	w64 := c.width64(p)
	a, b := in.Args[0], in.Args[1]
	switch in.Op {
	case ir.OpFlagsSub:
		c.compare(a, b, w64)
	case ir.OpFlagsAdd:
		c.movTo(c.src(a), rAX)
		c.op2(pick(w64, x86.AADDQ, x86.AADDL), c.src(b), rg(rAX))
	case ir.OpFlagsLogic:
		A := c.src(a)
		if A.Type != obj.TYPE_REG {
			c.op2(x86.AMOVQ, A, rg(rAX))
			A = rg(rAX)
		}
		c.op2(pick(w64, x86.ATESTQ, x86.ATESTL), A, A)
	case ir.OpFlagsAdc, ir.OpFlagsSbc:
		c.movTo(c.src(a), rAX)
		c.carryIn(in.Args[2], in.Op == ir.OpFlagsSbc)
		c.op2(pick(w64, pick(in.Op == ir.OpFlagsAdc, x86.AADCQ, x86.ASBBQ), pick(in.Op == ir.OpFlagsAdc, x86.AADCL, x86.ASBBL)), c.src(b), rg(rAX))
	}
	c.flagOwner = p
}

// carryIn sets x86 CF from the C bit (29) of NZCV value n; for a
// subtraction (SBB) CF must be the borrow, NOT C.
func (c *compiler) carryIn(n ir.Value, borrow bool) {
	N := c.src(n)
	if N.Type == obj.TYPE_CONST {
		if (N.Offset>>29&1 == 1) != borrow {
			c.op0(x86.ASTC)
		} else {
			c.op0(x86.ACLC)
		}
		return
	}
	c.op2(x86.ABTL, imm(29), N)
	if borrow {
		c.op0(x86.ACMC)
	}
}

// materializeNZCV turns the live host flags of producer p into the Arm
// NZCV word in r: N<<31 | Z<<30 | C<<29 | V<<28.
func (c *compiler) materializeNZCV(p ir.Value, r int16) {
	k, _ := producerKind(c.inst(p).Op)
	c.op1(x86.ASETMI, rg(r))
	c.op1(x86.ASETEQ, rg(rAX))
	c.op2(x86.AMOVBLZX, rg(r), rg(r))
	c.op2(x86.AMOVBLZX, rg(rAX), rg(rAX))
	c.op2(x86.ALEAL, memIdx(rAX, r, 2, 0), rg(r))
	shift := int64(30)
	if k != kindLogic {
		if k == kindSub {
			c.op1(x86.ASETCC, rg(rCX))
		} else {
			c.op1(x86.ASETCS, rg(rCX))
		}
		c.op1(x86.ASETOS, rg(rDX))
		c.op2(x86.AMOVBLZX, rg(rCX), rg(rCX))
		c.op2(x86.AMOVBLZX, rg(rDX), rg(rDX))
		c.op2(x86.ALEAL, memIdx(rCX, r, 2, 0), rg(r))
		c.op2(x86.ALEAL, memIdx(rDX, r, 2, 0), rg(r))
		shift = 28
	}
	if c.cpu.bmi2 {
		// SHLX leaves the flags alone, so a following conditional branch
		// or CMOV can still use them.
		c.op2(x86.AMOVL, imm(shift), rg(rAX))
		c.op3(x86.ASHLXL, rg(rAX), rg(r), rg(r))
		return
	}
	c.op2(x86.ASHLL, imm(shift), rg(r))
}

func r2(r int16) obj.Addr { return rg(r) }

// adcSbc emits ADC/SBB with the carry taken from an NZCV value.
func (c *compiler) adcSbc(v ir.Value, sbc, w64 bool) {
	in := c.inst(v)
	a, b, n := in.Args[0], in.Args[1], in.Args[2]
	r := c.def(a)
	B := c.src(b)
	if isReg(B, r) && !isReg(c.src(a), r) {
		c.op2(x86.AMOVQ, B, rg(rDX))
		B = rg(rDX)
	}
	// CF first: n may live in r, and the MOV of a into r keeps the flags.
	c.carryIn(n, sbc)
	c.movTo(c.src(a), r)
	if sbc {
		c.op2(pick(w64, x86.ASBBQ, x86.ASBBL), B, rg(r))
	} else {
		c.op2(pick(w64, x86.AADCQ, x86.AADCL), B, rg(r))
	}
}

var (
	cmpxchgAs = map[int64]obj.As{1: x86.ACMPXCHGB, 2: x86.ACMPXCHGW, 4: x86.ACMPXCHGL, 8: x86.ACMPXCHGQ}
	xaddAs    = map[int64]obj.As{1: x86.AXADDB, 2: x86.AXADDW, 4: x86.AXADDL, 8: x86.AXADDQ}
	xchgAs    = map[int64]obj.As{1: x86.AXCHGB, 2: x86.AXCHGW, 4: x86.AXCHGL, 8: x86.AXCHGQ}
	cmpAs     = map[int64]obj.As{1: x86.ACMPB, 2: x86.ACMPW, 4: x86.ACMPL, 8: x86.ACMPQ}
)

func sizeAs(m map[int64]obj.As, size int64) obj.As {
	as, ok := m[size]
	if !ok {
		panic(compileError("bad access size"))
	}
	return as
}

// zextTo copies the low size bytes of operand a zero-extended into r.
func (c *compiler) zextTo(a obj.Addr, size int64, r int16) {
	if a.Type == obj.TYPE_CONST {
		x := uint64(a.Offset)
		if size < 8 {
			x &= 1<<(8*size) - 1
		}
		c.op2(x86.AMOVQ, imm(int64(x)), rg(r))
		return
	}
	if size == 8 {
		c.movTo(a, r)
		return
	}
	c.op2(loadAs(size, false), a, rg(r))
}

// loadExcl is LDXR: load and take a reservation on the address and value.
func (c *compiler) loadExcl(v ir.Value, in *ir.Inst) {
	r := c.def(in.Args[0])
	base := c.inReg(in.Args[0], rCX)
	c.op2(x86.AMOVQ, rg(base), cpuOff(ir.OffExclAddr))
	c.op2(x86.AMOVQ, imm(in.Aux), cpuOff(ir.OffExclSize))
	c.op2(loadAs(in.Aux, false), mem(base, 0), rg(r))
	c.op2(x86.AMOVQ, rg(r), cpuOff(ir.OffExclVal))
	c.op2(x86.AMOVQ, imm(0), cpuOff(ir.OffExclVal+8))
}

// exclResult finishes a store-exclusive: the reservation is dropped, and r
// is 0 on the success path and 1 on the paths jumping to fail.
func (c *compiler) exclResult(r int16, fail []*obj.Prog) {
	c.op2(x86.AMOVQ, imm(0), cpuOff(ir.OffExclSize))
	c.op2(x86.AMOVL, imm(0), rg(r))
	done := c.fwd(obj.AJMP)
	c.bind(fail...)
	c.op2(x86.AMOVQ, imm(0), cpuOff(ir.OffExclSize))
	c.op2(x86.AMOVL, imm(1), rg(r))
	c.bind(done)
}

// storeExcl is STXR: a LOCK CMPXCHG against the value seen by LDXR, as
// QEMU and dynarmic implement it.
func (c *compiler) storeExcl(v ir.Value, in *ir.Inst) {
	size := in.Aux
	r := c.def(ir.NoValue)
	base := c.inReg(in.Args[0], rCX)
	val := c.inReg(in.Args[1], rDX)
	var fail []*obj.Prog
	c.op2(x86.ACMPQ, cpuOff(ir.OffExclSize), imm(size))
	fail = append(fail, c.fwd(x86.AJNE))
	c.op2(x86.ACMPQ, cpuOff(ir.OffExclAddr), rg(base))
	fail = append(fail, c.fwd(x86.AJNE))
	c.op2(x86.AMOVQ, cpuOff(ir.OffExclVal), rg(rAX))
	if size < 4 {
		// The reference compares the whole remembered value with the
		// narrow memory location: remembered bits above it never match.
		c.op2(x86.ASHRQ, imm(8*size), rg(rAX))
		fail = append(fail, c.fwd(x86.AJNE))
		c.op2(x86.AMOVQ, cpuOff(ir.OffExclVal), rg(rAX))
	}
	c.op0(x86.ALOCK)
	c.op2(sizeAs(cmpxchgAs, size), rg(val), mem(base, 0))
	fail = append(fail, c.fwd(x86.AJNE))
	c.exclResult(r, fail)
}

// storeExclPair is STXP (and the store half of CASP): one LOCK CMPXCHG16B
// of the pair against the two words LDXP saw, atomic against every other
// guest thread. CMPXCHG16B takes its operands in RDX:RAX (expected),
// RCX:RBX (new) and a memory operand; RAX, RCX and RDX are the emitter's
// scratch registers, but RBX is allocatable, and the address needs one
// more register (RSI), so both are saved in cpu.JITSave around it.
func (c *compiler) storeExclPair(v, a, x, y ir.Value) {
	r := c.def(ir.NoValue)
	base := c.inReg(a, rCX)
	var fail []*obj.Prog
	c.op2(x86.ACMPQ, cpuOff(ir.OffExclSize), imm(16))
	fail = append(fail, c.fwd(x86.AJNE))
	c.op2(x86.ACMPQ, cpuOff(ir.OffExclAddr), rg(base))
	fail = append(fail, c.fwd(x86.AJNE))
	saveBX, saveSI := cpuOff(ir.OffJITSave), cpuOff(ir.OffJITSave+8)
	c.op2(x86.AMOVQ, rg(x86.REG_BX), saveBX)
	c.op2(x86.AMOVQ, rg(x86.REG_SI), saveSI)
	c.op2(x86.AMOVQ, rg(base), rg(x86.REG_SI))
	// The new words, read from the save area if they lived in RBX or RSI.
	from := func(val ir.Value) obj.Addr {
		src := c.src(val)
		if src.Type == obj.TYPE_REG && src.Reg == x86.REG_BX {
			return saveBX
		}
		if src.Type == obj.TYPE_REG && src.Reg == x86.REG_SI {
			return saveSI
		}
		return src
	}
	srcX, srcY := from(x), from(y)
	c.movTo(srcY, rCX)
	c.movTo(srcX, x86.REG_BX)
	c.op2(x86.AMOVQ, cpuOff(ir.OffExclVal), rg(rAX))
	c.op2(x86.AMOVQ, cpuOff(ir.OffExclVal+8), rg(rDX))
	c.op0(x86.ALOCK)
	c.op1(x86.ACMPXCHG16B, mem(x86.REG_SI, 0))
	// MOVs leave the flags alone: restore, then branch on ZF.
	c.op2(x86.AMOVQ, saveBX, rg(x86.REG_BX))
	c.op2(x86.AMOVQ, saveSI, rg(x86.REG_SI))
	fail = append(fail, c.fwd(x86.AJNE))
	c.exclResult(r, fail)
}

// atomic emits an LSE read-modify-write returning the old value: XADD and
// XCHG where x86 has the operation, a LOCK CMPXCHG loop otherwise.
func (c *compiler) atomic(v ir.Value, in *ir.Inst) {
	size := in.Aux
	r := c.def(ir.NoValue)
	base := c.inReg(in.Args[0], rCX)
	X := c.src(in.Args[1])
	switch op := ir.AtomicOp(in.Aux2); op {
	case ir.AtomicAdd:
		c.zextTo(X, size, rDX)
		c.op0(x86.ALOCK)
		c.op2(sizeAs(xaddAs, size), rg(rDX), mem(base, 0))
		c.zextTo(rg(rDX), size, r)
	case ir.AtomicSwp:
		c.zextTo(X, size, rDX)
		c.op2(sizeAs(xchgAs, size), rg(rDX), mem(base, 0))
		c.zextTo(rg(rDX), size, r)
	case ir.AtomicCAS:
		c.zextTo(X, size, rAX)
		c.movTo(c.src(in.Args[2]), rDX)
		c.op0(x86.ALOCK)
		c.op2(sizeAs(cmpxchgAs, size), rg(rDX), mem(base, 0))
		c.zextTo(rg(rAX), size, r)
	default:
		c.op2(loadAs(size, false), mem(base, 0), rg(rAX))
		loop := c.label()
		c.zextTo(X, size, rDX)
		switch op {
		case ir.AtomicClr:
			c.op1(x86.ANOTQ, rg(rDX))
			c.op2(x86.AANDQ, rg(rAX), rg(rDX))
		case ir.AtomicEor:
			c.op2(x86.AXORQ, rg(rAX), rg(rDX))
		case ir.AtomicSet:
			c.op2(x86.AORQ, rg(rAX), rg(rDX))
		case ir.AtomicUMax, ir.AtomicUMin:
			// Both are zero-extended, so a 64-bit unsigned compare works.
			c.op2(x86.ACMPQ, rg(rAX), rg(rDX))
			c.op2(pick(op == ir.AtomicUMax, x86.ACMOVQCC, x86.ACMOVQLS), rg(rAX), rg(rDX))
		case ir.AtomicSMax, ir.AtomicSMin:
			// A compare of the access width sees the sign bits.
			c.op2(sizeAs(cmpAs, size), rg(rAX), rg(rDX))
			c.op2(pick(op == ir.AtomicSMax, x86.ACMOVQGE, x86.ACMOVQLE), rg(rAX), rg(rDX))
		default:
			panic(compileError("bad atomic op"))
		}
		c.op0(x86.ALOCK)
		c.op2(sizeAs(cmpxchgAs, size), rg(rDX), mem(base, 0))
		c.jump(x86.AJNE, loop)
		c.zextTo(rg(rAX), size, r)
	}
}

// emitTerm compiles the block terminator.
func (c *compiler) emitTerm() {
	t := &c.blk.Term
	switch t.Kind {
	case ir.TermJump:
		c.chainJump(t.Target)
	case ir.TermCondJump:
		switch cc := c.condFlags(t.Cond); cc {
		case ccAlways:
			c.chainJump(t.Target)
		case ccNever:
			c.chainJump(t.Next)
		default:
			taken := c.fwd(jccAs[cc])
			c.chainJump(t.Next)
			c.bind(taken)
			c.chainJump(t.Target)
		}
	case ir.TermIndirect:
		A := c.src(t.Addr)
		if A.Type == obj.TYPE_CONST {
			c.chainJump(uint64(A.Offset))
			return
		}
		// Direct-mapped lookup: entry i = (pc>>2) & mask holds {pc, host}.
		c.movTo(A, rAX)
		c.op2(x86.AMOVQ, rg(rAX), cpuOff(ir.OffPC))
		c.op2(x86.AMOVQ, rg(rAX), rg(rCX))
		c.op2(x86.ASHRQ, imm(2), rg(rCX))
		c.op2(x86.AANDL, imm(indirectEntries-1), rg(rCX))
		c.op2(x86.ASHLQ, imm(4), rg(rCX))
		c.op2(x86.AMOVQ, cpuOff(ir.OffIndirectTable), rg(rDX)) // this thread's table
		c.op2(x86.ACMPQ, rg(rAX), memIdx(rDX, rCX, 1, 0))
		c.jumpOut(x86.AJNE, func() { c.exit(exitIndirect) })
		c.op1(obj.AJMP, memIdx(rDX, rCX, 1, 8))
	case ir.TermSyscall:
		c.storePC(t.Next)
		c.exit(ir.ExitSyscall)
	case ir.TermTrap:
		c.storePC(t.PC)
		c.storeConst64(t.Info, cpuOff(ir.OffExitInfo))
		c.exit(interp.TrapExit(t.Trap))
	default:
		panic(compileError("bad terminator"))
	}
}

// chainJump emits a patchable JMP rel32 that initially leads to an exit
// stub reporting the site; the dispatcher later points it straight at the
// target block (direct block chaining). The displacement is 4-byte aligned
// so that patching it is a single atomic store (patchRel32).
func (c *compiler) chainJump(target uint64) {
	site := chainFixup{jmp: c.a.patchableJump(), id: c.newSiteID(), target: target}
	idx := len(c.sites)
	c.sites = append(c.sites, site)
	c.outOfLin = append(c.outOfLin, func() {
		c.sites[idx].stub = c.label()
		c.storePC(target)
		id := c.sites[idx].id
		c.storeConst64(id, cpuOff(ir.OffChain))
		if immEligible(id) && int64(id) >= 0 {
			c.sites[idx].idStore = c.a.last
		}
		c.exit(exitChain)
	})
}
