package decoder

// FP and Advanced SIMD forms of the ARMv8.1–8.6 extensions, numbered after
// the ARMv8.0 ones. Field use (besides Rd/Rn/Rm, VecQ and VecSize, as in
// simd.go):
//   - SHA*, SM3*, SM4*, EOR3, BCAX, RAX1, XAR: V registers only; Ra is the
//     fourth operand of EOR3/BCAX/SM3SS1; Imm = the XAR rotation;
//     VecIndex = the SM3TT* lane of Vm.
//   - SQRDMLAH/SQRDMLSH: like SQRDMULH (VecIndex for the by-element forms).
//   - SDOT/UDOT/USDOT/SUDOT (by element): VecIndex = the 4-byte group of Vm.
//   - FCMLA: Imm = the rotation in multiples of 90 degrees (0..3); FCADD:
//     Imm = 1 for #90, 3 for #270. VecSize = FP size. By element: VecIndex
//     = the complex pair of Vm.
//   - FJCVTZS: Rd is the general register.
const (
	SHA1C Op = simdEnd + iota
	SHA1P
	SHA1M
	SHA1H
	SHA1SU0
	SHA1SU1
	SHA256H
	SHA256H2
	SHA256SU0
	SHA256SU1
	SHA512H
	SHA512H2
	SHA512SU0
	SHA512SU1
	EOR3
	BCAX
	RAX1
	XAR
	SM3SS1
	SM3TT1A
	SM3TT1B
	SM3TT2A
	SM3TT2B
	SM3PARTW1
	SM3PARTW2
	SM4E
	SM4EKEY

	// FEAT_RDM.
	SQRDMLAH_v
	SQRDMLSH_v
	SQRDMLAH_s
	SQRDMLSH_s
	SQRDMLAH_elem
	SQRDMLSH_elem
	SQRDMLAH_selem
	SQRDMLSH_selem

	// FEAT_DotProd and FEAT_I8MM.
	SDOT_v
	UDOT_v
	USDOT_v
	SDOT_elem
	UDOT_elem
	USDOT_elem
	SUDOT_elem
	SMMLA
	UMMLA
	USMMLA

	// FEAT_FCMA.
	FCMLA_v
	FCMLA_elem
	FCADD

	// FEAT_JSCVT and FEAT_FRINTTS.
	FJCVTZS
	FRINT32Z
	FRINT32X
	FRINT64Z
	FRINT64X
	FRINT32Z_v
	FRINT32X_v
	FRINT64Z_v
	FRINT64X_v

	simdExtEnd
)

func init() {
	registerOpNames(map[Op]string{
		SHA1C: "SHA1C", SHA1P: "SHA1P", SHA1M: "SHA1M", SHA1H: "SHA1H", SHA1SU0: "SHA1SU0", SHA1SU1: "SHA1SU1",
		SHA256H: "SHA256H", SHA256H2: "SHA256H2", SHA256SU0: "SHA256SU0", SHA256SU1: "SHA256SU1",
		SHA512H: "SHA512H", SHA512H2: "SHA512H2", SHA512SU0: "SHA512SU0", SHA512SU1: "SHA512SU1",
		EOR3: "EOR3", BCAX: "BCAX", RAX1: "RAX1", XAR: "XAR",
		SM3SS1: "SM3SS1", SM3TT1A: "SM3TT1A", SM3TT1B: "SM3TT1B", SM3TT2A: "SM3TT2A", SM3TT2B: "SM3TT2B",
		SM3PARTW1: "SM3PARTW1", SM3PARTW2: "SM3PARTW2", SM4E: "SM4E", SM4EKEY: "SM4EKEY",
		SQRDMLAH_v: "SQRDMLAH_v", SQRDMLSH_v: "SQRDMLSH_v", SQRDMLAH_s: "SQRDMLAH_s", SQRDMLSH_s: "SQRDMLSH_s",
		SQRDMLAH_elem: "SQRDMLAH_elem", SQRDMLSH_elem: "SQRDMLSH_elem",
		SQRDMLAH_selem: "SQRDMLAH_selem", SQRDMLSH_selem: "SQRDMLSH_selem",
		SDOT_v: "SDOT_v", UDOT_v: "UDOT_v", USDOT_v: "USDOT_v", SDOT_elem: "SDOT_elem", UDOT_elem: "UDOT_elem",
		USDOT_elem: "USDOT_elem", SUDOT_elem: "SUDOT_elem", SMMLA: "SMMLA", UMMLA: "UMMLA", USMMLA: "USMMLA",
		FCMLA_v: "FCMLA_v", FCMLA_elem: "FCMLA_elem", FCADD: "FCADD",
		FJCVTZS: "FJCVTZS", FRINT32Z: "FRINT32Z", FRINT32X: "FRINT32X", FRINT64Z: "FRINT64Z", FRINT64X: "FRINT64X",
		FRINT32Z_v: "FRINT32Z_v", FRINT32X_v: "FRINT32X_v", FRINT64Z_v: "FRINT64Z_v", FRINT64X_v: "FRINT64X_v",
	})
}
