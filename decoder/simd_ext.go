package decoder

// Decoding of the ARMv8.1–8.6 FP/SIMD extensions (simd_ext_ops.go): the
// SHA, SHA3, SHA512, SM3 and SM4 groups, the three-register "extra"
// groups (RDM, dot product, matrix multiply, complex numbers) and their
// by-element forms, FJCVTZS and FRINT32/64.

// decodeSHA3Reg decodes the crypto three-register SHA group
// (01011110 size 0 Rm 0 opcode 00 Rn Rd).
func decodeSHA3Reg(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ, in.VecSize = true, 2
	if bits(w, 22, 2) != 0 {
		return in, false
	}
	return simdOp(in, [8]Op{SHA1C, SHA1P, SHA1M, SHA1SU0, SHA256H, SHA256H2, SHA256SU1, Undefined}[bits(w, 12, 3)])
}

// decodeSHA2Reg decodes the crypto two-register SHA group
// (01011110 size 10100 opcode 10 Rn Rd).
func decodeSHA2Reg(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ, in.VecSize = true, 2
	if bits(w, 22, 2) != 0 {
		return in, false
	}
	switch bits(w, 12, 5) {
	case 0:
		return simdOp(in, SHA1H)
	case 1:
		return simdOp(in, SHA1SU1)
	case 2:
		return simdOp(in, SHA256SU0)
	}
	return in, false
}

// decodeCryptoCE decodes the cryptographic groups with bits 31:24 =
// 11001110: four-register (EOR3, BCAX, SM3SS1), XAR, SM3TT*, the
// three-register SHA512 group (SHA512H/H2/SU1, RAX1, SM3PARTW1/2,
// SM4EKEY) and the two-register one (SHA512SU0, SM4E).
func decodeCryptoCE(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = true
	switch {
	case w&0xFF808000 == 0xCE000000: // four-register
		in.Ra = Reg(bits(w, 10, 5))
		switch bits(w, 21, 2) {
		case 0:
			in.VecSize = 0
			return simdOp(in, EOR3)
		case 1:
			in.VecSize = 0
			return simdOp(in, BCAX)
		case 2:
			in.VecSize = 2
			return simdOp(in, SM3SS1)
		}
	case w&0xFFE00000 == 0xCE800000:
		in.VecSize, in.Imm = 3, int64(bits(w, 10, 6))
		return simdOp(in, XAR)
	case w&0xFFE0C000 == 0xCE408000:
		in.VecSize, in.VecIndex = 2, uint8(bits(w, 12, 2))
		return simdOp(in, [4]Op{SM3TT1A, SM3TT1B, SM3TT2A, SM3TT2B}[bits(w, 10, 2)])
	case w&0xFFE0B000 == 0xCE608000:
		if bit(w, 14) {
			in.VecSize = 2
			return simdOp(in, [4]Op{SM3PARTW1, SM3PARTW2, SM4EKEY, Undefined}[bits(w, 10, 2)])
		}
		in.VecSize = 3
		return simdOp(in, [4]Op{SHA512H, SHA512H2, SHA512SU1, RAX1}[bits(w, 10, 2)])
	case w&0xFFFFF000 == 0xCEC08000:
		switch bits(w, 10, 2) {
		case 0:
			in.VecSize = 3
			return simdOp(in, SHA512SU0)
		case 1:
			in.VecSize = 2
			return simdOp(in, SM4E)
		}
	}
	return in, false
}

// decodeThreeSameExtra decodes the Advanced SIMD three same (extra) group
// (0 Q U 01110 size 0 Rm 1 opcode 1 Rn Rd).
func decodeThreeSameExtra(w uint32) (Inst, bool) {
	in := simdRegs(w)
	u := bit(w, 29)
	size := in.VecSize
	opc := bits(w, 11, 4)
	switch {
	case u && opc <= 1: // SQRDMLAH, SQRDMLSH
		if size == 0 || size == 3 {
			return in, false
		}
		return simdOp(in, [2]Op{SQRDMLAH_v, SQRDMLSH_v}[opc])
	case opc == 2: // SDOT, UDOT
		if size != 2 {
			return in, false
		}
		if u {
			return simdOp(in, UDOT_v)
		}
		return simdOp(in, SDOT_v)
	case opc == 3 && !u && size == 2:
		return simdOp(in, USDOT_v)
	case opc == 4 || opc == 5: // SMMLA, UMMLA, USMMLA: 128-bit only
		if size != 2 || !in.VecQ {
			return in, false
		}
		switch {
		case opc == 4 && u:
			return simdOp(in, UMMLA)
		case opc == 4:
			return simdOp(in, SMMLA)
		case !u:
			return simdOp(in, USMMLA)
		}
	case u && opc>>2 == 2: // FCMLA, rot = opcode<1:0>
		if !complexSizeOK(in) {
			return in, false
		}
		in.VecSize = size
		in.Imm = int64(opc & 3)
		return simdOp(in, FCMLA_v)
	case u && opc&0xD == 0xC: // FCADD, rot = opcode<1>: #90 or #270
		if !complexSizeOK(in) {
			return in, false
		}
		in.VecSize = size
		in.Imm = 1 + 2*int64(opc>>1&1)
		return simdOp(in, FCADD)
	}
	return in, false
}

// complexSizeOK says whether FCMLA/FCADD have the size and width of an
// implemented form: single or double precision (a 128-bit vector of
// them), not half precision (FEAT_FP16 is not provided).
func complexSizeOK(in Inst) bool {
	switch in.VecSize {
	case 2:
		return true
	case 3:
		return in.VecQ
	}
	return false
}

// decodeScalarThreeSameExtra decodes the Advanced SIMD scalar three same
// (extra) group: SQRDMLAH and SQRDMLSH on H or S scalars.
func decodeScalarThreeSameExtra(w uint32) (Inst, bool) {
	in := simdRegs(w)
	in.VecQ = false
	if !bit(w, 29) || in.VecSize == 0 || in.VecSize == 3 {
		return in, false
	}
	switch bits(w, 11, 4) {
	case 0:
		return simdOp(in, SQRDMLAH_s)
	case 1:
		return simdOp(in, SQRDMLSH_s)
	}
	return in, false
}

// decodeByElemExt decodes the by-element forms of the extensions, which
// decodeByElem hands over: SQRDMLAH/SQRDMLSH (U = 1, opcode 1101/1111),
// the dot products (opcode 1110, and 1111 with U = 0) and FCMLA (U = 1,
// opcode 0xx1). ok is false for words that are none of them.
func decodeByElemExt(w uint32, scalar bool) (in Inst, handled, ok bool) {
	in = simdRegs(w)
	u := bit(w, 29)
	opc := bits(w, 12, 4)
	size := in.VecSize
	h, l, m := bits(w, 11, 1), bits(w, 21, 1), bits(w, 20, 1)
	switch {
	case u && (opc == 0xD || opc == 0xF): // SQRDMLAH, SQRDMLSH
		switch size {
		case 1:
			in.VecIndex, in.Rm = uint8(h<<2|l<<1|m), Reg(bits(w, 16, 4))
		case 2:
			in.VecIndex, in.Rm = uint8(h<<1|l), Reg(m<<4|bits(w, 16, 4))
		default:
			return in, true, false
		}
		op := map[bool][2]Op{false: {SQRDMLAH_elem, SQRDMLSH_elem}, true: {SQRDMLAH_selem, SQRDMLSH_selem}}[scalar][opc>>1&1]
		if scalar {
			in.VecQ = false
		}
		in, ok = simdOp(in, op)
		return in, true, ok
	case scalar:
		return in, false, false
	case opc == 0xE || opc == 0xF && !u: // SDOT, UDOT; SUDOT, USDOT
		in.VecIndex, in.Rm = uint8(h<<1|l), Reg(m<<4|bits(w, 16, 4))
		var op Op
		switch {
		case opc == 0xE && size == 2 && u:
			op = UDOT_elem
		case opc == 0xE && size == 2:
			op = SDOT_elem
		case opc == 0xF && size == 0:
			op = SUDOT_elem
		case opc == 0xF && size == 2:
			op = USDOT_elem
		default:
			return in, true, false // BF16 (BFDOT, BFMLAL): not provided
		}
		in.VecSize = 2
		in, ok = simdOp(in, op)
		return in, true, ok
	case u && opc&0x9 == 0x1: // FCMLA (by element), rot = opcode<2:1>
		in.Imm = int64(opc >> 1 & 3)
		in.Rm = Reg(m<<4 | bits(w, 16, 4))
		// Single precision only (no FEAT_FP16): one pair per 64 bits of
		// Vm, selected by H; L must be 0 and the vector 128 bits wide.
		if size != 2 || l != 0 || !in.VecQ {
			return in, true, false
		}
		in.VecIndex = uint8(h)
		in, ok = simdOp(in, FCMLA_elem)
		return in, true, ok
	}
	return in, false, false
}
