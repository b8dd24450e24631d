package ir

// FP and Advanced SIMD ops. Values are V128: a scalar FP operand is the low
// lane of a V128, and every scalar FP result zeroes the rest of the vector,
// exactly as AArch64 writes a scalar destination register.
//
// Conventions (so a JIT can map each op onto one or a few SSE/AVX2
// instructions):
//   - "size" is the lane size as in the A64 encodings: 0 = 8-bit lanes,
//     1 = 16, 2 = 32, 3 = 64. Lane i of a V128 occupies bits
//     [i*esize, (i+1)*esize), lane 0 at the low end of word [0].
//   - Lane-wise integer ops work on all 128 bits. The lifter clears the
//     upper half afterwards (OpVZextLow, Aux 8) for 64-bit arrangements.
//   - Ops whose result depends on the vector width (permutes, reductions)
//     take Aux2 = 1 for 128-bit and 0 for 64-bit; a 64-bit result has a zero
//     upper half.
//   - FP ops take Aux = FP size (1 = half, 2 = single, 3 = double) and
//     Aux2 = FPLanes: the scalar form (lane 0 only, the rest of the result
//     zeroed), every lane of the 128 bits, or the lanes of the low 64 bits
//     (upper half zeroed; the upper lanes raise no exceptions). They honour
//     FPCR (rounding mode, FZ, DN) and accumulate FPSR exception flags, so
//     they count as side effects.
const (
	OpVecBase Op = 256 + iota

	// Moves between lanes, vectors and integer values.
	OpVFromI64     // V128 = Args[0] (I64) in the low 64 bits, upper zero
	OpVExtractLane // I64 = lane Aux2 (size Aux) of Args[0], zero-extended
	OpVDupLane     // V128 = lane Aux2 (size Aux) of Args[0] copied to every lane
	// OpVInsLane: Args[0] with lane (Aux2 & 0xff) replaced by lane
	// (Aux2 >> 8) of Args[1]; size Aux.
	OpVInsLane
	OpVZextLow // V128 = low Aux bytes (1, 2, 4, 8) of Args[0], rest zero
	OpVCombine // V128 = low 64 bits of Args[0] : low 64 bits of Args[1] (Args[1] high)

	// Bitwise (whole 128 bits).
	OpVAnd
	OpVOr
	OpVXor
	OpVAndNot // Args[0] &^ Args[1]
	OpVOrNot  // Args[0] | ^Args[1]
	OpVNot
	OpVBsl // (Args[1] & Args[0]) | (Args[2] &^ Args[0]): Args[0] is the mask

	// Lane-wise integer arithmetic, size Aux.
	OpVAdd
	OpVSub
	OpVMul // low half of each lane product (size 3 allowed)
	OpVNeg
	OpVAbs // |x|, MinInt stays MinInt
	OpVUMax
	OpVUMin
	OpVSMax
	OpVSMin
	OpVUAbd // |a-b| unsigned
	OpVSAbd // |a-b| signed

	// Lane-wise comparisons: all-ones lanes where true, zero where false.
	OpVCmpEq
	OpVCmpUGt
	OpVCmpUGe
	OpVCmpSGt
	OpVCmpSGe
	OpVCmpTst // (a & b) != 0

	// Shifts by an immediate Aux2 (size Aux). Right shifts accept
	// Aux2 == lane width (logical: 0, arithmetic: sign fill).
	OpVShlI
	OpVLShrI
	OpVAShrI
	// OpVSli/OpVSri insert Args[1] shifted by Aux2 into Args[0], keeping
	// the bits of Args[0] that the shifted value does not cover.
	OpVSli
	OpVSri
	// OpVUShl/OpVSShl shift each lane of Args[0] by the signed low byte of
	// the same lane of Args[1]: left if positive, right (logical/arithmetic)
	// if negative (USHL/SSHL).
	OpVUShl
	OpVSShl

	// Width changes.
	OpVXtn  // lanes of size Aux+1 truncated to size Aux, packed in the low 64 bits
	OpVUxtl // lanes of size Aux from the low (Aux2 = 0) or high (1) half, zero-extended to size Aux+1
	OpVSxtl // same, sign-extended
	// Saturating narrows (size Aux = destination); they set FPSR.QC.
	OpVSqxtn  // signed → signed
	OpVUqxtn  // unsigned → unsigned
	OpVSqxtun // signed → unsigned

	// Permutes (size Aux, Aux2 = 1 for 128-bit). Operands Args[0], Args[1].
	OpVUzp1
	OpVUzp2
	OpVZip1
	OpVZip2
	OpVTrn1
	OpVTrn2
	OpVExt // bytes Aux.. of Args[1]:Args[0] (Args[0] low); Aux2 = 1 for 128-bit
	// OpVTbx: byte i = Args[2][i] < 16 ? Args[1][Args[2][i]] : Args[0][i].
	// TBL/TBX with n table registers are chains of OpVTbx with the index
	// lowered by 16 per register.
	OpVTbx
	OpVRev  // reverse lanes of size Aux inside containers of size Aux2
	OpVCnt  // population count per byte
	OpVPMul // polynomial (carry-less) multiply per byte, low 8 bits (PMUL)
	OpVClz  // leading zeros per lane (size Aux)
	OpVCls  // leading sign bits per lane (size Aux)
	OpVRbit // reverse the bits of each byte

	// Across-lane reductions, result zero-extended in the low lane. Size
	// Aux, Aux2 = 1 for 128-bit.
	OpVAddV
	OpVUMaxV
	OpVUMinV
	OpVSMaxV
	OpVSMinV
	OpVUAddLV // sum widened to size Aux+1
	OpVSAddLV

	// Saturating arithmetic (size Aux); they set FPSR.QC on saturation.
	OpVUQAdd
	OpVSQAdd
	OpVUQSub
	OpVSQSub

	// Pairwise long adds: lanes 2i and 2i+1 of size Aux, zero- (U) or
	// sign-extended (S) and added into lane i of size Aux+1 (xADDLP).
	OpVUAddLP
	OpVSAddLP
	// Halving adds and subtracts (size Aux): (a ± b) >> 1 computed without
	// overflow; the R forms round, (a + b + 1) >> 1.
	OpVUHAdd
	OpVSHAdd
	OpVURHAdd
	OpVSRHAdd
	OpVUHSub
	OpVSHSub
	// Shifts by the signed low byte of each lane of Args[1], like
	// OpVUShl/OpVSShl: the R forms round right shifts to nearest (ties
	// up), the Q forms saturate left shifts and set FPSR.QC.
	OpVURShl
	OpVSRShl
	OpVUQShl
	OpVSQShl
	OpVUQRShl
	OpVSQRShl
	// OpVSQShlU: signed lanes shifted left by Aux2 and saturated to the
	// unsigned range (SQSHLU); sets FPSR.QC.
	OpVSQShlU
	// Saturating doubling multiply returning the high half (size 1 or 2):
	// (2*a*b) >> esize, SQRDMULH adding 1 << (esize-1) first; sets FPSR.QC.
	OpVSQDMulH
	OpVSQRDMulH
	// Saturating absolute value and negation; set FPSR.QC.
	OpVSQAbs
	OpVSQNeg
	// OpVSUQAdd: signed Args[0] + unsigned Args[1], signed saturation
	// (SUQADD); OpVUSQAdd: unsigned Args[0] + signed Args[1], unsigned
	// saturation (USQADD). Both set FPSR.QC.
	OpVSUQAdd
	OpVUSQAdd
	// Unsigned reciprocal (square root) estimates of 32-bit fixed-point
	// lanes (URECPE, URSQRTE), the Arm ARM's 9-bit estimate tables.
	OpVURecpe
	OpVURsqrte
	// OpVPMull: polynomial (carry-less) product of the lanes of size Aux
	// (0: 8-bit into 16-bit lanes, 3: 64-bit into the whole 128 bits) of
	// the low (Aux2 = 0) or high (1) halves of Args[0] and Args[1] (PMULL).
	OpVPMull
	// AES rounds on the 16-byte state (FEAT_AES). OpVAESE/OpVAESD: Args[0]
	// XOR the round key Args[1], then ShiftRows and SubBytes (or their
	// inverses); OpVAESMC/OpVAESIMC: (Inv)MixColumns of Args[0].
	OpVAESE
	OpVAESD
	OpVAESMC
	OpVAESIMC
	// OpVCrypto: the SHA1, SHA256, SHA512, SM3 and SM4 instructions, Aux =
	// the CryptoFn; Args are the instruction's source registers in the
	// order the CryptoFn lists, Aux2 = the SM3TT* lane of Vm.
	OpVCrypto
	// OpVSQRDMlah: saturating rounding doubling multiply accumulate
	// returning the high half (SQRDMLAH; Aux2 = 1: SQRDMLSH, subtracting):
	// lanes of size Aux (1 or 2) of Args[0] (the accumulator) ±
	// 2*Args[1]*Args[2], rounded and saturated; sets FPSR.QC.
	OpVSQRDMlah
	// OpVDot: each 32-bit lane of Args[0] plus the sum of the four
	// products of the corresponding bytes of Args[1] and Args[2] (SDOT,
	// UDOT, USDOT); Aux2 = the DotSign. The sums wrap.
	OpVDot
	// OpVMMLA: the 2x8 by 8x2 byte matrix multiply-accumulate (SMMLA,
	// UMMLA, USMMLA): 32-bit lane 2i+j of Args[0] plus the dot product of
	// bytes 8i..8i+7 of Args[1] with bytes 8j..8j+7 of Args[2]; Aux2 =
	// the DotSign.
	OpVMMLA

	// Floating point (see the conventions above).
	OpFAdd
	OpFSub
	OpFMul
	OpFDiv
	OpFMax   // Arm FMAX: NaNs propagate, max(-0, +0) = +0
	OpFMin   // Arm FMIN: NaNs propagate, min(-0, +0) = -0
	OpFMaxNM // Arm FMAXNM: a quiet NaN loses against a number
	OpFMinNM
	OpFMulX // FMULX: like FMul but 0 × ∞ = ±2
	OpFSqrt
	OpFAbs // clears the sign bit (also of NaNs); never raises
	OpFNeg // flips the sign bit (also of NaNs); never raises
	// OpFMA: Args[0] + Args[1]*Args[2] with one rounding (Arm FPMulAdd,
	// NaN priority Args[0], Args[1], Args[2]). The lifter negates operands
	// with OpFNeg for FMSUB/FNMADD/FNMSUB/FMLS.
	OpFMA
	// OpFCmp: I32 NZCV of comparing Args[0] with Args[1] (FCMP); Aux2 = 1
	// makes quiet NaNs raise Invalid too (FCMPE).
	OpFCmp
	// Lane masks (all ones when true). Scalar form zeroes the upper lanes.
	OpFCmEq
	OpFCmGe
	OpFCmGt
	OpFAcGe // |a| >= |b|
	OpFAcGt
	// OpFCvt converts the scalar of FP size Aux to FP size Aux2 (FCVT).
	OpFCvt
	// OpFCvtToInt: FP size Aux → integer; Aux2 = CvtAux(...). Saturates,
	// NaN → 0, raising Invalid in both cases. The integer is zero-extended
	// in lane 0 (scalar) or fills each lane (vector: int size = FP size).
	OpFCvtToInt
	// OpIntToFP: integer → FP size Aux; Aux2 = CvtAux(...) (rounding field
	// unused: conversions round per FPCR).
	OpIntToFP
	// OpFRound rounds to an integral value in the same format (FRINT*);
	// Aux2 = FRoundAux(rounding, lanes).
	OpFRound
	// OpFCvtl widens the FP lanes of size Aux in the low (Aux2&1 = 0) or
	// high half to size Aux+1 (FCVTL/FCVTL2). OpFCvtn narrows lanes of size
	// Aux+1 to size Aux, packed in the low 64 bits (FCVTN).
	OpFCvtl
	OpFCvtn
	// Estimates and Newton-Raphson steps, FP size Aux, Aux2 = FPLanes:
	// FRECPE/FRSQRTE (Arm FPRecipEstimate/FPRSqrtEstimate, 8-bit
	// tables), FRECPS = 2 - a*b and FRSQRTS = (3 - a*b)/2 with one rounding,
	// FRECPX (exponent-only reciprocal).
	OpFRecpe
	OpFRsqrte
	OpFRecps
	OpFRsqrts
	OpFRecpx
	// OpFCvtxn narrows the two doubles of Args[0] to singles rounding to
	// odd, packed in the low 64 bits (FCVTXN); Aux = 2.
	OpFCvtxn
	// OpFJcvtzs is FJCVTZS: the double in lane 0 of Args[0] converted to
	// a 32-bit integer rounding toward zero, modulo 2^32 (Arm
	// FPToFixedJS). The result's 32-bit lane 0 is the integer, lane 1 the
	// NZCV the instruction sets (only Z, set when the conversion was
	// exact and in range); the rest is zero.
	OpFJcvtzs
	// OpFRoundIntN is FRINT32Z/X, FRINT64Z/X: OpFRound whose result must
	// fit a signed integer of Aux2's size (FRoundIntAux); out of range,
	// NaN and infinity give the most negative such integer and raise
	// Invalid (Arm FPRoundIntN). Aux = FP size (2 or 3).
	OpFRoundIntN

	opVecEnd
)

// CryptoFn selects the function of OpVCrypto. The comments list the Args
// (register operands, Vd being the register the instruction overwrites).
type CryptoFn int64

const (
	CryptoSHA1C     CryptoFn = iota // Vd (abcd), Vn (e), Vm (wk)
	CryptoSHA1P                     // Vd, Vn, Vm
	CryptoSHA1M                     // Vd, Vn, Vm
	CryptoSHA1H                     // Vn
	CryptoSHA1SU0                   // Vd, Vn, Vm
	CryptoSHA1SU1                   // Vd, Vn
	CryptoSHA256H                   // Vd, Vn, Vm
	CryptoSHA256H2                  // Vd, Vn, Vm
	CryptoSHA256SU0                 // Vd, Vn
	CryptoSHA256SU1                 // Vd, Vn, Vm
	CryptoSHA512H                   // Vd, Vn, Vm
	CryptoSHA512H2                  // Vd, Vn, Vm
	CryptoSHA512SU0                 // Vd, Vn
	CryptoSHA512SU1                 // Vd, Vn, Vm
	CryptoSM3SS1                    // Vn, Vm, Va
	CryptoSM3TT1A                   // Vd, Vn, Vm; Aux2 = lane
	CryptoSM3TT1B                   // Vd, Vn, Vm; Aux2 = lane
	CryptoSM3TT2A                   // Vd, Vn, Vm; Aux2 = lane
	CryptoSM3TT2B                   // Vd, Vn, Vm; Aux2 = lane
	CryptoSM3PARTW1                 // Vd, Vn, Vm
	CryptoSM3PARTW2                 // Vd, Vn, Vm
	CryptoSM4E                      // Vd, Vn
	CryptoSM4EKEY                   // Vn, Vm
)

// DotSign says how OpVDot and OpVMMLA read their bytes.
type DotSign int64

const (
	DotUnsigned       DotSign = iota // both unsigned (UDOT, UMMLA)
	DotSigned                        // both signed (SDOT, SMMLA)
	DotUnsignedSigned                // Args[1] unsigned, Args[2] signed (USDOT, USMMLA)
)

// FRoundIntAux packs OpFRoundIntN's Aux2: the rounding (RoundZero or
// RoundFPCRExact), the lanes and the integer size in bits (32 or 64).
func FRoundIntAux(r FPRounding, lanes FPLanes, intBits int) int64 {
	return FRoundAux(r, lanes) | int64(intBits)<<16
}

// ParseFRoundIntAux is the inverse of FRoundIntAux.
func ParseFRoundIntAux(a int64) (FPRounding, FPLanes, int) {
	r, lanes := ParseFRoundAux(a & 0xffff)
	return r, lanes, int(a >> 16)
}

// FPRounding selects how an FP → integer conversion or FRINT rounds.
type FPRounding int64

const (
	RoundTieEven   FPRounding = iota // FCVTNS, FRINTN
	RoundPlusInf                     // FCVTPS, FRINTP
	RoundMinusInf                    // FCVTMS, FRINTM
	RoundZero                        // FCVTZS, FRINTZ
	RoundTieAway                     // FCVTAS, FRINTA
	RoundFPCR                        // FPCR.RMode (FRINTI)
	RoundFPCRExact                   // FPCR.RMode, Inexact raised if the value changes (FRINTX)
)

// FPLanes says which lanes an FP op computes (its Aux2).
type FPLanes int64

const (
	FPScalar FPLanes = iota // lane 0; the rest of the result is zero
	FPVec128                // every lane
	FPVec64                 // the lanes of the low 64 bits; the upper half is zero
)

// VecLanes is the FPLanes of a vector instruction with the given Q bit.
func VecLanes(q bool) FPLanes {
	if q {
		return FPVec128
	}
	return FPVec64
}

// CvtAux packs the conversion parameters of OpFCvtToInt and OpIntToFP into
// an Aux2: intSize is the integer size (2 = 32-bit, 3 = 64-bit; vector
// forms use the FP size), fbits the number of fraction bits of a
// fixed-point integer.
func CvtAux(r FPRounding, intSize int, unsigned bool, fbits int, lanes FPLanes) int64 {
	a := int64(r) | int64(intSize)<<4 | int64(lanes)<<9 | int64(fbits)<<16
	if unsigned {
		a |= 1 << 8
	}
	return a
}

// ParseCvtAux is the inverse of CvtAux.
func ParseCvtAux(a int64) (r FPRounding, intSize int, unsigned bool, fbits int, lanes FPLanes) {
	return FPRounding(a & 15), int(a >> 4 & 15), a>>8&1 == 1, int(a >> 16 & 255), FPLanes(a >> 9 & 3)
}

// FRoundAux packs OpFRound's Aux2.
func FRoundAux(r FPRounding, lanes FPLanes) int64 { return int64(r) | int64(lanes)<<8 }

// ParseFRoundAux is the inverse of FRoundAux.
func ParseFRoundAux(a int64) (FPRounding, FPLanes) { return FPRounding(a & 15), FPLanes(a >> 8 & 3) }

// FPCR and FPSR bits the FP ops use.
const (
	FPCRRModeShift = 22      // RMode, bits 23:22: 0 RN, 1 RP, 2 RM, 3 RZ
	FPCRFZ         = 1 << 24 // flush denormals to zero
	FPCRDN         = 1 << 25 // default NaN
	FPCRAHP        = 1 << 26 // alternative half precision

	FPSRIOC = 1 << 0 // invalid operation
	FPSRDZC = 1 << 1 // division by zero
	FPSROFC = 1 << 2 // overflow
	FPSRUFC = 1 << 3 // underflow
	FPSRIXC = 1 << 4 // inexact
	FPSRIDC = 1 << 7 // input denormal (flushed)
	FPSRQC  = 1 << 27
)

func init() {
	registerOpNames(map[Op]string{
		OpVFromI64: "v.fromi64", OpVExtractLane: "v.extract", OpVDupLane: "v.dup",
		OpVInsLane: "v.ins", OpVZextLow: "v.zextlow", OpVCombine: "v.combine",
		OpVAnd: "v.and", OpVOr: "v.or", OpVXor: "v.xor", OpVAndNot: "v.andnot",
		OpVOrNot: "v.ornot", OpVNot: "v.not", OpVBsl: "v.bsl",
		OpVAdd: "v.add", OpVSub: "v.sub", OpVMul: "v.mul", OpVNeg: "v.neg", OpVAbs: "v.abs",
		OpVUMax: "v.umax", OpVUMin: "v.umin", OpVSMax: "v.smax", OpVSMin: "v.smin",
		OpVUAbd: "v.uabd", OpVSAbd: "v.sabd",
		OpVCmpEq: "v.cmpeq", OpVCmpUGt: "v.cmpugt", OpVCmpUGe: "v.cmpuge",
		OpVCmpSGt: "v.cmpsgt", OpVCmpSGe: "v.cmpsge", OpVCmpTst: "v.cmptst",
		OpVShlI: "v.shli", OpVLShrI: "v.lshri", OpVAShrI: "v.ashri", OpVSli: "v.sli", OpVSri: "v.sri",
		OpVUShl: "v.ushl", OpVSShl: "v.sshl",
		OpVXtn: "v.xtn", OpVUxtl: "v.uxtl", OpVSxtl: "v.sxtl",
		OpVSqxtn: "v.sqxtn", OpVUqxtn: "v.uqxtn", OpVSqxtun: "v.sqxtun",
		OpVUzp1: "v.uzp1", OpVUzp2: "v.uzp2", OpVZip1: "v.zip1", OpVZip2: "v.zip2",
		OpVTrn1: "v.trn1", OpVTrn2: "v.trn2", OpVExt: "v.ext", OpVTbx: "v.tbx",
		OpVRev: "v.rev", OpVCnt: "v.cnt", OpVPMul: "v.pmul", OpVClz: "v.clz", OpVCls: "v.cls", OpVRbit: "v.rbit",
		OpVAddV: "v.addv", OpVUMaxV: "v.umaxv", OpVUMinV: "v.uminv", OpVSMaxV: "v.smaxv",
		OpVSMinV: "v.sminv", OpVUAddLV: "v.uaddlv", OpVSAddLV: "v.saddlv",
		OpVUQAdd: "v.uqadd", OpVSQAdd: "v.sqadd", OpVUQSub: "v.uqsub", OpVSQSub: "v.sqsub",
		OpFAdd: "f.add", OpFSub: "f.sub", OpFMul: "f.mul", OpFDiv: "f.div",
		OpFMax: "f.max", OpFMin: "f.min", OpFMaxNM: "f.maxnm", OpFMinNM: "f.minnm",
		OpFMulX: "f.mulx", OpFSqrt: "f.sqrt", OpFAbs: "f.abs", OpFNeg: "f.neg", OpFMA: "f.fma",
		OpFCmp: "f.cmp", OpFCmEq: "f.cmeq", OpFCmGe: "f.cmge", OpFCmGt: "f.cmgt",
		OpFAcGe: "f.acge", OpFAcGt: "f.acgt",
		OpFCvt: "f.cvt", OpFCvtToInt: "f.cvttoint", OpIntToFP: "f.inttofp", OpFRound: "f.round",
		OpFCvtl: "f.cvtl", OpFCvtn: "f.cvtn",
		OpVUAddLP: "v.uaddlp", OpVSAddLP: "v.saddlp",
		OpVUHAdd: "v.uhadd", OpVSHAdd: "v.shadd", OpVURHAdd: "v.urhadd", OpVSRHAdd: "v.srhadd",
		OpVUHSub: "v.uhsub", OpVSHSub: "v.shsub",
		OpVURShl: "v.urshl", OpVSRShl: "v.srshl", OpVUQShl: "v.uqshl", OpVSQShl: "v.sqshl",
		OpVUQRShl: "v.uqrshl", OpVSQRShl: "v.sqrshl", OpVSQShlU: "v.sqshlu",
		OpVSQDMulH: "v.sqdmulh", OpVSQRDMulH: "v.sqrdmulh", OpVSQAbs: "v.sqabs", OpVSQNeg: "v.sqneg",
		OpVSUQAdd: "v.suqadd", OpVUSQAdd: "v.usqadd", OpVURecpe: "v.urecpe", OpVURsqrte: "v.ursqrte",
		OpVPMull: "v.pmull", OpVAESE: "v.aese", OpVAESD: "v.aesd", OpVAESMC: "v.aesmc", OpVAESIMC: "v.aesimc",
		OpFRecpe: "f.recpe", OpFRsqrte: "f.rsqrte", OpFRecps: "f.recps", OpFRsqrts: "f.rsqrts",
		OpFRecpx: "f.recpx", OpFCvtxn: "f.cvtxn",
		OpVCrypto: "v.crypto", OpVSQRDMlah: "v.sqrdmlah", OpVDot: "v.dot", OpVMMLA: "v.mmla",
		OpFJcvtzs: "f.jcvtzs", OpFRoundIntN: "f.roundintn",
	})
}

// vecHasSideEffects: integer vector ops are pure; FP ops and saturating ops
// accumulate FPSR flags (FAbs/FNeg never raise anything).
func vecHasSideEffects(o Op) bool {
	switch o {
	case OpVSqxtn, OpVUqxtn, OpVSqxtun, OpVUQAdd, OpVSQAdd, OpVUQSub, OpVSQSub,
		OpVUQShl, OpVSQShl, OpVUQRShl, OpVSQRShl, OpVSQShlU, OpVSQDMulH, OpVSQRDMulH,
		OpVSQAbs, OpVSQNeg, OpVSUQAdd, OpVUSQAdd, OpVSQRDMlah:
		return true
	case OpFAbs, OpFNeg:
		return false
	}
	return o >= OpFAdd && o < opVecEnd
}
