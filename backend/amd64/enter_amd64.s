#include "textflag.h"

// func enter(code uintptr, c *ir.CPU)
//
// Calls generated code at code with R15 = cpu, through the entry
// trampoline (stubs.go), which switches MXCSR to the guest's settings and
// back. Generated code returns with RET after storing the exit reason in
// cpu.Exit. It may clobber every register but RSP and RBP; this is an
// ABI0 function, so the Go caller assumes all registers are clobbered and
// restores R14 (g) and X15 itself.
TEXT ·enter(SB), NOSPLIT, $0-16
	MOVQ code+0(FP), AX
	MOVQ c+8(FP), R15
	MOVQ ·trampoline(SB), CX
	CALL CX
	RET
