package decoder

// Op is an instruction form. Integer forms are listed here; FP and Advanced
// SIMD forms are numbered from SIMDBase by simd*.go.
//
// Field use (besides Rd/Rn/Rm/Ra/Rt/Rt2/Rs and SF, which are obvious):
//   - ADD/SUB imm: Imm = the immediate after its optional LSL #12.
//   - logical imm: Imm = the decoded bitmask (truncated to 32 bits if !SF).
//   - MOVN/MOVZ/MOVK: Imm = imm16, Amount = shift (0, 16, 32, 48).
//   - ADR: Imm = byte offset from PC; ADRP: Imm = offset from PC&^0xfff.
//   - SBFM/BFM/UBFM: Imm = immr, Imm2 = imms. EXTR: Imm = lsb.
//   - shifted register: Shift, Amount. Extended register: Extend, Amount.
//   - CCMP/CCMN: Imm = imm5 (imm forms), Imm2 = nzcv, Cond.
//   - branches: Imm = byte offset from PC; TBZ/TBNZ: Imm2 = bit number.
//   - SVC/BRK: Imm = imm16. HINT: Imm = CRm:op2. DMB/DSB/ISB: Imm = CRm.
//   - MRS/MSR/DC_ZVA/CACHE_MAINT: Imm = system register encoding (SysReg*).
//   - loads/stores: Size = log2 bytes, Imm = byte offset (scaled), Wback,
//     PostIndex, Signed, FP; register offset: Extend, Amount = shift.
//   - PRFM*: Rt = prefetch operation.
//   - exclusives/atomics: Acquire, Release; Rs = status or operand register.
type Op uint16

const (
	Undefined Op = iota

	// Data processing, immediate.
	ADD_imm
	ADDS_imm
	SUB_imm
	SUBS_imm
	AND_imm
	ORR_imm
	EOR_imm
	ANDS_imm
	MOVN
	MOVZ
	MOVK
	ADR
	ADRP
	SBFM
	BFM
	UBFM
	EXTR

	// Data processing, register.
	AND_shift
	BIC_shift
	ORR_shift
	ORN_shift
	EOR_shift
	EON_shift
	ANDS_shift
	BICS_shift
	ADD_shift
	ADDS_shift
	SUB_shift
	SUBS_shift
	ADD_ext
	ADDS_ext
	SUB_ext
	SUBS_ext
	ADC
	ADCS
	SBC
	SBCS
	CCMN_reg
	CCMP_reg
	CCMN_imm
	CCMP_imm
	CSEL
	CSINC
	CSINV
	CSNEG
	RBIT
	REV16
	REV32 // 64-bit only; the 32-bit REV32 encoding is REV (sf=0)
	REV
	CLZ
	CLS
	UDIV
	SDIV
	LSLV
	LSRV
	ASRV
	RORV
	CRC32B
	CRC32H
	CRC32W
	CRC32X
	CRC32CB
	CRC32CH
	CRC32CW
	CRC32CX
	MADD
	MSUB
	SMADDL
	SMSUBL
	UMADDL
	UMSUBL
	SMULH
	UMULH

	// Branches, exception generation, system.
	B
	BL
	B_cond
	CBZ
	CBNZ
	TBZ
	TBNZ
	BR
	BLR
	RET
	SVC
	BRK
	HINT // NOP, YIELD, WFE, WFI, SEV, SEVL, BTI, PACIASP…: no effect at EL0 here
	CLREX
	DMB
	DSB
	ISB
	MRS
	MSR
	DC_ZVA      // DC ZVA, Xt: zero the 64-byte block holding Xt
	CACHE_MAINT // DC CVAU/CVAC/CIVAC/CVAP/CVADP, IC IVAU: no effect here
	SB          // speculation barrier (FEAT_SB)
	// MSR_PSTATE: MSR SSBS/DIT, #imm. Imm = the field's MRS/MSR register
	// encoding (SysRegSSBS, SysRegDIT), Imm2 = the new bit.
	MSR_PSTATE
	CFINV  // invert PSTATE.C (FEAT_FlagM)
	XAFLAG // convert from external to Arm floating-point flag format (FEAT_FlagM2)
	AXFLAG // convert from Arm to external floating-point flag format (FEAT_FlagM2)
	RMIF   // RMIF Xn, #Imm, #Imm2: rotate Xn right by Imm, insert its low 4 bits into NZCV where Imm2 has ones (FEAT_FlagM)
	SETF8  // N, Z, V from the low byte of Wn (FEAT_FlagM)
	SETF16 // N, Z, V from the low halfword of Wn (FEAT_FlagM)

	// Loads and stores.
	LDR_uimm
	STR_uimm
	LDUR
	STUR
	LDR_pre
	STR_pre
	LDR_post
	STR_post
	LDR_reg
	STR_reg
	LDTR
	STTR
	LDR_lit
	PRFM     // PRFM (unsigned offset) and PRFUM: Rt = prefetch operation
	PRFM_reg // PRFM (register offset)
	PRFM_lit // PRFM (literal)
	LDP_off
	LDP_pre
	LDP_post
	STP_off
	STP_pre
	STP_post
	LDNP
	STNP
	LDXR
	LDAXR
	STXR
	STLXR
	LDXP
	LDAXP
	STXP
	STLXP
	LDAR
	STLR
	LDLAR
	STLLR
	LDAPR
	// LDAPUR, STLUR (FEAT_LRCPC2): LDUR/STUR with LDAPR/STLR ordering;
	// Imm = the unscaled offset, Signed for LDAPURS*.
	LDAPUR
	STLUR
	LDADD
	LDCLR
	LDEOR
	LDSET
	LDSMAX
	LDSMIN
	LDUMAX
	LDUMIN
	SWP
	CAS
	CASP

	numIntOps
)

// SIMDBase is the first Op number of the FP/Advanced SIMD forms.
const SIMDBase Op = 0x400

// IsMemory reports whether the form accesses memory through Rn (or PC).
func (o Op) IsMemory() bool { return o >= LDR_uimm && o <= CASP }

// IsAtomicRMW reports whether o is an LSE read-modify-write (LDADD…SWP, CAS, CASP).
func (o Op) IsAtomicRMW() bool { return o >= LDADD && o <= CASP }

// opNames holds every Op's name; simd*.go add theirs with registerOpNames.
var opNames = map[Op]string{}

func registerOpNames(m map[Op]string) {
	for k, v := range m {
		if _, dup := opNames[k]; dup {
			panic("decoder: op named twice: " + v)
		}
		opNames[k] = v
	}
}

func (o Op) String() string {
	if s, ok := opNames[o]; ok {
		return s
	}
	return "op" + itoa(int(o))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func init() {
	registerOpNames(map[Op]string{
		Undefined:   "Undefined",
		ADD_imm:     "ADD_imm",
		ADDS_imm:    "ADDS_imm",
		SUB_imm:     "SUB_imm",
		SUBS_imm:    "SUBS_imm",
		AND_imm:     "AND_imm",
		ORR_imm:     "ORR_imm",
		EOR_imm:     "EOR_imm",
		ANDS_imm:    "ANDS_imm",
		MOVN:        "MOVN",
		MOVZ:        "MOVZ",
		MOVK:        "MOVK",
		ADR:         "ADR",
		ADRP:        "ADRP",
		SBFM:        "SBFM",
		BFM:         "BFM",
		UBFM:        "UBFM",
		EXTR:        "EXTR",
		AND_shift:   "AND_shift",
		BIC_shift:   "BIC_shift",
		ORR_shift:   "ORR_shift",
		ORN_shift:   "ORN_shift",
		EOR_shift:   "EOR_shift",
		EON_shift:   "EON_shift",
		ANDS_shift:  "ANDS_shift",
		BICS_shift:  "BICS_shift",
		ADD_shift:   "ADD_shift",
		ADDS_shift:  "ADDS_shift",
		SUB_shift:   "SUB_shift",
		SUBS_shift:  "SUBS_shift",
		ADD_ext:     "ADD_ext",
		ADDS_ext:    "ADDS_ext",
		SUB_ext:     "SUB_ext",
		SUBS_ext:    "SUBS_ext",
		ADC:         "ADC",
		ADCS:        "ADCS",
		SBC:         "SBC",
		SBCS:        "SBCS",
		CCMN_reg:    "CCMN_reg",
		CCMP_reg:    "CCMP_reg",
		CCMN_imm:    "CCMN_imm",
		CCMP_imm:    "CCMP_imm",
		CSEL:        "CSEL",
		CSINC:       "CSINC",
		CSINV:       "CSINV",
		CSNEG:       "CSNEG",
		RBIT:        "RBIT",
		REV16:       "REV16",
		REV32:       "REV32",
		REV:         "REV",
		CLZ:         "CLZ",
		CLS:         "CLS",
		UDIV:        "UDIV",
		SDIV:        "SDIV",
		LSLV:        "LSLV",
		LSRV:        "LSRV",
		ASRV:        "ASRV",
		RORV:        "RORV",
		CRC32B:      "CRC32B",
		CRC32H:      "CRC32H",
		CRC32W:      "CRC32W",
		CRC32X:      "CRC32X",
		CRC32CB:     "CRC32CB",
		CRC32CH:     "CRC32CH",
		CRC32CW:     "CRC32CW",
		CRC32CX:     "CRC32CX",
		MADD:        "MADD",
		MSUB:        "MSUB",
		SMADDL:      "SMADDL",
		SMSUBL:      "SMSUBL",
		UMADDL:      "UMADDL",
		UMSUBL:      "UMSUBL",
		SMULH:       "SMULH",
		UMULH:       "UMULH",
		B:           "B",
		BL:          "BL",
		B_cond:      "B_cond",
		CBZ:         "CBZ",
		CBNZ:        "CBNZ",
		TBZ:         "TBZ",
		TBNZ:        "TBNZ",
		BR:          "BR",
		BLR:         "BLR",
		RET:         "RET",
		SVC:         "SVC",
		BRK:         "BRK",
		HINT:        "HINT",
		CLREX:       "CLREX",
		DMB:         "DMB",
		DSB:         "DSB",
		ISB:         "ISB",
		MRS:         "MRS",
		MSR:         "MSR",
		DC_ZVA:      "DC_ZVA",
		CACHE_MAINT: "CACHE_MAINT",
		SB:          "SB",
		MSR_PSTATE:  "MSR_PSTATE",
		CFINV:       "CFINV",
		XAFLAG:      "XAFLAG",
		AXFLAG:      "AXFLAG",
		RMIF:        "RMIF",
		SETF8:       "SETF8",
		SETF16:      "SETF16",
		LDR_uimm:    "LDR_uimm",
		STR_uimm:    "STR_uimm",
		LDUR:        "LDUR",
		STUR:        "STUR",
		LDR_pre:     "LDR_pre",
		STR_pre:     "STR_pre",
		LDR_post:    "LDR_post",
		STR_post:    "STR_post",
		LDR_reg:     "LDR_reg",
		STR_reg:     "STR_reg",
		LDTR:        "LDTR",
		STTR:        "STTR",
		LDR_lit:     "LDR_lit",
		PRFM:        "PRFM",
		PRFM_reg:    "PRFM_reg",
		PRFM_lit:    "PRFM_lit",
		LDP_off:     "LDP_off",
		LDP_pre:     "LDP_pre",
		LDP_post:    "LDP_post",
		STP_off:     "STP_off",
		STP_pre:     "STP_pre",
		STP_post:    "STP_post",
		LDNP:        "LDNP",
		STNP:        "STNP",
		LDXR:        "LDXR",
		LDAXR:       "LDAXR",
		STXR:        "STXR",
		STLXR:       "STLXR",
		LDXP:        "LDXP",
		LDAXP:       "LDAXP",
		STXP:        "STXP",
		STLXP:       "STLXP",
		LDAR:        "LDAR",
		STLR:        "STLR",
		LDLAR:       "LDLAR",
		STLLR:       "STLLR",
		LDAPR:       "LDAPR",
		LDAPUR:      "LDAPUR",
		STLUR:       "STLUR",
		LDADD:       "LDADD",
		LDCLR:       "LDCLR",
		LDEOR:       "LDEOR",
		LDSET:       "LDSET",
		LDSMAX:      "LDSMAX",
		LDSMIN:      "LDSMIN",
		LDUMAX:      "LDUMAX",
		LDUMIN:      "LDUMIN",
		SWP:         "SWP",
		CAS:         "CAS",
		CASP:        "CASP",
	})
}
