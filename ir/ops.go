package ir

import "fmt"

// Op is an IR opcode. Scalar/integer ops are numbered from 0 (this file);
// FP and vector ops from OpVecBase (ops_vec.go). Every op is implemented by
// ir/interp; backend/amd64 compiles the ops it supports and runs any block
// holding another op in the interpreter, so adding an op never breaks the JIT.
type Op uint16

const (
	OpInvalid Op = iota

	// OpConst: Aux = value (I32/I64); for V128 Aux = low 64 bits, Aux2 = high.
	OpConst
	// OpInsnStart marks a guest instruction boundary; Aux = its PC. No value.
	OpInsnStart

	// Guest state access.
	OpGetReg  // I64 = X[Aux] (Aux 0..31, 31 = SP)
	OpSetReg  // X[Aux] = Args[0] (I64)
	OpGetV    // V128 = V[Aux]
	OpSetV    // V[Aux] = Args[0] (V128)
	OpGetNZCV // I32 = NZCV
	OpSetNZCV // NZCV = Args[0] (I32; only bits 31..28 are kept)
	OpGetSys  // I64 = system register Aux (SysReg)
	OpSetSys  // system register Aux = Args[0] (I64)

	// Integer arithmetic, type = operand type (I32 or I64).
	OpAdd
	OpSub
	OpMul
	OpUMulHi // I64 only: high 64 bits of the unsigned 128-bit product
	OpSMulHi // I64 only: high 64 bits of the signed 128-bit product
	OpUDiv   // AArch64 semantics: x/0 = 0
	OpSDiv   // AArch64 semantics: x/0 = 0, MinInt/-1 = MinInt
	OpAnd
	OpOr
	OpXor
	OpShl  // count modulo width
	OpLShr // count modulo width
	OpAShr // count modulo width
	OpRotR // count modulo width
	OpNot
	OpNeg
	OpClz   // count leading zeros (width if zero)
	OpCls   // count leading sign bits (AArch64 CLS: excludes the sign bit itself)
	OpRbit  // reverse bit order
	OpBswap // reverse byte order of the whole value

	// Width changes.
	OpZExt32 // I64 = zero-extend I32
	OpSExt32 // I64 = sign-extend I32
	OpTrunc  // I32 = low 32 bits of I64
	// OpZExtBits/OpSExtBits keep the type: clear (or sign-fill) every bit at
	// or above position Aux (Aux = 8, 16 or 32, < width).
	OpZExtBits
	OpSExtBits

	// OpSelect: Args[0] (I32 bool) != 0 ? Args[1] : Args[2].
	OpSelect
	// OpCmp: I32 bool = Args[0] <Pred Aux> Args[1] (integers of one type).
	OpCmp

	// Flags. Operands share one integer type which sets the width; results
	// are I32 NZCV values.
	OpFlagsAdd   // NZCV of Args[0] + Args[1]
	OpFlagsSub   // NZCV of Args[0] - Args[1] (C = no borrow)
	OpFlagsAdc   // NZCV of Args[0] + Args[1] + C(Args[2])
	OpFlagsSbc   // NZCV of Args[0] - Args[1] - 1 + C(Args[2])
	OpFlagsLogic // N, Z of Args[0]; C = V = 0
	OpAdc        // Args[0] + Args[1] + C(Args[2] NZCV); type of Args[0]
	OpSbc        // Args[0] - Args[1] - 1 + C(Args[2] NZCV); type of Args[0]
	OpCondHolds  // I32 bool: AArch64 condition Aux (0..15) holds for NZCV Args[0]

	// Memory. Addresses are I64 guest virtual addresses (identity-mapped).
	OpLoad   // I64 = load Aux bytes (1,2,4,8) at Args[0]; Aux2 = 1 sign-extends
	OpStore  // store low Aux bytes of Args[1] (I64) at Args[0]
	OpLoadV  // V128 = load Aux bytes (1,2,4,8,16) at Args[0], zero-extended
	OpStoreV // store low Aux bytes of Args[1] (V128) at Args[0]

	// Exclusive monitor (see CPU.ExclAddr). Sizes 1,2,4,8.
	OpLoadExcl  // I64 = load Aux bytes at Args[0] and take a reservation
	OpStoreExcl // I32 status (0 = stored) = store-exclusive Args[1] at Args[0]
	// OpLoadExclPair: I64 = first of two 8-byte words at Args[0] (Aux = 8;
	// the lifter turns W-register pairs into one 8-byte OpLoadExcl), the
	// reservation covers both; the second word is read with OpExclSecond.
	OpLoadExclPair
	OpExclSecond // I64 = second word of the last OpLoadExclPair
	// OpStoreExclPair: I32 status = store Args[1], Args[2] (8 bytes each).
	OpStoreExclPair
	OpClearExcl // CLREX

	// Atomic read-modify-write (LSE and CAS): I64 old value.
	// Aux = size in bytes, Aux2 = AtomicOp. Args[0] = address, Args[1] =
	// operand; for AtomicCAS Args[1] = expected, Args[2] = new.
	OpAtomic

	// OpFence is a memory barrier; Aux = FenceKind.
	OpFence

	// OpReadCounter: I64 = virtual counter (CNTVCT_EL0) in ticks of CounterHz.
	OpReadCounter

	// OpCRC32: I32 = the CRC-32 accumulator Args[0] (I32) updated with the
	// low Aux bytes (1, 2, 4, 8) of Args[1] (I64), least significant byte
	// first, bit-reflected and without pre- or post-inversion (A64
	// CRC32*). Aux2 = 0: polynomial 0x04C11DB7 (IEEE); 1: 0x1EDC6F41
	// (Castagnoli, CRC32C*).
	OpCRC32

	opScalarEnd
)

// Pred is an integer comparison predicate for OpCmp.
type Pred int64

const (
	PredEq Pred = iota
	PredNe
	PredULt
	PredULe
	PredUGt
	PredUGe
	PredSLt
	PredSLe
	PredSGt
	PredSGe
)

// AtomicOp selects the read-modify-write of OpAtomic.
type AtomicOp int64

const (
	AtomicAdd AtomicOp = iota
	AtomicClr          // mem &^= x (LDCLR)
	AtomicEor
	AtomicSet // mem |= x (LDSET)
	AtomicSMax
	AtomicSMin
	AtomicUMax
	AtomicUMin
	AtomicSwp
	AtomicCAS
)

// FenceKind is the strength of an OpFence.
type FenceKind int64

const (
	FenceFull  FenceKind = iota // DMB/DSB *SY, *ISH: all accesses
	FenceLoad                   // DMB *LD: later accesses after earlier loads
	FenceStore                  // DMB *ST: stores after stores
)

// CounterHz is the frequency the guest reads from CNTFRQ_EL0.
const CounterHz = 1_000_000_000 / 16 // 62.5 MHz, a common arm64 server value

// MIDR is the guest's MIDR_EL1 (what MRS reads and /proc/cpuinfo shows):
// Arm Neoverse-N1 r3p1. A widely deployed server core that libraries have
// no errata workarounds or odd tuning for; ferry's timing resembles no
// real core anyway.
const MIDR = 0x413FD0C1

var opNames = map[Op]string{
	OpInvalid: "invalid", OpConst: "const", OpInsnStart: "insn",
	OpGetReg: "getreg", OpSetReg: "setreg", OpGetV: "getv", OpSetV: "setv",
	OpGetNZCV: "getnzcv", OpSetNZCV: "setnzcv", OpGetSys: "getsys", OpSetSys: "setsys",
	OpAdd: "add", OpSub: "sub", OpMul: "mul", OpUMulHi: "umulhi", OpSMulHi: "smulhi",
	OpUDiv: "udiv", OpSDiv: "sdiv", OpAnd: "and", OpOr: "or", OpXor: "xor",
	OpShl: "shl", OpLShr: "lshr", OpAShr: "ashr", OpRotR: "rotr", OpNot: "not", OpNeg: "neg",
	OpClz: "clz", OpCls: "cls", OpRbit: "rbit", OpBswap: "bswap",
	OpZExt32: "zext32", OpSExt32: "sext32", OpTrunc: "trunc", OpZExtBits: "zextbits", OpSExtBits: "sextbits",
	OpSelect: "select", OpCmp: "cmp",
	OpFlagsAdd: "flags.add", OpFlagsSub: "flags.sub", OpFlagsAdc: "flags.adc", OpFlagsSbc: "flags.sbc",
	OpFlagsLogic: "flags.logic", OpAdc: "adc", OpSbc: "sbc", OpCondHolds: "cond",
	OpLoad: "load", OpStore: "store", OpLoadV: "loadv", OpStoreV: "storev",
	OpLoadExcl: "loadexcl", OpStoreExcl: "storeexcl", OpLoadExclPair: "loadexclpair",
	OpExclSecond: "exclsecond", OpStoreExclPair: "storeexclpair", OpClearExcl: "clrex",
	OpAtomic: "atomic", OpFence: "fence", OpReadCounter: "readcounter", OpCRC32: "crc32",
}

// RegisterOpName lets other files (ops_vec.go) name their ops.
func registerOpNames(m map[Op]string) {
	for k, v := range m {
		if _, dup := opNames[k]; dup {
			panic(fmt.Sprintf("ir: op %d named twice", k))
		}
		opNames[k] = v
	}
}

func (o Op) String() string {
	if s, ok := opNames[o]; ok {
		return s
	}
	return fmt.Sprintf("op%d", uint16(o))
}

// HasSideEffects reports whether an instruction must be kept even if its
// value is unused.
func (o Op) HasSideEffects() bool {
	switch o {
	case OpInsnStart, OpSetReg, OpSetV, OpSetNZCV, OpSetSys, OpStore, OpStoreV,
		OpLoad, OpLoadV, // loads can fault: keep them
		OpLoadExcl, OpStoreExcl, OpLoadExclPair, OpStoreExclPair, OpClearExcl,
		OpAtomic, OpFence, OpUDiv, OpSDiv:
		return true
	}
	return o >= OpVecBase && vecHasSideEffects(o)
}
