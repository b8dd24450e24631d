// Package backend holds what every execution engine shares: the Engine
// interface the runtime drives, and the Translator that feeds engines IR.
// The x86-64 JIT lives in backend/amd64; the reference interpreter in
// ir/interp.
package backend

import (
	"sync"

	"ferry/ir"
)

// Translator returns the IR block starting at guest address pc. It never
// fails: an undecodable instruction becomes a TermTrap terminator, and an
// unreadable pc a block that traps with ExitFault semantics.
type Translator func(pc uint64) *ir.Block

// Engine is one guest process's execution engine, shared by all its
// threads; safe for concurrent use.
type Engine interface {
	// NewRunner returns the per-thread half: one per guest thread, used
	// by that thread only.
	NewRunner() Runner
	// Invalidate forgets translations of guest code in [start, end)
	// (munmap, mprotect, code writes). Callable from any thread at any
	// time, including while other threads run generated code.
	Invalidate(start, end uint64)
	// CodeRange is the host address range of generated code ([0, 0) for
	// the interpreter). An asynchronous signal handler that finds the
	// interrupted RIP in it knows R15 holds the *ir.CPU and may set
	// cpu.Budget to 0, making the thread leave generated code at its next
	// block entry.
	CodeRange() (lo, hi uintptr)
}

// Runner executes guest code for one thread.
type Runner interface {
	// Run executes from cpu.PC until the guest needs the runtime
	// (syscall, trap, fault) or the time slice ends (ExitBudget, also
	// returned promptly once cpu.Interrupt is set). It stores and returns
	// the reason in cpu.Exit; cpu.PC is where execution resumes (for
	// ExitSyscall: the instruction after SVC; for traps and faults: the
	// faulting instruction).
	Run(cpu *ir.CPU) ir.ExitReason
	// Close releases the runner when its thread ends.
	Close()
}

// SingleThreaded is an engine whose state serves one thread at a time.
type SingleThreaded interface {
	Run(cpu *ir.CPU) ir.ExitReason
	Invalidate(start, end uint64)
}

// Serialize shares a single-threaded engine between threads by running one
// time slice at a time under a lock. Threads blocked in system calls do not
// hold it.
func Serialize(e SingleThreaded, codeLo, codeHi uintptr) Engine {
	return &serialized{e: e, lo: codeLo, hi: codeHi}
}

type serialized struct {
	mu     sync.Mutex
	e      SingleThreaded
	lo, hi uintptr
}

func (s *serialized) NewRunner() Runner { return serialRunner{s} }

func (s *serialized) Invalidate(start, end uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.e.Invalidate(start, end)
}

func (s *serialized) CodeRange() (uintptr, uintptr) { return s.lo, s.hi }

type serialRunner struct{ s *serialized }

func (r serialRunner) Run(cpu *ir.CPU) ir.ExitReason {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return r.s.e.Run(cpu)
}

func (serialRunner) Close() {}
