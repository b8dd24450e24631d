package decoder

import (
	"fmt"
	"math"
	"strings"
)

// formatSIMD renders an FP/SIMD instruction for Inst.String in GNU syntax,
// without alias substitution (ORR stays ORR, INS stays INS).
func formatSIMD(in Inst) string {
	m, args := simdText(in)
	if len(args) == 0 {
		return m
	}
	return m + " " + strings.Join(args, ", ")
}

var arrNames = [4][2]string{{"8b", "16b"}, {"4h", "8h"}, {"2s", "4s"}, {"1d", "2d"}}

// arr is the arrangement of lane size s in the instruction's width.
func arr(s uint8, q bool) string { return arrNames[s&3][simdBit(q)] }

func vreg(r Reg, s uint8, q bool) string { return fmt.Sprintf("v%d.%s", r, arr(s, q)) }

// sreg is a scalar SIMD&FP register of lane size s (b, h, s, d, q).
func sreg(r Reg, s uint8) string { return fmt.Sprintf("%c%d", "bhsdq"[s%5], r) }

func elem(r Reg, s uint8, i uint8) string {
	return fmt.Sprintf("v%d.%c[%d]", r, "bhsd"[s&3], i)
}

// simdMnemonic is the lower-case assembler name of an FP/SIMD form,
// including the "2" suffix of forms that use the upper half.
func simdMnemonic(in Inst) string {
	name := in.Op.String()
	if i := strings.IndexByte(name, '_'); i > 0 {
		name = name[:i]
	}
	name = strings.ToLower(name)
	switch in.Op {
	case CMGTZ_v, CMEQZ_v, CMLTZ_v, CMGEZ_v, CMLEZ_v, CMGTZ_s, CMEQZ_s, CMLTZ_s, CMGEZ_s, CMLEZ_s,
		FCMGTZ_v, FCMEQZ_v, FCMLTZ_v, FCMGEZ_v, FCMLEZ_v, FCMGTZ_s, FCMEQZ_s, FCMLTZ_s, FCMGEZ_s, FCMLEZ_s:
		name = strings.TrimSuffix(name, "z")
	case LD_mult, ST_mult, LD_single, ST_single, LD_repl:
		name = name[:2] + fmt.Sprint(in.Imm2)
		if in.Op == LD_repl {
			name += "r"
		}
	}
	if in.VecQ && upperHalfForm(in.Op) {
		name += "2"
	}
	return name
}

// upperHalfForm reports forms whose Q=1 encoding is the "2" variant that
// reads or writes the upper half (XTN2, UMULL2, FCVTL2…).
func upperHalfForm(o Op) bool {
	switch o {
	case XTN_v, SQXTN_v, UQXTN_v, SQXTUN_v, SHRN_v, RSHRN_v, SSHLL_v, USHLL_v, FCVTL, FCVTN,
		SADDL, UADDL, SADDW, UADDW, SSUBL, USUBL, SSUBW, USUBW, SMULL, UMULL, SMLAL, UMLAL,
		SMLSL, UMLSL, SABDL, UABDL, SABAL, UABAL, ADDHN, SUBHN,
		SMULL_elem, UMULL_elem, SMLAL_elem, UMLAL_elem, SMLSL_elem, UMLSL_elem,
		SHLL, FCVTXN, SQSHRN_v, UQSHRN_v, SQRSHRN_v, UQRSHRN_v, SQSHRUN_v, SQRSHRUN_v,
		RADDHN, RSUBHN, SQDMLAL, SQDMLSL, SQDMULL, PMULL, SQDMLAL_elem, SQDMLSL_elem, SQDMULL_elem:
		return true
	}
	return false
}

func simdText(in Inst) (string, []string) {
	m := simdMnemonic(in)
	q, s := in.VecQ, in.VecSize
	d, n, mm := in.Rd, in.Rn, in.Rm
	v3 := func() []string { return []string{vreg(d, s, q), vreg(n, s, q), vreg(mm, s, q)} }
	s3 := func() []string { return []string{sreg(d, s), sreg(n, s), sreg(mm, s)} }
	imm := func(v int64) string { return fmt.Sprintf("#%d", v) }
	gp := func(r Reg) string { return regName(r, in.SF) }
	switch in.Op {
	case ADD_s, SUB_s, CMEQ_s, CMHI_s, CMHS_s, CMGT_s, CMGE_s, CMTST_s, USHL_s, SSHL_s,
		UQADD_s, SQADD_s, UQSUB_s, SQSUB_s,
		SQSHL_s, UQSHL_s, SRSHL_s, URSHL_s, SQRSHL_s, UQRSHL_s, SQDMULH_s, SQRDMULH_s, FRECPS_s, FRSQRTS_s,
		FMULX_s, FCMEQ_s, FCMGE_s, FCMGT_s, FACGE_s, FACGT_s, FABD_s,
		FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL:
		return m, s3()
	case ABS_s, NEG_s, FCVTNS_s, FCVTMS_s, FCVTAS_s, FCVTPS_s, FCVTZS_s, FCVTNU_s, FCVTMU_s,
		FCVTAU_s, FCVTPU_s, FCVTZU_s, SCVTF_s, UCVTF_s,
		SUQADD_s, USQADD_s, SQABS_s, SQNEG_s, FRECPE_s, FRSQRTE_s, FRECPX,
		FMOV_reg, FABS, FNEG, FSQRT, FRINTN, FRINTP, FRINTM, FRINTZ, FRINTA, FRINTX, FRINTI:
		return m, []string{sreg(d, s), sreg(n, s)}
	case CMGTZ_s, CMEQZ_s, CMLTZ_s, CMGEZ_s, CMLEZ_s:
		return m, []string{sreg(d, s), sreg(n, s), "#0"}
	case FCMGTZ_s, FCMEQZ_s, FCMLTZ_s, FCMGEZ_s, FCMLEZ_s:
		return m, []string{sreg(d, s), sreg(n, s), "#0.0"}
	case SQXTN_s, UQXTN_s, SQXTUN_s, FCVTXN_s:
		return m, []string{sreg(d, s), sreg(n, s+1)}
	case SADDLP, UADDLP, SADALP, UADALP:
		return m, []string{vreg(d, s+1, q), vreg(n, s, q)}
	case SHLL:
		return m, []string{vreg(d, s+1, true), vreg(n, s, q), imm(in.Imm)}
	case PMULL:
		if s == 3 { // 1D × 1D → 1Q
			return m, []string{fmt.Sprintf("v%d.1q", d), vreg(n, 3, q), vreg(mm, 3, q)}
		}
		return m, []string{vreg(d, 1, true), vreg(n, 0, q), vreg(mm, 0, q)}
	case AESE, AESD, AESMC, AESIMC:
		return m, []string{vreg(d, 0, true), vreg(n, 0, true)}
	case SHA1C, SHA1P, SHA1M:
		return m, []string{sreg(d, 4), sreg(n, 2), vreg(mm, 2, true)}
	case SHA256H, SHA256H2:
		return m, []string{sreg(d, 4), sreg(n, 4), vreg(mm, 2, true)}
	case SHA512H, SHA512H2:
		return m, []string{sreg(d, 4), sreg(n, 4), vreg(mm, 3, true)}
	case SHA1H:
		return m, []string{sreg(d, 2), sreg(n, 2)}
	case SHA1SU1, SHA256SU0, SHA512SU0, SM4E:
		return m, []string{vreg(d, s, true), vreg(n, s, true)}
	case EOR3, BCAX, SM3SS1:
		return m, append(v3(), vreg(in.Ra, s, true))
	case XAR:
		return m, append(v3(), imm(in.Imm))
	case SM3TT1A, SM3TT1B, SM3TT2A, SM3TT2B:
		return m, []string{vreg(d, 2, true), vreg(n, 2, true), elem(mm, 2, in.VecIndex)}
	case SQRDMLAH_s, SQRDMLSH_s:
		return m, s3()
	case SQRDMLAH_elem, SQRDMLSH_elem:
		return m, []string{vreg(d, s, q), vreg(n, s, q), elem(mm, s, in.VecIndex)}
	case SQRDMLAH_selem, SQRDMLSH_selem:
		return m, []string{sreg(d, s), sreg(n, s), elem(mm, s, in.VecIndex)}
	case SDOT_v, UDOT_v, USDOT_v, SMMLA, UMMLA, USMMLA:
		return m, []string{vreg(d, 2, q), vreg(n, 0, q), vreg(mm, 0, q)}
	case SDOT_elem, UDOT_elem, USDOT_elem, SUDOT_elem:
		return m, []string{vreg(d, 2, q), vreg(n, 0, q), fmt.Sprintf("v%d.4b[%d]", mm, in.VecIndex)}
	case FCMLA_v:
		return m, append(v3(), imm(90*in.Imm))
	case FCADD:
		return m, append(v3(), imm(90*in.Imm))
	case FCMLA_elem:
		return m, []string{vreg(d, s, q), vreg(n, s, q), elem(mm, s, in.VecIndex), imm(90 * in.Imm)}
	case FJCVTZS:
		return m, []string{regName(d, false), sreg(n, 3)}
	case FRINT32Z, FRINT32X, FRINT64Z, FRINT64X:
		return m, []string{sreg(d, s), sreg(n, s)}
	case FRINT32Z_v, FRINT32X_v, FRINT64Z_v, FRINT64X_v:
		return m, []string{vreg(d, s, q), vreg(n, s, q)}
	case SQDMLAL_s, SQDMLSL_s, SQDMULL_s:
		return m, []string{sreg(d, s+1), sreg(n, s), sreg(mm, s)}
	case SQDMULH_selem, SQRDMULH_selem:
		return m, []string{sreg(d, s), sreg(n, s), elem(mm, s, in.VecIndex)}
	case SQDMLAL_selem, SQDMLSL_selem, SQDMULL_selem:
		return m, []string{sreg(d, s+1), sreg(n, s), elem(mm, s, in.VecIndex)}
	case SQSHRN_s, UQSHRN_s, SQRSHRN_s, UQRSHRN_s, SQSHRUN_s, SQRSHRUN_s:
		return m, []string{sreg(d, s), sreg(n, s+1), imm(in.Imm)}
	case FCMGTZ_v, FCMEQZ_v, FCMLTZ_v, FCMGEZ_v, FCMLEZ_v:
		return m, []string{vreg(d, s, q), vreg(n, s, q), "#0.0"}
	case CMGTZ_v, CMEQZ_v, CMLTZ_v, CMGEZ_v, CMLEZ_v:
		return m, []string{vreg(d, s, q), vreg(n, s, q), "#0"}
	case XTN_v, SQXTN_v, UQXTN_v, SQXTUN_v:
		return m, []string{vreg(d, s, q), vreg(n, s+1, true)}
	case FCVTN, FCVTXN:
		return m, []string{vreg(d, s, q), vreg(n, s+1, true)}
	case FCVTL:
		return m, []string{vreg(d, s+1, true), vreg(n, s, q)}
	case REV64_v, REV32_v, REV16_v, CLS_v, CLZ_v, CNT_v, NOT_v, RBIT_v, ABS_v, NEG_v,
		FABS_v, FNEG_v, FSQRT_v, FRINTN_v, FRINTM_v, FRINTP_v, FRINTZ_v, FRINTA_v, FRINTX_v, FRINTI_v,
		FCVTNS_v, FCVTMS_v, FCVTAS_v, FCVTPS_v, FCVTZS_v, FCVTNU_v, FCVTMU_v, FCVTAU_v, FCVTPU_v,
		FCVTZU_v, SCVTF_v, UCVTF_v, SUQADD_v, USQADD_v, SQABS_v, SQNEG_v, URECPE, URSQRTE,
		FRECPE_v, FRSQRTE_v:
		return m, []string{vreg(d, s, q), vreg(n, s, q)}
	case ADDV, UMAXV, UMINV, SMAXV, SMINV, FMAXV, FMINV, FMAXNMV, FMINNMV:
		return m, []string{sreg(d, s), vreg(n, s, q)}
	case UADDLV, SADDLV:
		return m, []string{sreg(d, s+1), vreg(n, s, q)}
	case ADDP_s, FADDP_s, FMAXP_s, FMINP_s, FMAXNMP_s, FMINNMP_s:
		return m, []string{sreg(d, s), fmt.Sprintf("v%d.2%c", n, "bhsd"[s])} // two lanes
	case DUP_elem:
		return m, []string{vreg(d, s, q), elem(n, s, in.VecIndex)}
	case DUP_gen:
		return m, []string{vreg(d, s, q), gp(n)}
	case DUP_scalar:
		return m, []string{sreg(d, s), elem(n, s, in.VecIndex)}
	case INS_gen:
		return m, []string{elem(d, s, in.VecIndex), gp(n)}
	case INS_elem:
		return m, []string{elem(d, s, in.VecIndex), elem(n, s, uint8(in.Imm))}
	case UMOV, SMOV:
		return m, []string{gp(d), elem(n, s, in.VecIndex)}
	case MOVI, MVNI, ORR_imm_v, BIC_imm_v, FMOV_imm_v:
		return m, modImmOperands(in)
	case SSHR_v, USHR_v, SSRA_v, USRA_v, SRSHR_v, URSHR_v, SHL_v, SRI_v, SLI_v,
		SRSRA_v, URSRA_v, SQSHL_vi, UQSHL_vi, SQSHLU_v:
		return m, []string{vreg(d, s, q), vreg(n, s, q), imm(in.Imm)}
	case SHRN_v, RSHRN_v, SQSHRN_v, UQSHRN_v, SQRSHRN_v, UQRSHRN_v, SQSHRUN_v, SQRSHRUN_v:
		return m, []string{vreg(d, s, q), vreg(n, s+1, true), imm(in.Imm)}
	case SSHLL_v, USHLL_v:
		return m, []string{vreg(d, s+1, true), vreg(n, s, q), imm(in.Imm)}
	case SCVTF_vfix, UCVTF_vfix, FCVTZS_vfix, FCVTZU_vfix:
		return m, []string{vreg(d, s, q), vreg(n, s, q), imm(in.Imm)}
	case SSHR_s, USHR_s, SSRA_s, USRA_s, SHL_s, SRI_s, SLI_s, SRSHR_s, URSHR_s, SRSRA_s, URSRA_s,
		SQSHL_si, UQSHL_si, SQSHLU_s, SCVTF_sfix, UCVTF_sfix, FCVTZS_sfix, FCVTZU_sfix:
		return m, []string{sreg(d, s), sreg(n, s), imm(in.Imm)}
	case SADDL, UADDL, SSUBL, USUBL, SMULL, UMULL, SMLAL, UMLAL, SMLSL, UMLSL, SABDL, UABDL, SABAL, UABAL,
		SQDMLAL, SQDMLSL, SQDMULL:
		return m, []string{vreg(d, s+1, true), vreg(n, s, q), vreg(mm, s, q)}
	case SADDW, UADDW, SSUBW, USUBW:
		return m, []string{vreg(d, s+1, true), vreg(n, s+1, true), vreg(mm, s, q)}
	case ADDHN, SUBHN, RADDHN, RSUBHN:
		return m, []string{vreg(d, s, q), vreg(n, s+1, true), vreg(mm, s+1, true)}
	case MUL_elem, MLA_elem, MLS_elem, SQDMULH_elem, SQRDMULH_elem, FMUL_elem, FMLA_elem, FMLS_elem, FMULX_elem:
		return m, []string{vreg(d, s, q), vreg(n, s, q), elem(mm, s, in.VecIndex)}
	case SMULL_elem, UMULL_elem, SMLAL_elem, UMLAL_elem, SMLSL_elem, UMLSL_elem,
		SQDMLAL_elem, SQDMLSL_elem, SQDMULL_elem:
		return m, []string{vreg(d, s+1, true), vreg(n, s, q), elem(mm, s, in.VecIndex)}
	case FMUL_selem, FMLA_selem, FMLS_selem, FMULX_selem:
		return m, []string{sreg(d, s), sreg(n, s), elem(mm, s, in.VecIndex)}
	case EXT:
		return m, append(v3(), imm(in.Imm))
	case TBL, TBX:
		return m, []string{vreg(d, 0, q), regList(n, int(in.Imm), "16b", -1), vreg(mm, 0, q)}
	case FMADD, FMSUB, FNMADD, FNMSUB:
		return m, []string{sreg(d, s), sreg(n, s), sreg(mm, s), sreg(in.Ra, s)}
	case FCMP, FCMPE:
		if in.Imm == 1 {
			return m, []string{sreg(n, s), "#0.0"}
		}
		return m, []string{sreg(n, s), sreg(mm, s)}
	case FCCMP, FCCMPE:
		return m, []string{sreg(n, s), sreg(mm, s), fmt.Sprintf("#%#x", in.Imm), CondName(in.Cond)}
	case FCSEL:
		return m, []string{sreg(d, s), sreg(n, s), sreg(mm, s), CondName(in.Cond)}
	case FMOV_imm:
		return m, []string{sreg(d, s), fmt.Sprintf("#%v", fpImmValue(uint64(in.Imm), s))}
	case FCVT:
		return m, []string{sreg(d, uint8(in.Imm)), sreg(n, s)}
	case FCVTNS_g, FCVTNU_g, FCVTPS_g, FCVTPU_g, FCVTMS_g, FCVTMU_g, FCVTZS_g, FCVTZU_g, FCVTAS_g, FCVTAU_g:
		return m, []string{gp(d), sreg(n, s)}
	case SCVTF_g, UCVTF_g:
		return m, []string{sreg(d, s), gp(n)}
	case FCVTZS_gfix, FCVTZU_gfix:
		return m, []string{gp(d), sreg(n, s), imm(in.Imm)}
	case SCVTF_gfix, UCVTF_gfix:
		return m, []string{sreg(d, s), gp(n), imm(in.Imm)}
	case FMOV_tog:
		if in.VecIndex == 1 {
			return m, []string{gp(d), "v" + fmt.Sprint(n) + ".d[1]"}
		}
		return m, []string{gp(d), sreg(n, s)}
	case FMOV_fromg:
		if in.VecIndex == 1 {
			return m, []string{"v" + fmt.Sprint(d) + ".d[1]", gp(n)}
		}
		return m, []string{sreg(d, s), gp(n)}
	case LD_mult, ST_mult, LD_repl:
		return m, []string{regList(in.Rt, int(in.Imm), arr(s, q), -1), structAddr(in)}
	case LD_single, ST_single:
		return m, []string{regList(in.Rt, int(in.Imm), string("bhsd"[s]), int(in.VecIndex)), structAddr(in)}
	}
	return m, v3()
}

// regList renders {vT.arr, ...} with register numbers wrapping at 32; a
// non-negative index adds the [index] of single-structure forms.
func regList(first Reg, n int, arrangement string, index int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("v%d.%s", (int(first)+i)%32, arrangement)
	}
	s := "{" + strings.Join(parts, ", ") + "}"
	if index >= 0 {
		s += fmt.Sprintf("[%d]", index)
	}
	return s
}

func structAddr(in Inst) string {
	base := fmt.Sprintf("[%s]", regName(in.Rn, true))
	switch {
	case !in.PostIndex:
		return base
	case in.Rm == ZR:
		return fmt.Sprintf("%s, #%d", base, in.Amount)
	}
	return fmt.Sprintf("%s, %s", base, regName(in.Rm, true))
}

func modImmOperands(in Inst) []string {
	cmode, imm8 := in.Imm2>>8, in.Imm2&0xFF
	dst := vreg(in.Rd, in.VecSize, in.VecQ)
	switch {
	case in.Op == FMOV_imm_v:
		return []string{dst, fmt.Sprintf("#%v", fpImmValue(VFPExpandImm(uint32(imm8), in.VecSize), in.VecSize))}
	case cmode == 14 && in.VecSize == 3:
		if !in.VecQ {
			dst = sreg(in.Rd, 3)
		}
		return []string{dst, fmt.Sprintf("#%#x", uint64(in.Imm))}
	case cmode == 14:
		return []string{dst, fmt.Sprintf("#%#x", imm8)}
	case cmode>>2 == 3:
		return []string{dst, fmt.Sprintf("#%#x", imm8), fmt.Sprintf("msl #%d", 8<<(cmode&1))}
	case cmode>>3 == 1:
		return []string{dst, fmt.Sprintf("#%#x", imm8), fmt.Sprintf("lsl #%d", 8*(cmode>>1&1))}
	}
	return []string{dst, fmt.Sprintf("#%#x", imm8), fmt.Sprintf("lsl #%d", 8*(cmode>>1&3))}
}

// fpImmValue is the value of FP bits of size s, for disassembly.
func fpImmValue(b uint64, s uint8) float64 {
	if s == 3 {
		return math.Float64frombits(b)
	}
	return float64(math.Float32frombits(uint32(b)))
}
