package decoder

// decodeSIMD decodes the SIMD&FP data-processing group (op0 = x111, see
// IsSIMDDataProcessing) and the Advanced SIMD structure loads and stores
// (IsSIMDLoadStore). Its Ops (simd_ops.go) use Inst's fields this way:
//
//   - Rd, Rn, Rm, Ra: V register numbers 0..31, except where a form names a
//     general register: DUP_gen/INS_gen Rn, UMOV/SMOV Rd, the *_g and
//     *_gfix conversions and FMOV_tog/FMOV_fromg (the general side, 31 =
//     ZR), and structure loads/stores (Rn = base, 31 = SP; Rm = post-index
//     register, ZR = immediate post-index by Amount bytes).
//   - VecQ: 128-bit vector (Q = 1).
//   - VecSize: lane size, 0 = 8-bit … 3 = 64-bit. FP forms use it for the
//     FP size (1 = half, 2 = single, 3 = double). Long, wide and narrow
//     forms give the size of the narrow lanes. FCVT: VecSize = source size,
//     Imm = destination size. FCVTL/FCVTN: VecSize = the narrow FP size.
//   - VecIndex: lane index (DUP_elem, DUP_scalar, UMOV, SMOV, INS_* (the
//     destination), by-element forms, single-structure forms;
//     FMOV_tog/FMOV_fromg: 1 for the upper half Vn.D[1]).
//   - Imm: shift amount (shift forms, SSHLL/USHLL), fraction bits (*fix),
//     EXT byte position, INS_elem source lane, TBL/TBX table registers,
//     FCCMP nzcv, FCVT destination size, modified-immediate forms: the
//     64-bit lane pattern (both halves of a 128-bit register get it),
//     FMOV_imm: the FP bit pattern; structure loads/stores: the number of
//     registers.
//   - Imm2: structure loads/stores: elements per structure (LD1..LD4).
//   - SF: the general register is 64-bit.
//   - Cond: FCSEL, FCCMP, FCCMPE.
//
// Encodings of features ferry does not provide (FP16 arithmetic, dot
// product, SHA1/SHA2/SHA3/SM3/SM4, RDM, complex numbers, BF16, SVE…)
// decode as undefined; of the crypto extensions only AES and PMULL are.
func decodeSIMD(w uint32) (Inst, bool) {
	if IsSIMDLoadStore(w) {
		return decodeStructLdSt(w)
	}
	switch {
	case w&0xFF000000 == 0xCE000000:
		return decodeCryptoCE(w)
	case w&0xFF208C00 == 0x5E000000:
		return decodeSHA3Reg(w)
	case w&0xFF3E0C00 == 0x5E280800:
		return decodeSHA2Reg(w)
	case w&0x9F208400 == 0x0E008400:
		return decodeThreeSameExtra(w)
	case w&0xDF208400 == 0x5E008400:
		return decodeScalarThreeSameExtra(w)
	case w&0x9F200400 == 0x0E200400:
		return decodeThreeSame(w)
	case w&0x9F200C00 == 0x0E200000:
		return decodeThreeDiff(w)
	case w&0xFFFFCC00 == 0x4E284800:
		return decodeAES(w)
	case w&0x9F3E0C00 == 0x0E200800:
		return decodeTwoMisc(w, false)
	case w&0x9F3E0C00 == 0x0E300800:
		return decodeAcross(w)
	case w&0x9FE08400 == 0x0E000400:
		return decodeCopy(w)
	case w&0x9FF80400 == 0x0F000400:
		return decodeModImm(w)
	case w&0x9F800400 == 0x0F000400:
		return decodeShiftImm(w, false)
	case w&0x9F000400 == 0x0F000000:
		return decodeByElem(w, false)
	case w&0xBF208C00 == 0x0E000800:
		return decodePermute(w)
	case w&0xBF208400 == 0x2E000000:
		return decodeExt(w)
	case w&0xBF208C00 == 0x0E000000:
		return decodeTable(w)
	case w&0xDF200400 == 0x5E200400:
		return decodeScalarThreeSame(w)
	case w&0xDF3E0C00 == 0x5E200800:
		return decodeTwoMisc(w, true)
	case w&0xDF3E0C00 == 0x5E300800:
		return decodeScalarPairwise(w)
	case w&0xDF200C00 == 0x5E200000:
		return decodeScalarThreeDiff(w)
	case w&0xFFE08400 == 0x5E000400:
		return decodeScalarDup(w)
	case w&0xDF800400 == 0x5F000400:
		return decodeShiftImm(w, true)
	case w&0xDF000400 == 0x5F000000:
		return decodeByElem(w, true)
	case w&0x5F200000 == 0x1E000000:
		return decodeFPFixed(w)
	case w&0x5F20FC00 == 0x1E200000:
		return decodeFPInt(w)
	case w&0x5F207C00 == 0x1E204000:
		return decodeFP1(w)
	case w&0x5F203C00 == 0x1E202000:
		return decodeFPCompare(w)
	case w&0x5F201C00 == 0x1E201000:
		return decodeFPImm(w)
	case w&0x5F200C00 == 0x1E200400:
		return decodeFPCondCompare(w)
	case w&0x5F200C00 == 0x1E200800:
		return decodeFP2(w)
	case w&0x5F200C00 == 0x1E200C00:
		return decodeFPCondSelect(w)
	case w&0x5F000000 == 0x1F000000:
		return decodeFP3(w)
	}
	return Inst{}, false
}

// vregs fills Rd, Rn, Rm with the V register fields.
func simdRegs(w uint32) Inst {
	return Inst{Rd: Reg(bits(w, 0, 5)), Rn: Reg(bits(w, 5, 5)), Rm: Reg(bits(w, 16, 5)),
		VecQ: bit(w, 30), VecSize: uint8(bits(w, 22, 2))}
}

func simdOp(in Inst, op Op) (Inst, bool) {
	in.Op = op
	return in, op != Undefined
}

// fpSize maps the scalar FP "ftype" field to a lane size; half precision
// (3) is reported as 1, and 2 is reserved.
func fpSize(ftype uint32) (uint8, bool) {
	switch ftype {
	case 0:
		return 2, true
	case 1:
		return 3, true
	case 3:
		return 1, true
	}
	return 0, false
}

func decodeThreeSame(w uint32) (Inst, bool) {
	in := simdRegs(w)
	u := bit(w, 29)
	opc := bits(w, 11, 5)
	size := in.VecSize
	if opc >= 0x18 { // FP three same: bit 23 selects the op, bit 22 the size
		return decodeFPThreeSame(w, in, false)
	}
	if opc == 3 { // logical: size selects the operation
		in.VecSize = 0
		ops := [2][4]Op{{AND_v, BIC_v, ORR_v, ORN_v}, {EOR_v, BSL_v, BIT_v, BIF_v}}
		return simdOp(in, ops[simdBit(u)][size])
	}
	if size == 3 && !in.VecQ {
		return in, false // 1D arrangement is reserved for vector forms
	}
	var op Op
	type pair struct{ s, u Op }
	table := map[uint32]pair{
		0x00: {SHADD_v, UHADD_v}, 0x01: {SQADD_v, UQADD_v}, 0x02: {SRHADD_v, URHADD_v},
		0x04: {SHSUB_v, UHSUB_v}, 0x05: {SQSUB_v, UQSUB_v},
		0x06: {CMGT_v, CMHI_v}, 0x07: {CMGE_v, CMHS_v}, 0x08: {SSHL_v, USHL_v},
		0x09: {SQSHL_v, UQSHL_v}, 0x0A: {SRSHL_v, URSHL_v}, 0x0B: {SQRSHL_v, UQRSHL_v},
		0x0C: {SMAX_v, UMAX_v}, 0x0D: {SMIN_v, UMIN_v}, 0x0E: {SABD_v, UABD_v},
		0x0F: {SABA_v, UABA_v},
		0x10: {ADD_v, SUB_v}, 0x11: {CMTST_v, CMEQ_v}, 0x12: {MLA_v, MLS_v},
		0x13: {MUL_v, PMUL_v}, 0x14: {SMAXP_v, UMAXP_v}, 0x15: {SMINP_v, UMINP_v},
		0x16: {SQDMULH_v, SQRDMULH_v}, 0x17: {ADDP_v, Undefined},
	}
	p, ok := table[opc]
	if !ok {
		return in, false
	}
	op = p.s
	if u {
		op = p.u
	}
	switch op {
	case SMAX_v, UMAX_v, SMIN_v, UMIN_v, SABD_v, UABD_v, SABA_v, UABA_v, MLA_v, MLS_v, MUL_v,
		SMAXP_v, UMAXP_v, SMINP_v, UMINP_v, SHADD_v, UHADD_v, SRHADD_v, URHADD_v, SHSUB_v, UHSUB_v:
		if size == 3 {
			return in, false
		}
	case SQDMULH_v, SQRDMULH_v:
		if size == 0 || size == 3 {
			return in, false
		}
	case PMUL_v:
		if size != 0 {
			return in, false
		}
	}
	return simdOp(in, op)
}

func decodeFPThreeSame(w uint32, in Inst, scalar bool) (Inst, bool) {
	u, a := bit(w, 29), bit(w, 23)
	opc := bits(w, 11, 5)
	in.VecSize = 2 + uint8(bits(w, 22, 1))
	if !scalar && in.VecSize == 3 && !in.VecQ {
		return in, false
	}
	key := opc | simdBit(a)<<5 | simdBit(u)<<6
	var op Op
	if scalar {
		op = map[uint32]Op{
			0x1B: FMULX_s, 0x1C: FCMEQ_s, 0x1F: FRECPS_s, 0x3F: FRSQRTS_s, 0x5C: FCMGE_s, 0x5D: FACGE_s,
			0x7A: FABD_s, 0x7C: FCMGT_s, 0x7D: FACGT_s,
		}[key]
	} else {
		op = map[uint32]Op{
			0x18: FMAXNM_v, 0x19: FMLA_v, 0x1A: FADD_v, 0x1B: FMULX_v, 0x1C: FCMEQ_v, 0x1E: FMAX_v,
			0x1F: FRECPS_v, 0x38: FMINNM_v, 0x39: FMLS_v, 0x3A: FSUB_v, 0x3E: FMIN_v, 0x3F: FRSQRTS_v,
			0x58: FMAXNMP_v, 0x5A: FADDP_v, 0x5B: FMUL_v, 0x5C: FCMGE_v, 0x5D: FACGE_v, 0x5E: FMAXP_v, 0x5F: FDIV_v,
			0x78: FMINNMP_v, 0x7A: FABD_v, 0x7C: FCMGT_v, 0x7D: FACGT_v, 0x7E: FMINP_v,
		}[key]
	}
	return simdOp(in, op)
}

func decodeScalarThreeSame(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	opc := bits(w, 11, 5)
	if opc >= 0x18 {
		return decodeFPThreeSame(w, in, true)
	}
	u := bit(w, 29)
	type pair struct{ s, u Op }
	table := map[uint32]pair{
		0x01: {SQADD_s, UQADD_s}, 0x05: {SQSUB_s, UQSUB_s},
		0x06: {CMGT_s, CMHI_s}, 0x07: {CMGE_s, CMHS_s}, 0x08: {SSHL_s, USHL_s},
		0x09: {SQSHL_s, UQSHL_s}, 0x0A: {SRSHL_s, URSHL_s}, 0x0B: {SQRSHL_s, UQRSHL_s},
		0x10: {ADD_s, SUB_s}, 0x11: {CMTST_s, CMEQ_s}, 0x16: {SQDMULH_s, SQRDMULH_s},
	}
	p, ok := table[opc]
	if !ok {
		return in, false
	}
	op := p.s
	if u {
		op = p.u
	}
	switch op {
	case SQADD_s, UQADD_s, SQSUB_s, UQSUB_s, SQSHL_s, UQSHL_s, SQRSHL_s, UQRSHL_s:
	case SQDMULH_s, SQRDMULH_s:
		if in.VecSize == 0 || in.VecSize == 3 {
			return in, false
		}
	default:
		if in.VecSize != 3 {
			return in, false
		}
	}
	return simdOp(in, op)
}

func decodeTwoMisc(w uint32, scalar bool) (Inst, bool) {
	in := simdRegs(w)
	u := bit(w, 29)
	opc := bits(w, 12, 5)
	size := in.VecSize
	if scalar {
		in.VecQ = false
	}
	// FP forms: opcodes 0x0C-0x0F with size >= 2, and 0x16-0x1F.
	if opc >= 0x16 || opc >= 0x0C && opc <= 0x0F && size >= 2 {
		return decodeFPTwoMisc(w, in, scalar)
	}
	key := opc | simdBit(u)<<5
	var op Op
	if scalar {
		op = map[uint32]Op{
			0x03: SUQADD_s, 0x07: SQABS_s,
			0x08: CMGTZ_s, 0x09: CMEQZ_s, 0x0A: CMLTZ_s, 0x0B: ABS_s, 0x14: SQXTN_s,
			0x23: USQADD_s, 0x27: SQNEG_s,
			0x28: CMGEZ_s, 0x29: CMLEZ_s, 0x2B: NEG_s, 0x32: SQXTUN_s, 0x34: UQXTN_s,
		}[key]
		switch op {
		case SUQADD_s, USQADD_s, SQABS_s, SQNEG_s:
		case SQXTN_s, SQXTUN_s, UQXTN_s:
			if size == 3 {
				return in, false
			}
		default:
			if size != 3 {
				return in, false
			}
		}
		return simdOp(in, op)
	}
	op = map[uint32]Op{
		0x00: REV64_v, 0x01: REV16_v, 0x02: SADDLP, 0x03: SUQADD_v, 0x04: CLS_v, 0x05: CNT_v,
		0x06: SADALP, 0x07: SQABS_v, 0x08: CMGTZ_v, 0x09: CMEQZ_v,
		0x0A: CMLTZ_v, 0x0B: ABS_v, 0x12: XTN_v, 0x14: SQXTN_v,
		0x20: REV32_v, 0x22: UADDLP, 0x23: USQADD_v, 0x24: CLZ_v, 0x25: NOT_v, 0x26: UADALP,
		0x27: SQNEG_v, 0x28: CMGEZ_v, 0x29: CMLEZ_v, 0x2B: NEG_v,
		0x32: SQXTUN_v, 0x33: SHLL, 0x34: UQXTN_v,
	}[key]
	switch op {
	case REV64_v:
		if size == 3 {
			return in, false
		}
	case REV16_v, CNT_v:
		if size != 0 {
			return in, false
		}
	case REV32_v:
		if size > 1 {
			return in, false
		}
	case NOT_v:
		switch size {
		case 0:
		case 1:
			op = RBIT_v
			in.VecSize = 0
		default:
			return in, false
		}
	case XTN_v, SQXTN_v, SQXTUN_v, UQXTN_v, CLS_v, CLZ_v, SADDLP, UADDLP, SADALP, UADALP:
		if size == 3 {
			return in, false
		}
	case SHLL:
		if size == 3 {
			return in, false
		}
		in.Imm = 8 << size // the shift is the lane width
	default:
		if size == 3 && !in.VecQ {
			return in, false
		}
	}
	return simdOp(in, op)
}

func decodeFPTwoMisc(w uint32, in Inst, scalar bool) (Inst, bool) {
	u, a := bit(w, 29), bit(w, 23)
	opc := bits(w, 12, 5)
	sz := uint8(bits(w, 22, 1))
	in.VecSize = 2 + sz
	key := opc | simdBit(a)<<5 | simdBit(u)<<6
	if !scalar && (opc == 0x16 || opc == 0x17) && !a {
		// FCVTN/FCVTL: sz selects the narrow size (0 = half, 1 = single).
		in.VecSize = 1 + sz
		if u { // FCVTXN: double to single only
			if opc != 0x16 || sz != 1 {
				return in, false
			}
			return simdOp(in, FCVTXN)
		}
		return simdOp(in, map[uint32]Op{0x16: FCVTN, 0x17: FCVTL}[opc])
	}
	if scalar && key == 0x56 { // FCVTXN Sd, Dn
		if sz != 1 {
			return in, false
		}
		in.VecSize = 2
		return simdOp(in, FCVTXN_s)
	}
	if !scalar && (key == 0x3C || key == 0x7C) { // URECPE, URSQRTE: 32-bit lanes
		if sz != 0 {
			return in, false
		}
		return simdOp(in, map[uint32]Op{0x3C: URECPE, 0x7C: URSQRTE}[key])
	}
	if !scalar && in.VecSize == 3 && !in.VecQ {
		return in, false
	}
	var op Op
	if scalar {
		op = map[uint32]Op{
			0x1A: FCVTNS_s, 0x1B: FCVTMS_s, 0x1C: FCVTAS_s, 0x1D: SCVTF_s,
			0x2C: FCMGTZ_s, 0x2D: FCMEQZ_s, 0x2E: FCMLTZ_s, 0x3A: FCVTPS_s, 0x3B: FCVTZS_s,
			0x3D: FRECPE_s, 0x3F: FRECPX,
			0x5A: FCVTNU_s, 0x5B: FCVTMU_s, 0x5C: FCVTAU_s, 0x5D: UCVTF_s,
			0x6C: FCMGEZ_s, 0x6D: FCMLEZ_s, 0x7A: FCVTPU_s, 0x7B: FCVTZU_s, 0x7D: FRSQRTE_s,
		}[key]
	} else {
		op = map[uint32]Op{
			0x18: FRINTN_v, 0x19: FRINTM_v, 0x1A: FCVTNS_v, 0x1B: FCVTMS_v, 0x1C: FCVTAS_v, 0x1D: SCVTF_v,
			0x2C: FCMGTZ_v, 0x2D: FCMEQZ_v, 0x2E: FCMLTZ_v, 0x2F: FABS_v, 0x38: FRINTP_v, 0x39: FRINTZ_v,
			0x3A: FCVTPS_v, 0x3B: FCVTZS_v, 0x3D: FRECPE_v,
			0x58: FRINTA_v, 0x59: FRINTX_v, 0x5A: FCVTNU_v, 0x5B: FCVTMU_v, 0x5C: FCVTAU_v, 0x5D: UCVTF_v,
			0x6C: FCMGEZ_v, 0x6D: FCMLEZ_v, 0x6F: FNEG_v, 0x79: FRINTI_v, 0x7A: FCVTPU_v, 0x7B: FCVTZU_v,
			0x7D: FRSQRTE_v, 0x7F: FSQRT_v,
			0x1E: FRINT32Z_v, 0x1F: FRINT64Z_v, 0x5E: FRINT32X_v, 0x5F: FRINT64X_v, // FEAT_FRINTTS
		}[key]
	}
	return simdOp(in, op)
}

func decodeAcross(w uint32) (Inst, bool) {
	in := simdRegs(w)
	u := bit(w, 29)
	opc := bits(w, 12, 5)
	size := in.VecSize
	if opc == 0x0C || opc == 0x0F {
		// FP: only the single-precision 4S form is base AArch64.
		if !u || !in.VecQ || size&1 != 0 {
			return in, false
		}
		in.VecSize = 2
		max := size&2 == 0
		switch {
		case opc == 0x0C && max:
			return simdOp(in, FMAXNMV)
		case opc == 0x0C:
			return simdOp(in, FMINNMV)
		case max:
			return simdOp(in, FMAXV)
		}
		return simdOp(in, FMINV)
	}
	op := map[uint32]Op{0x03: SADDLV, 0x0A: SMAXV, 0x1A: SMINV, 0x1B: ADDV,
		0x23: UADDLV, 0x2A: UMAXV, 0x3A: UMINV}[opc|simdBit(u)<<5]
	if size == 3 || size == 2 && !in.VecQ {
		return in, false
	}
	return simdOp(in, op)
}

func decodeScalarPairwise(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	u := bit(w, 29)
	opc := bits(w, 12, 5)
	if !u {
		if opc == 0x1B && in.VecSize == 3 {
			return simdOp(in, ADDP_s)
		}
		return in, false // FP16 pairwise forms
	}
	in.VecSize = 2 + uint8(bits(w, 22, 1))
	a := bit(w, 23)
	op := map[uint32]Op{0x0C: FMAXNMP_s, 0x0D: FADDP_s, 0x0F: FMAXP_s, 0x2C: FMINNMP_s, 0x2F: FMINP_s}[opc|simdBit(a)<<5]
	return simdOp(in, op)
}

// elemOfImm5 decodes the lane size and index of a copy-form imm5.
func elemOfImm5(imm5 uint32) (size uint8, index uint8, ok bool) {
	for s := uint8(0); s < 4; s++ {
		if imm5>>s&1 == 1 {
			return s, uint8(imm5 >> (s + 1)), true
		}
	}
	return 0, 0, false
}

func decodeCopy(w uint32) (Inst, bool) {
	in := simdRegs(w)
	op := bit(w, 29)
	imm5, imm4 := bits(w, 16, 5), bits(w, 11, 4)
	size, index, ok := elemOfImm5(imm5)
	if !ok {
		return in, false
	}
	in.VecSize, in.VecIndex = size, index
	if op {
		if !in.VecQ {
			return in, false
		}
		in.Imm = int64(imm4 >> size) // INS (element): source index
		return simdOp(in, INS_elem)
	}
	switch imm4 {
	case 0:
		if size == 3 && !in.VecQ {
			return in, false
		}
		return simdOp(in, DUP_elem)
	case 1:
		if size == 3 && !in.VecQ {
			return in, false
		}
		in.Rn = gpr(w, 5)
		in.SF = size == 3
		return simdOp(in, DUP_gen)
	case 3:
		if !in.VecQ {
			return in, false
		}
		in.Rn = gpr(w, 5)
		in.SF = size == 3
		return simdOp(in, INS_gen)
	case 5: // SMOV
		in.Rd = gpr(w, 0)
		in.SF = in.VecQ
		if size == 3 || size == 2 && !in.SF {
			return in, false
		}
		return simdOp(in, SMOV)
	case 7: // UMOV
		in.Rd = gpr(w, 0)
		in.SF = in.VecQ
		if in.SF != (size == 3) {
			return in, false
		}
		return simdOp(in, UMOV)
	}
	return in, false
}

func decodeScalarDup(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	size, index, ok := elemOfImm5(bits(w, 16, 5))
	if !ok || bits(w, 11, 4) != 0 {
		return in, false
	}
	in.VecSize, in.VecIndex = size, index
	return simdOp(in, DUP_scalar)
}

// AdvSIMDExpandImm is the Arm ARM expansion of a modified immediate
// (op, cmode, imm8) into a 64-bit lane pattern.
func AdvSIMDExpandImm(op, cmode, imm8 uint32) (uint64, bool) {
	i := uint64(imm8)
	rep32 := func(x uint64) uint64 { return x | x<<32 }
	rep16 := func(x uint64) uint64 { return x | x<<16 | x<<32 | x<<48 }
	switch cmode >> 1 {
	case 0, 1, 2, 3:
		return rep32(i << (8 * (cmode >> 1))), true
	case 4, 5:
		return rep16(i << (8 * (cmode >> 1 & 1))), true
	case 6:
		if cmode&1 == 0 {
			return rep32(i<<8 | 0xFF), true
		}
		return rep32(i<<16 | 0xFFFF), true
	}
	switch {
	case cmode == 14 && op == 0:
		return i * 0x0101010101010101, true
	case cmode == 14:
		var r uint64
		for b := uint(0); b < 8; b++ {
			if i>>b&1 == 1 {
				r |= 0xFF << (8 * b)
			}
		}
		return r, true
	case cmode == 15 && op == 0: // FMOV (vector, single)
		return rep32(uint64(VFPExpandImm(imm8, 2))), true
	case cmode == 15:
		return VFPExpandImm(imm8, 3), true
	}
	return 0, false
}

// VFPExpandImm expands an 8-bit FP immediate into the bits of a float of
// size 1 (half), 2 (single) or 3 (double).
func VFPExpandImm(imm8 uint32, size uint8) uint64 {
	e := [4]uint{1: 5, 2: 8, 3: 11}[size]
	f := [4]uint{1: 10, 2: 23, 3: 52}[size]
	sign := uint64(imm8 >> 7)
	b6 := uint64(imm8 >> 6 & 1)
	// exp = NOT(b6) : Replicate(b6, e-3) : imm8<5:4>
	exp := (b6 ^ 1) << (e - 1)
	if b6 == 1 {
		exp |= (1<<(e-3) - 1) << 2
	}
	exp |= uint64(imm8 >> 4 & 3)
	frac := uint64(imm8&15) << (f - 4)
	return sign<<(e+f) | exp<<f | frac
}

func decodeModImm(w uint32) (Inst, bool) {
	in := simdRegs(w)
	op := bits(w, 29, 1)
	cmode := bits(w, 12, 4)
	imm8 := bits(w, 16, 3)<<5 | bits(w, 5, 5)
	if bit(w, 11) {
		return in, false // FMOV (vector, half precision): FEAT_FP16
	}
	imm, ok := AdvSIMDExpandImm(op, cmode, imm8)
	if !ok || cmode == 15 && op == 1 && !in.VecQ {
		return in, false
	}
	in.Imm = int64(imm)
	in.Imm2 = int64(cmode)<<8 | int64(imm8) // for the disassembly only
	switch {
	case cmode == 15:
		in.VecSize = 2 + uint8(op)
		return simdOp(in, FMOV_imm_v)
	case cmode == 14:
		in.VecSize = uint8(3 * op)
		return simdOp(in, MOVI)
	case cmode>>2 == 3: // shifting ones
		in.VecSize = 2
		if op == 0 {
			return simdOp(in, MOVI)
		}
		return simdOp(in, MVNI)
	}
	in.VecSize = 2
	if cmode>>3 == 1 {
		in.VecSize = 1
	}
	orr := cmode&1 == 1
	switch {
	case op == 0 && orr:
		return simdOp(in, ORR_imm_v)
	case op == 0:
		return simdOp(in, MOVI)
	case orr:
		return simdOp(in, BIC_imm_v)
	}
	return simdOp(in, MVNI)
}

// shiftSize decodes immh into a lane size (the highest set bit).
func shiftSize(immh uint32) uint8 {
	for s := uint8(3); ; s-- {
		if immh>>s&1 == 1 {
			return s
		}
	}
}

func decodeShiftImm(w uint32, scalar bool) (Inst, bool) {
	in := simdRegs(w)
	u := bit(w, 29)
	immh, immb := bits(w, 19, 4), bits(w, 16, 3)
	opc := bits(w, 11, 5)
	if immh == 0 {
		return in, false
	}
	size := shiftSize(immh)
	esize := int64(8) << size
	immhb := int64(immh<<3 | immb)
	in.VecSize = size
	right := 2*esize - immhb // right shift amount
	left := immhb - esize
	key := opc | simdBit(u)<<5
	if scalar {
		in.VecQ = false
		var op Op
		switch key {
		case 0x00:
			op, in.Imm = SSHR_s, right
		case 0x20:
			op, in.Imm = USHR_s, right
		case 0x02:
			op, in.Imm = SSRA_s, right
		case 0x22:
			op, in.Imm = USRA_s, right
		case 0x0A:
			op, in.Imm = SHL_s, left
		case 0x28:
			op, in.Imm = SRI_s, right
		case 0x2A:
			op, in.Imm = SLI_s, left
		case 0x04:
			op, in.Imm = SRSHR_s, right
		case 0x24:
			op, in.Imm = URSHR_s, right
		case 0x06:
			op, in.Imm = SRSRA_s, right
		case 0x26:
			op, in.Imm = URSRA_s, right
		case 0x0E, 0x2E, 0x2C: // saturating left shifts: every lane size
			op = map[uint32]Op{0x0E: SQSHL_si, 0x2E: UQSHL_si, 0x2C: SQSHLU_s}[key]
			in.Imm = left
			return simdOp(in, op)
		case 0x12, 0x32, 0x13, 0x33, 0x30, 0x31: // saturating narrows
			if size == 3 {
				return in, false
			}
			op = map[uint32]Op{0x12: SQSHRN_s, 0x32: UQSHRN_s, 0x13: SQRSHRN_s, 0x33: UQRSHRN_s,
				0x30: SQSHRUN_s, 0x31: SQRSHRUN_s}[key]
			in.Imm = right
			return simdOp(in, op)
		case 0x1C, 0x3C, 0x1F, 0x3F:
			if size < 2 {
				return in, false // half-precision fixed point: FEAT_FP16
			}
			op = map[uint32]Op{0x1C: SCVTF_sfix, 0x3C: UCVTF_sfix, 0x1F: FCVTZS_sfix, 0x3F: FCVTZU_sfix}[key]
			in.Imm = right
			return simdOp(in, op)
		default:
			return in, false
		}
		if size != 3 {
			return in, false
		}
		return simdOp(in, op)
	}
	var op Op
	switch key {
	case 0x00:
		op, in.Imm = SSHR_v, right
	case 0x20:
		op, in.Imm = USHR_v, right
	case 0x02:
		op, in.Imm = SSRA_v, right
	case 0x22:
		op, in.Imm = USRA_v, right
	case 0x04:
		op, in.Imm = SRSHR_v, right
	case 0x24:
		op, in.Imm = URSHR_v, right
	case 0x0A:
		op, in.Imm = SHL_v, left
	case 0x28:
		op, in.Imm = SRI_v, right
	case 0x2A:
		op, in.Imm = SLI_v, left
	case 0x06:
		op, in.Imm = SRSRA_v, right
	case 0x26:
		op, in.Imm = URSRA_v, right
	case 0x0E:
		op, in.Imm = SQSHL_vi, left
	case 0x2E:
		op, in.Imm = UQSHL_vi, left
	case 0x2C:
		op, in.Imm = SQSHLU_v, left
	case 0x10, 0x11, 0x14, 0x34, 0x12, 0x32, 0x13, 0x33, 0x30, 0x31:
		// Narrowing and lengthening: immh<3> must be 0; the "size" is the
		// narrow lane, and shifts are relative to it.
		if size == 3 {
			return in, false
		}
		switch key {
		case 0x10:
			op, in.Imm = SHRN_v, right
		case 0x11:
			op, in.Imm = RSHRN_v, right
		case 0x14:
			op, in.Imm = SSHLL_v, left
		case 0x34:
			op, in.Imm = USHLL_v, left
		default:
			op = map[uint32]Op{0x12: SQSHRN_v, 0x32: UQSHRN_v, 0x13: SQRSHRN_v, 0x33: UQRSHRN_v,
				0x30: SQSHRUN_v, 0x31: SQRSHRUN_v}[key]
			in.Imm = right
		}
		return simdOp(in, op)
	case 0x1C, 0x3C, 0x1F, 0x3F:
		if size < 2 || size == 3 && !in.VecQ {
			return in, false
		}
		op = map[uint32]Op{0x1C: SCVTF_vfix, 0x3C: UCVTF_vfix, 0x1F: FCVTZS_vfix, 0x3F: FCVTZU_vfix}[key]
		in.Imm = right
		return simdOp(in, op)
	default:
		return in, false
	}
	if size == 3 && !in.VecQ {
		return in, false
	}
	return simdOp(in, op)
}

func decodeThreeDiff(w uint32) (Inst, bool) {
	in := simdRegs(w)
	u := bit(w, 29)
	opc := bits(w, 12, 4)
	if in.VecSize == 3 && (u || opc != 0xE) {
		return in, false // only PMULL has a 64-bit (1Q) form
	}
	type pair struct{ s, u Op }
	p, ok := map[uint32]pair{
		0x0: {SADDL, UADDL}, 0x1: {SADDW, UADDW}, 0x2: {SSUBL, USUBL}, 0x3: {SSUBW, USUBW},
		0x4: {ADDHN, RADDHN}, 0x5: {SABAL, UABAL}, 0x6: {SUBHN, RSUBHN},
		0x7: {SABDL, UABDL}, 0x8: {SMLAL, UMLAL}, 0x9: {SQDMLAL, Undefined}, 0xA: {SMLSL, UMLSL},
		0xB: {SQDMLSL, Undefined}, 0xC: {SMULL, UMULL}, 0xD: {SQDMULL, Undefined}, 0xE: {PMULL, Undefined},
	}[opc]
	if !ok {
		return in, false
	}
	op := p.s
	if u {
		op = p.u
	}
	switch op {
	case SQDMLAL, SQDMLSL, SQDMULL:
		if in.VecSize == 0 {
			return in, false
		}
	case PMULL:
		if in.VecSize != 0 && in.VecSize != 3 {
			return in, false // 8B → 8H, or 1D → 1Q (FEAT_PMULL)
		}
	}
	return simdOp(in, op)
}

// decodeAES decodes AESE, AESD, AESMC and AESIMC (Vd.16B, Vn.16B).
func decodeAES(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecSize, in.VecQ = 0, true
	return simdOp(in, [4]Op{AESE, AESD, AESMC, AESIMC}[bits(w, 12, 2)])
}

// decodeScalarThreeDiff decodes SQDMLAL, SQDMLSL and SQDMULL on scalars.
func decodeScalarThreeDiff(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	if bit(w, 29) || in.VecSize == 0 || in.VecSize == 3 {
		return in, false
	}
	op := map[uint32]Op{0x9: SQDMLAL_s, 0xB: SQDMLSL_s, 0xD: SQDMULL_s}[bits(w, 12, 4)]
	return simdOp(in, op)
}

func decodeByElem(w uint32, scalar bool) (Inst, bool) {
	if in, handled, ok := decodeByElemExt(w, scalar); handled {
		return in, ok
	}
	in := simdRegs(w)
	u := bit(w, 29)
	opc := bits(w, 12, 4)
	size := in.VecSize
	l, m, h := bits(w, 21, 1), bits(w, 20, 1), bits(w, 11, 1)
	fp := opc == 0x1 || opc == 0x5 || opc == 0x9
	if fp {
		// FP by element: sz = bit 22, size<1> must be 1.
		if size < 2 {
			return in, false // FP16
		}
		in.VecSize = size
		if size == 2 {
			in.VecIndex = uint8(h<<1 | l)
			in.Rm = Reg(m<<4 | bits(w, 16, 4))
		} else {
			if l == 1 || (!scalar && !in.VecQ) {
				return in, false
			}
			in.VecIndex = uint8(h)
			in.Rm = Reg(m<<4 | bits(w, 16, 4))
		}
		var op Op
		switch {
		case opc == 0x1 && !u:
			op = FMLA_elem
		case opc == 0x5 && !u:
			op = FMLS_elem
		case opc == 0x9 && !u:
			op = FMUL_elem
		case opc == 0x9 && u:
			op = FMULX_elem
		default:
			return in, false
		}
		if scalar {
			in.VecQ = false
			op = map[Op]Op{FMLA_elem: FMLA_selem, FMLS_elem: FMLS_selem, FMUL_elem: FMUL_selem, FMULX_elem: FMULX_selem}[op]
		}
		return simdOp(in, op)
	}
	switch size {
	case 1:
		in.VecIndex = uint8(h<<2 | l<<1 | m)
		in.Rm = Reg(bits(w, 16, 4))
	case 2:
		in.VecIndex = uint8(h<<1 | l)
		in.Rm = Reg(m<<4 | bits(w, 16, 4))
	default:
		return in, false
	}
	if scalar {
		in.VecQ = false
		if u {
			return in, false
		}
		op := map[uint32]Op{0x3: SQDMLAL_selem, 0x7: SQDMLSL_selem, 0xB: SQDMULL_selem,
			0xC: SQDMULH_selem, 0xD: SQRDMULH_selem}[opc]
		return simdOp(in, op)
	}
	type pair struct{ s, u Op }
	p, ok := map[uint32]pair{
		0x0: {Undefined, MLA_elem}, 0x2: {SMLAL_elem, UMLAL_elem}, 0x3: {SQDMLAL_elem, Undefined},
		0x4: {Undefined, MLS_elem}, 0x6: {SMLSL_elem, UMLSL_elem}, 0x7: {SQDMLSL_elem, Undefined},
		0x8: {MUL_elem, Undefined}, 0xA: {SMULL_elem, UMULL_elem}, 0xB: {SQDMULL_elem, Undefined},
		0xC: {SQDMULH_elem, Undefined}, 0xD: {SQRDMULH_elem, Undefined},
	}[opc]
	if !ok {
		return in, false
	}
	if u {
		return simdOp(in, p.u)
	}
	return simdOp(in, p.s)
}

func decodePermute(w uint32) (Inst, bool) {
	in := simdRegs(w)
	if in.VecSize == 3 && !in.VecQ {
		return in, false
	}
	op := [8]Op{Undefined, UZP1, TRN1, ZIP1, Undefined, UZP2, TRN2, ZIP2}[bits(w, 12, 3)]
	return simdOp(in, op)
}

func decodeExt(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecSize = 0
	imm4 := bits(w, 11, 4)
	if bits(w, 22, 2) != 0 || !in.VecQ && imm4 >= 8 {
		return in, false
	}
	in.Imm = int64(imm4)
	return simdOp(in, EXT)
}

func decodeTable(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecSize = 0
	if bits(w, 22, 2) != 0 {
		return in, false
	}
	in.Imm = int64(bits(w, 13, 2)) + 1
	if bit(w, 12) {
		return simdOp(in, TBX)
	}
	return simdOp(in, TBL)
}

func decodeFP1(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	if bit(w, 31) || bit(w, 29) {
		return in, false
	}
	size, ok := fpSize(bits(w, 22, 2))
	if !ok {
		return in, false
	}
	in.VecSize = size
	opc := bits(w, 15, 6)
	if opc>>2 == 1 { // FCVT: opc = 0001xx, xx = destination type
		to, ok := fpSize(opc & 3)
		if !ok || to == size {
			return in, false
		}
		in.Imm = int64(to)
		return simdOp(in, FCVT)
	}
	if size == 1 {
		return in, false // FP16 arithmetic
	}
	op := map[uint32]Op{
		0x00: FMOV_reg, 0x01: FABS, 0x02: FNEG, 0x03: FSQRT,
		0x08: FRINTN, 0x09: FRINTP, 0x0A: FRINTM, 0x0B: FRINTZ, 0x0C: FRINTA, 0x0E: FRINTX, 0x0F: FRINTI,
		0x10: FRINT32Z, 0x11: FRINT32X, 0x12: FRINT64Z, 0x13: FRINT64X, // FEAT_FRINTTS
	}[opc]
	return simdOp(in, op)
}

func decodeFP2(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	size, ok := fpSize(bits(w, 22, 2))
	if !ok || size == 1 || bit(w, 31) || bit(w, 29) {
		return in, false
	}
	in.VecSize = size
	op := map[uint32]Op{
		0: FMUL, 1: FDIV, 2: FADD, 3: FSUB, 4: FMAX, 5: FMIN, 6: FMAXNM, 7: FMINNM, 8: FNMUL,
	}[bits(w, 12, 4)]
	return simdOp(in, op)
}

func decodeFP3(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	in.Ra = Reg(bits(w, 10, 5))
	size, ok := fpSize(bits(w, 22, 2))
	if !ok || size == 1 || bit(w, 31) || bit(w, 29) {
		return in, false
	}
	in.VecSize = size
	op := [4]Op{FMADD, FMSUB, FNMADD, FNMSUB}[bits(w, 21, 1)<<1|bits(w, 15, 1)]
	return simdOp(in, op)
}

func decodeFPCompare(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	size, ok := fpSize(bits(w, 22, 2))
	if !ok || size == 1 || bit(w, 31) || bit(w, 29) || bits(w, 14, 2) != 0 || bits(w, 0, 3) != 0 {
		return in, false
	}
	in.VecSize = size
	opc2 := bits(w, 3, 2) // bit 3: compare with zero, bit 4: signalling
	if opc2&1 == 1 {
		in.Imm = 1 // compare with #0.0 (Rm ignored)
	}
	if opc2&2 != 0 {
		return simdOp(in, FCMPE)
	}
	return simdOp(in, FCMP)
}

func decodeFPCondCompare(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	size, ok := fpSize(bits(w, 22, 2))
	if !ok || size == 1 || bit(w, 31) || bit(w, 29) {
		return in, false
	}
	in.VecSize = size
	in.Cond = uint8(bits(w, 12, 4))
	in.Imm = int64(bits(w, 0, 4))
	if bit(w, 4) {
		return simdOp(in, FCCMPE)
	}
	return simdOp(in, FCCMP)
}

func decodeFPCondSelect(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	size, ok := fpSize(bits(w, 22, 2))
	if !ok || size == 1 || bit(w, 31) || bit(w, 29) {
		return in, false
	}
	in.VecSize = size
	in.Cond = uint8(bits(w, 12, 4))
	return simdOp(in, FCSEL)
}

func decodeFPImm(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	size, ok := fpSize(bits(w, 22, 2))
	if !ok || size == 1 || bit(w, 31) || bit(w, 29) || bits(w, 5, 5) != 0 {
		return in, false
	}
	in.VecSize = size
	in.Imm = int64(VFPExpandImm(bits(w, 13, 8), size))
	in.Imm2 = int64(bits(w, 13, 8))
	return simdOp(in, FMOV_imm)
}

func decodeFPInt(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	in.SF = bit(w, 31)
	if bit(w, 29) {
		return in, false
	}
	ftype := bits(w, 22, 2)
	rmode, opc := bits(w, 19, 2), bits(w, 16, 3)
	if opc == 6 || opc == 7 { // FMOV between general and FP registers
		switch {
		case ftype == 0 && !in.SF && rmode == 0: // FMOV Wd, Sn / Sn, Wd
			in.VecSize = 2
		case ftype == 1 && in.SF && rmode == 0: // FMOV Xd, Dn / Dn, Xd
			in.VecSize = 3
		case ftype == 2 && in.SF && rmode == 1: // FMOV Xd, Vn.D[1] / Vn.D[1], Xd
			in.VecSize, in.VecIndex = 3, 1
		case ftype == 1 && !in.SF && rmode == 3 && opc == 6: // FJCVTZS Wd, Dn (FEAT_JSCVT)
			in.VecSize, in.Rd = 3, gpr(w, 0)
			return simdOp(in, FJCVTZS)
		default:
			return in, false // includes the FEAT_FP16 FMOV Hd forms
		}
		if opc == 6 {
			in.Rd = gpr(w, 0)
			return simdOp(in, FMOV_tog)
		}
		in.Rn = gpr(w, 5)
		return simdOp(in, FMOV_fromg)
	}
	size, ok := fpSize(ftype)
	if !ok || size == 1 {
		return in, false
	}
	in.VecSize = size
	if opc == 2 || opc == 3 { // SCVTF, UCVTF: general → FP
		if rmode != 0 {
			return in, false
		}
		in.Rn = gpr(w, 5)
		if opc == 2 {
			return simdOp(in, SCVTF_g)
		}
		return simdOp(in, UCVTF_g)
	}
	in.Rd = gpr(w, 0)
	var op Op
	switch {
	case opc < 2:
		op = [4][2]Op{{FCVTNS_g, FCVTNU_g}, {FCVTPS_g, FCVTPU_g}, {FCVTMS_g, FCVTMU_g}, {FCVTZS_g, FCVTZU_g}}[rmode][opc]
	case rmode == 0: // opc 4, 5
		op = [2]Op{FCVTAS_g, FCVTAU_g}[opc-4]
	}
	return simdOp(in, op)
}

func decodeFPFixed(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	in.SF = bit(w, 31)
	scale := bits(w, 10, 6)
	size, ok := fpSize(bits(w, 22, 2))
	if !ok || size == 1 || bit(w, 29) || !in.SF && scale < 32 {
		return in, false
	}
	in.VecSize = size
	in.Imm = 64 - int64(scale)
	switch bits(w, 16, 5) { // rmode:opcode
	case 0x02:
		in.Rn = gpr(w, 5)
		return simdOp(in, SCVTF_gfix)
	case 0x03:
		in.Rn = gpr(w, 5)
		return simdOp(in, UCVTF_gfix)
	case 0x18:
		in.Rd = gpr(w, 0)
		return simdOp(in, FCVTZS_gfix)
	case 0x19:
		in.Rd = gpr(w, 0)
		return simdOp(in, FCVTZU_gfix)
	}
	return in, false
}

// decodeStructLdSt decodes LD1-4/ST1-4 (multiple and single structures)
// and LD1R-LD4R, with optional post-indexing.
func decodeStructLdSt(w uint32) (Inst, bool) {
	in := Inst{Rt: Reg(bits(w, 0, 5)), Rn: gprSP(w, 5), VecQ: bit(w, 30), VecSize: uint8(bits(w, 10, 2))}
	load := bit(w, 22)
	post := bit(w, 23)
	rm := bits(w, 16, 5)
	if !post && rm != 0 {
		return in, false
	}
	regBytes := int64(8)
	if in.VecQ {
		regBytes = 16
	}
	var total int64  // bytes transferred, for immediate post-indexing
	if !bit(w, 24) { // multiple structures
		if bit(w, 21) {
			return in, false
		}
		var nregs, selem int64
		switch bits(w, 12, 4) {
		case 0x0:
			nregs, selem = 4, 4
		case 0x2:
			nregs, selem = 4, 1
		case 0x4:
			nregs, selem = 3, 3
		case 0x6:
			nregs, selem = 3, 1
		case 0x7:
			nregs, selem = 1, 1
		case 0x8:
			nregs, selem = 2, 2
		case 0xA:
			nregs, selem = 2, 1
		default:
			return in, false
		}
		if in.VecSize == 3 && !in.VecQ && selem > 1 {
			return in, false
		}
		in.Imm, in.Imm2 = nregs, selem
		total = nregs * regBytes
		in.Op = ST_mult
		if load {
			in.Op = LD_mult
		}
	} else {
		opc := bits(w, 13, 3)
		s := bits(w, 12, 1)
		size := bits(w, 10, 2)
		selem := int64((opc&1)<<1|bits(w, 21, 1)) + 1
		q := simdBit(in.VecQ)
		switch opc >> 1 {
		case 0:
			in.VecSize, in.VecIndex = 0, uint8(q<<3|s<<2|size)
		case 1:
			if size&1 != 0 {
				return in, false
			}
			in.VecSize, in.VecIndex = 1, uint8(q<<2|s<<1|size>>1)
		case 2:
			switch size {
			case 0:
				in.VecSize, in.VecIndex = 2, uint8(q<<1|s)
			case 1:
				if s != 0 {
					return in, false
				}
				in.VecSize, in.VecIndex = 3, uint8(q)
			default:
				return in, false
			}
		case 3:
			if !load || s != 0 {
				return in, false
			}
			in.VecSize = uint8(size)
			in.Imm, in.Imm2 = selem, selem
			in.Op = LD_repl
			total = selem << size
		}
		if in.Op != LD_repl {
			in.Imm, in.Imm2 = selem, selem
			total = selem << in.VecSize
			in.Op = ST_single
			if load {
				in.Op = LD_single
			}
		}
	}
	if post {
		in.Wback, in.PostIndex = true, true
		in.Rm = gpr(w, 16)
		if in.Rm == ZR {
			in.Amount = uint8(total)
		}
	}
	return in, true
}

func simdBit(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
