package lift

import (
	"ferry/decoder"
	"ferry/ir"
)

// satLanes emits a saturating op of lane size size whose operands are
// first cut to width bytes: the lanes outside the instruction are zero, so
// they can neither saturate (and set FPSR.QC) nor leave anything but zero
// in the result, which is written to d as is.
func (s *simdLifter) satLanes(d decoder.Reg, op ir.Op, size, aux2, width int64, args ...ir.Value) {
	for i := range args {
		args[i] = s.zextLow(args[i], width)
	}
	s.l.setV(int(d), s.emit(op, size, aux2, args...))
}

// vecWidth is the byte width of the instruction's vector (8 or 16).
func (s *simdLifter) vecWidth() int64 {
	if s.q {
		return 16
	}
	return 8
}

// shrBy is a right shift of lanes of size size by sh, rounding to nearest
// if round.
func (s *simdLifter) shrBy(signed, round bool, x ir.Value, sh, size int64) ir.Value {
	if round {
		return s.roundingShr(signed, x, sh, size)
	}
	op := ir.OpVLShrI
	if signed {
		op = ir.OpVAShrI
	}
	return s.emit(op, size, sh, x)
}

// doublingLong is SQDMULL's saturated 2*a*b of the sign-extended lanes of
// a and b (the half selected by Q) in lanes of size s.size+1.
func (s *simdLifter) doublingLong(a, b ir.Value) ir.Value {
	prod := s.emit(ir.OpVMul, s.size+1, 0, s.ext(true, a), s.ext(true, b))
	return s.emit(ir.OpVSQAdd, s.size+1, 0, prod, prod) // only MinInt² saturates
}

// saturatingForms lifts the halving, rounding, saturating and
// doubling-multiply integer forms, the pairwise long adds, SHLL, PMULL, AES
// and the FP estimate forms.
func (s *simdLifter) saturatingForms() bool {
	in := s.in
	d, n, m := in.Rd, in.Rn, in.Rm
	vn, vm := func() ir.Value { return s.v(n) }, func() ir.Value { return s.v(m) }
	lane := int64(1) << s.size // scalar width in bytes

	lanewise := map[decoder.Op]ir.Op{
		decoder.SHADD_v: ir.OpVSHAdd, decoder.UHADD_v: ir.OpVUHAdd, decoder.SRHADD_v: ir.OpVSRHAdd,
		decoder.URHADD_v: ir.OpVURHAdd, decoder.SHSUB_v: ir.OpVSHSub, decoder.UHSUB_v: ir.OpVUHSub,
		decoder.SRSHL_v: ir.OpVSRShl, decoder.URSHL_v: ir.OpVURShl,
	}
	if op, ok := lanewise[in.Op]; ok {
		s.setVec(d, s.lanes(op, vn(), vm()))
		return true
	}
	saturating := map[decoder.Op]ir.Op{
		decoder.SQSHL_v: ir.OpVSQShl, decoder.UQSHL_v: ir.OpVUQShl, decoder.SQRSHL_v: ir.OpVSQRShl,
		decoder.UQRSHL_v: ir.OpVUQRShl, decoder.SQDMULH_v: ir.OpVSQDMulH, decoder.SQRDMULH_v: ir.OpVSQRDMulH,
	}
	if op, ok := saturating[in.Op]; ok {
		s.satLanes(d, op, s.size, 0, s.vecWidth(), vn(), vm())
		return true
	}
	scalarSaturating := map[decoder.Op]ir.Op{
		decoder.SQSHL_s: ir.OpVSQShl, decoder.UQSHL_s: ir.OpVUQShl, decoder.SQRSHL_s: ir.OpVSQRShl,
		decoder.UQRSHL_s: ir.OpVUQRShl, decoder.SQDMULH_s: ir.OpVSQDMulH, decoder.SQRDMULH_s: ir.OpVSQRDMulH,
	}
	if op, ok := scalarSaturating[in.Op]; ok {
		s.satLanes(d, op, s.size, 0, lane, vn(), vm())
		return true
	}
	if f, ok := narrowShifts[in.Op]; ok {
		s.shiftNarrow(f, vn())
		return true
	}

	switch in.Op {
	case decoder.SRSHL_s, decoder.URSHL_s:
		op := ir.OpVURShl
		if in.Op == decoder.SRSHL_s {
			op = ir.OpVSRShl
		}
		s.setScalar(d, s.lanes(op, vn(), vm()), 3)

	// Two-register miscellaneous.
	case decoder.SADDLP, decoder.UADDLP, decoder.SADALP, decoder.UADALP:
		op := ir.OpVUAddLP
		if in.Op == decoder.SADDLP || in.Op == decoder.SADALP {
			op = ir.OpVSAddLP
		}
		sum := s.lanes(op, vn())
		if in.Op == decoder.SADALP || in.Op == decoder.UADALP {
			sum = s.emit(ir.OpVAdd, s.size+1, 0, s.v(d), sum)
		}
		s.setVec(d, sum)
	case decoder.SUQADD_v, decoder.USQADD_v, decoder.SUQADD_s, decoder.USQADD_s:
		// The accumulator is the destination: Vd = Vd + Vn.
		op := ir.OpVSUQAdd
		if in.Op == decoder.USQADD_v || in.Op == decoder.USQADD_s {
			op = ir.OpVUSQAdd
		}
		width := s.vecWidth()
		if in.Op == decoder.SUQADD_s || in.Op == decoder.USQADD_s {
			width = lane
		}
		s.satLanes(d, op, s.size, 0, width, s.v(d), vn())
	case decoder.SQABS_v, decoder.SQNEG_v, decoder.SQABS_s, decoder.SQNEG_s:
		op := ir.OpVSQAbs
		if in.Op == decoder.SQNEG_v || in.Op == decoder.SQNEG_s {
			op = ir.OpVSQNeg
		}
		width := s.vecWidth()
		if in.Op == decoder.SQABS_s || in.Op == decoder.SQNEG_s {
			width = lane
		}
		s.satLanes(d, op, s.size, 0, width, vn())
	case decoder.SHLL:
		// Shifting a lane left by its own width into a double-width lane
		// is interleaving it above a zero lane: one ZIP of the half.
		op := ir.OpVZip1
		if s.q {
			op = ir.OpVZip2
		}
		s.l.setV(int(d), s.emit(op, s.size, 1, s.zero(), vn()))
	case decoder.URECPE, decoder.URSQRTE:
		op := ir.OpVURecpe
		if in.Op == decoder.URSQRTE {
			op = ir.OpVURsqrte
		}
		s.setVec(d, s.lanes(op, vn()))

	// Shifts by immediate.
	case decoder.SRSRA_v, decoder.URSRA_v:
		sh := s.roundingShr(in.Op == decoder.SRSRA_v, vn(), in.Imm, s.size)
		s.setVec(d, s.lanes(ir.OpVAdd, s.v(d), sh))
	case decoder.SRSHR_s, decoder.URSHR_s, decoder.SRSRA_s, decoder.URSRA_s:
		signed := in.Op == decoder.SRSHR_s || in.Op == decoder.SRSRA_s
		r := s.roundingShr(signed, vn(), in.Imm, 3)
		if in.Op == decoder.SRSRA_s || in.Op == decoder.URSRA_s {
			r = s.emit(ir.OpVAdd, 3, 0, s.v(d), r)
		}
		s.setScalar(d, r, 3)
	case decoder.SQSHL_vi, decoder.UQSHL_vi, decoder.SQSHL_si, decoder.UQSHL_si:
		// The register form with every lane shifting by the immediate.
		op := ir.OpVSQShl
		if in.Op == decoder.UQSHL_vi || in.Op == decoder.UQSHL_si {
			op = ir.OpVUQShl
		}
		width := s.vecWidth()
		if in.Op == decoder.SQSHL_si || in.Op == decoder.UQSHL_si {
			width = lane
		}
		s.satLanes(d, op, s.size, 0, width, vn(), s.replicate(uint64(in.Imm), s.size))
	case decoder.SQSHLU_v:
		s.satLanes(d, ir.OpVSQShlU, s.size, in.Imm, s.vecWidth(), vn())
	case decoder.SQSHLU_s:
		s.satLanes(d, ir.OpVSQShlU, s.size, in.Imm, lane, vn())

	// Three different and by element.
	case decoder.RADDHN, decoder.RSUBHN:
		op := ir.OpVAdd
		if in.Op == decoder.RSUBHN {
			op = ir.OpVSub
		}
		wide := s.emit(op, s.size+1, 0, vn(), vm())
		esize := int64(8) << s.size
		wide = s.emit(ir.OpVAdd, s.size+1, 0, wide, s.replicate(1<<(esize-1), s.size+1))
		s.setNarrow(d, s.lanes(ir.OpVXtn, s.emit(ir.OpVLShrI, s.size+1, esize, wide)))
	case decoder.SQDMULL, decoder.SQDMLAL, decoder.SQDMLSL,
		decoder.SQDMULL_elem, decoder.SQDMLAL_elem, decoder.SQDMLSL_elem:
		b := vm()
		if in.Op == decoder.SQDMULL_elem || in.Op == decoder.SQDMLAL_elem || in.Op == decoder.SQDMLSL_elem {
			b = s.emit(ir.OpVDupLane, s.size, int64(in.VecIndex), b)
		}
		s.l.setV(int(d), s.accumulateSat(in.Op, s.v(d), s.doublingLong(vn(), b)))
	case decoder.SQDMULL_s, decoder.SQDMLAL_s, decoder.SQDMLSL_s,
		decoder.SQDMULL_selem, decoder.SQDMLAL_selem, decoder.SQDMLSL_selem:
		b := vm()
		if in.Op == decoder.SQDMULL_selem || in.Op == decoder.SQDMLAL_selem || in.Op == decoder.SQDMLSL_selem {
			b = s.emit(ir.OpVDupLane, s.size, int64(in.VecIndex), b)
		}
		prod := s.doublingLong(s.zextLow(vn(), lane), s.zextLow(b, lane))
		s.setScalar(d, s.accumulateSat(in.Op, s.zextLow(s.v(d), 2*lane), prod), s.size+1)
	case decoder.SQDMULH_elem, decoder.SQRDMULH_elem, decoder.SQDMULH_selem, decoder.SQRDMULH_selem:
		op := ir.OpVSQDMulH
		if in.Op == decoder.SQRDMULH_elem || in.Op == decoder.SQRDMULH_selem {
			op = ir.OpVSQRDMulH
		}
		width := s.vecWidth()
		if in.Op == decoder.SQDMULH_selem || in.Op == decoder.SQRDMULH_selem {
			width = lane
		}
		s.satLanes(d, op, s.size, 0, width, vn(), s.emit(ir.OpVDupLane, s.size, int64(in.VecIndex), vm()))
	case decoder.PMULL:
		s.l.setV(int(d), s.emit(ir.OpVPMull, s.size, s.qflag(), vn(), vm()))
	case decoder.AESE, decoder.AESD:
		op := ir.OpVAESE
		if in.Op == decoder.AESD {
			op = ir.OpVAESD
		}
		s.l.setV(int(d), s.emit(op, 0, 0, s.v(d), vn()))
	case decoder.AESMC, decoder.AESIMC:
		op := ir.OpVAESMC
		if in.Op == decoder.AESIMC {
			op = ir.OpVAESIMC
		}
		s.l.setV(int(d), s.emit(op, 0, 0, vn()))

	// FP estimates and steps.
	case decoder.FRECPE_v, decoder.FRSQRTE_v, decoder.FRECPE_s, decoder.FRSQRTE_s, decoder.FRECPX:
		op := map[decoder.Op]ir.Op{decoder.FRECPE_v: ir.OpFRecpe, decoder.FRSQRTE_v: ir.OpFRsqrte,
			decoder.FRECPE_s: ir.OpFRecpe, decoder.FRSQRTE_s: ir.OpFRsqrte, decoder.FRECPX: ir.OpFRecpx}[in.Op]
		lanes := s.vecLanes()
		if in.Op != decoder.FRECPE_v && in.Op != decoder.FRSQRTE_v {
			lanes = ir.FPScalar
		}
		s.l.setV(int(d), s.fp(op, lanes, vn()))
	case decoder.FRECPS_v, decoder.FRSQRTS_v, decoder.FRECPS_s, decoder.FRSQRTS_s:
		op := ir.OpFRecps
		if in.Op == decoder.FRSQRTS_v || in.Op == decoder.FRSQRTS_s {
			op = ir.OpFRsqrts
		}
		lanes := s.vecLanes()
		if in.Op == decoder.FRECPS_s || in.Op == decoder.FRSQRTS_s {
			lanes = ir.FPScalar
		}
		s.l.setV(int(d), s.fp(op, lanes, vn(), vm()))
	case decoder.FCVTXN:
		s.setNarrow(d, s.emit(ir.OpFCvtxn, 2, 0, vn()))
	case decoder.FCVTXN_s:
		// Only the low double converts: a zero second lane raises nothing.
		s.setScalar(d, s.emit(ir.OpFCvtxn, 2, 0, s.zextLow(vn(), 8)), 2)
	default:
		return false
	}
	return true
}

// accumulateSat finishes SQDMULL/SQDMLAL/SQDMLSL (any form): the product
// alone, or saturated into acc, in lanes of size s.size+1.
func (s *simdLifter) accumulateSat(op decoder.Op, acc, prod ir.Value) ir.Value {
	switch op {
	case decoder.SQDMLAL, decoder.SQDMLAL_elem, decoder.SQDMLAL_s, decoder.SQDMLAL_selem:
		return s.emit(ir.OpVSQAdd, s.size+1, 0, acc, prod)
	case decoder.SQDMLSL, decoder.SQDMLSL_elem, decoder.SQDMLSL_s, decoder.SQDMLSL_selem:
		return s.emit(ir.OpVSQSub, s.size+1, 0, acc, prod)
	}
	return prod
}

// narrowShift describes a saturating shift-right-narrow form.
type narrowShift struct {
	signed, round, scalar bool
	narrow                ir.Op // the saturating narrow
}

var narrowShifts = map[decoder.Op]narrowShift{
	decoder.SQSHRN_v:   {true, false, false, ir.OpVSqxtn},
	decoder.UQSHRN_v:   {false, false, false, ir.OpVUqxtn},
	decoder.SQRSHRN_v:  {true, true, false, ir.OpVSqxtn},
	decoder.UQRSHRN_v:  {false, true, false, ir.OpVUqxtn},
	decoder.SQSHRUN_v:  {true, false, false, ir.OpVSqxtun},
	decoder.SQRSHRUN_v: {true, true, false, ir.OpVSqxtun},
	decoder.SQSHRN_s:   {true, false, true, ir.OpVSqxtn},
	decoder.UQSHRN_s:   {false, false, true, ir.OpVUqxtn},
	decoder.SQRSHRN_s:  {true, true, true, ir.OpVSqxtn},
	decoder.UQRSHRN_s:  {false, true, true, ir.OpVUqxtn},
	decoder.SQSHRUN_s:  {true, false, true, ir.OpVSqxtun},
	decoder.SQRSHRUN_s: {true, true, true, ir.OpVSqxtun},
}

// shiftNarrow lifts the saturating shift-right-narrow forms: an exact
// (optionally rounded) shift in the wide lanes, which cannot overflow
// them, then a saturating narrow that sets FPSR.QC.
func (s *simdLifter) shiftNarrow(f narrowShift, x ir.Value) {
	d := s.in.Rd
	if f.scalar {
		x = s.zextLow(x, 2<<s.size) // one wide lane
	}
	r := s.lanes(f.narrow, s.shrBy(f.signed, f.round, x, s.in.Imm, s.size+1))
	if f.scalar {
		s.setScalar(d, r, s.size)
		return
	}
	s.setNarrow(d, r)
}
