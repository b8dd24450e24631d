// Package decoder decodes A64 instruction words into a compact, fully
// resolved form (Inst) that the lifter turns into IR.
//
// The decoder is the single place that knows the encoding: it resolves
// register 31 to SP or ZR per instruction, pre-computes immediates (logical
// bitmasks, scaled offsets, sign-extended branch displacements) and rejects
// every encoding that is unallocated — or allocated but not executable at
// EL0 under Linux — by returning an Inst with Op == Undefined. It never
// panics.
//
// FP and Advanced SIMD data processing, and the SIMD structure loads and
// stores, are routed to decodeSIMD (simd*.go); their Ops are numbered from
// SIMDBase. The FP/SIMD register forms of the ordinary loads and stores
// (LDR/STR/LDP/... with V=1) are decoded here, with Inst.FP set.
package decoder

import (
	"fmt"
	"strings"
)

// Reg is a general-purpose register operand, already resolved: 0..30 are
// X0..X30 (or W0..W30), SP is the stack pointer and ZR the zero register.
// When Inst.FP is set, Rt/Rt2 of a load/store name V registers 0..31.
type Reg uint8

const (
	SP Reg = 31
	ZR Reg = 32
)

// ShiftType is the shift applied to a shifted-register operand.
type ShiftType uint8

const (
	LSL ShiftType = iota
	LSR
	ASR
	ROR
)

var shiftNames = [4]string{"lsl", "lsr", "asr", "ror"}

func (s ShiftType) String() string { return shiftNames[s&3] }

// ExtendType is the extension applied to an extended-register operand or a
// register memory offset (the architectural option field).
type ExtendType uint8

const (
	UXTB ExtendType = iota
	UXTH
	UXTW
	UXTX
	SXTB
	SXTH
	SXTW
	SXTX
)

var extendNames = [8]string{"uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"}

func (e ExtendType) String() string { return extendNames[e&7] }

// Signed reports whether the extension sign-extends.
func (e ExtendType) Signed() bool { return e&4 != 0 }

// Bits is the width of the source field of the extension.
func (e ExtendType) Bits() uint { return 8 << (e & 3) }

// Inst is one decoded instruction. Which fields are meaningful depends on
// Op; the comments on the Op constants say which.
type Inst struct {
	Op   Op
	Word uint32

	Rd, Rn, Rm, Ra Reg
	Rt, Rt2, Rs    Reg
	Imm            int64 // primary immediate, fully decoded (see Op docs)
	Imm2           int64 // secondary immediate (bitfield imms, CCMP nzcv, TBZ bit…)
	Shift          ShiftType
	Amount         uint8 // shift amount (shifted register, MOV wide, memory scale)
	Extend         ExtendType
	Cond           uint8 // condition code 0..15
	SF             bool  // 64-bit operation (X registers); for loads: Rt is X
	Size           uint8 // memory access size: log2 of bytes (0..4)
	Signed         bool  // sign-extending load (LDRSB/LDRSH/LDRSW/LDPSW)
	FP             bool  // Rt/Rt2 are SIMD&FP registers (B/H/S/D/Q by Size)
	Acquire        bool  // load-acquire semantics (LDAR, LDAXR, LDADDA…)
	Release        bool  // store-release semantics (STLR, STLXR, LDADDL…)
	Wback          bool  // base register is written back (pre/post index)
	PostIndex      bool  // address is the unmodified base (post index)
	VecQ           bool  // SIMD: 128-bit (Q=1) form; for decodeSIMD's use
	VecSize        uint8 // SIMD: element size field; for decodeSIMD's use
	VecIndex       uint8 // SIMD: element index; for decodeSIMD's use
}

// Bytes is the memory access size in bytes.
func (in Inst) Bytes() int { return 1 << in.Size }

// regName renders a general register in the width of the operation.
func regName(r Reg, sf bool) string {
	switch {
	case r == SP && sf:
		return "sp"
	case r == SP:
		return "wsp"
	case r == ZR && sf:
		return "xzr"
	case r == ZR:
		return "wzr"
	case sf:
		return fmt.Sprintf("x%d", r)
	}
	return fmt.Sprintf("w%d", r)
}

// fpRegName renders a SIMD&FP register as accessed by a load/store of
// 1<<size bytes.
func fpRegName(r Reg, size uint8) string {
	return fmt.Sprintf("%c%d", "bhsdq"[size%5], r)
}

// String renders the instruction for diagnostics, in a syntax close to the
// Arm assembler but without alias substitution (SUBS xzr, … stays SUBS), so
// that every register operand of the underlying instruction appears.
func (in Inst) String() string {
	if in.Op == Undefined {
		return fmt.Sprintf("undefined %#08x", in.Word)
	}
	if in.Op >= SIMDBase {
		return formatSIMD(in)
	}
	var sb strings.Builder
	sb.WriteString(in.mnemonic())
	args := in.operands()
	if len(args) > 0 {
		sb.WriteByte(' ')
		sb.WriteString(strings.Join(args, ", "))
	}
	return sb.String()
}

// mnemonic is the assembler name: the Op without its addressing-form
// suffix, with the size and signedness suffix of integer loads and stores.
func (in Inst) mnemonic() string {
	s := in.Op.String()
	if s == "B_cond" {
		return "b." + CondName(in.Cond)
	}
	if i := strings.IndexByte(s, '_'); i > 0 {
		s = s[:i]
	}
	s = strings.ToLower(s)
	if in.Op.IsAtomicRMW() {
		if in.Acquire {
			s += "a"
		}
		if in.Release {
			s += "l"
		}
	}
	if in.Op == MSR_PSTATE {
		s = "msr"
	}
	if in.Op.IsMemory() && !in.FP && in.Op != PRFM && in.Op != PRFM_reg && in.Op != PRFM_lit && in.Op != CASP {
		switch {
		case in.Signed && in.Size == 2:
			s += "sw"
		case in.Signed && in.Size == 1:
			s += "sh"
		case in.Signed && in.Size == 0:
			s += "sb"
		case in.Size == 1:
			s += "h"
		case in.Size == 0:
			s += "b"
		}
	}
	return s
}

var condNames = [16]string{"eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"}

// CondName is the assembler name of condition code c.
func CondName(c uint8) string { return condNames[c&15] }

func (in Inst) operands() []string {
	x := func(r Reg) string { return regName(r, in.SF) }
	x64 := func(r Reg) string { return regName(r, true) }
	imm := func(v int64) string { return fmt.Sprintf("#%#x", v) }
	sImm := func(v int64) string {
		if v < 0 {
			return fmt.Sprintf("#-%#x", -v)
		}
		return fmt.Sprintf("#%#x", v)
	}
	rel := func(v int64) string {
		if v < 0 {
			return fmt.Sprintf(".-%#x", -v)
		}
		return fmt.Sprintf(".+%#x", v)
	}
	t := func(r Reg) string {
		if in.FP {
			return fpRegName(r, in.Size)
		}
		return regName(r, in.SF)
	}
	mem := func() string {
		base := x64(in.Rn)
		switch {
		case in.PostIndex:
			return fmt.Sprintf("[%s], %s", base, sImm(in.Imm))
		case in.Wback:
			return fmt.Sprintf("[%s, %s]!", base, sImm(in.Imm))
		case in.Imm != 0:
			return fmt.Sprintf("[%s, %s]", base, sImm(in.Imm))
		}
		return fmt.Sprintf("[%s]", base)
	}
	regOffset := func() string {
		ext := in.Extend.String()
		if in.Extend == UXTX {
			ext = "lsl"
		}
		return fmt.Sprintf("[%s, %s, %s #%d]", x64(in.Rn), regName(in.Rm, in.Extend&3 == 3), ext, in.Amount)
	}
	switch in.Op {
	case ADD_imm, ADDS_imm, SUB_imm, SUBS_imm:
		return []string{x(in.Rd), x(in.Rn), imm(in.Imm)}
	case AND_imm, ORR_imm, EOR_imm, ANDS_imm:
		return []string{x(in.Rd), x(in.Rn), fmt.Sprintf("#%#x", uint64(in.Imm))}
	case MOVN, MOVZ, MOVK:
		return []string{x(in.Rd), imm(in.Imm), fmt.Sprintf("lsl #%d", in.Amount)}
	case ADR, ADRP:
		return []string{x64(in.Rd), rel(in.Imm)}
	case SBFM, BFM, UBFM:
		return []string{x(in.Rd), x(in.Rn), imm(in.Imm), imm(in.Imm2)}
	case EXTR:
		return []string{x(in.Rd), x(in.Rn), x(in.Rm), imm(in.Imm)}
	case AND_shift, BIC_shift, ORR_shift, ORN_shift, EOR_shift, EON_shift, ANDS_shift, BICS_shift,
		ADD_shift, ADDS_shift, SUB_shift, SUBS_shift:
		return []string{x(in.Rd), x(in.Rn), x(in.Rm), fmt.Sprintf("%s #%d", in.Shift, in.Amount)}
	case ADD_ext, ADDS_ext, SUB_ext, SUBS_ext:
		m := regName(in.Rm, in.SF && in.Extend&3 == 3)
		return []string{x(in.Rd), x(in.Rn), m, fmt.Sprintf("%s #%d", in.Extend, in.Amount)}
	case ADC, ADCS, SBC, SBCS, UDIV, SDIV, LSLV, LSRV, ASRV, RORV, SMULH, UMULH:
		return []string{x(in.Rd), x(in.Rn), x(in.Rm)}
	case CRC32B, CRC32H, CRC32W, CRC32CB, CRC32CH, CRC32CW:
		return []string{regName(in.Rd, false), regName(in.Rn, false), regName(in.Rm, false)}
	case CRC32X, CRC32CX:
		return []string{regName(in.Rd, false), regName(in.Rn, false), x64(in.Rm)}
	case CCMN_reg, CCMP_reg:
		return []string{x(in.Rn), x(in.Rm), imm(in.Imm2), CondName(in.Cond)}
	case CCMN_imm, CCMP_imm:
		return []string{x(in.Rn), imm(in.Imm), imm(in.Imm2), CondName(in.Cond)}
	case CSEL, CSINC, CSINV, CSNEG:
		return []string{x(in.Rd), x(in.Rn), x(in.Rm), CondName(in.Cond)}
	case RBIT, REV16, REV32, REV, CLZ, CLS:
		return []string{x(in.Rd), x(in.Rn)}
	case MADD, MSUB:
		return []string{x(in.Rd), x(in.Rn), x(in.Rm), x(in.Ra)}
	case SMADDL, SMSUBL, UMADDL, UMSUBL:
		return []string{x64(in.Rd), regName(in.Rn, false), regName(in.Rm, false), x64(in.Ra)}
	case B, BL:
		return []string{rel(in.Imm)}
	case B_cond:
		return []string{rel(in.Imm)}
	case CBZ, CBNZ:
		return []string{x(in.Rt), rel(in.Imm)}
	case TBZ, TBNZ:
		return []string{regName(in.Rt, in.Imm2 >= 32), fmt.Sprintf("#%d", in.Imm2), rel(in.Imm)}
	case BR, BLR, RET:
		return []string{x64(in.Rn)}
	case SVC, BRK, HINT:
		return []string{imm(in.Imm)}
	case CLREX:
		return nil
	case DMB, DSB, ISB:
		return []string{imm(in.Imm)}
	case MRS:
		return []string{x64(in.Rt), SysRegName(uint16(in.Imm))}
	case MSR:
		return []string{SysRegName(uint16(in.Imm)), x64(in.Rt)}
	case DC_ZVA, CACHE_MAINT:
		return []string{SysRegName(uint16(in.Imm)), x64(in.Rt)}
	case LDR_uimm, STR_uimm, LDUR, STUR, LDR_pre, STR_pre, LDR_post, STR_post, LDTR, STTR:
		return []string{t(in.Rt), mem()}
	case LDR_reg, STR_reg:
		return []string{t(in.Rt), regOffset()}
	case LDR_lit:
		return []string{t(in.Rt), rel(in.Imm)}
	case PRFM:
		return []string{imm(int64(in.Rt)), mem()}
	case PRFM_reg:
		return []string{imm(int64(in.Rt)), regOffset()}
	case PRFM_lit:
		return []string{imm(int64(in.Rt)), rel(in.Imm)}
	case LDP_off, LDP_pre, LDP_post, STP_off, STP_pre, STP_post, LDNP, STNP:
		return []string{t(in.Rt), t(in.Rt2), mem()}
	case LDXR, LDAXR, LDAR, LDLAR, LDAPR, LDAPUR, STLUR:
		return []string{t(in.Rt), mem()}
	case SB, CFINV, XAFLAG, AXFLAG:
		return nil
	case MSR_PSTATE:
		return []string{SysRegName(uint16(in.Imm)), imm(in.Imm2)}
	case RMIF:
		return []string{x64(in.Rn), imm(in.Imm), imm(in.Imm2)}
	case SETF8, SETF16:
		return []string{regName(in.Rn, false)}
	case STLR, STLLR:
		return []string{t(in.Rt), mem()}
	case STXR, STLXR:
		return []string{regName(in.Rs, false), t(in.Rt), mem()}
	case LDXP, LDAXP:
		return []string{t(in.Rt), t(in.Rt2), mem()}
	case STXP, STLXP:
		return []string{regName(in.Rs, false), t(in.Rt), t(in.Rt2), mem()}
	case LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN, SWP, CAS:
		return []string{t(in.Rs), t(in.Rt), mem()}
	case CASP:
		second := func(r Reg) Reg { // register 31 in a pair is the zero register
			if r+1 >= 31 {
				return ZR
			}
			return r + 1
		}
		return []string{t(in.Rs), t(second(in.Rs)), t(in.Rt), t(second(in.Rt)), mem()}
	}
	return []string{fmt.Sprintf("word=%#08x", in.Word)}
}
