#include "textflag.h"

// func cas128(addr uintptr, old0, old1, new0, new1 uint64) bool
//
// A 16-byte compare-and-swap (LOCK CMPXCHG16B; addr must be 16-byte
// aligned, as arm64 requires of exclusive pairs and CASP).
TEXT ·cas128(SB), NOSPLIT, $0-41
	MOVQ addr+0(FP), DI
	MOVQ old0+8(FP), AX
	MOVQ old1+16(FP), DX
	MOVQ new0+24(FP), BX
	MOVQ new1+32(FP), CX
	LOCK
	CMPXCHG16B (DI)
	SETEQ ret+40(FP)
	RET
