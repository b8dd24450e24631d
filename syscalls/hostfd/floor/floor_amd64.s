#include "textflag.h"

// The values of floor.go's constants of the same names.
#define sysClose 3
#define sysFcntl 72
#define sysGetrlimit 97
#define sysSetrlimit 160
#define sysEventfd2 290
#define fDupfdCloexec 1030
#define rlimitNofile 7
#define efdCloexec 0x80000
#define Base 1024
#define headroom 32

// func rawSyscall(nr, a1, a2, a3 uintptr) int
TEXT ·rawSyscall(SB), NOSPLIT, $0-40
	MOVQ nr+0(FP), AX
	MOVQ a1+8(FP), DI
	MOVQ a2+16(FP), SI
	MOVQ a3+24(FP), DX
	SYSCALL
	MOVQ AX, ret+32(FP)
	RET

// ferry_entry is the process's entry point (the linker's -E flag; the
// Makefile and the test harness link ferry with it). Before the Go runtime
// starts, while the process has a single thread, it records RLIMIT_NOFILE
// as inherited, raises the soft limit if the placeholders need it, and
// grows the descriptor table past Top with one F_DUPFD_CLOEXEC, then
// enters the runtime as the kernel entered this. Growing a table that
// threads share waits for an RCU grace period (fs/file.c expand_fdtable:
// 10 to 15 ms here); a table nobody shares grows at once. init repeats
// whatever this did not get to do, so a binary without this entry (go test)
// works the same, only slower to start.
//
// Only RSP (argc, argv, envp, auxv above it) matters to _rt0_amd64_linux;
// SYSCALL clobbers RCX and R11, and the rest is scratch until then.
TEXT ferry_entry(SB), NOSPLIT|NOFRAME, $0
	MOVQ $sysGetrlimit, AX
	MOVQ $rlimitNofile, DI
	LEAQ ·entryLimit(SB), SI
	SYSCALL
	TESTQ AX, AX
	JNE  start
	MOVB $1, ·entryRan(SB)
	// top = Base, or Max - headroom when the hard limit leaves no room.
	MOVQ $Base, R12
	MOVQ ·entryLimit+8(SB), R13
	CMPQ R13, $(Base+headroom)
	JAE  havetop
	LEAQ -headroom(R13), R12
havetop:
	CMPQ R12, $0
	JLE  start
	CMPQ ·entryLimit(SB), R12
	JAE  grow
	// Soft limit below top: raise it to the hard limit, as init would.
	MOVQ R13, ·entryRaised(SB)
	MOVQ R13, ·entryRaised+8(SB)
	MOVQ $sysSetrlimit, AX
	MOVQ $rlimitNofile, DI
	LEAQ ·entryRaised(SB), SI
	SYSCALL
	TESTQ AX, AX
	JNE  start
grow:
	MOVQ $sysEventfd2, AX
	XORL DI, DI
	MOVQ $efdCloexec, SI
	SYSCALL
	TESTQ AX, AX
	JS   start
	MOVQ AX, R14
	MOVQ $sysFcntl, AX
	MOVQ R14, DI
	MOVQ $fDupfdCloexec, SI
	MOVQ R12, DX
	SYSCALL
	TESTQ AX, AX
	JS   closesrc
	MOVQ AX, DI
	MOVQ $sysClose, AX
	SYSCALL
closesrc:
	MOVQ R14, DI
	MOVQ $sysClose, AX
	SYSCALL
start:
	JMP _rt0_amd64_linux(SB)
