package lift

import (
	"ferry/decoder"
	"ferry/ir"
)

// liftSIMD lifts an FP/Advanced SIMD instruction (in.Op >= decoder.SIMDBase)
// and reports whether it could. Field meanings are documented on
// decoder.decodeSIMD; IR conventions on ir/ops_vec.go.
func liftSIMD(l *lifter, in decoder.Inst) bool {
	s := simdLifter{l: l, in: in, size: int64(in.VecSize), q: in.VecQ}
	if in.Op >= decoder.LD_mult && in.Op <= decoder.LD_repl {
		return s.structLdSt()
	}
	return s.integer() || s.saturatingForms() || s.vectorFP() || s.scalarFP() || s.extensions()
}

type simdLifter struct {
	l    *lifter
	in   decoder.Inst
	size int64 // lane size (0..3) or FP size (1..3)
	q    bool
}

func (s *simdLifter) v(r decoder.Reg) ir.Value { return s.l.getV(int(r) & 31) }

func (s *simdLifter) emit(op ir.Op, aux, aux2 int64, args ...ir.Value) ir.Value {
	return s.l.b.Emit(op, ir.V128, aux, aux2, args...)
}

// lanes emits a lane-wise op of the instruction's lane size.
func (s *simdLifter) lanes(op ir.Op, args ...ir.Value) ir.Value {
	return s.emit(op, s.size, 0, args...)
}

func (s *simdLifter) qflag() int64 {
	if s.q {
		return 1
	}
	return 0
}

// zextLow keeps the low n bytes of x.
func (s *simdLifter) zextLow(x ir.Value, n int64) ir.Value {
	if n >= 16 {
		return x
	}
	return s.emit(ir.OpVZextLow, n, 0, x)
}

// setVec writes a vector result, clearing the upper half for 64-bit forms.
func (s *simdLifter) setVec(d decoder.Reg, x ir.Value) {
	if !s.q {
		x = s.zextLow(x, 8)
	}
	s.l.setV(int(d), x)
}

// setScalar writes a scalar result of lane size size (zeroing the rest).
func (s *simdLifter) setScalar(d decoder.Reg, x ir.Value, size int64) {
	s.l.setV(int(d), s.zextLow(x, 1<<size))
}

// setUpper writes a narrowing result: the low half for the plain form, the
// upper half (keeping the low half) for the "2" form.
func (s *simdLifter) setNarrow(d decoder.Reg, narrow ir.Value) {
	if s.q {
		s.l.setV(int(d), s.emit(ir.OpVCombine, 0, 0, s.v(d), narrow))
		return
	}
	s.l.setV(int(d), narrow)
}

func (s *simdLifter) konst(lo, hi uint64) ir.Value { return s.l.b.ConstV128(lo, hi) }

func (s *simdLifter) zero() ir.Value { return s.konst(0, 0) }

// replicate builds a vector with every lane of size size equal to x.
func (s *simdLifter) replicate(x uint64, size int64) ir.Value {
	var w uint64
	for i := int64(0); i < 64; i += 8 << size {
		w |= x << i
	}
	return s.konst(w, w)
}

// ext widens lanes of the instruction's size from the half selected by Q.
func (s *simdLifter) ext(signed bool, x ir.Value) ir.Value {
	op := ir.OpVUxtl
	if signed {
		op = ir.OpVSxtl
	}
	return s.emit(op, s.size, s.qflag(), x)
}

// pairwise applies a lane op to adjacent pairs of the concatenation m:n.
func (s *simdLifter) pairwise(op ir.Op, aux2 int64, n, m ir.Value) ir.Value {
	even := s.emit(ir.OpVUzp1, s.size, s.qflag(), n, m)
	odd := s.emit(ir.OpVUzp2, s.size, s.qflag(), n, m)
	return s.emit(op, s.size, aux2, even, odd)
}

// roundingShr is a right shift by sh rounding to nearest (ties up): the
// plain shift plus the last bit shifted out, which never overflows.
func (s *simdLifter) roundingShr(signed bool, x ir.Value, sh, size int64) ir.Value {
	op := ir.OpVLShrI
	if signed {
		op = ir.OpVAShrI
	}
	q := s.emit(op, size, sh, x)
	last := s.emit(ir.OpVAnd, 0, 0, s.emit(ir.OpVLShrI, size, sh-1, x), s.replicate(1, size))
	return s.emit(ir.OpVAdd, size, 0, q, last)
}

// Constant lane-op tables of integer(), built once rather than per lifted
// instruction.
var (
	simdThreeSame = map[decoder.Op]ir.Op{
		decoder.ADD_v: ir.OpVAdd, decoder.SUB_v: ir.OpVSub, decoder.MUL_v: ir.OpVMul,
		decoder.PMUL_v: ir.OpVPMul,
		decoder.AND_v:  ir.OpVAnd, decoder.BIC_v: ir.OpVAndNot, decoder.ORR_v: ir.OpVOr,
		decoder.ORN_v: ir.OpVOrNot, decoder.EOR_v: ir.OpVXor,
		decoder.CMEQ_v: ir.OpVCmpEq, decoder.CMHI_v: ir.OpVCmpUGt, decoder.CMHS_v: ir.OpVCmpUGe,
		decoder.CMGT_v: ir.OpVCmpSGt, decoder.CMGE_v: ir.OpVCmpSGe, decoder.CMTST_v: ir.OpVCmpTst,
		decoder.UMAX_v: ir.OpVUMax, decoder.UMIN_v: ir.OpVUMin, decoder.SMAX_v: ir.OpVSMax,
		decoder.SMIN_v: ir.OpVSMin, decoder.UABD_v: ir.OpVUAbd, decoder.SABD_v: ir.OpVSAbd,
		decoder.USHL_v: ir.OpVUShl, decoder.SSHL_v: ir.OpVSShl,
	}
	simdScalarThreeSame = map[decoder.Op]ir.Op{
		decoder.ADD_s: ir.OpVAdd, decoder.SUB_s: ir.OpVSub,
		decoder.CMEQ_s: ir.OpVCmpEq, decoder.CMHI_s: ir.OpVCmpUGt, decoder.CMHS_s: ir.OpVCmpUGe,
		decoder.CMGT_s: ir.OpVCmpSGt, decoder.CMGE_s: ir.OpVCmpSGe, decoder.CMTST_s: ir.OpVCmpTst,
		decoder.USHL_s: ir.OpVUShl, decoder.SSHL_s: ir.OpVSShl,
	}
	simdSaturating = map[decoder.Op]ir.Op{
		decoder.UQADD_v: ir.OpVUQAdd, decoder.SQADD_v: ir.OpVSQAdd, decoder.UQSUB_v: ir.OpVUQSub,
		decoder.SQSUB_v: ir.OpVSQSub, decoder.UQADD_s: ir.OpVUQAdd, decoder.SQADD_s: ir.OpVSQAdd,
		decoder.UQSUB_s: ir.OpVUQSub, decoder.SQSUB_s: ir.OpVSQSub,
	}
)

func (s *simdLifter) integer() bool {
	in := s.in
	d, n, m := in.Rd, in.Rn, in.Rm
	vn, vm := func() ir.Value { return s.v(n) }, func() ir.Value { return s.v(m) }
	if op, ok := simdThreeSame[in.Op]; ok {
		s.setVec(d, s.lanes(op, vn(), vm()))
		return true
	}
	if op, ok := simdScalarThreeSame[in.Op]; ok {
		s.setScalar(d, s.lanes(op, vn(), vm()), 3)
		return true
	}
	if op, ok := simdSaturating[in.Op]; ok {
		// Lanes outside the operation are zeroed first so that they cannot
		// saturate and set FPSR.QC.
		width := int64(16)
		if in.Op >= decoder.ADD_s && in.Op <= decoder.SQSUB_s {
			width = 1 << s.size
		} else if !s.q {
			width = 8
		}
		r := s.lanes(op, s.zextLow(vn(), width), s.zextLow(vm(), width))
		s.l.setV(int(d), r)
		return true
	}
	switch in.Op {
	case decoder.MLA_v, decoder.MLS_v:
		prod := s.lanes(ir.OpVMul, vn(), vm())
		s.setVec(d, s.accumulate(in.Op == decoder.MLS_v, s.v(d), prod, s.size))
	case decoder.BSL_v:
		s.setVec(d, s.emit(ir.OpVBsl, 0, 0, s.v(d), vn(), vm()))
	case decoder.BIT_v:
		s.setVec(d, s.emit(ir.OpVBsl, 0, 0, vm(), vn(), s.v(d)))
	case decoder.BIF_v:
		s.setVec(d, s.emit(ir.OpVBsl, 0, 0, vm(), s.v(d), vn()))
	case decoder.UABA_v, decoder.SABA_v:
		op := ir.OpVUAbd
		if in.Op == decoder.SABA_v {
			op = ir.OpVSAbd
		}
		s.setVec(d, s.lanes(ir.OpVAdd, s.v(d), s.lanes(op, vn(), vm())))
	case decoder.UMAXP_v, decoder.UMINP_v, decoder.SMAXP_v, decoder.SMINP_v, decoder.ADDP_v:
		op := map[decoder.Op]ir.Op{decoder.UMAXP_v: ir.OpVUMax, decoder.UMINP_v: ir.OpVUMin,
			decoder.SMAXP_v: ir.OpVSMax, decoder.SMINP_v: ir.OpVSMin, decoder.ADDP_v: ir.OpVAdd}[in.Op]
		s.setVec(d, s.pairwise(op, 0, vn(), vm()))

	// Two-register miscellaneous.
	case decoder.REV64_v, decoder.REV32_v, decoder.REV16_v:
		container := map[decoder.Op]int64{decoder.REV64_v: 3, decoder.REV32_v: 2, decoder.REV16_v: 1}[in.Op]
		s.setVec(d, s.emit(ir.OpVRev, s.size, container, vn()))
	case decoder.CLS_v, decoder.CLZ_v, decoder.CNT_v, decoder.NOT_v, decoder.RBIT_v, decoder.ABS_v, decoder.NEG_v:
		op := map[decoder.Op]ir.Op{decoder.CLS_v: ir.OpVCls, decoder.CLZ_v: ir.OpVClz, decoder.CNT_v: ir.OpVCnt,
			decoder.NOT_v: ir.OpVNot, decoder.RBIT_v: ir.OpVRbit, decoder.ABS_v: ir.OpVAbs, decoder.NEG_v: ir.OpVNeg}[in.Op]
		s.setVec(d, s.lanes(op, vn()))
	case decoder.ABS_s, decoder.NEG_s:
		op := ir.OpVAbs
		if in.Op == decoder.NEG_s {
			op = ir.OpVNeg
		}
		s.setScalar(d, s.lanes(op, vn()), 3)
	case decoder.CMGTZ_v, decoder.CMEQZ_v, decoder.CMLTZ_v, decoder.CMGEZ_v, decoder.CMLEZ_v:
		s.setVec(d, s.compareZero(in.Op, vn()))
	case decoder.CMGTZ_s, decoder.CMEQZ_s, decoder.CMLTZ_s, decoder.CMGEZ_s, decoder.CMLEZ_s:
		vecOp := map[decoder.Op]decoder.Op{decoder.CMGTZ_s: decoder.CMGTZ_v, decoder.CMEQZ_s: decoder.CMEQZ_v,
			decoder.CMLTZ_s: decoder.CMLTZ_v, decoder.CMGEZ_s: decoder.CMGEZ_v, decoder.CMLEZ_s: decoder.CMLEZ_v}[in.Op]
		s.setScalar(d, s.compareZero(vecOp, vn()), 3)
	case decoder.XTN_v:
		s.setNarrow(d, s.lanes(ir.OpVXtn, vn()))
	case decoder.SQXTN_v, decoder.UQXTN_v, decoder.SQXTUN_v:
		op := map[decoder.Op]ir.Op{decoder.SQXTN_v: ir.OpVSqxtn, decoder.UQXTN_v: ir.OpVUqxtn, decoder.SQXTUN_v: ir.OpVSqxtun}[in.Op]
		s.setNarrow(d, s.lanes(op, vn()))
	case decoder.SQXTN_s, decoder.UQXTN_s, decoder.SQXTUN_s:
		op := map[decoder.Op]ir.Op{decoder.SQXTN_s: ir.OpVSqxtn, decoder.UQXTN_s: ir.OpVUqxtn, decoder.SQXTUN_s: ir.OpVSqxtun}[in.Op]
		r := s.lanes(op, s.zextLow(vn(), 2<<s.size))
		s.setScalar(d, r, s.size)

	// Across lanes and scalar pairwise.
	case decoder.ADDV, decoder.UMAXV, decoder.UMINV, decoder.SMAXV, decoder.SMINV, decoder.UADDLV, decoder.SADDLV:
		op := map[decoder.Op]ir.Op{decoder.ADDV: ir.OpVAddV, decoder.UMAXV: ir.OpVUMaxV, decoder.UMINV: ir.OpVUMinV,
			decoder.SMAXV: ir.OpVSMaxV, decoder.SMINV: ir.OpVSMinV, decoder.UADDLV: ir.OpVUAddLV, decoder.SADDLV: ir.OpVSAddLV}[in.Op]
		s.l.setV(int(d), s.emit(op, s.size, s.qflag(), vn()))
	case decoder.FMAXV, decoder.FMINV, decoder.FMAXNMV, decoder.FMINNMV:
		// Arm reduces recursively in halves: (e0 op e1) op (e2 op e3).
		op := map[decoder.Op]ir.Op{decoder.FMAXV: ir.OpFMax, decoder.FMINV: ir.OpFMin,
			decoder.FMAXNMV: ir.OpFMaxNM, decoder.FMINNMV: ir.OpFMinNM}[in.Op]
		x := vn()
		pairs := s.emit(op, 2, int64(ir.FPVec64), s.emit(ir.OpVUzp1, 2, 1, x, x), s.emit(ir.OpVUzp2, 2, 1, x, x))
		s.l.setV(int(d), s.emit(op, 2, int64(ir.FPScalar), pairs, s.emit(ir.OpVDupLane, 2, 1, pairs)))
	case decoder.ADDP_s:
		x := vn()
		s.setScalar(d, s.emit(ir.OpVAdd, 3, 0, x, s.emit(ir.OpVDupLane, 3, 1, x)), 3)
	case decoder.FADDP_s, decoder.FMAXP_s, decoder.FMINP_s, decoder.FMAXNMP_s, decoder.FMINNMP_s:
		op := map[decoder.Op]ir.Op{decoder.FADDP_s: ir.OpFAdd, decoder.FMAXP_s: ir.OpFMax, decoder.FMINP_s: ir.OpFMin,
			decoder.FMAXNMP_s: ir.OpFMaxNM, decoder.FMINNMP_s: ir.OpFMinNM}[in.Op]
		x := vn()
		s.l.setV(int(d), s.emit(op, s.size, int64(ir.FPScalar), x, s.emit(ir.OpVDupLane, s.size, 1, x)))

	// Copies.
	case decoder.DUP_elem:
		s.setVec(d, s.emit(ir.OpVDupLane, s.size, int64(in.VecIndex), vn()))
	case decoder.DUP_gen:
		s.setVec(d, s.emit(ir.OpVDupLane, s.size, 0, s.fromGeneral(n)))
	case decoder.DUP_scalar:
		s.setScalar(d, s.emit(ir.OpVDupLane, s.size, int64(in.VecIndex), vn()), s.size)
	case decoder.INS_gen:
		s.l.setV(int(d), s.emit(ir.OpVInsLane, s.size, int64(in.VecIndex), s.v(d), s.fromGeneral(n)))
	case decoder.INS_elem:
		s.l.setV(int(d), s.emit(ir.OpVInsLane, s.size, int64(in.VecIndex)|in.Imm<<8, s.v(d), vn()))
	case decoder.UMOV, decoder.SMOV:
		x := s.l.b.Emit(ir.OpVExtractLane, ir.I64, s.size, int64(in.VecIndex), vn())
		if in.Op == decoder.SMOV {
			x = s.l.b.Emit(ir.OpSExtBits, ir.I64, 8<<s.size, 0, x)
			if !in.SF {
				x = s.l.trunc(x)
			}
		}
		s.l.setReg(d, x)

	// Modified immediates.
	case decoder.MOVI, decoder.MVNI, decoder.FMOV_imm_v:
		imm := uint64(in.Imm)
		if in.Op == decoder.MVNI {
			imm = ^imm
		}
		s.setVec(d, s.konst(imm, imm))
	case decoder.ORR_imm_v, decoder.BIC_imm_v:
		op := ir.OpVOr
		if in.Op == decoder.BIC_imm_v {
			op = ir.OpVAndNot
		}
		imm := uint64(in.Imm)
		s.setVec(d, s.emit(op, 0, 0, s.v(d), s.konst(imm, imm)))

	// Shifts by immediate.
	case decoder.SSHR_v, decoder.USHR_v, decoder.SSHR_s, decoder.USHR_s:
		op := ir.OpVLShrI
		if in.Op == decoder.SSHR_v || in.Op == decoder.SSHR_s {
			op = ir.OpVAShrI
		}
		s.setVecOrScalar(d, s.emit(op, s.size, in.Imm, vn()))
	case decoder.SSRA_v, decoder.USRA_v, decoder.SSRA_s, decoder.USRA_s:
		op := ir.OpVLShrI
		if in.Op == decoder.SSRA_v || in.Op == decoder.SSRA_s {
			op = ir.OpVAShrI
		}
		s.setVecOrScalar(d, s.lanes(ir.OpVAdd, s.v(d), s.emit(op, s.size, in.Imm, vn())))
	case decoder.SRSHR_v, decoder.URSHR_v:
		s.setVec(d, s.roundingShr(in.Op == decoder.SRSHR_v, vn(), in.Imm, s.size))
	case decoder.SHL_v, decoder.SHL_s:
		s.setVecOrScalar(d, s.emit(ir.OpVShlI, s.size, in.Imm, vn()))
	case decoder.SRI_v, decoder.SRI_s:
		s.setVecOrScalar(d, s.emit(ir.OpVSri, s.size, in.Imm, s.v(d), vn()))
	case decoder.SLI_v, decoder.SLI_s:
		s.setVecOrScalar(d, s.emit(ir.OpVSli, s.size, in.Imm, s.v(d), vn()))
	case decoder.SHRN_v:
		s.setNarrow(d, s.lanes(ir.OpVXtn, s.emit(ir.OpVLShrI, s.size+1, in.Imm, vn())))
	case decoder.RSHRN_v:
		s.setNarrow(d, s.lanes(ir.OpVXtn, s.roundingShr(false, vn(), in.Imm, s.size+1)))
	case decoder.SSHLL_v, decoder.USHLL_v:
		wide := s.ext(in.Op == decoder.SSHLL_v, vn())
		if in.Imm != 0 {
			wide = s.emit(ir.OpVShlI, s.size+1, in.Imm, wide)
		}
		s.l.setV(int(d), wide)

	// Three different: long, wide and narrow forms.
	case decoder.SADDL, decoder.UADDL, decoder.SSUBL, decoder.USUBL, decoder.SMULL, decoder.UMULL,
		decoder.SABDL, decoder.UABDL:
		signed := in.Op == decoder.SADDL || in.Op == decoder.SSUBL || in.Op == decoder.SMULL || in.Op == decoder.SABDL
		op := map[decoder.Op]ir.Op{decoder.SADDL: ir.OpVAdd, decoder.UADDL: ir.OpVAdd, decoder.SSUBL: ir.OpVSub,
			decoder.USUBL: ir.OpVSub, decoder.SMULL: ir.OpVMul, decoder.UMULL: ir.OpVMul,
			decoder.SABDL: ir.OpVSAbd, decoder.UABDL: ir.OpVUAbd}[in.Op]
		s.l.setV(int(d), s.emit(op, s.size+1, 0, s.ext(signed, vn()), s.ext(signed, vm())))
	case decoder.SADDW, decoder.UADDW, decoder.SSUBW, decoder.USUBW:
		signed := in.Op == decoder.SADDW || in.Op == decoder.SSUBW
		op := ir.OpVAdd
		if in.Op == decoder.SSUBW || in.Op == decoder.USUBW {
			op = ir.OpVSub
		}
		s.l.setV(int(d), s.emit(op, s.size+1, 0, vn(), s.ext(signed, vm())))
	case decoder.SMLAL, decoder.UMLAL, decoder.SMLSL, decoder.UMLSL:
		signed := in.Op == decoder.SMLAL || in.Op == decoder.SMLSL
		prod := s.emit(ir.OpVMul, s.size+1, 0, s.ext(signed, vn()), s.ext(signed, vm()))
		s.l.setV(int(d), s.accumulate(in.Op == decoder.SMLSL || in.Op == decoder.UMLSL, s.v(d), prod, s.size+1))
	case decoder.SABAL, decoder.UABAL:
		signed := in.Op == decoder.SABAL
		op := ir.OpVUAbd
		if signed {
			op = ir.OpVSAbd
		}
		diff := s.emit(op, s.size+1, 0, s.ext(signed, vn()), s.ext(signed, vm()))
		s.l.setV(int(d), s.emit(ir.OpVAdd, s.size+1, 0, s.v(d), diff))
	case decoder.ADDHN, decoder.SUBHN:
		op := ir.OpVAdd
		if in.Op == decoder.SUBHN {
			op = ir.OpVSub
		}
		wide := s.emit(op, s.size+1, 0, vn(), vm())
		s.setNarrow(d, s.lanes(ir.OpVXtn, s.emit(ir.OpVLShrI, s.size+1, 8<<s.size, wide)))

	// By element.
	case decoder.MUL_elem, decoder.MLA_elem, decoder.MLS_elem:
		prod := s.lanes(ir.OpVMul, vn(), s.emit(ir.OpVDupLane, s.size, int64(in.VecIndex), vm()))
		if in.Op != decoder.MUL_elem {
			prod = s.accumulate(in.Op == decoder.MLS_elem, s.v(d), prod, s.size)
		}
		s.setVec(d, prod)
	case decoder.SMULL_elem, decoder.UMULL_elem, decoder.SMLAL_elem, decoder.UMLAL_elem, decoder.SMLSL_elem, decoder.UMLSL_elem:
		signed := in.Op == decoder.SMULL_elem || in.Op == decoder.SMLAL_elem || in.Op == decoder.SMLSL_elem
		elem := s.emit(ir.OpVDupLane, s.size, int64(in.VecIndex), vm())
		prod := s.emit(ir.OpVMul, s.size+1, 0, s.ext(signed, vn()), s.ext(signed, elem))
		switch in.Op {
		case decoder.SMLAL_elem, decoder.UMLAL_elem:
			prod = s.accumulate(false, s.v(d), prod, s.size+1)
		case decoder.SMLSL_elem, decoder.UMLSL_elem:
			prod = s.accumulate(true, s.v(d), prod, s.size+1)
		}
		s.l.setV(int(d), prod)

	// Permutes.
	case decoder.UZP1, decoder.UZP2, decoder.ZIP1, decoder.ZIP2, decoder.TRN1, decoder.TRN2:
		op := map[decoder.Op]ir.Op{decoder.UZP1: ir.OpVUzp1, decoder.UZP2: ir.OpVUzp2, decoder.ZIP1: ir.OpVZip1,
			decoder.ZIP2: ir.OpVZip2, decoder.TRN1: ir.OpVTrn1, decoder.TRN2: ir.OpVTrn2}[in.Op]
		s.l.setV(int(d), s.emit(op, s.size, s.qflag(), vn(), vm()))
	case decoder.EXT:
		s.l.setV(int(d), s.emit(ir.OpVExt, in.Imm, s.qflag(), vn(), vm()))
	case decoder.TBL, decoder.TBX:
		idx := vm()
		res := s.v(d)
		if in.Op == decoder.TBL {
			res = s.zero()
		}
		for k := int64(0); k < in.Imm; k++ {
			i := idx
			if k > 0 {
				i = s.emit(ir.OpVSub, 0, 0, idx, s.replicate(uint64(16*k), 0))
			}
			res = s.emit(ir.OpVTbx, 0, 0, res, s.v(decoder.Reg((int64(n)+k)%32)), i)
		}
		s.setVec(d, res)
	default:
		return false
	}
	return true
}

// setVecOrScalar writes the result of a form that exists as vector and as
// 64-bit scalar (shifts).
func (s *simdLifter) setVecOrScalar(d decoder.Reg, x ir.Value) {
	switch s.in.Op {
	case decoder.SSHR_s, decoder.USHR_s, decoder.SSRA_s, decoder.USRA_s, decoder.SHL_s, decoder.SRI_s, decoder.SLI_s:
		s.setScalar(d, x, 3)
		return
	}
	s.setVec(d, x)
}

// accumulate is acc + x (or acc - x) in lanes of size size.
func (s *simdLifter) accumulate(sub bool, acc, x ir.Value, size int64) ir.Value {
	if sub {
		return s.emit(ir.OpVSub, size, 0, acc, x)
	}
	return s.emit(ir.OpVAdd, size, 0, acc, x)
}

func (s *simdLifter) compareZero(op decoder.Op, x ir.Value) ir.Value {
	z := s.zero()
	switch op {
	case decoder.CMGTZ_v:
		return s.lanes(ir.OpVCmpSGt, x, z)
	case decoder.CMEQZ_v:
		return s.lanes(ir.OpVCmpEq, x, z)
	case decoder.CMLTZ_v:
		return s.lanes(ir.OpVCmpSGt, z, x)
	case decoder.CMGEZ_v:
		return s.lanes(ir.OpVCmpSGe, x, z)
	}
	return s.lanes(ir.OpVCmpSGe, z, x) // CMLE #0
}

// fromGeneral moves general register r (its low lane-size bits matter)
// into the low lane of a vector.
func (s *simdLifter) fromGeneral(r decoder.Reg) ir.Value {
	return s.l.b.Emit(ir.OpVFromI64, ir.V128, 0, 0, s.l.x64(r))
}
