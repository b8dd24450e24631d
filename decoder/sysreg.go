package decoder

import "fmt"

// System register encodings: op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2, the
// 16-bit field of MRS/MSR (and of SYS with op0 = 1).
const (
	SysRegNZCV       uint16 = 3<<14 | 3<<11 | 4<<7 | 2<<3 | 0
	SysRegFPCR       uint16 = 3<<14 | 3<<11 | 4<<7 | 4<<3 | 0
	SysRegFPSR       uint16 = 3<<14 | 3<<11 | 4<<7 | 4<<3 | 1
	SysRegTPIDR      uint16 = 3<<14 | 3<<11 | 13<<7 | 0<<3 | 2
	SysRegTPIDRRO    uint16 = 3<<14 | 3<<11 | 13<<7 | 0<<3 | 3
	SysRegCTR        uint16 = 3<<14 | 3<<11 | 0<<7 | 0<<3 | 1
	SysRegDCZID      uint16 = 3<<14 | 3<<11 | 0<<7 | 0<<3 | 7
	SysRegCNTFRQ     uint16 = 3<<14 | 3<<11 | 14<<7 | 0<<3 | 0
	SysRegCNTVCT     uint16 = 3<<14 | 3<<11 | 14<<7 | 0<<3 | 2
	SysRegMIDR       uint16 = 3<<14 | 0<<11 | 0<<7 | 0<<3 | 0
	SysRegMPIDR      uint16 = 3<<14 | 0<<11 | 0<<7 | 0<<3 | 5
	SysRegREVIDR     uint16 = 3<<14 | 0<<11 | 0<<7 | 0<<3 | 6
	SysRegIDAA64PFR0 uint16 = 3<<14 | 0<<11 | 0<<7 | 4<<3 | 0

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
	SysRegMPIDR: "mpidr_el1", SysRegREVIDR: "revidr_el1",
	SysOpDCZVA: "dc zva", SysOpICIVAU: "ic ivau", SysOpDCCVAC: "dc cvac", SysOpDCCVAU: "dc cvau",
	SysOpDCCVAP: "dc cvap", SysOpDCCVADP: "dc cvadp", SysOpDCCIVAC: "dc civac",
}

// SysRegName renders a system register (or SYS operation) encoding.
func SysRegName(enc uint16) string {
	if s, ok := sysRegNames[enc]; ok {
		return s
	}
	return fmt.Sprintf("s%d_%d_c%d_c%d_%d", enc>>14, enc>>11&7, enc>>7&15, enc>>3&15, enc&7)
}

// IsCPUIDReg reports whether enc is in the identification block
// (op0=3, op1=0, CRn=0, CRm=0..7) that Linux emulates for EL0 reads: MIDR,
// MPIDR, REVIDR and the ID_AA64* feature registers; unassigned ones read 0.
func IsCPUIDReg(enc uint16) bool { return enc>>7 == 3<<7|0<<4|0 && enc>>3&15 <= 7 }

// mrsAllowed says whether EL0 may read system register enc under Linux.
func mrsAllowed(enc uint16) bool {
	switch enc {
	case SysRegNZCV, SysRegFPCR, SysRegFPSR, SysRegTPIDR, SysRegTPIDRRO, SysRegCTR,
		SysRegDCZID, SysRegCNTFRQ, SysRegCNTVCT:
		return true
	}
	return IsCPUIDReg(enc)
}

// msrAllowed says whether EL0 may write system register enc.
func msrAllowed(enc uint16) bool {
	switch enc {
	case SysRegNZCV, SysRegFPCR, SysRegFPSR, SysRegTPIDR:
		return true
	}
	return false
}
