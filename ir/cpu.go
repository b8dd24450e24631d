package ir

import "unsafe"

// CPU is the complete architectural state of one guest thread plus the few
// words the engines use to talk to the dispatcher. It is plain data (no
// pointers) on purpose: a guest fork hands it to a new process byte for byte,
// and the JIT addresses its fields at fixed offsets from a host register.
type CPU struct {
	// X holds X0..X30; X[31] is SP. Reads of register 31 as XZR are
	// resolved by the lifter, never stored here.
	X  [32]uint64
	PC uint64
	// NZCV in the architectural layout: N bit 31, Z bit 30, C bit 29, V bit 28.
	NZCV uint64
	// V holds Q0..Q31; V[i][0] is the low 64 bits.
	V     [32][2]uint64
	FPCR  uint64
	FPSR  uint64
	TPIDR uint64 // TPIDR_EL0
	// PSTATE holds the PSTATE fields EL0 can change besides NZCV, at
	// their bit positions in SPSR_EL1 and the signal frame's pstate:
	// DIT (PSTATEDIT) and SSBS (PSTATESSBS); other bits are zero.
	PSTATE uint64

	// Exclusive monitor (LDXR/STXR). ExclSize is 0 when no reservation is
	// held. STXR succeeds iff the address matches and memory still holds
	// ExclVal (compare-and-swap emulation, as QEMU and dynarmic do).
	ExclAddr uint64
	ExclSize uint64
	ExclVal  [2]uint64

	// Engine ↔ dispatcher words; not guest visible.
	Exit     uint64 // ExitReason of the last return to the dispatcher
	ExitInfo uint64 // reason-specific detail (trap word, fault address…)
	Budget   int64  // blocks left in the time slice (see backend.Runner.Run)
	// Interrupt, when non-zero, makes the engine return ExitBudget at its
	// next return to the dispatcher. Other goroutines set it atomically;
	// the runtime clears it.
	Interrupt uint32
	ChainSite uint64 // engine-specific: which patchable jump missed its target
	// IndirectTable is engine-specific: the JIT keeps here the host
	// address of the running thread's indirect-branch table.
	IndirectTable uint64
	// Retired counts guest instructions executed, block by block (the
	// interpreter counts a block when it completes, the JIT when it
	// starts, so they differ only for blocks left by a fault). Statistics
	// only: kept when asked (ferry -stats); it never affects the guest.
	Retired uint64
	Scratch [64]uint64
	// JITSave is where generated code saves registers around an
	// instruction with fixed register operands (CMPXCHG16B); never a
	// spill slot.
	JITSave [2]uint64
}

// ExitReason says why an engine returned to the dispatcher.
type ExitReason uint64

const (
	ExitNone        ExitReason = iota
	ExitSyscall                // SVC #0 executed; PC is the next instruction
	ExitUndefined              // unallocated/unsupported encoding at PC; ExitInfo = the word
	ExitBreakpoint             // BRK #imm at PC; ExitInfo = imm
	ExitFault                  // memory fault at PC; ExitInfo = fault address
	ExitBudget                 // time slice over (or cpu.Interrupt set); resume at PC
	ExitHalt                   // guest asked to stop (reserved for the runtime)
	ExitCodeChanged            // IC IVAU at PC (TrapCodeChanged); ExitInfo = the address register
)

// Engines may use exit reasons of their own between generated code and
// their dispatcher; they start here and never reach the runtime.
const ExitEnginePrivate ExitReason = 0x100

// Field offsets of CPU used by generated code.
var (
	OffX             = unsafe.Offsetof(CPU{}.X)
	OffPC            = unsafe.Offsetof(CPU{}.PC)
	OffNZCV          = unsafe.Offsetof(CPU{}.NZCV)
	OffV             = unsafe.Offsetof(CPU{}.V)
	OffFPCR          = unsafe.Offsetof(CPU{}.FPCR)
	OffFPSR          = unsafe.Offsetof(CPU{}.FPSR)
	OffTPIDR         = unsafe.Offsetof(CPU{}.TPIDR)
	OffPSTATE        = unsafe.Offsetof(CPU{}.PSTATE)
	OffExclAddr      = unsafe.Offsetof(CPU{}.ExclAddr)
	OffExclSize      = unsafe.Offsetof(CPU{}.ExclSize)
	OffExclVal       = unsafe.Offsetof(CPU{}.ExclVal)
	OffExit          = unsafe.Offsetof(CPU{}.Exit)
	OffExitInfo      = unsafe.Offsetof(CPU{}.ExitInfo)
	OffBudget        = unsafe.Offsetof(CPU{}.Budget)
	OffChain         = unsafe.Offsetof(CPU{}.ChainSite)
	OffIndirectTable = unsafe.Offsetof(CPU{}.IndirectTable)
	OffRetired       = unsafe.Offsetof(CPU{}.Retired)
	OffScratch       = unsafe.Offsetof(CPU{}.Scratch)
	OffJITSave       = unsafe.Offsetof(CPU{}.JITSave)
)

// SysReg names the system registers the IR can read or write directly.
type SysReg int64

const (
	SysTPIDR SysReg = iota // TPIDR_EL0
	SysFPCR
	SysFPSR
	SysPSTATE // CPU.PSTATE: the DIT and SSBS bits
)

// PSTATE bits kept in CPU.PSTATE, as in SPSR_EL1.
const (
	PSTATESSBS = 1 << 12 // speculative store bypass safe (FEAT_SSBS)
	PSTATEDIT  = 1 << 24 // data-independent timing (FEAT_DIT)
)

// InitialPSTATE is PSTATE.{DIT,SSBS} of a new program: arm64 Linux starts
// user tasks with SSBS set (speculative store bypass allowed) unless the
// Spectre-v4 mitigation is forced on for them, which it is not by
// default; DIT starts clear.
const InitialPSTATE = PSTATESSBS

// The FPCR and FPSR bits that hold what is written to them; the others are
// RES0 (or, for the exception trap enables, RAZ/WI because ferry does not
// trap FP exceptions) and read back as zero. FPCR keeps AHP, DN, FZ, RMode,
// FZ16 and the AArch32 context fields Stride and Len (bits 26:16); FPSR
// keeps the AArch32 NZCV, QC, IDC and the cumulative flags IXC..IOC. This is
// what qemu-aarch64 keeps too. Every writer (MSR, sigreturn) masks with them.
const (
	FPCRWritable = 0x07ff0000
	FPSRWritable = 0xf800009f
)

// IDRegisters are the AArch64 feature ID registers as arm64 Linux shows
// them to user space (MRS at EL0 traps and the kernel emulates it with the
// visible fields of the sanitised value and a fixed safe value in each
// hidden field: arch/arm64/kernel/cpufeature.c, Documentation/arch/arm64/
// cpu-feature-registers.rst). Those the kernel does not know read as zero.
// MIDR_EL1 is MIDR, MPIDR_EL1 reads 0x80000000 and REVIDR_EL1 0.
type IDRegisters struct {
	PFR0, PFR1, ZFR0, DFR0, ISAR0, ISAR1, ISAR2, MMFR0, MMFR1, MMFR2 uint64
}

// BaseIDRegisters are the values for a core with FP and AdvSIMD and no
// optional feature. PFR0: EL0 = EL1 = 1 (AArch64 only, the safe values of
// these hidden fields), FP = AdvSIMD = 0 (implemented, no half-precision
// arithmetic). DFR0.DebugVer = 6 and MMFR0's granule fields (TGRAN4_2 =
// TGRAN64_2 = TGRAN16_2 = 1, TGRAN4 = TGRAN64 = 0xf, TGRAN16 = 0) are the
// safe values the kernel shows in its hidden fields; all else is zero.
var BaseIDRegisters = IDRegisters{PFR0: 0x11, DFR0: 0x6, MMFR0: 0x0000_0111_ff00_0000}
