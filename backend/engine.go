// Package backend holds what every execution engine shares: the Engine and
// Runner interfaces the runtime drives, the Translator that feeds engines
// IR, and the concurrent block cache (cache.go) with its dispatch loop,
// chaining bookkeeping, invalidation, flush handshake and time slice. The
// x86-64 JIT lives in backend/amd64 and the reference interpreter in
// ir/interp; each implements only how a block is compiled and executed.
package backend

import "ferry/ir"

// Translator returns the IR block starting at guest address pc. It never
// fails: an undecodable instruction becomes a TermTrap terminator, and an
// unreadable pc a block that traps with ExitFault semantics. It is called
// by many threads at once and must be safe for concurrent use.
type Translator func(pc uint64) *ir.Block

// Engine is one guest process's execution engine, shared by all its
// threads; safe for concurrent use.
type Engine interface {
	// NewRunner returns the per-thread half: one per guest thread, used by
	// that thread only.
	NewRunner() Runner
	// Invalidate forgets translations of guest code in [start, end)
	// (munmap, mprotect, code writes). Callable from any thread at any
	// time, including while other threads run generated code.
	Invalidate(start, end uint64)
	// CodeRange is the host address range of generated code ([0,0) for
	// the interpreter). An async signal handler that finds the
	// interrupted RIP in it knows R15 holds the *ir.CPU and may set
	// cpu.Budget to 0 to make the thread leave generated code at its
	// next block entry.
	CodeRange() (lo, hi uintptr)
}

// Runner is the per-thread half of an Engine.
type Runner interface {
	// Run executes from cpu.PC until the guest needs the runtime
	// (syscall, trap, fault) or the time slice ends (ExitBudget). It
	// stores and returns the reason in cpu.Exit; cpu.PC is where
	// execution resumes (for ExitSyscall: the instruction after SVC; for
	// traps and faults: the faulting instruction). The reasons the
	// runtime sees are ExitSyscall, ExitUndefined, ExitBreakpoint,
	// ExitFault and ExitBudget only.
	//
	// Run returns ExitBudget promptly once cpu.Interrupt is non-zero
	// (checked on every return to the dispatcher) and at the latest
	// after SliceBlocks blocks. It sets cpu.Budget once, at its start,
	// and otherwise only ever decrements it, so a signal handler that
	// zeroes cpu.Budget while the thread is in generated code makes it
	// leave at the next block entry.
	Run(cpu *ir.CPU) ir.ExitReason
	// Close releases the runner when its thread ends (per-thread
	// tables, its place in the flush handshake).
	Close()
}
