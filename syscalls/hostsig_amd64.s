#include "textflag.h"

// Offsets in the kernel's x86-64 signal frame.
#define SI_CODE 8           // siginfo_t.si_code
#define SI_PID  16          // siginfo_t.si_pid
#define UC_R15  96          // ucontext_t.uc_mcontext.r15
#define UC_RIP  168         // ucontext_t.uc_mcontext.rip

#define SIGURG    23
#define SI_TKILL  -6
#define SYS_write  1
#define SYS_gettid 186
#define RECORD     136      // siginfo (128 bytes) + receiving tid (8)

// asyncSignalHandler is the host handler of every signal a guest can be
// sent (see hostsig.go). The kernel calls it on the thread's signal stack
// with DI = signal, SI = *siginfo, DX = *ucontext. It runs no Go code:
//  1. A thread stopped inside safeSyscall before its SYSCALL instruction
//     completed (or rewound to it by SA_RESTART) resumes at
//     safeSyscallInterrupted instead, which returns EINTR: the guest
//     system call either ran to completion or never started.
//  2. A thread stopped in generated code gets its time slice ended
//     (cpu.Budget = 0 through R15, which holds the *ir.CPU there), so it
//     returns to its dispatcher at the next block entry.
//  3. The signal is recorded for the router goroutine: siginfo and the
//     receiving tid, written to a non-blocking pipe in one atomic write,
//     then counted in recordsWritten (so a thread can tell that a record
//     it must route itself is waiting).
//     SIGURG sent by this process to one of its threads is the Go
//     runtime's preemption request or ferry's own wake-up and is not
//     recorded; Go's handler still gets every SIGURG.
TEXT ·asyncSignalHandler(SB), NOSPLIT|NOFRAME, $0
	MOVQ DI, R12
	MOVQ SI, R13
	MOVQ DX, R14
	MOVQ UC_RIP(DX), AX

	MOVQ ·safeSyscallStart(SB), CX
	CMPQ AX, CX
	JCS  notInSyscall
	MOVQ ·safeSyscallEnd(SB), CX
	CMPQ AX, CX
	JCC  notInSyscall
	MOVQ ·safeSyscallResume(SB), CX
	MOVQ CX, UC_RIP(DX)
	JMP  record

notInSyscall:
	MOVQ ·codeLo(SB), CX
	CMPQ AX, CX
	JCS  record
	MOVQ ·codeHi(SB), CX
	CMPQ AX, CX
	JCC  record
	MOVQ UC_R15(DX), CX
	MOVQ ·budgetOffset(SB), BX
	MOVQ $0, (CX)(BX*1)

record:
	CMPL R12, $SIGURG
	JNE  write
	CMPL SI_CODE(R13), $SI_TKILL
	JNE  write
	MOVL SI_PID(R13), AX
	CMPL AX, ·hostPid(SB)
	JEQ  chain

write:
	SUBQ $(RECORD+8), SP
	XORQ CX, CX
copy:
	MOVQ (R13)(CX*1), AX
	MOVQ AX, (SP)(CX*1)
	ADDQ $8, CX
	CMPQ CX, $128
	JNE  copy
	MOVL $SYS_gettid, AX
	SYSCALL
	MOVQ AX, 128(SP)
	MOVL ·recordFD(SB), DI
	MOVQ SP, SI
	MOVL $RECORD, DX
	MOVL $SYS_write, AX
	SYSCALL
	ADDQ $(RECORD+8), SP
	LOCK
	INCQ ·recordsWritten(SB)

chain:
	CMPL R12, $SIGURG
	JNE  done
	MOVQ R12, DI
	MOVQ R13, SI
	MOVQ R14, DX
	MOVQ ·goURGHandler(SB), AX
	JMP  AX
done:
	RET // into the sa_restorer: rt_sigreturn resumes the thread

// func safeSyscall(interrupt *uint32, nr, a1, a2, a3, a4, a5, a6 uintptr) (r uintptr)
//
// A system call that a signal for the guest can interrupt without a race:
// if *interrupt is set it returns -EINTR without entering the kernel, and
// a signal arriving after that check but before the kernel takes the call
// makes the handler resume at safeSyscallInterrupted (step 1 above).
// The window is [safeSyscall, the byte after its SYSCALL instruction).
TEXT ·safeSyscall(SB), NOSPLIT|NOFRAME, $0-72
	MOVQ interrupt+0(FP), R12
	MOVQ a1+16(FP), DI
	MOVQ a2+24(FP), SI
	MOVQ a3+32(FP), DX
	MOVQ a4+40(FP), R10
	MOVQ a5+48(FP), R8
	MOVQ a6+56(FP), R9
	MOVQ nr+8(FP), AX
	CMPL (R12), $0
	JNE  interrupted
	SYSCALL
	MOVQ AX, r+64(FP)
	RET
interrupted:
	MOVQ $-4, r+64(FP)
	RET

// safeSyscallInterrupted is where the handler resumes a thread it stopped
// inside the window: the stack is as safeSyscall found it.
TEXT ·safeSyscallInterrupted(SB), NOSPLIT|NOFRAME, $0-72
	MOVQ $-4, r+64(FP) // -EINTR
	RET

// func hostSignalAddrs() (handler, syscallStart, interrupted uintptr)
TEXT ·hostSignalAddrs(SB), NOSPLIT, $0-24
	MOVQ $·asyncSignalHandler(SB), AX
	MOVQ AX, handler+0(FP)
	MOVQ $·safeSyscall(SB), AX
	MOVQ AX, syscallStart+8(FP)
	MOVQ $·safeSyscallInterrupted(SB), AX
	MOVQ AX, interrupted+16(FP)
	RET
