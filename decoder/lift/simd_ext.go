package lift

import (
	"ferry/decoder"
	"ferry/ir"
)

// cryptoFns maps the SHA, SM3 and SM4 instructions to their OpVCrypto
// function.
var cryptoFns = map[decoder.Op]ir.CryptoFn{
	decoder.SHA1C: ir.CryptoSHA1C, decoder.SHA1P: ir.CryptoSHA1P, decoder.SHA1M: ir.CryptoSHA1M,
	decoder.SHA1H: ir.CryptoSHA1H, decoder.SHA1SU0: ir.CryptoSHA1SU0, decoder.SHA1SU1: ir.CryptoSHA1SU1,
	decoder.SHA256H: ir.CryptoSHA256H, decoder.SHA256H2: ir.CryptoSHA256H2,
	decoder.SHA256SU0: ir.CryptoSHA256SU0, decoder.SHA256SU1: ir.CryptoSHA256SU1,
	decoder.SHA512H: ir.CryptoSHA512H, decoder.SHA512H2: ir.CryptoSHA512H2,
	decoder.SHA512SU0: ir.CryptoSHA512SU0, decoder.SHA512SU1: ir.CryptoSHA512SU1,
	decoder.SM3SS1: ir.CryptoSM3SS1, decoder.SM3TT1A: ir.CryptoSM3TT1A, decoder.SM3TT1B: ir.CryptoSM3TT1B,
	decoder.SM3TT2A: ir.CryptoSM3TT2A, decoder.SM3TT2B: ir.CryptoSM3TT2B,
	decoder.SM3PARTW1: ir.CryptoSM3PARTW1, decoder.SM3PARTW2: ir.CryptoSM3PARTW2,
	decoder.SM4E: ir.CryptoSM4E, decoder.SM4EKEY: ir.CryptoSM4EKEY,
}

// extensions lifts the FP/SIMD instructions of the ARMv8.1–8.6 extensions
// (decoder/simd_ext_ops.go).
func (s *simdLifter) extensions() bool {
	in := s.in
	d, n, m := in.Rd, in.Rn, in.Rm
	vd, vn, vm := func() ir.Value { return s.v(d) }, func() ir.Value { return s.v(n) }, func() ir.Value { return s.v(m) }
	if fn, ok := cryptoFns[in.Op]; ok {
		var args []ir.Value
		switch in.Op {
		case decoder.SHA1H:
			args = []ir.Value{vn()}
		case decoder.SHA1SU1, decoder.SHA256SU0, decoder.SHA512SU0, decoder.SM4E:
			args = []ir.Value{vd(), vn()}
		case decoder.SM3SS1:
			args = []ir.Value{vn(), vm(), s.v(in.Ra)}
		case decoder.SM4EKEY:
			args = []ir.Value{vn(), vm()}
		default:
			args = []ir.Value{vd(), vn(), vm()}
		}
		s.l.setV(int(d), s.emit(ir.OpVCrypto, int64(fn), int64(in.VecIndex), args...))
		return true
	}
	switch in.Op {
	// FEAT_SHA3, in the ordinary bitwise and shift ops.
	case decoder.EOR3:
		s.l.setV(int(d), s.emit(ir.OpVXor, 0, 0, s.emit(ir.OpVXor, 0, 0, vn(), vm()), s.v(in.Ra)))
	case decoder.BCAX:
		s.l.setV(int(d), s.emit(ir.OpVXor, 0, 0, vn(), s.emit(ir.OpVAndNot, 0, 0, vm(), s.v(in.Ra))))
	case decoder.RAX1:
		s.l.setV(int(d), s.emit(ir.OpVXor, 0, 0, vn(), s.rotateLeft64(vm(), 1)))
	case decoder.XAR:
		x := s.emit(ir.OpVXor, 0, 0, vn(), vm())
		s.l.setV(int(d), s.rotateLeft64(x, (64-in.Imm)%64))

	// FEAT_RDM.
	case decoder.SQRDMLAH_v, decoder.SQRDMLSH_v:
		s.satLanes(d, ir.OpVSQRDMlah, s.size, b2aux(in.Op == decoder.SQRDMLSH_v), s.vecWidth(), vd(), vn(), vm())
	case decoder.SQRDMLAH_s, decoder.SQRDMLSH_s:
		s.satLanes(d, ir.OpVSQRDMlah, s.size, b2aux(in.Op == decoder.SQRDMLSH_s), 1<<s.size, vd(), vn(), vm())
	case decoder.SQRDMLAH_elem, decoder.SQRDMLSH_elem, decoder.SQRDMLAH_selem, decoder.SQRDMLSH_selem:
		width := s.vecWidth()
		if in.Op == decoder.SQRDMLAH_selem || in.Op == decoder.SQRDMLSH_selem {
			width = 1 << s.size
		}
		sub := in.Op == decoder.SQRDMLSH_elem || in.Op == decoder.SQRDMLSH_selem
		e := s.emit(ir.OpVDupLane, s.size, int64(in.VecIndex), vm())
		s.satLanes(d, ir.OpVSQRDMlah, s.size, b2aux(sub), width, vd(), vn(), e)

	// FEAT_DotProd, FEAT_I8MM.
	case decoder.SDOT_v, decoder.UDOT_v, decoder.USDOT_v:
		s.setVec(d, s.emit(ir.OpVDot, 2, int64(dotSigns[in.Op]), vd(), vn(), vm()))
	case decoder.SDOT_elem, decoder.UDOT_elem, decoder.USDOT_elem:
		group := s.emit(ir.OpVDupLane, 2, int64(in.VecIndex), vm())
		s.setVec(d, s.emit(ir.OpVDot, 2, int64(dotSigns[in.Op]), vd(), vn(), group))
	case decoder.SUDOT_elem:
		// Signed Vn by unsigned Vm: USDOT with the operands swapped
		// (the byte products commute).
		group := s.emit(ir.OpVDupLane, 2, int64(in.VecIndex), vm())
		s.setVec(d, s.emit(ir.OpVDot, 2, int64(ir.DotUnsignedSigned), vd(), group, vn()))
	case decoder.SMMLA, decoder.UMMLA, decoder.USMMLA:
		s.l.setV(int(d), s.emit(ir.OpVMMLA, 2, int64(dotSigns[in.Op]), vd(), vn(), vm()))

	// FEAT_FCMA, in FP adds and fused multiply-adds of permuted operands.
	case decoder.FCADD:
		s.l.setV(int(d), s.fcadd(vn(), vm()))
	case decoder.FCMLA_v:
		s.l.setV(int(d), s.fcmla(vd(), vn(), vm()))
	case decoder.FCMLA_elem:
		// The complex pair (two lanes, one lane of twice the size) is
		// duplicated into every pair position.
		pair := s.emit(ir.OpVDupLane, s.size+1, int64(in.VecIndex), vm())
		s.l.setV(int(d), s.fcmla(vd(), vn(), pair))

	// FEAT_JSCVT, FEAT_FRINTTS.
	case decoder.FJCVTZS:
		r := s.emit(ir.OpFJcvtzs, 3, 0, vn())
		s.l.setReg(d, s.l.trunc(s.l.b.Emit(ir.OpVExtractLane, ir.I64, 2, 0, r)))
		s.l.setNZCV(s.l.trunc(s.l.b.Emit(ir.OpVExtractLane, ir.I64, 2, 1, r)))
	case decoder.FRINT32Z, decoder.FRINT32X, decoder.FRINT64Z, decoder.FRINT64X,
		decoder.FRINT32Z_v, decoder.FRINT32X_v, decoder.FRINT64Z_v, decoder.FRINT64X_v:
		r, intBits := frintN(in.Op)
		lanes := s.vecLanes()
		if in.Op <= decoder.FRINT64X {
			lanes = ir.FPScalar
		}
		s.l.setV(int(d), s.emit(ir.OpFRoundIntN, s.size, ir.FRoundIntAux(r, lanes, intBits), vn()))
	default:
		return false
	}
	return true
}

var dotSigns = map[decoder.Op]ir.DotSign{
	decoder.SDOT_v: ir.DotSigned, decoder.UDOT_v: ir.DotUnsigned, decoder.USDOT_v: ir.DotUnsignedSigned,
	decoder.SDOT_elem: ir.DotSigned, decoder.UDOT_elem: ir.DotUnsigned, decoder.USDOT_elem: ir.DotUnsignedSigned,
	decoder.SMMLA: ir.DotSigned, decoder.UMMLA: ir.DotUnsigned, decoder.USMMLA: ir.DotUnsignedSigned,
}

// frintN gives the rounding and integer size of FRINT32Z…FRINT64X.
func frintN(o decoder.Op) (ir.FPRounding, int) {
	switch o {
	case decoder.FRINT32Z, decoder.FRINT32Z_v:
		return ir.RoundZero, 32
	case decoder.FRINT32X, decoder.FRINT32X_v:
		return ir.RoundFPCRExact, 32
	case decoder.FRINT64Z, decoder.FRINT64Z_v:
		return ir.RoundZero, 64
	}
	return ir.RoundFPCRExact, 64
}

func b2aux(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// rotateLeft64 rotates each 64-bit lane of x left by k (0..63).
func (s *simdLifter) rotateLeft64(x ir.Value, k int64) ir.Value {
	if k == 0 {
		return x
	}
	return s.emit(ir.OpVOr, 0, 0, s.emit(ir.OpVShlI, 3, k, x), s.emit(ir.OpVLShrI, 3, 64-k, x))
}

// pairNegation is a vector of the sign bits of the lanes of FP size s
// (single or double precision) at the even (odd = false) or odd lanes:
// XOR with it is FPNeg of those lanes, which flips the sign bit of
// anything, NaNs included, and raises nothing.
func (s *simdLifter) pairNegation(odd bool) ir.Value {
	if s.size == 3 {
		if odd {
			return s.konst(0, 1<<63)
		}
		return s.konst(1<<63, 0)
	}
	var w uint64 = 1 << 31
	if odd {
		w = 1 << 63
	}
	return s.konst(w, w)
}

// swapPairs exchanges the two lanes of every complex pair of x.
func (s *simdLifter) swapPairs(x ir.Value) ir.Value {
	if s.size == 3 {
		return s.emit(ir.OpVExt, 8, 1, x, x)
	}
	return s.emit(ir.OpVRev, s.size, s.size+1, x)
}

// fcadd is FCADD: for each complex pair, Vn + Vm rotated by 90 degrees
// (real - Vm.imag, imag + Vm.real) or 270 (real + Vm.imag, imag - Vm.real).
func (s *simdLifter) fcadd(n, m ir.Value) ir.Value {
	swapped := s.swapPairs(m)
	rot270 := s.in.Imm == 3
	neg := s.emit(ir.OpVXor, 0, 0, swapped, s.pairNegation(rot270))
	return s.fp(ir.OpFAdd, s.vecLanes(), n, neg)
}

// fcmla is FCMLA with the pair operand m (Vm, or the duplicated
// element): d + n' * m' with one rounding per lane, where n' repeats the
// real (rotations 0 and 180) or imaginary (90, 270) part of each pair of
// n and m' is m permuted and negated as the Arm ARM's element1/element3:
//
//	rot   0: ( m.re,  m.im)     rot  90: (-m.im, m.re)
//	rot 180: (-m.re, -m.im)     rot 270: ( m.im, -m.re)
func (s *simdLifter) fcmla(d, n, m ir.Value) ir.Value {
	rot := s.in.Imm
	var nn ir.Value
	if rot%2 == 0 {
		nn = s.emit(ir.OpVTrn1, s.size, 1, n, n)
	} else {
		nn = s.emit(ir.OpVTrn2, s.size, 1, n, n)
	}
	mm := m
	if rot%2 == 1 {
		mm = s.swapPairs(m)
	}
	switch rot {
	case 1:
		mm = s.emit(ir.OpVXor, 0, 0, mm, s.pairNegation(false))
	case 2:
		mm = s.emit(ir.OpVXor, 0, 0, mm, s.emit(ir.OpVOr, 0, 0, s.pairNegation(false), s.pairNegation(true)))
	case 3:
		mm = s.emit(ir.OpVXor, 0, 0, mm, s.pairNegation(true))
	}
	return s.fp(ir.OpFMA, s.vecLanes(), d, nn, mm)
}
