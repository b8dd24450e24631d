// bitfield.S — bitfield moves (UBFM/SBFM/BFM and their aliases), EXTR,
// CLS/CLZ/RBIT/REV*, and the conditional selects, on edge values.
#include "rt.h"

	.section .rodata
	.balign	8
values:
	.quad	0, 1, 0x8000000000000000, 0xffffffffffffffff, 0x7fffffffffffffff
	.quad	0x00000000ffffffff, 0x0000000080000000, 0x0123456789abcdef
	.quad	0xfedcba9876543210, 0x00ff00ff00ff00ff, 0x8000000080000000
	.quad	0x0000000000000f00, 0x00000001c0000000
values_end:

	.text
// Print the result in x0/w0 after a space (x27 keeps it across put_char).
.macro out64
	mov	x27, x0
	sp_
	hex64	x27
.endm
.macro out32
	mov	w27, w0
	sp_
	hex32	w27
.endm

	.global	test_main
	.type	test_main, %function
test_main:
	prologue
	adrp	x23, values
	add	x23, x23, :lo12:values
	adrp	x24, values_end
	add	x24, x24, :lo12:values_end
	mov	x25, x23
loop:
	ldr	x19, [x25]
	// x20: a second operand, the next value (wrapping around).
	add	x0, x25, #8
	cmp	x0, x24
	csel	x0, x23, x0, hs
	ldr	x20, [x0]

	say	"v "
	hex64	x19
	sp_
	hex64	x20
	nl

	say	" ubfm"
	.irp	rs, "0,63", "1,63", "63,63", "0,0", "63,0", "8,15", "60,3", "32,31", "4,60", "1,0"
	ubfm	x0, x19, #\rs
	out64
	.endr
	.irp	rs, "0,31", "1,31", "31,31", "0,0", "31,0", "8,15", "28,3", "16,15"
	ubfm	w0, w19, #\rs
	out32
	.endr
	nl
	say	" sbfm"
	.irp	rs, "0,63", "1,63", "63,63", "0,0", "63,0", "8,15", "60,3", "32,31", "4,60", "0,31", "0,7"
	sbfm	x0, x19, #\rs
	out64
	.endr
	.irp	rs, "0,31", "1,31", "31,31", "0,0", "31,0", "8,15", "28,3", "0,7", "0,15"
	sbfm	w0, w19, #\rs
	out32
	.endr
	nl
	say	" bfm"
	.irp	rs, "0,63", "1,63", "63,63", "0,0", "63,0", "8,15", "60,3", "32,31", "4,60"
	mov	x0, x20
	bfm	x0, x19, #\rs
	out64
	.endr
	.irp	rs, "0,31", "31,31", "0,0", "31,0", "8,15", "28,3", "16,15"
	mov	x0, x20
	bfm	w0, w19, #\rs
	out64			// 64-bit print: the upper half must be zeroed
	.endr
	nl
	say	" extr"
	.irp	lsb, 0, 1, 31, 32, 63
	extr	x0, x19, x20, #\lsb
	out64
	.endr
	.irp	lsb, 0, 1, 16, 31
	extr	w0, w19, w20, #\lsb
	out64
	.endr
	ror	x0, x19, #13
	out64
	ror	w0, w19, #7
	out64
	nl
	say	" bits"
	.irp	op, cls, clz, rbit, rev, rev16, rev32
	\op	x0, x19
	out64
	.endr
	.irp	op, cls, clz, rbit, rev, rev16
	\op	w0, w19
	out64
	.endr
	nl
	// Shifts by register take the count modulo the width.
	say	" shifts"
	.irp	op, lslv, lsrv, asrv, rorv
	\op	x0, x19, x20
	out64
	\op	w0, w19, w20
	out64
	.endr
	nl
	say	" csel"
	cmp	x19, x20
	.irp	c, eq, ne, hs, lo, mi, hi, ls, ge, lt, gt, le
	csel	x0, x19, x20, \c
	out64
	csinc	x0, x19, x20, \c
	out64
	csinv	w0, w19, w20, \c
	out64
	csneg	x0, x19, x20, \c
	out64
	.endr
	nl
	// Logical ops with shifted and inverted operands, and bitmask
	// immediates.
	say	" logic"
	and	x0, x19, x20, ror #17
	out64
	orn	x0, x19, x20, asr #63
	out64
	eon	w0, w19, w20, lsl #3
	out64
	bic	x0, x19, x20, lsr #8
	out64
	and	x0, x19, #0x5555555555555555
	out64
	orr	x0, x19, #0xff0000000000000f
	out64
	eor	w0, w19, #0x0ff00ff0
	out64
	tst	x19, #0x8000000000000001
	mrs	x0, nzcv
	out64
	nl

	add	x25, x25, #8
	cmp	x25, x24
	b.lo	loop
	mov	w0, #0
	epilogue
