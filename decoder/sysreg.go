package decoder

import "fmt"

// System register encodings: op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2, the
// 16-bit field of MRS/MSR (and of SYS with op0 = 1).
const (
	SysRegNZCV    uint16 = 3<<14 | 3<<11 | 4<<7 | 2<<3 | 0
	SysRegFPCR    uint16 = 3<<14 | 3<<11 | 4<<7 | 4<<3 | 0
	SysRegFPSR    uint16 = 3<<14 | 3<<11 | 4<<7 | 4<<3 | 1
	SysRegTPIDR   uint16 = 3<<14 | 3<<11 | 13<<7 | 0<<3 | 2
	SysRegTPIDRRO uint16 = 3<<14 | 3<<11 | 13<<7 | 0<<3 | 3
	SysRegCTR     uint16 = 3<<14 | 3<<11 | 0<<7 | 0<<3 | 1
	SysRegDCZID   uint16 = 3<<14 | 3<<11 | 0<<7 | 0<<3 | 7
	SysRegCNTFRQ  uint16 = 3<<14 | 3<<11 | 14<<7 | 0<<3 | 0
	SysRegCNTVCT  uint16 = 3<<14 | 3<<11 | 14<<7 | 0<<3 | 2
	SysRegMIDR    uint16 = 3<<14 | 0<<11 | 0<<7 | 0<<3 | 0
	SysRegMPIDR   uint16 = 3<<14 | 0<<11 | 0<<7 | 0<<3 | 5
	SysRegREVIDR  uint16 = 3<<14 | 0<<11 | 0<<7 | 0<<3 | 6
	SysRegDIT     uint16 = 3<<14 | 3<<11 | 4<<7 | 2<<3 | 5
	SysRegSSBS    uint16 = 3<<14 | 3<<11 | 4<<7 | 2<<3 | 6

	// The identification registers Linux emulates for EL0 (op0 = 3,
	// op1 = 0, CRn = 0): see IsCPUIDReg.
	SysRegIDAA64PFR0  uint16 = 3<<14 | 0<<11 | 0<<7 | 4<<3 | 0
	SysRegIDAA64PFR1  uint16 = 3<<14 | 0<<11 | 0<<7 | 4<<3 | 1
	SysRegIDAA64ZFR0  uint16 = 3<<14 | 0<<11 | 0<<7 | 4<<3 | 4
	SysRegIDAA64DFR0  uint16 = 3<<14 | 0<<11 | 0<<7 | 5<<3 | 0
	SysRegIDAA64ISAR0 uint16 = 3<<14 | 0<<11 | 0<<7 | 6<<3 | 0
	SysRegIDAA64ISAR1 uint16 = 3<<14 | 0<<11 | 0<<7 | 6<<3 | 1
	SysRegIDAA64ISAR2 uint16 = 3<<14 | 0<<11 | 0<<7 | 6<<3 | 2
	SysRegIDAA64MMFR0 uint16 = 3<<14 | 0<<11 | 0<<7 | 7<<3 | 0
	SysRegIDAA64MMFR1 uint16 = 3<<14 | 0<<11 | 0<<7 | 7<<3 | 1
	SysRegIDAA64MMFR2 uint16 = 3<<14 | 0<<11 | 0<<7 | 7<<3 | 2

	// SYS operations (op0 = 1) that EL0 may execute.
	SysOpDCZVA   uint16 = 1<<14 | 3<<11 | 7<<7 | 4<<3 | 1
	SysOpICIVAU  uint16 = 1<<14 | 3<<11 | 7<<7 | 5<<3 | 1
	SysOpDCCVAC  uint16 = 1<<14 | 3<<11 | 7<<7 | 10<<3 | 1
	SysOpDCCVAU  uint16 = 1<<14 | 3<<11 | 7<<7 | 11<<3 | 1
	SysOpDCCVAP  uint16 = 1<<14 | 3<<11 | 7<<7 | 12<<3 | 1
	SysOpDCCVADP uint16 = 1<<14 | 3<<11 | 7<<7 | 13<<3 | 1
	SysOpDCCIVAC uint16 = 1<<14 | 3<<11 | 7<<7 | 14<<3 | 1
)

var sysRegNames = map[uint16]string{
	SysRegNZCV: "nzcv", SysRegFPCR: "fpcr", SysRegFPSR: "fpsr", SysRegTPIDR: "tpidr_el0",
	SysRegTPIDRRO: "tpidrro_el0", SysRegCTR: "ctr_el0", SysRegDCZID: "dczid_el0",
	SysRegCNTFRQ: "cntfrq_el0", SysRegCNTVCT: "cntvct_el0", SysRegMIDR: "midr_el1",
	SysRegMPIDR: "mpidr_el1", SysRegREVIDR: "revidr_el1", SysRegDIT: "dit", SysRegSSBS: "ssbs",
	SysRegIDAA64PFR0: "id_aa64pfr0_el1", SysRegIDAA64PFR1: "id_aa64pfr1_el1", SysRegIDAA64ZFR0: "id_aa64zfr0_el1",
	SysRegIDAA64DFR0: "id_aa64dfr0_el1", SysRegIDAA64ISAR0: "id_aa64isar0_el1", SysRegIDAA64ISAR1: "id_aa64isar1_el1",
	SysRegIDAA64ISAR2: "id_aa64isar2_el1", SysRegIDAA64MMFR0: "id_aa64mmfr0_el1", SysRegIDAA64MMFR1: "id_aa64mmfr1_el1",
	SysRegIDAA64MMFR2: "id_aa64mmfr2_el1",
	SysOpDCZVA:        "dc zva", SysOpICIVAU: "ic ivau", SysOpDCCVAC: "dc cvac", SysOpDCCVAU: "dc cvau",
	SysOpDCCVAP: "dc cvap", SysOpDCCVADP: "dc cvadp", SysOpDCCIVAC: "dc civac",
}

// SysRegName renders a system register (or SYS operation) encoding.
func SysRegName(enc uint16) string {
	if s, ok := sysRegNames[enc]; ok {
		return s
	}
	return fmt.Sprintf("s%d_%d_c%d_c%d_%d", enc>>14, enc>>11&7, enc>>7&15, enc>>3&15, enc&7)
}

// IsCPUIDReg reports whether enc is an identification register arm64
// Linux emulates for EL0 reads (arch/arm64/kernel/cpufeature.c,
// is_emulated and emulate_id_reg): with op0 = 3, op1 = 0, CRn = 0, MIDR,
// MPIDR and REVIDR in CRm = 0, and every register of CRm = 2..7 (the
// feature registers; those the kernel does not know read as zero). The
// rest of CRm = 0 and all of CRm = 1 (the AArch32 ID_PFR0/ID_DFR0/
// ID_MMFR* block) are not emulated: the read is SIGILL.
func IsCPUIDReg(enc uint16) bool {
	if enc>>7 != 3<<7 {
		return false
	}
	switch crm := enc >> 3 & 15; {
	case crm == 0:
		return enc == SysRegMIDR || enc == SysRegMPIDR || enc == SysRegREVIDR
	case crm >= 2 && crm <= 7:
		return true
	}
	return false
}

// mrsAllowed says whether EL0 may read system register enc under Linux.
func mrsAllowed(enc uint16) bool {
	switch enc {
	case SysRegNZCV, SysRegFPCR, SysRegFPSR, SysRegTPIDR, SysRegTPIDRRO, SysRegCTR,
		SysRegDCZID, SysRegCNTFRQ, SysRegCNTVCT, SysRegDIT, SysRegSSBS:
		return true
	}
	return IsCPUIDReg(enc)
}

// msrAllowed says whether EL0 may write system register enc.
func msrAllowed(enc uint16) bool {
	switch enc {
	case SysRegNZCV, SysRegFPCR, SysRegFPSR, SysRegTPIDR, SysRegDIT, SysRegSSBS:
		return true
	}
	return false
}
