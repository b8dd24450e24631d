// Package ir defines ferry's intermediate representation: a typed,
// TCG-like, straight-line SSA form for one translation block.
//
// A Block is a list of instructions; each instruction defines at most one
// value, named by its index (Value). There are no branches inside a block:
// conditional data flow uses Select, and control flow happens only in the
// block's Terminator. Guest state is touched only through explicit Get/Set
// instructions, so both engines (ir/interp and backend/amd64) see exactly the
// same effects in the same order.
//
// Semantics every engine must implement identically:
//   - Integer ops work on I32 or I64; operands have the result's type unless
//     the op says otherwise. Shift and rotate counts are taken modulo the
//     width (AArch64 LSLV/LSRV/ASRV/RORV behaviour).
//   - UDiv/SDiv follow AArch64: division by zero gives 0, and
//     MinInt / -1 gives MinInt. There are no integer traps.
//   - Booleans are I32 values 0 or 1.
//   - NZCV values are I32 in the architectural layout (N=bit31 … V=bit28).
//   - Loads zero- or sign-extend into I64 (Aux = size in bytes, Aux2 = 1 for
//     sign extension); vector loads zero-extend into V128.
package ir

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Type is the type of an IR value.
type Type uint8

const (
	TNone Type = iota // instruction defines no value
	I32
	I64
	V128
)

func (t Type) String() string {
	switch t {
	case I32:
		return "i32"
	case I64:
		return "i64"
	case V128:
		return "v128"
	}
	return "none"
}

// Bits is the width of an integer type.
func (t Type) Bits() uint {
	switch t {
	case I32:
		return 32
	case I64:
		return 64
	case V128:
		return 128
	}
	return 0
}

// Value names the result of the instruction at that index in Block.Insts.
type Value int32

// NoValue marks an unused argument slot.
const NoValue Value = -1

// Inst is one IR instruction.
type Inst struct {
	Op   Op
	Type Type     // result type (TNone if the op defines nothing)
	Args [3]Value // operands; unused slots are NoValue
	Aux  int64    // op-specific immediate (see the Op docs)
	Aux2 int64    // second immediate
}

// TermKind says how a block ends.
type TermKind uint8

const (
	TermJump     TermKind = iota // continue at Target (chainable)
	TermCondJump                 // if Cond != 0 goto Target else goto Next
	TermIndirect                 // continue at the I64 value Addr
	TermSyscall                  // SVC executed; resume at Next
	TermTrap                     // raise Trap at PC (the trapping instruction)
)

// TrapKind is the reason of a TermTrap.
type TrapKind uint8

const (
	TrapUndefined  TrapKind = iota // Info = instruction word
	TrapBreakpoint                 // Info = BRK immediate
	TrapFetchFault                 // the instruction at PC cannot be fetched; Info = PC
	// TrapCodeChanged: IC IVAU at PC announces that guest code in the
	// cache line at X[Info] (Info > 30: XZR) may have changed. The runtime drops
	// its translations there and resumes at PC+4.
	TrapCodeChanged
)

// Terminator ends a block.
type Terminator struct {
	Kind   TermKind
	Cond   Value  // TermCondJump: I32 boolean
	Addr   Value  // TermIndirect: I64 target address
	Target uint64 // TermJump/TermCondJump taken target
	Next   uint64 // TermCondJump fall-through; TermSyscall resume address
	Trap   TrapKind
	PC     uint64 // TermTrap: address of the trapping instruction
	Info   uint64 // TermTrap: detail
}

// Block is one translation block: guest code from PC up to End (exclusive).
type Block struct {
	PC     uint64
	End    uint64
	NInsns int // guest instructions covered
	// Code is the guest instruction words [PC, End) were lifted from, as
	// the lifter read them: a saved translation is valid wherever guest
	// memory holds exactly these words (nil for hand-made blocks).
	Code  []uint32
	Insts []Inst
	Term  Terminator

	// Interp is private to ir/interp: the block compiled for the
	// interpreter, attached on first execution so every engine that hands
	// this block to the interpreter reuses it.
	Interp atomic.Value
}

// Builder appends instructions to a block. Methods return the defined value.
type Builder struct {
	B *Block
}

// NewBuilder starts a block at pc.
func NewBuilder(pc uint64) *Builder {
	return &Builder{B: &Block{PC: pc, End: pc, Insts: make([]Inst, 0, 64)}}
}

// Emit appends a raw instruction and returns its value.
func (b *Builder) Emit(op Op, t Type, aux, aux2 int64, args ...Value) Value {
	in := Inst{Op: op, Type: t, Aux: aux, Aux2: aux2, Args: [3]Value{NoValue, NoValue, NoValue}}
	copy(in.Args[:], args)
	b.B.Insts = append(b.B.Insts, in)
	return Value(len(b.B.Insts) - 1)
}

// TypeOf is the type of value v.
func (b *Builder) TypeOf(v Value) Type { return b.B.Insts[v].Type }

// Const is an integer constant of type t.
func (b *Builder) Const(t Type, c uint64) Value { return b.Emit(OpConst, t, int64(c), 0) }

// ConstV128 is a vector constant.
func (b *Builder) ConstV128(lo, hi uint64) Value {
	return b.Emit(OpConst, V128, int64(lo), int64(hi))
}

// InsnStart marks the start of the guest instruction at pc. Engines use it
// to know the precise PC of a faulting instruction.
func (b *Builder) InsnStart(pc uint64) { b.Emit(OpInsnStart, TNone, int64(pc), 0) }

func (b *Builder) GetReg(r int) Value          { return b.Emit(OpGetReg, I64, int64(r), 0) }
func (b *Builder) SetReg(r int, v Value)       { b.Emit(OpSetReg, TNone, int64(r), 0, v) }
func (b *Builder) GetV(r int) Value            { return b.Emit(OpGetV, V128, int64(r), 0) }
func (b *Builder) SetV(r int, v Value)         { b.Emit(OpSetV, TNone, int64(r), 0, v) }
func (b *Builder) GetNZCV() Value              { return b.Emit(OpGetNZCV, I32, 0, 0) }
func (b *Builder) SetNZCV(v Value)             { b.Emit(OpSetNZCV, TNone, 0, 0, v) }
func (b *Builder) GetSys(r SysReg) Value       { return b.Emit(OpGetSys, I64, int64(r), 0) }
func (b *Builder) SetSys(r SysReg, v Value)    { b.Emit(OpSetSys, TNone, int64(r), 0, v) }
func (b *Builder) Bin(op Op, x, y Value) Value { return b.Emit(op, b.TypeOf(x), 0, 0, x, y) }
func (b *Builder) Un(op Op, x Value) Value     { return b.Emit(op, b.TypeOf(x), 0, 0, x) }

// Select is c != 0 ? x : y.
func (b *Builder) Select(c, x, y Value) Value { return b.Emit(OpSelect, b.TypeOf(x), 0, 0, c, x, y) }

// Cmp compares x and y with predicate p, giving an I32 boolean.
func (b *Builder) Cmp(p Pred, x, y Value) Value { return b.Emit(OpCmp, I32, int64(p), 0, x, y) }

// CondHolds evaluates AArch64 condition code cond (0..15) against nzcv.
func (b *Builder) CondHolds(nzcv Value, cond int) Value {
	return b.Emit(OpCondHolds, I32, int64(cond), 0, nzcv)
}

// Load reads size bytes at addr, zero- or sign-extended to I64.
func (b *Builder) Load(addr Value, size int, signed bool) Value {
	s := int64(0)
	if signed {
		s = 1
	}
	return b.Emit(OpLoad, I64, int64(size), s, addr)
}

// Store writes the low size bytes of v at addr.
func (b *Builder) Store(addr, v Value, size int) { b.Emit(OpStore, TNone, int64(size), 0, addr, v) }

// LoadV reads size (1,2,4,8,16) bytes into the low part of a zeroed V128.
func (b *Builder) LoadV(addr Value, size int) Value {
	return b.Emit(OpLoadV, V128, int64(size), 0, addr)
}

// StoreV writes the low size bytes of vector v at addr.
func (b *Builder) StoreV(addr, v Value, size int) { b.Emit(OpStoreV, TNone, int64(size), 0, addr, v) }

// Jump, CondJump, Indirect, Syscall and Trap set the terminator.
func (b *Builder) Jump(target uint64) {
	b.B.Term = Terminator{Kind: TermJump, Target: target, Cond: NoValue, Addr: NoValue}
}
func (b *Builder) CondJump(c Value, target, next uint64) {
	b.B.Term = Terminator{Kind: TermCondJump, Cond: c, Target: target, Next: next, Addr: NoValue}
}
func (b *Builder) Indirect(addr Value) {
	b.B.Term = Terminator{Kind: TermIndirect, Addr: addr, Cond: NoValue}
}
func (b *Builder) Syscall(next uint64) {
	b.B.Term = Terminator{Kind: TermSyscall, Next: next, Cond: NoValue, Addr: NoValue}
}
func (b *Builder) Trap(k TrapKind, pc, info uint64) {
	b.B.Term = Terminator{Kind: TermTrap, Trap: k, PC: pc, Info: info, Cond: NoValue, Addr: NoValue}
}

// String renders the block for logs and test failures.
func (blk *Block) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "block %#x..%#x (%d insns)\n", blk.PC, blk.End, blk.NInsns)
	for i, in := range blk.Insts {
		fmt.Fprintf(&sb, "  %s\n", in.Format(Value(i)))
	}
	t := blk.Term
	switch t.Kind {
	case TermJump:
		fmt.Fprintf(&sb, "  jump %#x\n", t.Target)
	case TermCondJump:
		fmt.Fprintf(&sb, "  if v%d jump %#x else %#x\n", t.Cond, t.Target, t.Next)
	case TermIndirect:
		fmt.Fprintf(&sb, "  jump *v%d\n", t.Addr)
	case TermSyscall:
		fmt.Fprintf(&sb, "  syscall; resume %#x\n", t.Next)
	case TermTrap:
		fmt.Fprintf(&sb, "  trap %d at %#x info %#x\n", t.Trap, t.PC, t.Info)
	}
	return sb.String()
}

// Format renders one instruction defining value v.
func (in Inst) Format(v Value) string {
	var sb strings.Builder
	if in.Type != TNone {
		fmt.Fprintf(&sb, "v%d:%s = ", v, in.Type)
	}
	sb.WriteString(in.Op.String())
	for _, a := range in.Args {
		if a != NoValue {
			fmt.Fprintf(&sb, " v%d", a)
		}
	}
	if in.Aux != 0 || in.Aux2 != 0 {
		fmt.Fprintf(&sb, " [%#x", in.Aux)
		if in.Aux2 != 0 {
			fmt.Fprintf(&sb, ", %#x", in.Aux2)
		}
		sb.WriteString("]")
	}
	return sb.String()
}
