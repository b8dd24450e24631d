package decoder

// decodeLoadStore decodes the load/store group (op0 = x1x0) except the
// Advanced SIMD structure loads and stores, which Decode routes elsewhere.
// Bit 27 is 1 and bit 25 is 0 throughout this group.
func decodeLoadStore(w uint32) (Inst, bool) {
	switch {
	case w&0x3F000000 == 0x08000000:
		return decodeExclusive(w)
	case w&0x3B000000 == 0x18000000:
		return decodeLiteral(w)
	case w&0x3A000000 == 0x28000000:
		return decodePair(w)
	case w&0x3A000000 == 0x38000000:
		return decodeSingle(w)
	case w&0x3F200C00 == 0x19000000:
		return decodeRCpcUnscaled(w)
	}
	// Memory tagging, memory copy/set (FEAT_MOPS): not provided.
	return Inst{}, false
}

// decodeRCpcUnscaled decodes LDAPUR* and STLUR* (FEAT_LRCPC2): the
// unscaled-offset loads and stores with load-acquire RCpc and
// store-release ordering (bits 29:24 = 011001, 21 = 0, 11:10 = 00).
func decodeRCpcUnscaled(w uint32) (Inst, bool) {
	size, opc := uint8(bits(w, 30, 2)), bits(w, 22, 2)
	in := Inst{Size: size, Rn: gprSP(w, 5), Rt: gpr(w, 0), Imm: sext(bits(w, 12, 9), 9)}
	switch opc {
	case 0:
		in.Op, in.SF, in.Release = STLUR, size == 3, true
	case 1:
		in.Op, in.SF, in.Acquire = LDAPUR, size == 3, true
	case 2: // LDAPURSB/H/W Xt
		if size == 3 {
			return in, false
		}
		in.Op, in.SF, in.Signed, in.Acquire = LDAPUR, true, true, true
	case 3: // LDAPURSB/H Wt
		if size >= 2 {
			return in, false
		}
		in.Op, in.Signed, in.Acquire = LDAPUR, true, true
	}
	return in, true
}

// decodeExclusive covers load/store exclusive, load-acquire/store-release
// and compare-and-swap (bits 29:24 = 001000).
func decodeExclusive(w uint32) (Inst, bool) {
	size := uint8(bits(w, 30, 2))
	o2, l, o1, o0 := bit(w, 23), bit(w, 22), bit(w, 21), bit(w, 15)
	in := Inst{Size: size, SF: size == 3, Rn: gprSP(w, 5), Rt: gpr(w, 0)}
	rs := gpr(w, 16)
	switch {
	case !o2 && !o1:
		if l {
			in.Op, in.Acquire = LDXR, o0
			if o0 {
				in.Op = LDAXR
			}
		} else {
			in.Op, in.Release, in.Rs = STXR, o0, rs
			if o0 {
				in.Op = STLXR
			}
		}
	case !o2 && o1 && size >= 2:
		in.Size = size
		in.Rt2 = gpr(w, 10)
		if l {
			in.Op, in.Acquire = LDXP, o0
			if o0 {
				in.Op = LDAXP
			}
		} else {
			in.Op, in.Release, in.Rs = STXP, o0, rs
			if o0 {
				in.Op = STLXP
			}
		}
	case !o2 && o1: // CASP: register pairs, each register 4 or 8 bytes
		rt := bits(w, 0, 5)
		if bits(w, 10, 5) != 31 || bits(w, 16, 5)&1 != 0 || rt&1 != 0 {
			return in, false
		}
		in.Op, in.Size, in.SF = CASP, 2+size, size == 1
		in.Rs, in.Acquire, in.Release = rs, l, o0
	case o2 && !o1:
		switch {
		case l && o0:
			in.Op, in.Acquire = LDAR, true
		case l:
			in.Op, in.Acquire = LDLAR, true
		case o0:
			in.Op, in.Release = STLR, true
		default:
			in.Op, in.Release = STLLR, true
		}
	default: // CAS
		if bits(w, 10, 5) != 31 {
			return in, false
		}
		in.Op, in.Rs, in.Acquire, in.Release = CAS, rs, l, o0
	}
	return in, true
}

// transferReg decodes Rt (or Rt2) of a load/store: a V register when fp.
func transferReg(w uint32, lo uint, fp bool) Reg {
	if fp {
		return Reg(bits(w, lo, 5))
	}
	return gpr(w, lo)
}

func decodeLiteral(w uint32) (Inst, bool) {
	opc := bits(w, 30, 2)
	in := Inst{Op: LDR_lit, Imm: sext(bits(w, 5, 19), 19) * 4, FP: bit(w, 26)}
	in.Rt = transferReg(w, 0, in.FP)
	if in.FP {
		if opc == 3 {
			return in, false
		}
		in.Size = uint8(2 + opc)
		return in, true
	}
	switch opc {
	case 0:
		in.Size = 2
	case 1:
		in.Size, in.SF = 3, true
	case 2:
		in.Size, in.SF, in.Signed = 2, true, true
	case 3:
		in.Op = PRFM_lit
		in.Rt = Reg(bits(w, 0, 5))
	}
	return in, true
}

func decodePair(w uint32) (Inst, bool) {
	opc := bits(w, 30, 2)
	mode := bits(w, 23, 2)
	l := bit(w, 22)
	in := Inst{FP: bit(w, 26), Rn: gprSP(w, 5)}
	if in.FP {
		if opc == 3 {
			return in, false
		}
		in.Size = uint8(2 + opc)
	} else {
		switch opc {
		case 0:
			in.Size = 2
		case 1: // LDPSW; the store encoding is STGP (memory tagging)
			if !l || mode == 0 {
				return in, false
			}
			in.Size, in.Signed, in.SF = 2, true, true
		case 2:
			in.Size, in.SF = 3, true
		default:
			return in, false
		}
	}
	in.Rt, in.Rt2 = transferReg(w, 0, in.FP), transferReg(w, 10, in.FP)
	in.Imm = sext(bits(w, 15, 7), 7) << in.Size
	var ops [4]Op
	if l {
		ops = [4]Op{LDNP, LDP_post, LDP_off, LDP_pre}
	} else {
		ops = [4]Op{STNP, STP_post, STP_off, STP_pre}
	}
	in.Op = ops[mode]
	in.Wback = mode == 1 || mode == 3
	in.PostIndex = mode == 1
	return in, true
}

// decodeSingle covers the single-register loads and stores (bits 29:27 =
// 111): unsigned offset, unscaled, pre/post-indexed, unprivileged, register
// offset, and the LSE atomics.
func decodeSingle(w uint32) (Inst, bool) {
	size := bits(w, 30, 2)
	opc := bits(w, 22, 2)
	in := Inst{FP: bit(w, 26), Rn: gprSP(w, 5)}

	const (
		formUImm = iota
		formUnscaled
		formPost
		formUnpriv
		formPre
		formReg
	)
	var form int
	switch {
	case bit(w, 24):
		form = formUImm
	case !bit(w, 21):
		form = [4]int{formUnscaled, formPost, formUnpriv, formPre}[bits(w, 10, 2)]
	case bits(w, 10, 2) == 2:
		form = formReg
	case bits(w, 10, 2) == 0:
		if in.FP {
			return in, false
		}
		return decodeAtomic(w)
	default:
		return in, false // LDRAA/LDRAB (pointer authentication)
	}

	load, prefetch := false, false
	if in.FP {
		in.Size = uint8(size)
		if opc >= 2 {
			if size != 0 {
				return in, false
			}
			in.Size = 4
		}
		load = opc&1 == 1
		if form == formUnpriv {
			return in, false
		}
	} else {
		in.Size = uint8(size)
		switch opc {
		case 0:
			in.SF = size == 3
		case 1:
			load, in.SF = true, size == 3
		case 2:
			if size == 3 {
				prefetch = true
			} else {
				load, in.Signed, in.SF = true, true, true
			}
		case 3:
			if size >= 2 {
				return in, false
			}
			load, in.Signed = true, true
		}
	}
	in.Rt = transferReg(w, 0, in.FP)

	imm9 := sext(bits(w, 12, 9), 9)
	switch form {
	case formUImm:
		in.Imm = int64(bits(w, 10, 12)) << in.Size
		in.Op = pick(load, LDR_uimm, STR_uimm)
	case formUnscaled:
		in.Imm = imm9
		in.Op = pick(load, LDUR, STUR)
	case formUnpriv:
		in.Imm = imm9
		in.Op = pick(load, LDTR, STTR)
	case formPost:
		in.Imm, in.Wback, in.PostIndex = imm9, true, true
		in.Op = pick(load, LDR_post, STR_post)
	case formPre:
		in.Imm, in.Wback = imm9, true
		in.Op = pick(load, LDR_pre, STR_pre)
	case formReg:
		option := ExtendType(bits(w, 13, 3))
		if option&2 == 0 {
			return in, false
		}
		in.Extend, in.Rm = option, gpr(w, 16)
		if bit(w, 12) {
			in.Amount = in.Size
		}
		in.Op = pick(load, LDR_reg, STR_reg)
	}
	if prefetch {
		if in.Wback || form == formUnpriv {
			return in, false
		}
		in.Op, in.Rt, in.SF, in.Signed = PRFM, Reg(bits(w, 0, 5)), true, false
		if form == formReg {
			in.Op = PRFM_reg
		}
	}
	return in, true
}

func pick(load bool, ld, st Op) Op {
	if load {
		return ld
	}
	return st
}

// decodeAtomic covers the LSE atomic memory operations (and LDAPR, which
// shares their encoding space).
func decodeAtomic(w uint32) (Inst, bool) {
	size := uint8(bits(w, 30, 2))
	a, r, o3 := bit(w, 23), bit(w, 22), bit(w, 15)
	opc := bits(w, 12, 3)
	in := Inst{Size: size, SF: size == 3, Rn: gprSP(w, 5), Rt: gpr(w, 0), Rs: gpr(w, 16),
		Acquire: a, Release: r}
	switch {
	case !o3:
		in.Op = LDADD + Op(opc)
	case opc == 0:
		in.Op = SWP
	case opc == 4 && a && !r && in.Rs == ZR:
		in.Op, in.Rs = LDAPR, 0
	default:
		return in, false
	}
	return in, true
}
