package decoder

// FP and Advanced SIMD instruction forms, numbered from SIMDBase. Suffixes:
// _v vector, _s SIMD scalar, _g general register, _fix fixed point,
// _elem by element. See simd.go for the fields each form uses.
const (
	// Advanced SIMD three same, integer (vector).
	ADD_v Op = SIMDBase + iota
	SUB_v
	MUL_v
	PMUL_v
	MLA_v
	MLS_v
	AND_v
	BIC_v
	ORR_v
	ORN_v
	EOR_v
	BSL_v
	BIT_v
	BIF_v
	CMEQ_v
	CMHI_v
	CMHS_v
	CMGT_v
	CMGE_v
	CMTST_v
	UMAX_v
	UMIN_v
	SMAX_v
	SMIN_v
	UABD_v
	SABD_v
	UABA_v
	SABA_v
	UMAXP_v
	UMINP_v
	SMAXP_v
	SMINP_v
	ADDP_v
	USHL_v
	SSHL_v
	UQADD_v
	SQADD_v
	UQSUB_v
	SQSUB_v

	// Advanced SIMD scalar three same, integer.
	ADD_s
	SUB_s
	CMEQ_s
	CMHI_s
	CMHS_s
	CMGT_s
	CMGE_s
	CMTST_s
	USHL_s
	SSHL_s
	UQADD_s
	SQADD_s
	UQSUB_s
	SQSUB_s

	// Two-register miscellaneous, integer (vector).
	REV64_v
	REV32_v
	REV16_v
	CLS_v
	CLZ_v
	CNT_v
	NOT_v
	RBIT_v
	ABS_v
	NEG_v
	CMGTZ_v
	CMEQZ_v
	CMLTZ_v
	CMGEZ_v
	CMLEZ_v
	XTN_v
	SQXTN_v
	UQXTN_v
	SQXTUN_v

	// Two-register miscellaneous, integer (scalar).
	ABS_s
	NEG_s
	CMGTZ_s
	CMEQZ_s
	CMLTZ_s
	CMGEZ_s
	CMLEZ_s
	SQXTN_s
	UQXTN_s
	SQXTUN_s

	// Across lanes.
	ADDV
	UMAXV
	UMINV
	SMAXV
	SMINV
	UADDLV
	SADDLV
	FMAXV
	FMINV
	FMAXNMV
	FMINNMV

	// Scalar pairwise.
	ADDP_s
	FADDP_s
	FMAXP_s
	FMINP_s
	FMAXNMP_s
	FMINNMP_s

	// Copy.
	DUP_elem
	DUP_gen
	DUP_scalar
	INS_gen
	INS_elem
	UMOV
	SMOV

	// Modified immediate.
	MOVI
	MVNI
	ORR_imm_v
	BIC_imm_v
	FMOV_imm_v

	// Shift by immediate (vector).
	SSHR_v
	USHR_v
	SSRA_v
	USRA_v
	SRSHR_v
	URSHR_v
	SHL_v
	SRI_v
	SLI_v
	SHRN_v
	RSHRN_v
	SSHLL_v
	USHLL_v
	SCVTF_vfix
	UCVTF_vfix
	FCVTZS_vfix
	FCVTZU_vfix

	// Shift by immediate (scalar).
	SSHR_s
	USHR_s
	SSRA_s
	USRA_s
	SHL_s
	SRI_s
	SLI_s
	SCVTF_sfix
	UCVTF_sfix
	FCVTZS_sfix
	FCVTZU_sfix

	// Three different.
	SADDL
	UADDL
	SADDW
	UADDW
	SSUBL
	USUBL
	SSUBW
	USUBW
	SMULL
	UMULL
	SMLAL
	UMLAL
	SMLSL
	UMLSL
	SABDL
	UABDL
	SABAL
	UABAL
	ADDHN
	SUBHN

	// By element.
	MUL_elem
	MLA_elem
	MLS_elem
	SMULL_elem
	UMULL_elem
	SMLAL_elem
	UMLAL_elem
	SMLSL_elem
	UMLSL_elem
	FMUL_elem
	FMLA_elem
	FMLS_elem
	FMULX_elem
	FMUL_selem
	FMLA_selem
	FMLS_selem
	FMULX_selem

	// Permute, extract, table.
	UZP1
	UZP2
	ZIP1
	ZIP2
	TRN1
	TRN2
	EXT
	TBL
	TBX

	// FP three same (vector).
	FADD_v
	FSUB_v
	FMUL_v
	FDIV_v
	FMAX_v
	FMIN_v
	FMAXNM_v
	FMINNM_v
	FMLA_v
	FMLS_v
	FMULX_v
	FABD_v
	FCMEQ_v
	FCMGE_v
	FCMGT_v
	FACGE_v
	FACGT_v
	FADDP_v
	FMAXP_v
	FMINP_v
	FMAXNMP_v
	FMINNMP_v

	// FP three same (SIMD scalar).
	FMULX_s
	FCMEQ_s
	FCMGE_s
	FCMGT_s
	FACGE_s
	FACGT_s
	FABD_s

	// FP two-register miscellaneous (vector).
	FABS_v
	FNEG_v
	FSQRT_v
	FRINTN_v
	FRINTM_v
	FRINTP_v
	FRINTZ_v
	FRINTA_v
	FRINTX_v
	FRINTI_v
	FCVTNS_v
	FCVTMS_v
	FCVTAS_v
	FCVTPS_v
	FCVTZS_v
	FCVTNU_v
	FCVTMU_v
	FCVTAU_v
	FCVTPU_v
	FCVTZU_v
	SCVTF_v
	UCVTF_v
	FCMGTZ_v
	FCMEQZ_v
	FCMLTZ_v
	FCMGEZ_v
	FCMLEZ_v
	FCVTL
	FCVTN

	// FP two-register miscellaneous (SIMD scalar).
	FCVTNS_s
	FCVTMS_s
	FCVTAS_s
	FCVTPS_s
	FCVTZS_s
	FCVTNU_s
	FCVTMU_s
	FCVTAU_s
	FCVTPU_s
	FCVTZU_s
	SCVTF_s
	UCVTF_s
	FCMGTZ_s
	FCMEQZ_s
	FCMLTZ_s
	FCMGEZ_s
	FCMLEZ_s

	// Scalar floating point.
	FMOV_reg
	FABS
	FNEG
	FSQRT
	FCVT
	FRINTN
	FRINTP
	FRINTM
	FRINTZ
	FRINTA
	FRINTX
	FRINTI
	FMUL
	FDIV
	FADD
	FSUB
	FMAX
	FMIN
	FMAXNM
	FMINNM
	FNMUL
	FMADD
	FMSUB
	FNMADD
	FNMSUB
	FCMP
	FCMPE
	FCCMP
	FCCMPE
	FCSEL
	FMOV_imm

	// FP <-> general register.
	FCVTNS_g
	FCVTNU_g
	FCVTPS_g
	FCVTPU_g
	FCVTMS_g
	FCVTMU_g
	FCVTZS_g
	FCVTZU_g
	FCVTAS_g
	FCVTAU_g
	SCVTF_g
	UCVTF_g
	FMOV_tog
	FMOV_fromg
	FCVTZS_gfix
	FCVTZU_gfix
	SCVTF_gfix
	UCVTF_gfix

	// Halving, rounding, saturating-shift and doubling-multiply integer
	// forms (three same, vector and scalar).
	SHADD_v
	UHADD_v
	SRHADD_v
	URHADD_v
	SHSUB_v
	UHSUB_v
	SQSHL_v
	UQSHL_v
	SRSHL_v
	URSHL_v
	SQRSHL_v
	UQRSHL_v
	SQDMULH_v
	SQRDMULH_v
	SQSHL_s
	UQSHL_s
	SRSHL_s
	URSHL_s
	SQRSHL_s
	UQRSHL_s
	SQDMULH_s
	SQRDMULH_s

	// Two-register miscellaneous: pairwise long adds, saturating
	// absolute/negate/accumulate, shift left long, estimates.
	SADDLP
	UADDLP
	SADALP
	UADALP
	SUQADD_v
	USQADD_v
	SQABS_v
	SQNEG_v
	SHLL
	SUQADD_s
	USQADD_s
	SQABS_s
	SQNEG_s
	URECPE
	URSQRTE
	FRECPE_v
	FRSQRTE_v
	FRECPE_s
	FRSQRTE_s
	FRECPX
	FCVTXN
	FCVTXN_s
	FRECPS_v
	FRSQRTS_v
	FRECPS_s
	FRSQRTS_s

	// Rounding and saturating shifts by immediate. _vi/_si: the
	// immediate forms of SQSHL/UQSHL (the register forms are _v/_s).
	SRSRA_v
	URSRA_v
	SQSHL_vi
	UQSHL_vi
	SQSHLU_v
	SQSHRN_v
	UQSHRN_v
	SQRSHRN_v
	UQRSHRN_v
	SQSHRUN_v
	SQRSHRUN_v
	SRSHR_s
	URSHR_s
	SRSRA_s
	URSRA_s
	SQSHL_si
	UQSHL_si
	SQSHLU_s
	SQSHRN_s
	UQSHRN_s
	SQRSHRN_s
	UQRSHRN_s
	SQSHRUN_s
	SQRSHRUN_s

	// Rounding narrow, saturating doubling long and polynomial long
	// (three different, vector and scalar; by element).
	RADDHN
	RSUBHN
	SQDMLAL
	SQDMLSL
	SQDMULL
	PMULL
	SQDMLAL_s
	SQDMLSL_s
	SQDMULL_s
	SQDMLAL_elem
	SQDMLSL_elem
	SQDMULL_elem
	SQDMULH_elem
	SQRDMULH_elem
	SQDMLAL_selem
	SQDMLSL_selem
	SQDMULL_selem
	SQDMULH_selem
	SQRDMULH_selem

	// Cryptographic AES (FEAT_AES): one round's SubBytes/ShiftRows with
	// the key added first (AESE, AESD), MixColumns (AESMC, AESIMC).
	AESE
	AESD
	AESMC
	AESIMC

	// Structure loads and stores: Imm = registers, Imm2 = elements per structure.
	LD_mult
	ST_mult
	LD_single
	ST_single
	LD_repl

	simdEnd
)

func init() {
	registerOpNames(map[Op]string{
		ADD_v:          "ADD_v",
		SUB_v:          "SUB_v",
		MUL_v:          "MUL_v",
		PMUL_v:         "PMUL_v",
		MLA_v:          "MLA_v",
		MLS_v:          "MLS_v",
		AND_v:          "AND_v",
		BIC_v:          "BIC_v",
		ORR_v:          "ORR_v",
		ORN_v:          "ORN_v",
		EOR_v:          "EOR_v",
		BSL_v:          "BSL_v",
		BIT_v:          "BIT_v",
		BIF_v:          "BIF_v",
		CMEQ_v:         "CMEQ_v",
		CMHI_v:         "CMHI_v",
		CMHS_v:         "CMHS_v",
		CMGT_v:         "CMGT_v",
		CMGE_v:         "CMGE_v",
		CMTST_v:        "CMTST_v",
		UMAX_v:         "UMAX_v",
		UMIN_v:         "UMIN_v",
		SMAX_v:         "SMAX_v",
		SMIN_v:         "SMIN_v",
		UABD_v:         "UABD_v",
		SABD_v:         "SABD_v",
		UABA_v:         "UABA_v",
		SABA_v:         "SABA_v",
		UMAXP_v:        "UMAXP_v",
		UMINP_v:        "UMINP_v",
		SMAXP_v:        "SMAXP_v",
		SMINP_v:        "SMINP_v",
		ADDP_v:         "ADDP_v",
		USHL_v:         "USHL_v",
		SSHL_v:         "SSHL_v",
		UQADD_v:        "UQADD_v",
		SQADD_v:        "SQADD_v",
		UQSUB_v:        "UQSUB_v",
		SQSUB_v:        "SQSUB_v",
		ADD_s:          "ADD_s",
		SUB_s:          "SUB_s",
		CMEQ_s:         "CMEQ_s",
		CMHI_s:         "CMHI_s",
		CMHS_s:         "CMHS_s",
		CMGT_s:         "CMGT_s",
		CMGE_s:         "CMGE_s",
		CMTST_s:        "CMTST_s",
		USHL_s:         "USHL_s",
		SSHL_s:         "SSHL_s",
		UQADD_s:        "UQADD_s",
		SQADD_s:        "SQADD_s",
		UQSUB_s:        "UQSUB_s",
		SQSUB_s:        "SQSUB_s",
		REV64_v:        "REV64_v",
		REV32_v:        "REV32_v",
		REV16_v:        "REV16_v",
		CLS_v:          "CLS_v",
		CLZ_v:          "CLZ_v",
		CNT_v:          "CNT_v",
		NOT_v:          "NOT_v",
		RBIT_v:         "RBIT_v",
		ABS_v:          "ABS_v",
		NEG_v:          "NEG_v",
		CMGTZ_v:        "CMGTZ_v",
		CMEQZ_v:        "CMEQZ_v",
		CMLTZ_v:        "CMLTZ_v",
		CMGEZ_v:        "CMGEZ_v",
		CMLEZ_v:        "CMLEZ_v",
		XTN_v:          "XTN_v",
		SQXTN_v:        "SQXTN_v",
		UQXTN_v:        "UQXTN_v",
		SQXTUN_v:       "SQXTUN_v",
		ABS_s:          "ABS_s",
		NEG_s:          "NEG_s",
		CMGTZ_s:        "CMGTZ_s",
		CMEQZ_s:        "CMEQZ_s",
		CMLTZ_s:        "CMLTZ_s",
		CMGEZ_s:        "CMGEZ_s",
		CMLEZ_s:        "CMLEZ_s",
		SQXTN_s:        "SQXTN_s",
		UQXTN_s:        "UQXTN_s",
		SQXTUN_s:       "SQXTUN_s",
		ADDV:           "ADDV",
		UMAXV:          "UMAXV",
		UMINV:          "UMINV",
		SMAXV:          "SMAXV",
		SMINV:          "SMINV",
		UADDLV:         "UADDLV",
		SADDLV:         "SADDLV",
		FMAXV:          "FMAXV",
		FMINV:          "FMINV",
		FMAXNMV:        "FMAXNMV",
		FMINNMV:        "FMINNMV",
		ADDP_s:         "ADDP_s",
		FADDP_s:        "FADDP_s",
		FMAXP_s:        "FMAXP_s",
		FMINP_s:        "FMINP_s",
		FMAXNMP_s:      "FMAXNMP_s",
		FMINNMP_s:      "FMINNMP_s",
		DUP_elem:       "DUP_elem",
		DUP_gen:        "DUP_gen",
		DUP_scalar:     "DUP_scalar",
		INS_gen:        "INS_gen",
		INS_elem:       "INS_elem",
		UMOV:           "UMOV",
		SMOV:           "SMOV",
		MOVI:           "MOVI",
		MVNI:           "MVNI",
		ORR_imm_v:      "ORR_imm_v",
		BIC_imm_v:      "BIC_imm_v",
		FMOV_imm_v:     "FMOV_imm_v",
		SSHR_v:         "SSHR_v",
		USHR_v:         "USHR_v",
		SSRA_v:         "SSRA_v",
		USRA_v:         "USRA_v",
		SRSHR_v:        "SRSHR_v",
		URSHR_v:        "URSHR_v",
		SHL_v:          "SHL_v",
		SRI_v:          "SRI_v",
		SLI_v:          "SLI_v",
		SHRN_v:         "SHRN_v",
		RSHRN_v:        "RSHRN_v",
		SSHLL_v:        "SSHLL_v",
		USHLL_v:        "USHLL_v",
		SCVTF_vfix:     "SCVTF_vfix",
		UCVTF_vfix:     "UCVTF_vfix",
		FCVTZS_vfix:    "FCVTZS_vfix",
		FCVTZU_vfix:    "FCVTZU_vfix",
		SSHR_s:         "SSHR_s",
		USHR_s:         "USHR_s",
		SSRA_s:         "SSRA_s",
		USRA_s:         "USRA_s",
		SHL_s:          "SHL_s",
		SRI_s:          "SRI_s",
		SLI_s:          "SLI_s",
		SCVTF_sfix:     "SCVTF_sfix",
		UCVTF_sfix:     "UCVTF_sfix",
		FCVTZS_sfix:    "FCVTZS_sfix",
		FCVTZU_sfix:    "FCVTZU_sfix",
		SADDL:          "SADDL",
		UADDL:          "UADDL",
		SADDW:          "SADDW",
		UADDW:          "UADDW",
		SSUBL:          "SSUBL",
		USUBL:          "USUBL",
		SSUBW:          "SSUBW",
		USUBW:          "USUBW",
		SMULL:          "SMULL",
		UMULL:          "UMULL",
		SMLAL:          "SMLAL",
		UMLAL:          "UMLAL",
		SMLSL:          "SMLSL",
		UMLSL:          "UMLSL",
		SABDL:          "SABDL",
		UABDL:          "UABDL",
		SABAL:          "SABAL",
		UABAL:          "UABAL",
		ADDHN:          "ADDHN",
		SUBHN:          "SUBHN",
		MUL_elem:       "MUL_elem",
		MLA_elem:       "MLA_elem",
		MLS_elem:       "MLS_elem",
		SMULL_elem:     "SMULL_elem",
		UMULL_elem:     "UMULL_elem",
		SMLAL_elem:     "SMLAL_elem",
		UMLAL_elem:     "UMLAL_elem",
		SMLSL_elem:     "SMLSL_elem",
		UMLSL_elem:     "UMLSL_elem",
		FMUL_elem:      "FMUL_elem",
		FMLA_elem:      "FMLA_elem",
		FMLS_elem:      "FMLS_elem",
		FMULX_elem:     "FMULX_elem",
		FMUL_selem:     "FMUL_selem",
		FMLA_selem:     "FMLA_selem",
		FMLS_selem:     "FMLS_selem",
		FMULX_selem:    "FMULX_selem",
		UZP1:           "UZP1",
		UZP2:           "UZP2",
		ZIP1:           "ZIP1",
		ZIP2:           "ZIP2",
		TRN1:           "TRN1",
		TRN2:           "TRN2",
		EXT:            "EXT",
		TBL:            "TBL",
		TBX:            "TBX",
		FADD_v:         "FADD_v",
		FSUB_v:         "FSUB_v",
		FMUL_v:         "FMUL_v",
		FDIV_v:         "FDIV_v",
		FMAX_v:         "FMAX_v",
		FMIN_v:         "FMIN_v",
		FMAXNM_v:       "FMAXNM_v",
		FMINNM_v:       "FMINNM_v",
		FMLA_v:         "FMLA_v",
		FMLS_v:         "FMLS_v",
		FMULX_v:        "FMULX_v",
		FABD_v:         "FABD_v",
		FCMEQ_v:        "FCMEQ_v",
		FCMGE_v:        "FCMGE_v",
		FCMGT_v:        "FCMGT_v",
		FACGE_v:        "FACGE_v",
		FACGT_v:        "FACGT_v",
		FADDP_v:        "FADDP_v",
		FMAXP_v:        "FMAXP_v",
		FMINP_v:        "FMINP_v",
		FMAXNMP_v:      "FMAXNMP_v",
		FMINNMP_v:      "FMINNMP_v",
		FMULX_s:        "FMULX_s",
		FCMEQ_s:        "FCMEQ_s",
		FCMGE_s:        "FCMGE_s",
		FCMGT_s:        "FCMGT_s",
		FACGE_s:        "FACGE_s",
		FACGT_s:        "FACGT_s",
		FABD_s:         "FABD_s",
		FABS_v:         "FABS_v",
		FNEG_v:         "FNEG_v",
		FSQRT_v:        "FSQRT_v",
		FRINTN_v:       "FRINTN_v",
		FRINTM_v:       "FRINTM_v",
		FRINTP_v:       "FRINTP_v",
		FRINTZ_v:       "FRINTZ_v",
		FRINTA_v:       "FRINTA_v",
		FRINTX_v:       "FRINTX_v",
		FRINTI_v:       "FRINTI_v",
		FCVTNS_v:       "FCVTNS_v",
		FCVTMS_v:       "FCVTMS_v",
		FCVTAS_v:       "FCVTAS_v",
		FCVTPS_v:       "FCVTPS_v",
		FCVTZS_v:       "FCVTZS_v",
		FCVTNU_v:       "FCVTNU_v",
		FCVTMU_v:       "FCVTMU_v",
		FCVTAU_v:       "FCVTAU_v",
		FCVTPU_v:       "FCVTPU_v",
		FCVTZU_v:       "FCVTZU_v",
		SCVTF_v:        "SCVTF_v",
		UCVTF_v:        "UCVTF_v",
		FCMGTZ_v:       "FCMGTZ_v",
		FCMEQZ_v:       "FCMEQZ_v",
		FCMLTZ_v:       "FCMLTZ_v",
		FCMGEZ_v:       "FCMGEZ_v",
		FCMLEZ_v:       "FCMLEZ_v",
		FCVTL:          "FCVTL",
		FCVTN:          "FCVTN",
		FCVTNS_s:       "FCVTNS_s",
		FCVTMS_s:       "FCVTMS_s",
		FCVTAS_s:       "FCVTAS_s",
		FCVTPS_s:       "FCVTPS_s",
		FCVTZS_s:       "FCVTZS_s",
		FCVTNU_s:       "FCVTNU_s",
		FCVTMU_s:       "FCVTMU_s",
		FCVTAU_s:       "FCVTAU_s",
		FCVTPU_s:       "FCVTPU_s",
		FCVTZU_s:       "FCVTZU_s",
		SCVTF_s:        "SCVTF_s",
		UCVTF_s:        "UCVTF_s",
		FCMGTZ_s:       "FCMGTZ_s",
		FCMEQZ_s:       "FCMEQZ_s",
		FCMLTZ_s:       "FCMLTZ_s",
		FCMGEZ_s:       "FCMGEZ_s",
		FCMLEZ_s:       "FCMLEZ_s",
		FMOV_reg:       "FMOV_reg",
		FABS:           "FABS",
		FNEG:           "FNEG",
		FSQRT:          "FSQRT",
		FCVT:           "FCVT",
		FRINTN:         "FRINTN",
		FRINTP:         "FRINTP",
		FRINTM:         "FRINTM",
		FRINTZ:         "FRINTZ",
		FRINTA:         "FRINTA",
		FRINTX:         "FRINTX",
		FRINTI:         "FRINTI",
		FMUL:           "FMUL",
		FDIV:           "FDIV",
		FADD:           "FADD",
		FSUB:           "FSUB",
		FMAX:           "FMAX",
		FMIN:           "FMIN",
		FMAXNM:         "FMAXNM",
		FMINNM:         "FMINNM",
		FNMUL:          "FNMUL",
		FMADD:          "FMADD",
		FMSUB:          "FMSUB",
		FNMADD:         "FNMADD",
		FNMSUB:         "FNMSUB",
		FCMP:           "FCMP",
		FCMPE:          "FCMPE",
		FCCMP:          "FCCMP",
		FCCMPE:         "FCCMPE",
		FCSEL:          "FCSEL",
		FMOV_imm:       "FMOV_imm",
		FCVTNS_g:       "FCVTNS_g",
		FCVTNU_g:       "FCVTNU_g",
		FCVTPS_g:       "FCVTPS_g",
		FCVTPU_g:       "FCVTPU_g",
		FCVTMS_g:       "FCVTMS_g",
		FCVTMU_g:       "FCVTMU_g",
		FCVTZS_g:       "FCVTZS_g",
		FCVTZU_g:       "FCVTZU_g",
		FCVTAS_g:       "FCVTAS_g",
		FCVTAU_g:       "FCVTAU_g",
		SCVTF_g:        "SCVTF_g",
		UCVTF_g:        "UCVTF_g",
		FMOV_tog:       "FMOV_tog",
		FMOV_fromg:     "FMOV_fromg",
		FCVTZS_gfix:    "FCVTZS_gfix",
		FCVTZU_gfix:    "FCVTZU_gfix",
		SCVTF_gfix:     "SCVTF_gfix",
		UCVTF_gfix:     "UCVTF_gfix",
		SHADD_v:        "SHADD_v",
		UHADD_v:        "UHADD_v",
		SRHADD_v:       "SRHADD_v",
		URHADD_v:       "URHADD_v",
		SHSUB_v:        "SHSUB_v",
		UHSUB_v:        "UHSUB_v",
		SQSHL_v:        "SQSHL_v",
		UQSHL_v:        "UQSHL_v",
		SRSHL_v:        "SRSHL_v",
		URSHL_v:        "URSHL_v",
		SQRSHL_v:       "SQRSHL_v",
		UQRSHL_v:       "UQRSHL_v",
		SQDMULH_v:      "SQDMULH_v",
		SQRDMULH_v:     "SQRDMULH_v",
		SQSHL_s:        "SQSHL_s",
		UQSHL_s:        "UQSHL_s",
		SRSHL_s:        "SRSHL_s",
		URSHL_s:        "URSHL_s",
		SQRSHL_s:       "SQRSHL_s",
		UQRSHL_s:       "UQRSHL_s",
		SQDMULH_s:      "SQDMULH_s",
		SQRDMULH_s:     "SQRDMULH_s",
		SADDLP:         "SADDLP",
		UADDLP:         "UADDLP",
		SADALP:         "SADALP",
		UADALP:         "UADALP",
		SUQADD_v:       "SUQADD_v",
		USQADD_v:       "USQADD_v",
		SQABS_v:        "SQABS_v",
		SQNEG_v:        "SQNEG_v",
		SHLL:           "SHLL",
		SUQADD_s:       "SUQADD_s",
		USQADD_s:       "USQADD_s",
		SQABS_s:        "SQABS_s",
		SQNEG_s:        "SQNEG_s",
		URECPE:         "URECPE",
		URSQRTE:        "URSQRTE",
		FRECPE_v:       "FRECPE_v",
		FRSQRTE_v:      "FRSQRTE_v",
		FRECPE_s:       "FRECPE_s",
		FRSQRTE_s:      "FRSQRTE_s",
		FRECPX:         "FRECPX",
		FCVTXN:         "FCVTXN",
		FCVTXN_s:       "FCVTXN_s",
		FRECPS_v:       "FRECPS_v",
		FRSQRTS_v:      "FRSQRTS_v",
		FRECPS_s:       "FRECPS_s",
		FRSQRTS_s:      "FRSQRTS_s",
		SRSRA_v:        "SRSRA_v",
		URSRA_v:        "URSRA_v",
		SQSHL_vi:       "SQSHL_vi",
		UQSHL_vi:       "UQSHL_vi",
		SQSHLU_v:       "SQSHLU_v",
		SQSHRN_v:       "SQSHRN_v",
		UQSHRN_v:       "UQSHRN_v",
		SQRSHRN_v:      "SQRSHRN_v",
		UQRSHRN_v:      "UQRSHRN_v",
		SQSHRUN_v:      "SQSHRUN_v",
		SQRSHRUN_v:     "SQRSHRUN_v",
		SRSHR_s:        "SRSHR_s",
		URSHR_s:        "URSHR_s",
		SRSRA_s:        "SRSRA_s",
		URSRA_s:        "URSRA_s",
		SQSHL_si:       "SQSHL_si",
		UQSHL_si:       "UQSHL_si",
		SQSHLU_s:       "SQSHLU_s",
		SQSHRN_s:       "SQSHRN_s",
		UQSHRN_s:       "UQSHRN_s",
		SQRSHRN_s:      "SQRSHRN_s",
		UQRSHRN_s:      "UQRSHRN_s",
		SQSHRUN_s:      "SQSHRUN_s",
		SQRSHRUN_s:     "SQRSHRUN_s",
		RADDHN:         "RADDHN",
		RSUBHN:         "RSUBHN",
		SQDMLAL:        "SQDMLAL",
		SQDMLSL:        "SQDMLSL",
		SQDMULL:        "SQDMULL",
		PMULL:          "PMULL",
		SQDMLAL_s:      "SQDMLAL_s",
		SQDMLSL_s:      "SQDMLSL_s",
		SQDMULL_s:      "SQDMULL_s",
		SQDMLAL_elem:   "SQDMLAL_elem",
		SQDMLSL_elem:   "SQDMLSL_elem",
		SQDMULL_elem:   "SQDMULL_elem",
		SQDMULH_elem:   "SQDMULH_elem",
		SQRDMULH_elem:  "SQRDMULH_elem",
		SQDMLAL_selem:  "SQDMLAL_selem",
		SQDMLSL_selem:  "SQDMLSL_selem",
		SQDMULL_selem:  "SQDMULL_selem",
		SQDMULH_selem:  "SQDMULH_selem",
		SQRDMULH_selem: "SQRDMULH_selem",
		AESE:           "AESE",
		AESD:           "AESD",
		AESMC:          "AESMC",
		AESIMC:         "AESIMC",
		LD_mult:        "LD_mult",
		ST_mult:        "ST_mult",
		LD_single:      "LD_single",
		ST_single:      "ST_single",
		LD_repl:        "LD_repl",
	})
}
