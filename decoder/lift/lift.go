// Package lift turns decoded A64 instructions into IR blocks.
//
// A block runs from its start PC to the first branch, SVC, trap or system
// instruction that must end it, or MaxBlockInsns instructions. Within a
// block the lifter caches guest register values: each register is read
// with one GetReg at most, a value written by SetReg is reused by later
// reads, and constants propagate (ADRP+ADD, MOVZ+MOVK chains fold to one
// constant). Every guest register write is still emitted when it happens, so
// the guest state is exact at any instruction that faults; ir.Optimize then
// removes the writes that a later write overwrites.
package lift

import (
	"runtime/debug"
	"unsafe"

	"ferry/decoder"
	"ferry/ir"
)

// MaxBlockInsns bounds a translation block so one block's IR stays small.
const MaxBlockInsns = 128

// Values EL0 reads from system registers that describe the core (the ID
// registers are in cpuid.go).
const (
	// CTR_EL0: 64-byte I and D cache lines (IminLine = DminLine = 4),
	// ERG = CWG = 4, PIPT instruction cache, no IDC/DIC: cache maintenance
	// is required, so guest JITs issue DC CVAU / IC IVAU.
	ctrValue = 0x8444C004
	// DCZID_EL0: DC ZVA allowed, block size 4 words << 4 = 64 bytes.
	dczidValue = 0x4
	zvaBlock   = 64
)

// Translate builds the IR block starting at guest address pc, reading the
// guest's code directly from (identity-mapped) memory. It satisfies
// backend.Translator and never fails: undecodable words become TermTrap
// blocks and unreadable code a TrapFetchFault block.
func Translate(pc uint64) *ir.Block {
	return TranslateExec(pc, nil)
}

// TranslateExec is Translate with instruction fetch limited to what
// executable (called once per guest page the block reaches) allows: code
// in a page the guest did not map executable is not translated, and its
// fetch faults like an unreadable one (arm64 Linux: SIGSEGV, SEGV_ACCERR).
// nil allows every readable page.
func TranslateExec(pc uint64, executable func(addr uint64) bool) *ir.Block {
	l := newLifter(pc)
	l.executable = executable
	l.translate()
	ir.Optimize(l.b.B)
	return l.b.B
}

// fetch reads the instruction word at pc; ok is false if pc is misaligned
// or not readable. A fault while reading becomes a recovered panic thanks
// to debug.SetPanicOnFault, set by translate.
func fetch(pc uint64) (w uint32, ok bool) {
	if pc&3 != 0 {
		return 0, false
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return *(*uint32)(unsafe.Add(nil, uintptr(pc))), true
}

// fetchExec is fetch, refused where the guest may not execute.
func (l *lifter) fetchExec(pc uint64) (uint32, bool) {
	if l.executable != nil {
		page := pc &^ (execGranule - 1)
		if l.execPage != page+1 {
			if !l.executable(pc) {
				return 0, false
			}
			l.execPage = page + 1
		}
	}
	return fetch(pc)
}

// execGranule is the granule of execute permission: the page.
const execGranule = 4096

// lifter holds the state of one block translation.
type lifter struct {
	b  *ir.Builder
	pc uint64 // address of the instruction being lifted

	// Cached guest state: the I64 value of X0..X30/SP, its low 32 bits
	// when already computed, V registers and NZCV. NoValue = not loaded.
	x    [32]ir.Value
	w    [32]ir.Value
	v    [32]ir.Value
	nzcv ir.Value

	ended bool // the terminator is set

	executable func(addr uint64) bool // see TranslateExec
	execPage   uint64                 // a page executable allowed, +1 (0: none yet)
}

func newLifter(pc uint64) *lifter {
	l := &lifter{b: ir.NewBuilder(pc), nzcv: ir.NoValue}
	for i := range l.x {
		l.x[i], l.w[i], l.v[i] = ir.NoValue, ir.NoValue, ir.NoValue
	}
	return l
}

func (l *lifter) translate() {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	blk := l.b.B
	pc := blk.PC
	for n := 0; n < MaxBlockInsns; n++ {
		word, ok := l.fetchExec(pc)
		if !ok {
			if n == 0 {
				l.b.InsnStart(pc)
				l.b.Trap(ir.TrapFetchFault, pc, pc)
				blk.End, blk.NInsns = pc+4, 1
			} else {
				l.b.Jump(pc) // let the fault be raised by a block of its own
			}
			return
		}
		mark := len(blk.Insts)
		saved := l.snapshot()
		l.pc = pc
		l.b.InsnStart(pc)
		in := decoder.Decode(word)
		if !l.lift(in) {
			// Undefined or not provided: the trap gets a block of its own
			// so that it is raised with the state of all earlier
			// instructions committed.
			blk.Insts = blk.Insts[:mark]
			l.restore(saved)
			if n == 0 {
				l.b.InsnStart(pc)
				l.b.Trap(ir.TrapUndefined, pc, uint64(word))
				blk.End, blk.NInsns = pc+4, 1
			} else {
				l.b.Jump(pc)
			}
			return
		}
		pc += 4
		blk.End, blk.NInsns = pc, n+1
		blk.Code = append(blk.Code, word)
		if l.ended {
			return
		}
	}
	l.b.Jump(pc)
}

// cacheState is the lifter's register cache, saved so that an instruction
// abandoned halfway (not liftable after all) leaves no stale entries.
type cacheState struct {
	x, w, v [32]ir.Value
	nzcv    ir.Value
}

func (l *lifter) snapshot() cacheState { return cacheState{l.x, l.w, l.v, l.nzcv} }

func (l *lifter) restore(s cacheState) { l.x, l.w, l.v, l.nzcv = s.x, s.w, s.v, s.nzcv }

// lift emits the IR of one instruction. It returns false if the
// instruction is undefined or not provided.
func (l *lifter) lift(in decoder.Inst) bool {
	if in.Op >= decoder.SIMDBase {
		return liftSIMD(l, in)
	}
	switch {
	case in.Op == decoder.Undefined:
		return false
	case in.Op <= decoder.EXTR:
		return l.liftDPImm(in)
	case in.Op <= decoder.UMULH:
		return l.liftDPReg(in)
	case in.Op <= decoder.CACHE_MAINT:
		return l.liftBranchSys(in)
	case in.Op <= decoder.SETF16:
		return l.liftPSTATE(in)
	}
	return l.liftMemory(in)
}

// end marks the block as terminated by the current instruction.
func (l *lifter) end() { l.ended = true }

// ---- Register access -------------------------------------------------

func width(sf bool) ir.Type {
	if sf {
		return ir.I64
	}
	return ir.I32
}

// x64 reads a register (ZR = 0, SP = register 31) as I64.
func (l *lifter) x64(r decoder.Reg) ir.Value {
	if r == decoder.ZR {
		return l.konst(ir.I64, 0)
	}
	if l.x[r] == ir.NoValue {
		l.x[r] = l.b.GetReg(int(r))
	}
	return l.x[r]
}

// reg reads a register in the operation width.
func (l *lifter) reg(r decoder.Reg, sf bool) ir.Value {
	if sf {
		return l.x64(r)
	}
	if r == decoder.ZR {
		return l.konst(ir.I32, 0)
	}
	if l.w[r] == ir.NoValue {
		l.w[r] = l.trunc(l.x64(r))
	}
	return l.w[r]
}

// setReg writes a register; an I32 value zero-extends (W-register write).
// Writes to ZR are discarded.
func (l *lifter) setReg(r decoder.Reg, v ir.Value) {
	if r == decoder.ZR {
		return
	}
	if l.b.TypeOf(v) == ir.I32 {
		w := v
		v = l.zext32(v)
		l.x[r], l.w[r] = v, w
	} else {
		l.x[r], l.w[r] = v, ir.NoValue
	}
	l.b.SetReg(int(r), v)
}

// getV reads a SIMD&FP register as V128.
func (l *lifter) getV(r int) ir.Value {
	if l.v[r] == ir.NoValue {
		l.v[r] = l.b.GetV(r)
	}
	return l.v[r]
}

// setV writes a SIMD&FP register.
func (l *lifter) setV(r int, v ir.Value) {
	l.v[r] = v
	l.b.SetV(r, v)
}

func (l *lifter) getNZCV() ir.Value {
	if l.nzcv == ir.NoValue {
		l.nzcv = l.b.GetNZCV()
	}
	return l.nzcv
}

func (l *lifter) setNZCV(v ir.Value) {
	l.nzcv = v
	l.b.SetNZCV(v)
}

// ---- Folding builders ------------------------------------------------

func (l *lifter) konst(t ir.Type, c uint64) ir.Value {
	if t == ir.I32 {
		c = uint64(uint32(c))
	}
	return l.b.Const(t, c)
}

// constOf reports v's value if it is an integer constant.
func (l *lifter) constOf(v ir.Value) (uint64, bool) {
	in := &l.b.B.Insts[v]
	if in.Op == ir.OpConst && in.Type != ir.V128 {
		return uint64(in.Aux), true
	}
	return 0, false
}

func mask(t ir.Type, c uint64) uint64 {
	if t == ir.I32 {
		return uint64(uint32(c))
	}
	return c
}

// bin emits x op y, folding constants and trivial identities.
func (l *lifter) bin(op ir.Op, x, y ir.Value) ir.Value {
	t := l.b.TypeOf(x)
	bits := uint64(t.Bits())
	cx, kx := l.constOf(x)
	cy, ky := l.constOf(y)
	if kx && ky {
		var r uint64
		folded := true
		switch op {
		case ir.OpAdd:
			r = cx + cy
		case ir.OpSub:
			r = cx - cy
		case ir.OpMul:
			r = cx * cy
		case ir.OpAnd:
			r = cx & cy
		case ir.OpOr:
			r = cx | cy
		case ir.OpXor:
			r = cx ^ cy
		case ir.OpShl:
			r = cx << (cy % bits)
		case ir.OpLShr:
			r = mask(t, cx) >> (cy % bits)
		default:
			folded = false
		}
		if folded {
			return l.konst(t, r)
		}
	}
	if ky {
		switch {
		case cy == 0 && (op == ir.OpAdd || op == ir.OpSub || op == ir.OpOr || op == ir.OpXor ||
			op == ir.OpShl || op == ir.OpLShr || op == ir.OpAShr || op == ir.OpRotR):
			return x
		case op == ir.OpAnd && mask(t, cy) == mask(t, ^uint64(0)):
			return x
		}
	}
	if kx && cx == 0 && (op == ir.OpAdd || op == ir.OpOr || op == ir.OpXor) {
		return y
	}
	return l.b.Bin(op, x, y)
}

func (l *lifter) binC(op ir.Op, x ir.Value, c uint64) ir.Value {
	return l.bin(op, x, l.konst(l.b.TypeOf(x), c))
}

func (l *lifter) un(op ir.Op, x ir.Value) ir.Value {
	if c, ok := l.constOf(x); ok {
		t := l.b.TypeOf(x)
		switch op {
		case ir.OpNot:
			return l.konst(t, ^c)
		case ir.OpNeg:
			return l.konst(t, -c)
		}
	}
	return l.b.Un(op, x)
}

func (l *lifter) trunc(x ir.Value) ir.Value {
	if c, ok := l.constOf(x); ok {
		return l.konst(ir.I32, c)
	}
	if in := l.b.B.Insts[x]; in.Op == ir.OpZExt32 || in.Op == ir.OpSExt32 {
		return in.Args[0]
	}
	return l.b.Emit(ir.OpTrunc, ir.I32, 0, 0, x)
}

func (l *lifter) zext32(x ir.Value) ir.Value {
	if c, ok := l.constOf(x); ok {
		return l.konst(ir.I64, uint64(uint32(c)))
	}
	return l.b.Emit(ir.OpZExt32, ir.I64, 0, 0, x)
}

func (l *lifter) sext32(x ir.Value) ir.Value {
	if c, ok := l.constOf(x); ok {
		return l.konst(ir.I64, uint64(int64(int32(c))))
	}
	return l.b.Emit(ir.OpSExt32, ir.I64, 0, 0, x)
}

// zextBits keeps the low n bits of x (n < width).
func (l *lifter) zextBits(x ir.Value, n uint) ir.Value {
	if c, ok := l.constOf(x); ok {
		return l.konst(l.b.TypeOf(x), c&(1<<n-1))
	}
	return l.b.Emit(ir.OpZExtBits, l.b.TypeOf(x), int64(n), 0, x)
}

// sextBits sign-extends the low n bits of x (n < width).
func (l *lifter) sextBits(x ir.Value, n uint) ir.Value {
	if c, ok := l.constOf(x); ok {
		return l.konst(l.b.TypeOf(x), uint64(int64(c<<(64-n))>>(64-n)))
	}
	return l.b.Emit(ir.OpSExtBits, l.b.TypeOf(x), int64(n), 0, x)
}

// shift applies a shifted-register operand's shift by a constant amount.
func (l *lifter) shift(x ir.Value, st decoder.ShiftType, amount uint8) ir.Value {
	if amount == 0 {
		return x
	}
	op := [4]ir.Op{ir.OpShl, ir.OpLShr, ir.OpAShr, ir.OpRotR}[st]
	return l.binC(op, x, uint64(amount))
}

// extend applies an extended-register operand's extension and left shift,
// producing a value of the operation width t from register r.
func (l *lifter) extend(r decoder.Reg, ext decoder.ExtendType, amount uint8, t ir.Type) ir.Value {
	var v ir.Value
	if t == ir.I64 {
		switch ext {
		case decoder.UXTX, decoder.SXTX:
			v = l.x64(r)
		case decoder.UXTW:
			v = l.zext32(l.reg(r, false))
		case decoder.SXTW:
			v = l.sext32(l.reg(r, false))
		default:
			v = l.x64(r)
		}
	} else {
		v = l.reg(r, false)
	}
	switch ext {
	case decoder.UXTB, decoder.UXTH:
		v = l.zextBits(v, ext.Bits())
	case decoder.SXTB, decoder.SXTH:
		v = l.sextBits(v, ext.Bits())
	}
	if amount != 0 {
		v = l.binC(ir.OpShl, v, uint64(amount))
	}
	return v
}

// ---- Data processing -------------------------------------------------

func (l *lifter) liftDPImm(in decoder.Inst) bool {
	t := width(in.SF)
	switch in.Op {
	case decoder.ADD_imm, decoder.ADDS_imm, decoder.SUB_imm, decoder.SUBS_imm:
		l.addSub(in, l.reg(in.Rn, in.SF), l.konst(t, uint64(in.Imm)))
	case decoder.AND_imm, decoder.ORR_imm, decoder.EOR_imm, decoder.ANDS_imm:
		op := [4]ir.Op{ir.OpAnd, ir.OpOr, ir.OpXor, ir.OpAnd}[in.Op-decoder.AND_imm]
		res := l.bin(op, l.reg(in.Rn, in.SF), l.konst(t, uint64(in.Imm)))
		if in.Op == decoder.ANDS_imm {
			l.setNZCV(l.b.Emit(ir.OpFlagsLogic, ir.I32, 0, 0, res))
		}
		l.setReg(in.Rd, res)
	case decoder.MOVZ:
		l.setReg(in.Rd, l.konst(t, uint64(in.Imm)<<in.Amount))
	case decoder.MOVN:
		l.setReg(in.Rd, l.konst(t, ^(uint64(in.Imm)<<in.Amount)))
	case decoder.MOVK:
		old := l.reg(in.Rd, in.SF)
		kept := l.binC(ir.OpAnd, old, ^(uint64(0xFFFF) << in.Amount))
		l.setReg(in.Rd, l.binC(ir.OpOr, kept, uint64(in.Imm)<<in.Amount))
	case decoder.ADR:
		l.setReg(in.Rd, l.konst(ir.I64, l.pc+uint64(in.Imm)))
	case decoder.ADRP:
		l.setReg(in.Rd, l.konst(ir.I64, l.pc&^0xFFF+uint64(in.Imm)))
	case decoder.SBFM, decoder.BFM, decoder.UBFM:
		l.setReg(in.Rd, l.bitfield(in))
	case decoder.EXTR:
		n := l.reg(in.Rn, in.SF)
		lsb := uint64(in.Imm)
		var res ir.Value
		switch {
		case in.Rn == in.Rm:
			res = l.binC(ir.OpRotR, n, lsb)
		case lsb == 0:
			res = l.reg(in.Rm, in.SF)
		default:
			lo := l.binC(ir.OpLShr, l.reg(in.Rm, in.SF), lsb)
			hi := l.binC(ir.OpShl, n, uint64(t.Bits())-lsb)
			res = l.bin(ir.OpOr, hi, lo)
		}
		l.setReg(in.Rd, res)
	default:
		return false
	}
	return true
}

// addSub emits ADD/ADDS/SUB/SUBS of the two operands (any operand form).
func (l *lifter) addSub(in decoder.Inst, n, m ir.Value) {
	var sub, setFlags bool
	switch in.Op {
	case decoder.ADDS_imm, decoder.ADDS_shift, decoder.ADDS_ext:
		setFlags = true
	case decoder.SUB_imm, decoder.SUB_shift, decoder.SUB_ext:
		sub = true
	case decoder.SUBS_imm, decoder.SUBS_shift, decoder.SUBS_ext:
		sub, setFlags = true, true
	}
	op, flagOp := ir.OpAdd, ir.OpFlagsAdd
	if sub {
		op, flagOp = ir.OpSub, ir.OpFlagsSub
	}
	if setFlags {
		l.setNZCV(l.b.Emit(flagOp, ir.I32, 0, 0, n, m))
	}
	if in.Rd != decoder.ZR {
		l.setReg(in.Rd, l.bin(op, n, m))
	}
}

// bitfield lifts SBFM/BFM/UBFM. The general Arm ARM formulation (rotate,
// wmask, tmask) is specialised into the shift/mask sequences of its
// aliases, which cover every immr/imms combination:
//   - imms >= immr: the field src<imms:immr> moves to bit 0 (SBFX/UBFX/BFXIL,
//     and ASR/LSR/SXT*/UXT* as special cases);
//   - imms < immr: the field src<imms:0> moves to bit width-immr
//     (SBFIZ/UBFIZ/BFI, and LSL).
func (l *lifter) bitfield(in decoder.Inst) ir.Value {
	t := width(in.SF)
	w := uint64(t.Bits())
	r, s := uint64(in.Imm), uint64(in.Imm2)
	src := l.reg(in.Rn, in.SF)
	lowMask := func(n uint64) uint64 { // n ones, n <= w
		if n >= 64 {
			return ^uint64(0)
		}
		return 1<<n - 1
	}
	switch in.Op {
	case decoder.UBFM:
		if s >= r {
			v := l.binC(ir.OpLShr, src, r)
			if s-r+1 < w {
				v = l.binC(ir.OpAnd, v, lowMask(s-r+1))
			}
			return v
		}
		v := src
		if s+1 < r { // otherwise the shift discards the bits above the field
			v = l.binC(ir.OpAnd, src, lowMask(s+1))
		}
		return l.binC(ir.OpShl, v, w-r)
	case decoder.SBFM:
		if s >= r {
			if r == 0 && (s == 7 || s == 15 || s == 31) && s+1 < w {
				return l.sextBits(src, uint(s+1))
			}
			v := l.binC(ir.OpShl, src, w-1-s)
			return l.binC(ir.OpAShr, v, w-1-s+r)
		}
		v := l.binC(ir.OpShl, src, w-1-s)
		return l.binC(ir.OpAShr, v, r-1-s)
	}
	// BFM: insert a field of src into dst.
	dst := l.reg(in.Rd, in.SF)
	var field ir.Value
	var fieldMask uint64
	if s >= r {
		fieldMask = lowMask(s - r + 1)
		field = l.binC(ir.OpAnd, l.binC(ir.OpLShr, src, r), fieldMask)
	} else {
		lsb := w - r
		fieldMask = lowMask(s+1) << lsb
		field = l.binC(ir.OpAnd, l.binC(ir.OpShl, src, lsb), fieldMask)
	}
	kept := l.binC(ir.OpAnd, dst, ^fieldMask)
	return l.bin(ir.OpOr, kept, field)
}

// logicalOps describes AND_shift … BICS_shift (consecutive Ops, in order).
var logicalOps = [8]struct {
	op     ir.Op
	invert bool
	flags  bool
}{
	{ir.OpAnd, false, false}, {ir.OpAnd, true, false}, // AND, BIC
	{ir.OpOr, false, false}, {ir.OpOr, true, false}, // ORR, ORN
	{ir.OpXor, false, false}, {ir.OpXor, true, false}, // EOR, EON
	{ir.OpAnd, false, true}, {ir.OpAnd, true, true}, // ANDS, BICS
}

func (l *lifter) liftDPReg(in decoder.Inst) bool {
	t := width(in.SF)
	switch in.Op {
	case decoder.AND_shift, decoder.BIC_shift, decoder.ORR_shift, decoder.ORN_shift,
		decoder.EOR_shift, decoder.EON_shift, decoder.ANDS_shift, decoder.BICS_shift:
		lo := logicalOps[in.Op-decoder.AND_shift]
		m := l.shift(l.reg(in.Rm, in.SF), in.Shift, in.Amount)
		if lo.invert {
			m = l.un(ir.OpNot, m)
		}
		res := l.bin(lo.op, l.reg(in.Rn, in.SF), m)
		if lo.flags {
			l.setNZCV(l.b.Emit(ir.OpFlagsLogic, ir.I32, 0, 0, res))
		}
		l.setReg(in.Rd, res)
	case decoder.ADD_shift, decoder.ADDS_shift, decoder.SUB_shift, decoder.SUBS_shift:
		l.addSub(in, l.reg(in.Rn, in.SF), l.shift(l.reg(in.Rm, in.SF), in.Shift, in.Amount))
	case decoder.ADD_ext, decoder.ADDS_ext, decoder.SUB_ext, decoder.SUBS_ext:
		l.addSub(in, l.reg(in.Rn, in.SF), l.extend(in.Rm, in.Extend, in.Amount, t))
	case decoder.ADC, decoder.ADCS, decoder.SBC, decoder.SBCS:
		n, m, flags := l.reg(in.Rn, in.SF), l.reg(in.Rm, in.SF), l.getNZCV()
		op, flagOp := ir.OpAdc, ir.OpFlagsAdc
		if in.Op == decoder.SBC || in.Op == decoder.SBCS {
			op, flagOp = ir.OpSbc, ir.OpFlagsSbc
		}
		res := l.b.Emit(op, t, 0, 0, n, m, flags)
		if in.Op == decoder.ADCS || in.Op == decoder.SBCS {
			l.setNZCV(l.b.Emit(flagOp, ir.I32, 0, 0, n, m, flags))
		}
		l.setReg(in.Rd, res)
	case decoder.CCMN_reg, decoder.CCMP_reg, decoder.CCMN_imm, decoder.CCMP_imm:
		n := l.reg(in.Rn, in.SF)
		var m ir.Value
		if in.Op == decoder.CCMN_imm || in.Op == decoder.CCMP_imm {
			m = l.konst(t, uint64(in.Imm))
		} else {
			m = l.reg(in.Rm, in.SF)
		}
		flagOp := ir.OpFlagsSub
		if in.Op == decoder.CCMN_reg || in.Op == decoder.CCMN_imm {
			flagOp = ir.OpFlagsAdd
		}
		cond := l.b.CondHolds(l.getNZCV(), int(in.Cond))
		cmp := l.b.Emit(flagOp, ir.I32, 0, 0, n, m)
		l.setNZCV(l.b.Select(cond, cmp, l.konst(ir.I32, uint64(in.Imm2)<<28)))
	case decoder.CSEL, decoder.CSINC, decoder.CSINV, decoder.CSNEG:
		n, m := l.reg(in.Rn, in.SF), l.reg(in.Rm, in.SF)
		switch in.Op {
		case decoder.CSINC:
			m = l.binC(ir.OpAdd, m, 1)
		case decoder.CSINV:
			m = l.un(ir.OpNot, m)
		case decoder.CSNEG:
			m = l.un(ir.OpNeg, m)
		}
		var res ir.Value
		if in.Cond >= 14 { // AL, NV: always the first operand
			res = n
		} else {
			res = l.b.Select(l.b.CondHolds(l.getNZCV(), int(in.Cond)), n, m)
		}
		l.setReg(in.Rd, res)
	case decoder.RBIT, decoder.CLZ, decoder.CLS, decoder.REV:
		op := ir.OpRbit
		switch in.Op {
		case decoder.CLZ:
			op = ir.OpClz
		case decoder.CLS:
			op = ir.OpCls
		case decoder.REV:
			op = ir.OpBswap
		}
		l.setReg(in.Rd, l.b.Un(op, l.reg(in.Rn, in.SF)))
	case decoder.REV16:
		n := l.reg(in.Rn, in.SF)
		const lo = 0x00FF00FF00FF00FF
		hi := l.binC(ir.OpAnd, l.binC(ir.OpLShr, n, 8), lo)
		low := l.binC(ir.OpShl, l.binC(ir.OpAnd, n, lo), 8)
		l.setReg(in.Rd, l.bin(ir.OpOr, hi, low))
	case decoder.REV32: // byte-reverse each 32-bit word of a 64-bit register
		l.setReg(in.Rd, l.binC(ir.OpRotR, l.b.Un(ir.OpBswap, l.x64(in.Rn)), 32))
	case decoder.UDIV, decoder.SDIV, decoder.LSLV, decoder.LSRV, decoder.ASRV, decoder.RORV:
		// UDIV, SDIV, LSLV, LSRV, ASRV, RORV are consecutive Ops.
		op := [6]ir.Op{ir.OpUDiv, ir.OpSDiv, ir.OpShl, ir.OpLShr, ir.OpAShr, ir.OpRotR}[in.Op-decoder.UDIV]
		l.setReg(in.Rd, l.b.Bin(op, l.reg(in.Rn, in.SF), l.reg(in.Rm, in.SF)))
	case decoder.MADD, decoder.MSUB:
		prod := l.bin(ir.OpMul, l.reg(in.Rn, in.SF), l.reg(in.Rm, in.SF))
		op := ir.OpAdd
		if in.Op == decoder.MSUB {
			op = ir.OpSub
		}
		l.setReg(in.Rd, l.bin(op, l.reg(in.Ra, in.SF), prod))
	case decoder.SMADDL, decoder.SMSUBL, decoder.UMADDL, decoder.UMSUBL:
		ext := l.sext32
		if in.Op == decoder.UMADDL || in.Op == decoder.UMSUBL {
			ext = l.zext32
		}
		prod := l.bin(ir.OpMul, ext(l.reg(in.Rn, false)), ext(l.reg(in.Rm, false)))
		op := ir.OpAdd
		if in.Op == decoder.SMSUBL || in.Op == decoder.UMSUBL {
			op = ir.OpSub
		}
		l.setReg(in.Rd, l.bin(op, l.x64(in.Ra), prod))
	case decoder.SMULH:
		l.setReg(in.Rd, l.b.Bin(ir.OpSMulHi, l.x64(in.Rn), l.x64(in.Rm)))
	case decoder.UMULH:
		l.setReg(in.Rd, l.b.Bin(ir.OpUMulHi, l.x64(in.Rn), l.x64(in.Rm)))
	case decoder.CRC32B, decoder.CRC32H, decoder.CRC32W, decoder.CRC32X,
		decoder.CRC32CB, decoder.CRC32CH, decoder.CRC32CW, decoder.CRC32CX:
		// CRC32B..CRC32X and CRC32CB..CRC32CX are consecutive Ops.
		k := in.Op - decoder.CRC32B
		castagnoli := int64(k / 4)
		l.setReg(in.Rd, l.b.Emit(ir.OpCRC32, ir.I32, 1<<(k%4), castagnoli, l.reg(in.Rn, false), l.x64(in.Rm)))
	default:
		return false
	}
	return true
}

// ---- Branches, exceptions, system ------------------------------------

func (l *lifter) liftBranchSys(in decoder.Inst) bool {
	next := l.pc + 4
	target := l.pc + uint64(in.Imm)
	switch in.Op {
	case decoder.B:
		l.b.Jump(target)
		l.end()
	case decoder.BL:
		l.setReg(30, l.konst(ir.I64, next))
		l.b.Jump(target)
		l.end()
	case decoder.B_cond:
		if in.Cond >= 14 {
			l.b.Jump(target)
		} else {
			l.b.CondJump(l.b.CondHolds(l.getNZCV(), int(in.Cond)), target, next)
		}
		l.end()
	case decoder.CBZ, decoder.CBNZ:
		t := width(in.SF)
		pred := ir.PredEq
		if in.Op == decoder.CBNZ {
			pred = ir.PredNe
		}
		l.b.CondJump(l.b.Cmp(pred, l.reg(in.Rt, in.SF), l.konst(t, 0)), target, next)
		l.end()
	case decoder.TBZ, decoder.TBNZ:
		bit := uint64(in.Imm2)
		v := l.reg(in.Rt, in.SF)
		t := width(in.SF)
		pred := ir.PredEq
		if in.Op == decoder.TBNZ {
			pred = ir.PredNe
		}
		tested := l.binC(ir.OpAnd, v, 1<<bit)
		l.b.CondJump(l.b.Cmp(pred, tested, l.konst(t, 0)), target, next)
		l.end()
	case decoder.BR, decoder.RET:
		l.b.Indirect(l.x64(in.Rn))
		l.end()
	case decoder.BLR:
		dest := l.x64(in.Rn) // read before X30 is written: BLR X30 is valid
		l.setReg(30, l.konst(ir.I64, next))
		l.b.Indirect(dest)
		l.end()
	case decoder.SVC:
		// Linux ignores the immediate; the number is in X8.
		l.b.Syscall(next)
		l.end()
	case decoder.BRK:
		l.b.Trap(ir.TrapBreakpoint, l.pc, uint64(in.Imm))
		l.end()
	case decoder.HINT:
		// NOP, YIELD, WFE, WFI, SEV, SEVL, BTI, and the PAuth hints
		// (PACIASP, AUTIASP, XPACLRI…), which are NOPs on a core without
		// FEAT_PAuth: nothing to do for a user-mode translator.
	case decoder.CLREX:
		l.b.Emit(ir.OpClearExcl, ir.TNone, 0, 0)
	case decoder.DMB, decoder.DSB:
		l.b.Emit(ir.OpFence, ir.TNone, int64(fenceKind(uint8(in.Imm))), 0)
	case decoder.ISB:
		// Later instructions must be fetched anew: end the block so code
		// written (and invalidated) before the ISB is translated afresh.
		l.b.Jump(next)
		l.end()
	case decoder.MRS:
		return l.mrs(in)
	case decoder.MSR:
		return l.msr(in)
	case decoder.DC_ZVA:
		base := l.binC(ir.OpAnd, l.x64(in.Rt), ^uint64(zvaBlock-1))
		zero := l.b.ConstV128(0, 0)
		for off := uint64(0); off < zvaBlock; off += 16 {
			l.b.StoreV(l.binC(ir.OpAdd, base, off), zero, 16)
		}
	case decoder.CACHE_MAINT:
		// Data cache cleaning has no visible effect here. IC IVAU is
		// where a guest that wrote code (a JIT, a loader, a patcher)
		// announces it, as CTR_EL0 (no DIC) obliges it to: the block ends
		// and the runtime drops the translations of that line before the
		// next instruction runs.
		if uint16(in.Imm) == decoder.SysOpICIVAU {
			l.b.Trap(ir.TrapCodeChanged, l.pc, uint64(in.Rt))
			l.end()
		}
	default:
		return false
	}
	return true
}

// fenceKind maps a DMB/DSB option (CRm) to the barrier it needs: the low
// two bits select the access types (01 loads, 10 stores, 11 all; 00 is
// reserved and behaves as SY).
func fenceKind(crm uint8) ir.FenceKind {
	switch crm & 3 {
	case 1:
		return ir.FenceLoad
	case 2:
		return ir.FenceStore
	}
	return ir.FenceFull
}

func (l *lifter) mrs(in decoder.Inst) bool {
	enc := uint16(in.Imm)
	var v ir.Value
	switch enc {
	case decoder.SysRegTPIDR:
		v = l.b.GetSys(ir.SysTPIDR)
	case decoder.SysRegTPIDRRO:
		v = l.konst(ir.I64, 0) // Linux leaves TPIDRRO_EL0 zero for 64-bit tasks
	case decoder.SysRegNZCV:
		v = l.zext32(l.getNZCV())
	case decoder.SysRegFPCR:
		v = l.b.GetSys(ir.SysFPCR)
	case decoder.SysRegFPSR:
		v = l.b.GetSys(ir.SysFPSR)
	case decoder.SysRegDCZID:
		v = l.konst(ir.I64, dczidValue)
	case decoder.SysRegCTR:
		v = l.konst(ir.I64, ctrValue)
	case decoder.SysRegCNTFRQ:
		v = l.konst(ir.I64, ir.CounterHz)
	case decoder.SysRegCNTVCT:
		v = l.b.Emit(ir.OpReadCounter, ir.I64, 0, 0)
	case decoder.SysRegDIT, decoder.SysRegSSBS:
		v = l.binC(ir.OpAnd, l.b.GetSys(ir.SysPSTATE), pstateBit(enc))
	default:
		if !decoder.IsCPUIDReg(enc) {
			return false
		}
		v = l.konst(ir.I64, idRegister(enc))
	}
	l.setReg(in.Rt, v)
	return true
}

// MSR FPCR/FPSR keep only ir.FPCRWritable/ir.FPSRWritable (found by the
// differential fuzzer: ferry read back whatever 64-bit value was written).
const (
	fpcrWritable = ir.FPCRWritable
	fpsrWritable = ir.FPSRWritable
)

func (l *lifter) msr(in decoder.Inst) bool {
	v := l.x64(in.Rt)
	switch uint16(in.Imm) {
	case decoder.SysRegTPIDR:
		l.b.SetSys(ir.SysTPIDR, v)
	case decoder.SysRegNZCV:
		l.setNZCV(l.binC(ir.OpAnd, l.trunc(v), 0xF0000000))
	case decoder.SysRegFPCR:
		l.b.SetSys(ir.SysFPCR, l.binC(ir.OpAnd, v, fpcrWritable))
		// FP code after this point may be translated for the new mode.
		l.b.Jump(l.pc + 4)
		l.end()
	case decoder.SysRegFPSR:
		l.b.SetSys(ir.SysFPSR, l.binC(ir.OpAnd, v, fpsrWritable))
	case decoder.SysRegDIT, decoder.SysRegSSBS:
		l.setPSTATEBit(pstateBit(uint16(in.Imm)), v)
	default:
		return false
	}
	return true
}

// ---- Loads and stores ------------------------------------------------

// atomicOps maps LDADD … SWP (consecutive Ops, in order) to IR atomics.
var atomicOps = [9]ir.AtomicOp{ir.AtomicAdd, ir.AtomicClr, ir.AtomicEor, ir.AtomicSet,
	ir.AtomicSMax, ir.AtomicSMin, ir.AtomicUMax, ir.AtomicUMin, ir.AtomicSwp}

// address computes the access address of a load/store and the value to
// write back to Rn (NoValue without writeback).
func (l *lifter) address(in decoder.Inst) (addr, wback ir.Value) {
	wback = ir.NoValue
	switch in.Op {
	case decoder.LDR_lit, decoder.PRFM_lit:
		return l.konst(ir.I64, l.pc+uint64(in.Imm)), wback
	case decoder.LDR_reg, decoder.STR_reg, decoder.PRFM_reg:
		off := l.extend(in.Rm, in.Extend, in.Amount, ir.I64)
		return l.bin(ir.OpAdd, l.x64(in.Rn), off), wback
	}
	base := l.x64(in.Rn)
	moved := l.binC(ir.OpAdd, base, uint64(in.Imm))
	switch {
	case in.PostIndex:
		return base, moved
	case in.Wback:
		return moved, moved
	}
	return moved, wback
}

// loadInt loads an integer register's worth from addr per the Inst's size,
// signedness and register width.
func (l *lifter) loadInt(in decoder.Inst, addr ir.Value) ir.Value {
	v := l.b.Load(addr, in.Bytes(), in.Signed)
	if in.Signed && !in.SF {
		v = l.trunc(v) // LDRSB/LDRSH Wt: sign-extend to 32 bits only
	}
	return v
}

func (l *lifter) liftMemory(in decoder.Inst) bool {
	switch in.Op {
	case decoder.PRFM, decoder.PRFM_reg, decoder.PRFM_lit:
		return true // prefetch hints never fault and have no effect
	case decoder.LDR_uimm, decoder.LDUR, decoder.LDR_pre, decoder.LDR_post, decoder.LDR_reg,
		decoder.LDTR, decoder.LDR_lit:
		addr, wb := l.address(in)
		if in.FP {
			l.setV(int(in.Rt), l.b.LoadV(addr, in.Bytes()))
			l.writeBack(in, wb)
			return true
		}
		v := l.loadInt(in, addr)
		// With Rt == Rn and writeback the result is CONSTRAINED
		// UNPREDICTABLE; like QEMU, the written-back address wins.
		l.setReg(in.Rt, v)
		l.writeBack(in, wb)
	case decoder.STR_uimm, decoder.STUR, decoder.STR_pre, decoder.STR_post, decoder.STR_reg,
		decoder.STTR:
		addr, wb := l.address(in)
		if in.FP {
			l.b.StoreV(addr, l.getV(int(in.Rt)), in.Bytes())
		} else {
			l.b.Store(addr, l.x64(in.Rt), in.Bytes())
		}
		l.writeBack(in, wb)
	case decoder.LDP_off, decoder.LDP_pre, decoder.LDP_post, decoder.LDNP:
		addr, wb := l.address(in)
		addr2 := l.binC(ir.OpAdd, addr, uint64(in.Bytes()))
		if in.FP {
			v1, v2 := l.b.LoadV(addr, in.Bytes()), l.b.LoadV(addr2, in.Bytes())
			l.setV(int(in.Rt), v1)
			l.setV(int(in.Rt2), v2)
		} else {
			v1, v2 := l.loadInt(in, addr), l.loadInt(in, addr2)
			l.setReg(in.Rt, v1)
			l.setReg(in.Rt2, v2)
		}
		l.writeBack(in, wb)
	case decoder.STP_off, decoder.STP_pre, decoder.STP_post, decoder.STNP:
		addr, wb := l.address(in)
		addr2 := l.binC(ir.OpAdd, addr, uint64(in.Bytes()))
		if in.FP {
			l.b.StoreV(addr, l.getV(int(in.Rt)), in.Bytes())
			l.b.StoreV(addr2, l.getV(int(in.Rt2)), in.Bytes())
		} else {
			l.b.Store(addr, l.x64(in.Rt), in.Bytes())
			l.b.Store(addr2, l.x64(in.Rt2), in.Bytes())
		}
		l.writeBack(in, wb)
	case decoder.LDAR, decoder.LDLAR, decoder.LDAPR, decoder.LDAPUR:
		// x86-64 loads already have acquire semantics (TSO).
		addr, _ := l.address(in)
		l.setReg(in.Rt, l.loadInt(in, addr))
	case decoder.STLR, decoder.STLLR, decoder.STLUR:
		// Release is free on TSO, but a later LDAR must not pass this
		// store (RCsc): a full fence after it keeps STLR→LDAR ordered.
		addr, _ := l.address(in)
		l.b.Store(addr, l.x64(in.Rt), in.Bytes())
		l.b.Emit(ir.OpFence, ir.TNone, int64(ir.FenceFull), 0)
	case decoder.LDXR, decoder.LDAXR:
		addr, _ := l.address(in)
		l.setReg(in.Rt, l.b.Emit(ir.OpLoadExcl, ir.I64, int64(in.Bytes()), 0, addr))
	case decoder.STXR, decoder.STLXR:
		// The store-exclusive is an atomic compare-and-swap in every
		// engine, which is also a full barrier on x86-64.
		addr, _ := l.address(in)
		status := l.b.Emit(ir.OpStoreExcl, ir.I32, int64(in.Bytes()), 0, addr, l.x64(in.Rt))
		l.setReg(in.Rs, status)
	case decoder.LDXP, decoder.LDAXP:
		addr, _ := l.address(in)
		if in.Size == 2 {
			// A pair of words is one exclusive doubleword access.
			v := l.b.Emit(ir.OpLoadExcl, ir.I64, 8, 0, addr)
			lo, hi := l.trunc(v), l.trunc(l.binC(ir.OpLShr, v, 32))
			l.setReg(in.Rt, lo)
			l.setReg(in.Rt2, hi)
			return true
		}
		v1 := l.b.Emit(ir.OpLoadExclPair, ir.I64, 8, 0, addr)
		v2 := l.b.Emit(ir.OpExclSecond, ir.I64, 0, 0)
		l.setReg(in.Rt, v1)
		l.setReg(in.Rt2, v2)
	case decoder.STXP, decoder.STLXP:
		addr, _ := l.address(in)
		var status ir.Value
		if in.Size == 2 {
			lo := l.zext32(l.reg(in.Rt, false))
			hi := l.binC(ir.OpShl, l.x64(in.Rt2), 32)
			status = l.b.Emit(ir.OpStoreExcl, ir.I32, 8, 0, addr, l.bin(ir.OpOr, hi, lo))
		} else {
			status = l.b.Emit(ir.OpStoreExclPair, ir.I32, 8, 0, addr, l.x64(in.Rt), l.x64(in.Rt2))
		}
		l.setReg(in.Rs, status)
	case decoder.LDADD, decoder.LDCLR, decoder.LDEOR, decoder.LDSET, decoder.LDSMAX,
		decoder.LDSMIN, decoder.LDUMAX, decoder.LDUMIN, decoder.SWP:
		// Locked read-modify-writes are sequentially consistent on x86-64,
		// which covers every acquire/release variant.
		addr, _ := l.address(in)
		old := l.b.Emit(ir.OpAtomic, ir.I64, int64(in.Bytes()), int64(atomicOps[in.Op-decoder.LDADD]), addr, l.x64(in.Rs))
		l.setReg(in.Rt, old)
	case decoder.CAS:
		addr, _ := l.address(in)
		old := l.b.Emit(ir.OpAtomic, ir.I64, int64(in.Bytes()), int64(ir.AtomicCAS), addr,
			l.x64(in.Rs), l.x64(in.Rt))
		l.setReg(in.Rs, old)
	case decoder.CASP:
		l.casp(in)
	default:
		return false
	}
	return true
}

// pairSecond is the second register of an even/odd pair (31 = ZR).
func pairSecond(r decoder.Reg) decoder.Reg {
	if r+1 >= 31 {
		return decoder.ZR
	}
	return r + 1
}

// casp lifts CASP: a double-width compare-and-swap, built from the
// exclusive pair ops. The pair is read with a reservation; the store writes
// either the new pair (comparison succeeded) or the old pair back, which is
// indistinguishable from no write for an atomic access. If the reservation
// was lost in between, nothing is written and the instruction runs again.
func (l *lifter) casp(in decoder.Inst) {
	addr, _ := l.address(in)
	// The decoder guarantees Rs and Rt are even, so neither is ZR itself.
	s1, t1 := pairSecond(in.Rs), pairSecond(in.Rt)
	sf := in.SF
	exp0, exp1 := l.reg(in.Rs, sf), l.reg(s1, sf)
	new0, new1 := l.reg(in.Rt, sf), l.reg(t1, sf)
	var old0, old1, status ir.Value
	if !sf {
		// A pair of words is one exclusive doubleword.
		v := l.b.Emit(ir.OpLoadExcl, ir.I64, 8, 0, addr)
		old0, old1 = l.trunc(v), l.trunc(l.binC(ir.OpLShr, v, 32))
	} else {
		old0 = l.b.Emit(ir.OpLoadExclPair, ir.I64, 8, 0, addr)
		old1 = l.b.Emit(ir.OpExclSecond, ir.I64, 0, 0)
	}
	eq := l.b.Bin(ir.OpAnd, l.b.Cmp(ir.PredEq, old0, exp0), l.b.Cmp(ir.PredEq, old1, exp1))
	store0, store1 := l.b.Select(eq, new0, old0), l.b.Select(eq, new1, old1)
	if !sf {
		pair := l.bin(ir.OpOr, l.binC(ir.OpShl, l.zext32(store1), 32), l.zext32(store0))
		status = l.b.Emit(ir.OpStoreExcl, ir.I32, 8, 0, addr, pair)
	} else {
		status = l.b.Emit(ir.OpStoreExclPair, ir.I32, 8, 0, addr, store0, store1)
	}
	stored := l.b.Cmp(ir.PredEq, status, l.konst(ir.I32, 0))
	l.setReg(in.Rs, l.b.Select(stored, old0, exp0))
	l.setReg(s1, l.b.Select(stored, old1, exp1))
	l.b.CondJump(stored, l.pc+4, l.pc)
	l.end()
}

func (l *lifter) writeBack(in decoder.Inst, wb ir.Value) {
	if wb != ir.NoValue {
		l.setReg(in.Rn, wb)
	}
}
