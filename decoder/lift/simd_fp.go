package lift

import (
	"ferry/decoder"
	"ferry/ir"
)

// fp emits an FP op of the instruction's FP size over the given lanes.
func (s *simdLifter) fp(op ir.Op, lanes ir.FPLanes, args ...ir.Value) ir.Value {
	return s.emit(op, s.size, int64(lanes), args...)
}

// vecLanes is the FPLanes of the instruction's vector width.
func (s *simdLifter) vecLanes() ir.FPLanes { return ir.VecLanes(s.q) }

// fpRounding maps the FCVT<r>S/U and FRINT<r> mnemonic letter to a mode.
var fpRounding = map[byte]ir.FPRounding{'N': ir.RoundTieEven, 'P': ir.RoundPlusInf, 'M': ir.RoundMinusInf,
	'Z': ir.RoundZero, 'A': ir.RoundTieAway, 'I': ir.RoundFPCR, 'X': ir.RoundFPCRExact}

// cvtParams decodes an FCVT<r><S|U>_* or FRINT<r>_* op name.
func cvtParams(o decoder.Op) (r ir.FPRounding, unsigned bool) {
	name := o.String()
	if name[:5] == "FRINT" {
		return fpRounding[name[5]], false
	}
	return fpRounding[name[4]], name[5] == 'U'
}

// vectorFP lifts the Advanced SIMD FP forms (vector and SIMD scalar).
func (s *simdLifter) vectorFP() bool {
	in := s.in
	d, n, m := in.Rd, in.Rn, in.Rm
	vl := s.vecLanes()
	binary := map[decoder.Op]ir.Op{
		decoder.FADD_v: ir.OpFAdd, decoder.FSUB_v: ir.OpFSub, decoder.FMUL_v: ir.OpFMul, decoder.FDIV_v: ir.OpFDiv,
		decoder.FMAX_v: ir.OpFMax, decoder.FMIN_v: ir.OpFMin, decoder.FMAXNM_v: ir.OpFMaxNM, decoder.FMINNM_v: ir.OpFMinNM,
		decoder.FMULX_v: ir.OpFMulX, decoder.FCMEQ_v: ir.OpFCmEq, decoder.FCMGE_v: ir.OpFCmGe, decoder.FCMGT_v: ir.OpFCmGt,
		decoder.FACGE_v: ir.OpFAcGe, decoder.FACGT_v: ir.OpFAcGt,
	}
	if op, ok := binary[in.Op]; ok {
		s.l.setV(int(d), s.fp(op, vl, s.v(n), s.v(m)))
		return true
	}
	scalarBinary := map[decoder.Op]ir.Op{
		decoder.FMULX_s: ir.OpFMulX, decoder.FCMEQ_s: ir.OpFCmEq, decoder.FCMGE_s: ir.OpFCmGe,
		decoder.FCMGT_s: ir.OpFCmGt, decoder.FACGE_s: ir.OpFAcGe, decoder.FACGT_s: ir.OpFAcGt,
	}
	if op, ok := scalarBinary[in.Op]; ok {
		s.l.setV(int(d), s.fp(op, ir.FPScalar, s.v(n), s.v(m)))
		return true
	}
	pairwise := map[decoder.Op]ir.Op{
		decoder.FADDP_v: ir.OpFAdd, decoder.FMAXP_v: ir.OpFMax, decoder.FMINP_v: ir.OpFMin,
		decoder.FMAXNMP_v: ir.OpFMaxNM, decoder.FMINNMP_v: ir.OpFMinNM,
	}
	if op, ok := pairwise[in.Op]; ok {
		s.l.setV(int(d), s.pairwise(op, int64(vl), s.v(n), s.v(m)))
		return true
	}
	unary := map[decoder.Op]ir.Op{decoder.FABS_v: ir.OpFAbs, decoder.FNEG_v: ir.OpFNeg, decoder.FSQRT_v: ir.OpFSqrt}
	if op, ok := unary[in.Op]; ok {
		s.l.setV(int(d), s.fp(op, vl, s.v(n)))
		return true
	}
	switch in.Op {
	case decoder.FMLA_v, decoder.FMLS_v:
		x := s.v(n)
		if in.Op == decoder.FMLS_v {
			x = s.fp(ir.OpFNeg, vl, x)
		}
		s.l.setV(int(d), s.fp(ir.OpFMA, vl, s.v(d), x, s.v(m)))
	case decoder.FABD_v, decoder.FABD_s:
		lanes := vl
		if in.Op == decoder.FABD_s {
			lanes = ir.FPScalar
		}
		s.l.setV(int(d), s.fp(ir.OpFAbs, lanes, s.fp(ir.OpFSub, lanes, s.v(n), s.v(m))))
	case decoder.FRINTN_v, decoder.FRINTM_v, decoder.FRINTP_v, decoder.FRINTZ_v, decoder.FRINTA_v,
		decoder.FRINTX_v, decoder.FRINTI_v:
		r, _ := cvtParams(in.Op)
		s.l.setV(int(d), s.emit(ir.OpFRound, s.size, ir.FRoundAux(r, vl), s.v(n)))
	case decoder.FCVTNS_v, decoder.FCVTMS_v, decoder.FCVTAS_v, decoder.FCVTPS_v, decoder.FCVTZS_v,
		decoder.FCVTNU_v, decoder.FCVTMU_v, decoder.FCVTAU_v, decoder.FCVTPU_v, decoder.FCVTZU_v:
		r, u := cvtParams(in.Op)
		s.l.setV(int(d), s.emit(ir.OpFCvtToInt, s.size, ir.CvtAux(r, int(s.size), u, 0, vl), s.v(n)))
	case decoder.FCVTNS_s, decoder.FCVTMS_s, decoder.FCVTAS_s, decoder.FCVTPS_s, decoder.FCVTZS_s,
		decoder.FCVTNU_s, decoder.FCVTMU_s, decoder.FCVTAU_s, decoder.FCVTPU_s, decoder.FCVTZU_s:
		r, u := cvtParams(in.Op)
		s.l.setV(int(d), s.emit(ir.OpFCvtToInt, s.size, ir.CvtAux(r, int(s.size), u, 0, ir.FPScalar), s.v(n)))
	case decoder.FCVTZS_vfix, decoder.FCVTZU_vfix, decoder.FCVTZS_sfix, decoder.FCVTZU_sfix:
		lanes := vl
		if in.Op == decoder.FCVTZS_sfix || in.Op == decoder.FCVTZU_sfix {
			lanes = ir.FPScalar
		}
		u := in.Op == decoder.FCVTZU_vfix || in.Op == decoder.FCVTZU_sfix
		s.l.setV(int(d), s.emit(ir.OpFCvtToInt, s.size, ir.CvtAux(ir.RoundZero, int(s.size), u, int(in.Imm), lanes), s.v(n)))
	case decoder.SCVTF_v, decoder.UCVTF_v, decoder.SCVTF_s, decoder.UCVTF_s,
		decoder.SCVTF_vfix, decoder.UCVTF_vfix, decoder.SCVTF_sfix, decoder.UCVTF_sfix:
		lanes := vl
		switch in.Op {
		case decoder.SCVTF_s, decoder.UCVTF_s, decoder.SCVTF_sfix, decoder.UCVTF_sfix:
			lanes = ir.FPScalar
		}
		u := in.Op == decoder.UCVTF_v || in.Op == decoder.UCVTF_s || in.Op == decoder.UCVTF_vfix || in.Op == decoder.UCVTF_sfix
		fbits := 0
		if in.Op == decoder.SCVTF_vfix || in.Op == decoder.UCVTF_vfix || in.Op == decoder.SCVTF_sfix || in.Op == decoder.UCVTF_sfix {
			fbits = int(in.Imm)
		}
		s.l.setV(int(d), s.emit(ir.OpIntToFP, s.size, ir.CvtAux(ir.RoundFPCR, int(s.size), u, fbits, lanes), s.v(n)))
	case decoder.FCMGTZ_v, decoder.FCMEQZ_v, decoder.FCMLTZ_v, decoder.FCMGEZ_v, decoder.FCMLEZ_v,
		decoder.FCMGTZ_s, decoder.FCMEQZ_s, decoder.FCMLTZ_s, decoder.FCMGEZ_s, decoder.FCMLEZ_s:
		lanes := vl
		switch in.Op {
		case decoder.FCMGTZ_s, decoder.FCMEQZ_s, decoder.FCMLTZ_s, decoder.FCMGEZ_s, decoder.FCMLEZ_s:
			lanes = ir.FPScalar
		}
		x, z := s.v(n), s.zero()
		var r ir.Value
		switch in.Op {
		case decoder.FCMGTZ_v, decoder.FCMGTZ_s:
			r = s.fp(ir.OpFCmGt, lanes, x, z)
		case decoder.FCMEQZ_v, decoder.FCMEQZ_s:
			r = s.fp(ir.OpFCmEq, lanes, x, z)
		case decoder.FCMLTZ_v, decoder.FCMLTZ_s:
			r = s.fp(ir.OpFCmGt, lanes, z, x)
		case decoder.FCMGEZ_v, decoder.FCMGEZ_s:
			r = s.fp(ir.OpFCmGe, lanes, x, z)
		default:
			r = s.fp(ir.OpFCmGe, lanes, z, x)
		}
		s.l.setV(int(d), r)
	case decoder.FCVTL:
		s.l.setV(int(d), s.emit(ir.OpFCvtl, s.size, s.qflag(), s.v(n)))
	case decoder.FCVTN:
		s.setNarrow(d, s.emit(ir.OpFCvtn, s.size, 0, s.v(n)))
	case decoder.FMUL_elem, decoder.FMLA_elem, decoder.FMLS_elem, decoder.FMULX_elem,
		decoder.FMUL_selem, decoder.FMLA_selem, decoder.FMLS_selem, decoder.FMULX_selem:
		lanes := vl
		switch in.Op {
		case decoder.FMUL_selem, decoder.FMLA_selem, decoder.FMLS_selem, decoder.FMULX_selem:
			lanes = ir.FPScalar
		}
		e := s.emit(ir.OpVDupLane, s.size, int64(in.VecIndex), s.v(m))
		x := s.v(n)
		var r ir.Value
		switch in.Op {
		case decoder.FMUL_elem, decoder.FMUL_selem:
			r = s.fp(ir.OpFMul, lanes, x, e)
		case decoder.FMULX_elem, decoder.FMULX_selem:
			r = s.fp(ir.OpFMulX, lanes, x, e)
		case decoder.FMLS_elem, decoder.FMLS_selem:
			r = s.fp(ir.OpFMA, lanes, s.v(d), s.fp(ir.OpFNeg, lanes, x), e)
		default:
			r = s.fp(ir.OpFMA, lanes, s.v(d), x, e)
		}
		s.l.setV(int(d), r)
	default:
		return false
	}
	return true
}

// scalarFP lifts the scalar floating-point group and the FP ↔ general
// register moves and conversions.
func (s *simdLifter) scalarFP() bool {
	in := s.in
	d, n, m := in.Rd, in.Rn, in.Rm
	sc := ir.FPScalar
	binary := map[decoder.Op]ir.Op{
		decoder.FMUL: ir.OpFMul, decoder.FDIV: ir.OpFDiv, decoder.FADD: ir.OpFAdd, decoder.FSUB: ir.OpFSub,
		decoder.FMAX: ir.OpFMax, decoder.FMIN: ir.OpFMin, decoder.FMAXNM: ir.OpFMaxNM, decoder.FMINNM: ir.OpFMinNM,
	}
	if op, ok := binary[in.Op]; ok {
		s.l.setV(int(d), s.fp(op, sc, s.v(n), s.v(m)))
		return true
	}
	switch in.Op {
	case decoder.FMOV_reg:
		s.setScalar(d, s.v(n), s.size)
	case decoder.FABS, decoder.FNEG, decoder.FSQRT:
		op := map[decoder.Op]ir.Op{decoder.FABS: ir.OpFAbs, decoder.FNEG: ir.OpFNeg, decoder.FSQRT: ir.OpFSqrt}[in.Op]
		s.l.setV(int(d), s.fp(op, sc, s.v(n)))
	case decoder.FNMUL:
		s.l.setV(int(d), s.fp(ir.OpFNeg, sc, s.fp(ir.OpFMul, sc, s.v(n), s.v(m))))
	case decoder.FMADD, decoder.FMSUB, decoder.FNMADD, decoder.FNMSUB:
		// Arm FPMulAdd with the operands negated as the pseudocode does
		// (negation before the fused operation, so NaN signs follow).
		a, x := s.v(in.Ra), s.v(n)
		if in.Op == decoder.FNMADD || in.Op == decoder.FNMSUB {
			a = s.fp(ir.OpFNeg, sc, a)
		}
		if in.Op == decoder.FMSUB || in.Op == decoder.FNMADD {
			x = s.fp(ir.OpFNeg, sc, x)
		}
		s.l.setV(int(d), s.fp(ir.OpFMA, sc, a, x, s.v(m)))
	case decoder.FCVT:
		s.l.setV(int(d), s.emit(ir.OpFCvt, s.size, in.Imm, s.v(n)))
	case decoder.FRINTN, decoder.FRINTP, decoder.FRINTM, decoder.FRINTZ, decoder.FRINTA, decoder.FRINTX, decoder.FRINTI:
		r, _ := cvtParams(in.Op)
		s.l.setV(int(d), s.emit(ir.OpFRound, s.size, ir.FRoundAux(r, sc), s.v(n)))
	case decoder.FCMP, decoder.FCMPE:
		y := s.zero()
		if in.Imm == 0 {
			y = s.v(m)
		}
		s.l.setNZCV(s.fcmp(s.v(n), y))
	case decoder.FCCMP, decoder.FCCMPE:
		// Compare only when the condition holds: otherwise compare zeros,
		// which raises nothing, and take the immediate flags.
		c := s.l.b.CondHolds(s.l.getNZCV(), int(in.Cond))
		z := s.zero()
		x := s.l.b.Select(c, s.v(n), z)
		y := s.l.b.Select(c, s.v(m), z)
		flags := s.l.konst(ir.I32, uint64(in.Imm)<<28)
		s.l.setNZCV(s.l.b.Select(c, s.fcmp(x, y), flags))
	case decoder.FCSEL:
		c := s.l.b.CondHolds(s.l.getNZCV(), int(in.Cond))
		r := s.l.b.Select(c, s.v(n), s.v(m))
		s.setScalar(d, r, s.size)
	case decoder.FMOV_imm:
		s.l.setV(int(d), s.konst(uint64(in.Imm), 0))
	case decoder.FCVTNS_g, decoder.FCVTNU_g, decoder.FCVTPS_g, decoder.FCVTPU_g, decoder.FCVTMS_g,
		decoder.FCVTMU_g, decoder.FCVTZS_g, decoder.FCVTZU_g, decoder.FCVTAS_g, decoder.FCVTAU_g,
		decoder.FCVTZS_gfix, decoder.FCVTZU_gfix:
		r, u := cvtParams(in.Op)
		fbits := 0
		if in.Op == decoder.FCVTZS_gfix || in.Op == decoder.FCVTZU_gfix {
			fbits = int(in.Imm)
		}
		cv := s.emit(ir.OpFCvtToInt, s.size, ir.CvtAux(r, s.intSize(), u, fbits, sc), s.v(n))
		s.l.setReg(d, s.l.b.Emit(ir.OpVExtractLane, ir.I64, 3, 0, cv))
	case decoder.SCVTF_g, decoder.UCVTF_g, decoder.SCVTF_gfix, decoder.UCVTF_gfix:
		u := in.Op == decoder.UCVTF_g || in.Op == decoder.UCVTF_gfix
		fbits := 0
		if in.Op == decoder.SCVTF_gfix || in.Op == decoder.UCVTF_gfix {
			fbits = int(in.Imm)
		}
		src := s.fromGeneral(n) // OpIntToFP reads only the low intSize bits
		s.l.setV(int(d), s.emit(ir.OpIntToFP, s.size, ir.CvtAux(ir.RoundFPCR, s.intSize(), u, fbits, sc), src))
	case decoder.FMOV_tog:
		s.l.setReg(d, s.l.b.Emit(ir.OpVExtractLane, ir.I64, s.size, int64(in.VecIndex), s.v(n)))
	case decoder.FMOV_fromg:
		x := s.fromGeneral(n)
		if in.VecIndex == 1 {
			s.l.setV(int(d), s.emit(ir.OpVInsLane, 3, 1, s.v(d), x))
		} else {
			s.setScalar(d, x, s.size)
		}
	default:
		return false
	}
	return true
}

// intSize is the general register size of a conversion: 3 for X, 2 for W.
func (s *simdLifter) intSize() int {
	if s.in.SF {
		return 3
	}
	return 2
}

func (s *simdLifter) fcmp(x, y ir.Value) ir.Value {
	signal := int64(0)
	if s.in.Op == decoder.FCMPE || s.in.Op == decoder.FCCMPE {
		signal = 1
	}
	return s.l.b.Emit(ir.OpFCmp, ir.I32, s.size, signal, x, y)
}
