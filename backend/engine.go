// Package backend holds what every execution engine shares: the Engine
// interface the runtime drives, and the Translator that feeds engines IR.
// The x86-64 JIT lives in backend/amd64; the reference interpreter in
// ir/interp.
package backend

import "ferry/ir"

// Translator returns the IR block starting at guest address pc. It never
// fails: an undecodable instruction becomes a TermTrap terminator, and an
// unreadable pc a block that traps with ExitFault semantics.
type Translator func(pc uint64) *ir.Block

// Engine executes guest code for one CPU.
type Engine interface {
	// Run executes from cpu.PC until the guest needs the runtime (syscall,
	// trap, fault) or its time slice ends. It stores and returns the reason
	// in cpu.Exit; cpu.PC is where execution resumes (for ExitSyscall: the
	// instruction after SVC; for traps and faults: the faulting instruction).
	Run(cpu *ir.CPU) ir.ExitReason
	// Invalidate forgets translations of guest code in [start, end), after
	// munmap, mprotect or a write to code.
	Invalidate(start, end uint64)
}
