package decoder

// Feature names the optional architecture feature (FEAT_*) an
// instruction belongs to, as the Arm ARM's decode pseudocode checks it,
// or "" for mandatory ARMv8.0 instructions.
func (in Inst) Feature() string {
	switch in.Op {
	case MSR_PSTATE, MRS, MSR:
		switch uint16(in.Imm) {
		case SysRegSSBS:
			return "FEAT_SSBS"
		case SysRegDIT:
			return "FEAT_DIT"
		}
		return ""
	case CACHE_MAINT:
		switch uint16(in.Imm) {
		case SysOpDCCVAP:
			return "FEAT_DPB"
		case SysOpDCCVADP:
			return "FEAT_DPB2"
		}
		return ""
	case PMULL:
		if in.VecSize == 3 {
			return "FEAT_PMULL"
		}
		return ""
	}
	if f, ok := opFeatures[in.Op]; ok {
		return f
	}
	return ""
}

var opFeatures = map[Op]string{}

func init() {
	set := func(feature string, ops ...Op) {
		for _, o := range ops {
			opFeatures[o] = feature
		}
	}
	set("FEAT_CRC32", CRC32B, CRC32H, CRC32W, CRC32X, CRC32CB, CRC32CH, CRC32CW, CRC32CX)
	set("FEAT_LSE", LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN, SWP, CAS, CASP)
	set("FEAT_LOR", LDLAR, STLLR)
	set("FEAT_LRCPC", LDAPR)
	set("FEAT_LRCPC2", LDAPUR, STLUR)
	set("FEAT_SB", SB)
	set("FEAT_FlagM", CFINV, RMIF, SETF8, SETF16)
	set("FEAT_FlagM2", AXFLAG, XAFLAG)
	set("FEAT_AES", AESE, AESD, AESMC, AESIMC)
	set("FEAT_SHA1", SHA1C, SHA1P, SHA1M, SHA1H, SHA1SU0, SHA1SU1)
	set("FEAT_SHA256", SHA256H, SHA256H2, SHA256SU0, SHA256SU1)
	set("FEAT_SHA512", SHA512H, SHA512H2, SHA512SU0, SHA512SU1)
	set("FEAT_SHA3", EOR3, BCAX, RAX1, XAR)
	set("FEAT_SM3", SM3SS1, SM3TT1A, SM3TT1B, SM3TT2A, SM3TT2B, SM3PARTW1, SM3PARTW2)
	set("FEAT_SM4", SM4E, SM4EKEY)
	set("FEAT_RDM", SQRDMLAH_v, SQRDMLSH_v, SQRDMLAH_s, SQRDMLSH_s, SQRDMLAH_elem, SQRDMLSH_elem,
		SQRDMLAH_selem, SQRDMLSH_selem)
	set("FEAT_DotProd", SDOT_v, UDOT_v, SDOT_elem, UDOT_elem)
	set("FEAT_I8MM", USDOT_v, USDOT_elem, SUDOT_elem, SMMLA, UMMLA, USMMLA)
	set("FEAT_FCMA", FCMLA_v, FCMLA_elem, FCADD)
	set("FEAT_JSCVT", FJCVTZS)
	set("FEAT_FRINTTS", FRINT32Z, FRINT32X, FRINT64Z, FRINT64X, FRINT32Z_v, FRINT32X_v, FRINT64Z_v, FRINT64X_v)
}
