#include "textflag.h"

// Offsets in the kernel's x86-64 signal frame.
#define SI_ADDR 16          // siginfo_t.si_addr
#define UC_RAX  144         // ucontext_t.uc_mcontext.rax
#define UC_RCX  152         // ucontext_t.uc_mcontext.rcx
#define UC_RIP  168         // ucontext_t.uc_mcontext.rip

// faultHandler is installed for SIGSEGV and SIGBUS in front of Go's own
// handler. The kernel calls it on the signal stack with DI = signal,
// SI = *siginfo, DX = *ucontext. A fault at a RIP inside the code arena is
// a guest memory fault: the handler resumes the thread at the fault stub
// with RAX = fault address and RCX = faulting RIP. Any other fault is
// passed, with the original arguments, to Go's handler.
TEXT ·faultHandler(SB), NOSPLIT|NOFRAME, $0
	MOVQ UC_RIP(DX), AX
	MOVQ ·arenaLo(SB), CX
	CMPQ AX, CX
	JCS  notOurs
	MOVQ ·arenaHi(SB), CX
	CMPQ AX, CX
	JCC  notOurs
	MOVQ AX, UC_RCX(DX)
	MOVQ SI_ADDR(SI), AX
	MOVQ AX, UC_RAX(DX)
	MOVQ ·faultStub(SB), AX
	MOVQ AX, UC_RIP(DX)
	RET // into the sa_restorer: rt_sigreturn resumes at the stub

notOurs:
	MOVQ ·goFaultHandler(SB), AX
	JMP  AX

// func faultHandlerPC() uintptr
TEXT ·faultHandlerPC(SB), NOSPLIT, $0-8
	MOVQ $·faultHandler(SB), AX
	MOVQ AX, ret+0(FP)
	RET
