package elfload

import "ferry/ir"

// arm64 AT_HWCAP2 bits (arch/arm64/include/uapi/asm/hwcap.h) ferry can
// advertise or names in its CPU models.
const (
	HWCAP2_DCPODP = 1 << 0
	HWCAP2_FLAGM2 = 1 << 7
	HWCAP2_FRINT  = 1 << 8
	HWCAP2_I8MM   = 1 << 13
	HWCAP2_BF16   = 1 << 14
	HWCAP2_DGH    = 1 << 15
	HWCAP2_RNG    = 1 << 16
	HWCAP2_BTI    = 1 << 17
)

// AT_HWCAP bits above HWCAP_SVE.
const (
	HWCAP_ASIMDFHM = 1 << 23
	HWCAP_DIT      = 1 << 24
	HWCAP_USCAT    = 1 << 25
	HWCAP_ILRCPC   = 1 << 26
	HWCAP_FLAGM    = 1 << 27
	HWCAP_SSBS     = 1 << 28
	HWCAP_SB       = 1 << 29
)

// idField is one ID register field an AT_HWCAP/AT_HWCAP2 bit stands for:
// the kernel sets the bit when the field is at least value (its
// arm64_elf_hwcaps table), so advertising the bit means showing at least
// that value.
type idField struct {
	hwcap2 bool
	bit    uint64
	reg    func(*ir.IDRegisters) *uint64
	shift  uint
	value  uint64
}

var (
	pfr0  = func(r *ir.IDRegisters) *uint64 { return &r.PFR0 }
	pfr1  = func(r *ir.IDRegisters) *uint64 { return &r.PFR1 }
	isar0 = func(r *ir.IDRegisters) *uint64 { return &r.ISAR0 }
	isar1 = func(r *ir.IDRegisters) *uint64 { return &r.ISAR1 }
	mmfr2 = func(r *ir.IDRegisters) *uint64 { return &r.MMFR2 }
)

// idFields maps every HWCAP bit that corresponds to an ID register field.
// Fields with levels (AES: 1 AES, 2 PMULL; SHA2: 1 SHA256, 2 SHA512; TS:
// 1 FlagM, 2 FlagM2; LRCPC: 1, 2 ILRCPC; DPB: 1 DC CVAP, 2 DC CVADP) take
// the highest level advertised.
var idFields = []idField{
	{false, HWCAP_FPHP, pfr0, 16, 1},
	{false, HWCAP_ASIMDHP, pfr0, 20, 1},
	{false, HWCAP_SVE, pfr0, 32, 1},
	{false, HWCAP_DIT, pfr0, 48, 1},
	{false, HWCAP_SSBS, pfr1, 4, 2}, // SSBS2: the MRS/MSR SSBS register too
	{true, HWCAP2_BTI, pfr1, 0, 1},
	{false, HWCAP_AES, isar0, 4, 1},
	{false, HWCAP_PMULL, isar0, 4, 2},
	{false, HWCAP_SHA1, isar0, 8, 1},
	{false, HWCAP_SHA2, isar0, 12, 1},
	{false, HWCAP_SHA512, isar0, 12, 2},
	{false, HWCAP_CRC32, isar0, 16, 1},
	{false, HWCAP_ATOMICS, isar0, 20, 2},
	{false, HWCAP_ASIMDRDM, isar0, 28, 1},
	{false, HWCAP_SHA3, isar0, 32, 1},
	{false, HWCAP_SM3, isar0, 36, 1},
	{false, HWCAP_SM4, isar0, 40, 1},
	{false, HWCAP_ASIMDDP, isar0, 44, 1},
	{false, HWCAP_ASIMDFHM, isar0, 48, 1},
	{false, HWCAP_FLAGM, isar0, 52, 1},
	{true, HWCAP2_FLAGM2, isar0, 52, 2},
	{true, HWCAP2_RNG, isar0, 60, 1},
	{false, HWCAP_DCPOP, isar1, 0, 1},
	{true, HWCAP2_DCPODP, isar1, 0, 2},
	{false, HWCAP_JSCVT, isar1, 12, 1},
	{false, HWCAP_FCMA, isar1, 16, 1},
	{false, HWCAP_LRCPC, isar1, 20, 1},
	{false, HWCAP_ILRCPC, isar1, 20, 2},
	{true, HWCAP2_FRINT, isar1, 32, 1},
	{false, HWCAP_SB, isar1, 36, 1},
	{true, HWCAP2_BF16, isar1, 44, 1},
	{true, HWCAP2_DGH, isar1, 48, 1},
	{true, HWCAP2_I8MM, isar1, 52, 1},
	{false, HWCAP_USCAT, mmfr2, 32, 1},
}

// IDRegisters returns the feature ID registers arm64 Linux shows user
// space on a CPU for which it reports hwcap and hwcap2, so that a program
// reading the registers (HWCAP_CPUID) learns exactly what AT_HWCAP says.
// ferry always has FP and AdvSIMD; without HWCAP_FP or HWCAP_ASIMD their
// PFR0 fields read 0xf (not implemented).
func IDRegisters(hwcap, hwcap2 uint64) ir.IDRegisters {
	r := ir.BaseIDRegisters
	if hwcap&HWCAP_FP == 0 {
		r.PFR0 |= 0xf << 16
	}
	if hwcap&HWCAP_ASIMD == 0 {
		r.PFR0 |= 0xf << 20
	}
	for _, f := range idFields {
		word := hwcap
		if f.hwcap2 {
			word = hwcap2
		}
		if word&f.bit == 0 {
			continue
		}
		reg := f.reg(&r)
		if cur := *reg >> f.shift & 0xf; f.value > cur {
			*reg = *reg&^(0xf<<f.shift) | f.value<<f.shift
		}
	}
	return r
}
