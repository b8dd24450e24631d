package decoder

// Decode decodes one A64 instruction word. Unallocated encodings, and
// encodings of features ferry does not provide or that EL0 cannot execute,
// come back with Op == Undefined.
func Decode(w uint32) Inst {
	var in Inst
	var ok bool
	switch w >> 25 & 0xF {
	case 0x8, 0x9:
		in, ok = decodeDPImm(w)
	case 0xA, 0xB:
		in, ok = decodeBranchSys(w)
	case 0x4, 0x6, 0xC, 0xE:
		if IsSIMDLoadStore(w) {
			in, ok = decodeSIMD(w)
		} else {
			in, ok = decodeLoadStore(w)
		}
	case 0x5, 0xD:
		in, ok = decodeDPReg(w)
	case 0x7, 0xF:
		in, ok = decodeSIMD(w)
	}
	if !ok {
		return Inst{Op: Undefined, Word: w}
	}
	in.Word = w
	return in
}

// IsSIMDLoadStore reports whether w is in the Advanced SIMD load/store
// multiple/single structure classes (LD1-4, ST1-4, LD1R-LD4R), which
// decodeSIMD handles.
func IsSIMDLoadStore(w uint32) bool { return w&0xBE000000 == 0x0C000000 }

// IsSIMDDataProcessing reports whether w is in the SIMD&FP data-processing
// group (op0 = x111), which decodeSIMD handles.
func IsSIMDDataProcessing(w uint32) bool { return w>>25&7 == 7 }

func bits(w uint32, lo, n uint) uint32 { return w >> lo & (1<<n - 1) }

func bit(w uint32, b uint) bool { return w>>b&1 != 0 }

// sext sign-extends the low n bits of v.
func sext(v uint32, n uint) int64 { return int64(v) << (64 - n) >> (64 - n) }

// gpr decodes a register field where 31 means the zero register.
func gpr(w uint32, lo uint) Reg {
	r := Reg(bits(w, lo, 5))
	if r == 31 {
		return ZR
	}
	return r
}

// gprSP decodes a register field where 31 means the stack pointer.
func gprSP(w uint32, lo uint) Reg { return Reg(bits(w, lo, 5)) }

func decodeDPImm(w uint32) (Inst, bool) {
	in := Inst{SF: bit(w, 31)}
	switch bits(w, 23, 3) {
	case 0, 1: // PC-relative addressing
		off := sext(bits(w, 5, 19)<<2|bits(w, 29, 2), 21)
		in.Rd = gpr(w, 0)
		in.SF = true
		if bit(w, 31) {
			in.Op, in.Imm = ADRP, off<<12
		} else {
			in.Op, in.Imm = ADR, off
		}
		return in, true
	case 2: // add/subtract (immediate)
		imm := int64(bits(w, 10, 12))
		if bit(w, 22) {
			imm <<= 12
		}
		in.Imm = imm
		in.Rn = gprSP(w, 5)
		s := bit(w, 29)
		in.Op = [4]Op{ADD_imm, ADDS_imm, SUB_imm, SUBS_imm}[bits(w, 29, 2)]
		if s {
			in.Rd = gpr(w, 0)
		} else {
			in.Rd = gprSP(w, 0)
		}
		return in, true
	case 4: // logical (immediate)
		n := bits(w, 22, 1)
		if !in.SF && n == 1 {
			return in, false
		}
		mask, ok := DecodeBitMasks(n, bits(w, 10, 6), bits(w, 16, 6), true, in.SF)
		if !ok {
			return in, false
		}
		in.Imm = int64(mask)
		in.Rn = gpr(w, 5)
		opc := bits(w, 29, 2)
		in.Op = [4]Op{AND_imm, ORR_imm, EOR_imm, ANDS_imm}[opc]
		if opc == 3 {
			in.Rd = gpr(w, 0)
		} else {
			in.Rd = gprSP(w, 0)
		}
		return in, true
	case 5: // move wide
		hw := bits(w, 21, 2)
		opc := bits(w, 29, 2)
		if opc == 1 || (!in.SF && hw >= 2) {
			return in, false
		}
		in.Op = [4]Op{MOVN, Undefined, MOVZ, MOVK}[opc]
		in.Rd = gpr(w, 0)
		in.Imm = int64(bits(w, 5, 16))
		in.Amount = uint8(hw * 16)
		return in, true
	case 6: // bitfield
		opc := bits(w, 29, 2)
		n := bit(w, 22)
		immr, imms := bits(w, 16, 6), bits(w, 10, 6)
		if opc == 3 || n != in.SF || (!in.SF && (immr >= 32 || imms >= 32)) {
			return in, false
		}
		in.Op = [3]Op{SBFM, BFM, UBFM}[opc]
		in.Rd, in.Rn = gpr(w, 0), gpr(w, 5)
		in.Imm, in.Imm2 = int64(immr), int64(imms)
		return in, true
	case 7: // extract
		imms := bits(w, 10, 6)
		if bits(w, 29, 2) != 0 || bit(w, 21) || bit(w, 22) != in.SF || (!in.SF && imms >= 32) {
			return in, false
		}
		in.Op = EXTR
		in.Rd, in.Rn, in.Rm = gpr(w, 0), gpr(w, 5), gpr(w, 16)
		in.Imm = int64(imms)
		return in, true
	}
	return in, false // 3: add/subtract with tags (MTE)
}

// DecodeBitMasks is the Arm ARM's DecodeBitMasks for logical immediates
// (immediate=true) and bitfield masks: it returns the wmask replicated to the
// operation width, and false for reserved encodings.
func DecodeBitMasks(n, imms, immr uint32, immediate, sf bool) (uint64, bool) {
	combined := n<<6 | (^imms & 0x3F)
	if combined == 0 {
		return 0, false
	}
	length := uint(31)
	for combined>>length == 0 {
		length--
	}
	if length < 1 {
		return 0, false
	}
	levels := uint32(1)<<length - 1
	if immediate && imms&levels == levels {
		return 0, false
	}
	s, r := imms&levels, immr&levels
	esize := uint(1) << length
	welem := uint64(1)<<(s+1) - 1
	// Rotate right by r within esize bits.
	emask := uint64(1)<<esize - 1
	if esize == 64 {
		emask = ^uint64(0)
	}
	elem := welem
	if r != 0 {
		elem = (welem>>r | welem<<(esize-uint(r))) & emask
	}
	var out uint64
	for i := uint(0); i < 64; i += esize {
		out |= elem << i
	}
	if !sf {
		out &= 0xFFFFFFFF
	}
	return out, true
}

func decodeBranchSys(w uint32) (Inst, bool) {
	var in Inst
	switch {
	case w&0x7C000000 == 0x14000000: // B, BL
		in.Op = B
		if bit(w, 31) {
			in.Op = BL
		}
		in.Imm = sext(bits(w, 0, 26), 26) * 4
		return in, true
	case w&0x7E000000 == 0x34000000: // CBZ, CBNZ
		in.Op = CBZ
		if bit(w, 24) {
			in.Op = CBNZ
		}
		in.SF = bit(w, 31)
		in.Rt = gpr(w, 0)
		in.Imm = sext(bits(w, 5, 19), 19) * 4
		return in, true
	case w&0x7E000000 == 0x36000000: // TBZ, TBNZ
		in.Op = TBZ
		if bit(w, 24) {
			in.Op = TBNZ
		}
		in.Imm2 = int64(bits(w, 31, 1)<<5 | bits(w, 19, 5))
		in.SF = in.Imm2 >= 32
		in.Rt = gpr(w, 0)
		in.Imm = sext(bits(w, 5, 14), 14) * 4
		return in, true
	case w&0xFF000010 == 0x54000000: // B.cond
		in.Op = B_cond
		in.Cond = uint8(bits(w, 0, 4))
		in.Imm = sext(bits(w, 5, 19), 19) * 4
		return in, true
	case w&0xFF000000 == 0xD4000000: // exception generation
		imm := int64(bits(w, 5, 16))
		switch w & 0xFFE0001F {
		case 0xD4000001:
			return Inst{Op: SVC, Imm: imm}, true
		case 0xD4200000:
			return Inst{Op: BRK, Imm: imm}, true
		}
		// HVC, SMC, HLT, DCPSn, TCANCEL: UNDEFINED at EL0.
		return in, false
	case w&0xFFC00000 == 0xD5000000:
		return decodeSystem(w)
	case w&0xFE000000 == 0xD6000000: // unconditional branch (register)
		in.Rn = gpr(w, 5)
		switch w & 0xFFFFFC1F {
		case 0xD61F0000:
			in.Op = BR
		case 0xD63F0000:
			in.Op = BLR
		case 0xD65F0000:
			in.Op = RET
		default:
			// ERET, DRPS and the pointer-authenticating forms (BRAA,
			// RETAA…), which are UNDEFINED without FEAT_PAuth.
			return in, false
		}
		return in, true
	}
	return in, false
}

func decodeSystem(w uint32) (Inst, bool) {
	var in Inst
	l := bit(w, 21)
	op0 := bits(w, 19, 2)
	rt := bits(w, 0, 5)
	crn, crm, op2 := bits(w, 12, 4), bits(w, 8, 4), bits(w, 5, 3)
	op1 := bits(w, 16, 3)
	switch op0 {
	case 0:
		if l || rt != 31 {
			return in, false
		}
		switch {
		case op1 == 3 && crn == 2: // hints
			in.Op = HINT
			in.Imm = int64(crm<<3 | op2)
			return in, true
		case op1 == 3 && crn == 3: // barriers
			in.Imm = int64(crm)
			switch op2 {
			case 2:
				in.Op = CLREX
			case 4:
				in.Op = DSB
			case 5:
				in.Op = DMB
			case 6:
				in.Op = ISB
			case 7: // SB (FEAT_SB); CRm != 0 is CONSTRAINED UNPREDICTABLE
				if crm != 0 {
					return in, false
				}
				in.Op = SB
			default:
				return in, false // DSB nXS, TME: not provided
			}
			return in, true
		case crn == 4: // MSR (immediate) to a PSTATE field
			return decodePSTATEImm(op1, crm, op2)
		}
		// WFET/WFIT and the other system instructions with op0 = 0: not
		// provided.
		return in, false
	case 1: // SYS, SYSL
		if l {
			return in, false
		}
		enc := uint16(1<<14 | op1<<11 | crn<<7 | crm<<3 | op2)
		in.Rt = gpr(w, 0)
		in.Imm = int64(enc)
		switch enc {
		case SysOpDCZVA:
			in.Op = DC_ZVA
		case SysOpICIVAU, SysOpDCCVAC, SysOpDCCVAU, SysOpDCCVAP, SysOpDCCVADP, SysOpDCCIVAC:
			in.Op = CACHE_MAINT
		default:
			return in, false
		}
		return in, true
	}
	enc := uint16(op0<<14 | op1<<11 | crn<<7 | crm<<3 | op2)
	in.Rt = gpr(w, 0)
	in.Imm = int64(enc)
	if l {
		in.Op = MRS
		return in, mrsAllowed(enc)
	}
	in.Op = MSR
	return in, msrAllowed(enc)
}

// decodePSTATEImm decodes the PSTATE writes with op0 = 0, CRn = 4 that EL0
// may execute: the flag-format instructions (FEAT_FlagM, FEAT_FlagM2),
// whose CRm must be zero, and MSR SSBS/DIT, #imm (CRm<0> is the value).
// PAN, UAO, SPSel and DAIFSet/DAIFClr (SCTLR_EL1.UMA is 0 under Linux) are
// UNDEFINED at EL0; TCO, SVCR and the others belong to features not
// provided.
func decodePSTATEImm(op1, crm, op2 uint32) (Inst, bool) {
	var in Inst
	switch {
	case op1 == 0 && op2 <= 2 && crm == 0:
		in.Op = [3]Op{CFINV, XAFLAG, AXFLAG}[op2]
	case op1 == 3 && op2 == 1:
		in.Op, in.Imm, in.Imm2 = MSR_PSTATE, int64(SysRegSSBS), int64(crm&1)
	case op1 == 3 && op2 == 2:
		in.Op, in.Imm, in.Imm2 = MSR_PSTATE, int64(SysRegDIT), int64(crm&1)
	default:
		return in, false
	}
	return in, true
}

func decodeDPReg(w uint32) (Inst, bool) {
	in := Inst{SF: bit(w, 31), Rd: gpr(w, 0), Rn: gpr(w, 5), Rm: gpr(w, 16)}
	imm6 := bits(w, 10, 6)
	if !bit(w, 28) {
		switch {
		case !bit(w, 24): // logical (shifted register)
			if !in.SF && imm6 >= 32 {
				return in, false
			}
			in.Op = [8]Op{AND_shift, BIC_shift, ORR_shift, ORN_shift, EOR_shift, EON_shift, ANDS_shift, BICS_shift}[bits(w, 29, 2)<<1|bits(w, 21, 1)]
			in.Shift, in.Amount = ShiftType(bits(w, 22, 2)), uint8(imm6)
			return in, true
		case !bit(w, 21): // add/subtract (shifted register)
			sh := bits(w, 22, 2)
			if sh == 3 || (!in.SF && imm6 >= 32) {
				return in, false
			}
			in.Op = [4]Op{ADD_shift, ADDS_shift, SUB_shift, SUBS_shift}[bits(w, 29, 2)]
			in.Shift, in.Amount = ShiftType(sh), uint8(imm6)
			return in, true
		default: // add/subtract (extended register)
			imm3 := bits(w, 10, 3)
			if bits(w, 22, 2) != 0 || imm3 > 4 {
				return in, false
			}
			in.Op = [4]Op{ADD_ext, ADDS_ext, SUB_ext, SUBS_ext}[bits(w, 29, 2)]
			in.Extend, in.Amount = ExtendType(bits(w, 13, 3)), uint8(imm3)
			in.Rn = gprSP(w, 5)
			if !bit(w, 29) {
				in.Rd = gprSP(w, 0)
			}
			return in, true
		}
	}
	switch bits(w, 21, 4) {
	case 0: // add/subtract with carry; rotate right into flags; evaluate into flags
		switch {
		case bits(w, 10, 6) == 0:
			in.Op = [4]Op{ADC, ADCS, SBC, SBCS}[bits(w, 29, 2)]
			return in, true
		case w&0xFFE07C10 == 0xBA000400: // RMIF Xn, #imm6, #mask (FEAT_FlagM)
			in.Op, in.Rd, in.Rm = RMIF, 0, 0
			in.Imm, in.Imm2 = int64(bits(w, 15, 6)), int64(bits(w, 0, 4))
			return in, true
		case w&0xFFFFBC1F == 0x3A00080D: // SETF8, SETF16 Wn (FEAT_FlagM)
			in.Op, in.Rd, in.Rm = SETF8, 0, 0
			if bit(w, 14) {
				in.Op = SETF16
			}
			return in, true
		}
		return in, false
	case 2: // conditional compare
		if !bit(w, 29) || bit(w, 10) || bit(w, 4) {
			return in, false
		}
		in.Cond = uint8(bits(w, 12, 4))
		in.Imm2 = int64(bits(w, 0, 4))
		op := bit(w, 30)
		if bit(w, 11) {
			in.Op = CCMN_imm
			if op {
				in.Op = CCMP_imm
			}
			in.Imm = int64(bits(w, 16, 5))
			in.Rm = 0
		} else {
			in.Op = CCMN_reg
			if op {
				in.Op = CCMP_reg
			}
		}
		in.Rd = 0
		return in, true
	case 4: // conditional select
		op2 := bits(w, 10, 2)
		if bit(w, 29) || op2 > 1 {
			return in, false
		}
		in.Op = [4]Op{CSEL, CSINC, CSINV, CSNEG}[bits(w, 30, 1)<<1|op2]
		in.Cond = uint8(bits(w, 12, 4))
		return in, true
	case 6:
		if bit(w, 29) {
			return in, false
		}
		opcode := bits(w, 10, 6)
		if bit(w, 30) { // data processing (1 source)
			if bits(w, 16, 5) != 0 {
				return in, false // pointer authentication: not provided
			}
			in.Rm = 0
			switch opcode {
			case 0:
				in.Op = RBIT
			case 1:
				in.Op = REV16
			case 2:
				in.Op = REV
				if in.SF {
					in.Op = REV32
				}
			case 3:
				if !in.SF {
					return in, false
				}
				in.Op = REV
			case 4:
				in.Op = CLZ
			case 5:
				in.Op = CLS
			default:
				return in, false
			}
			return in, true
		}
		// data processing (2 source)
		switch opcode {
		case 2:
			in.Op = UDIV
		case 3:
			in.Op = SDIV
		case 8:
			in.Op = LSLV
		case 9:
			in.Op = LSRV
		case 10:
			in.Op = ASRV
		case 11:
			in.Op = RORV
		case 16, 17, 18, 19, 20, 21, 22, 23:
			sz := opcode & 3
			if (sz == 3) != in.SF {
				return in, false
			}
			in.Op = CRC32B + Op(opcode&7)
		default:
			return in, false
		}
		return in, true
	}
	if bit(w, 24) { // data processing (3 source)
		if bits(w, 29, 2) != 0 {
			return in, false
		}
		in.Ra = gpr(w, 10)
		o0 := bit(w, 15)
		switch op31 := bits(w, 21, 3); {
		case op31 == 0:
			in.Op = MADD
			if o0 {
				in.Op = MSUB
			}
			return in, true
		case !in.SF:
			return in, false
		case op31 == 1:
			in.Op = SMADDL
			if o0 {
				in.Op = SMSUBL
			}
		case op31 == 5:
			in.Op = UMADDL
			if o0 {
				in.Op = UMSUBL
			}
		case op31 == 2 && !o0:
			in.Op = SMULH
			in.Ra = ZR
		case op31 == 6 && !o0:
			in.Op = UMULH
			in.Ra = ZR
		default:
			return in, false
		}
		return in, true
	}
	return in, false
}
