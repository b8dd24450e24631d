package lift

import (
	"ferry/decoder"
	"ferry/ir"
)

// cpuID holds the feature ID register values MRS reads. They are embedded
// in translations, so they must be set before any code is translated and
// never change afterwards (a CPU model is chosen once per process).
var cpuID = ir.BaseIDRegisters

// SetIDRegisters sets the values MRS of the feature ID registers reads:
// those of the CPU whose features ferry advertises (elfload.IDRegisters).
// Call it once, before translating.
func SetIDRegisters(r ir.IDRegisters) { cpuID = r }

// idRegister is what EL0 reads from identification register enc (one for
// which decoder.IsCPUIDReg holds).
func idRegister(enc uint16) uint64 {
	switch enc {
	case decoder.SysRegMIDR:
		return ir.MIDR
	case decoder.SysRegMPIDR:
		return 0x80000000 // SYS_MPIDR_SAFE_VAL: RES1 bit 31, affinity 0
	case decoder.SysRegIDAA64PFR0:
		return cpuID.PFR0
	case decoder.SysRegIDAA64PFR1:
		return cpuID.PFR1
	case decoder.SysRegIDAA64ZFR0:
		return cpuID.ZFR0
	case decoder.SysRegIDAA64DFR0:
		return cpuID.DFR0
	case decoder.SysRegIDAA64ISAR0:
		return cpuID.ISAR0
	case decoder.SysRegIDAA64ISAR1:
		return cpuID.ISAR1
	case decoder.SysRegIDAA64ISAR2:
		return cpuID.ISAR2
	case decoder.SysRegIDAA64MMFR0:
		return cpuID.MMFR0
	case decoder.SysRegIDAA64MMFR1:
		return cpuID.MMFR1
	case decoder.SysRegIDAA64MMFR2:
		return cpuID.MMFR2
	}
	// REVIDR (IMPLEMENTATION DEFINED, emulated as 0) and the registers
	// the kernel does not know, or whose fields are all hidden with safe
	// value 0 (the AArch32 ID registers of CRm 2 and 3 on a core without
	// AArch32).
	return 0
}
