// ldst.S — every addressing mode: register offsets with each extend and
// shift, pre/post-index writeback, pair loads/stores with writeback,
// sign-extending loads of every size, unscaled offsets, literals, and SIMD
// register loads/stores. Addresses are printed only as offsets from the
// buffer, so the output does not depend on where the loader put it.
#include "rt.h"

	.section .rodata
	.balign	16
pattern:	// 64 bytes: byte i = 0x80 + 3*i (mod 256), so sign bits vary
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	.byte	(0x80 + 3 * \i) & 0xff
	.endr
lit64:	.quad	0x8877665544332211
lit32:	.word	0x80000001

	.bss
	.balign	16
buf:	.skip	256		// the tests stay within [buf, buf+256)

	.text
.macro out
	mov	x27, x0
	sp_
	hex64	x27
.endm
// Print the base register as an offset from x28 (the buffer middle).
.macro outbase reg
	sub	x27, \reg, x28
	sp_
	hex64	x27
.endm

	.global	test_main
	.type	test_main, %function
test_main:
	prologue
	// Copy the pattern into the middle of buf with 8-byte post-indexed
	// loads/stores, so negative offsets have data too.
	adrp	x0, pattern
	add	x0, x0, :lo12:pattern
	adrp	x28, buf
	add	x28, x28, :lo12:buf
	add	x28, x28, #64		// x28: buffer middle
	sub	x1, x28, #64
	mov	x2, #0
1:	and	x3, x2, #63
	ldrb	w3, [x0, x3]
	strb	w3, [x1], #1
	add	x2, x2, #1
	cmp	x2, #192
	b.lo	1b

	say	"regoffset"
	mov	x19, #3
	mov	x20, #-3		// negative for the signed extends
	mov	w21, #-3		// upper half zero: -3 as a 32-bit value
	ldr	x0, [x28, x19]
	out
	ldr	x0, [x28, x19, lsl #3]
	out
	ldr	x0, [x28, x20, lsl #3]
	out
	ldr	x0, [x28, w19, uxtw]
	out
	ldr	x0, [x28, w19, uxtw #3]
	out
	ldr	x0, [x28, w21, sxtw]
	out
	ldr	x0, [x28, w21, sxtw #3]
	out
	ldr	x0, [x28, x20, sxtx]
	out
	ldr	x0, [x28, x20, sxtx #3]
	out
	ldr	w0, [x28, x19, lsl #2]
	out
	ldr	w0, [x28, w21, sxtw #2]
	out
	ldrh	w0, [x28, x19, lsl #1]
	out
	ldrh	w0, [x28, w21, sxtw #1]
	out
	ldrb	w0, [x28, x19]
	out
	ldrb	w0, [x28, w21, sxtw]
	out
	ldrb	w0, [x28, w19, uxtw]
	out
	nl

	say	"signext"
	mov	x19, #1
	ldrsb	x0, [x28, x19]
	out
	ldrsb	w0, [x28, x19]
	out
	ldrsh	x0, [x28, #2]
	out
	ldrsh	w0, [x28, #2]
	out
	ldrsw	x0, [x28, #4]
	out
	ldrsb	x0, [x28, #-40]
	out
	ldrsh	x0, [x28, x19, lsl #1]
	out
	ldrsw	x0, [x28, x20, lsl #2]
	out
	ldursw	x0, [x28, #-3]
	out
	ldursh	w0, [x28, #-1]
	out
	ldursb	x0, [x28, #-255 + 200]
	out
	ldr	x0, lit64
	out
	ldrsw	x0, lit32
	out
	ldr	w0, lit32
	out
	nl

	say	"unaligned"
	ldr	x0, [x28, #1]
	out
	ldur	x0, [x28, #-7]
	out
	ldur	w0, [x28, #3]
	out
	ldur	x0, [x28, #183]
	out
	ldur	x0, [x28, #-256 + 192]
	out
	ldr	x0, [x28, #120]		// largest in-buffer scaled offset
	out
	nl

	say	"writeback"
	mov	x22, x28
	ldr	x0, [x22, #16]!
	out
	outbase	x22
	ldr	x0, [x22], #-24
	out
	outbase	x22
	ldrb	w0, [x22, #-1]!
	out
	outbase	x22
	ldrsh	x0, [x22], #3
	out
	outbase	x22
	ldp	x0, x1, [x22, #-16]!
	mov	x26, x1
	out
	mov	x0, x26
	out
	outbase	x22
	ldp	w0, w1, [x22], #8
	mov	x26, x1
	out
	mov	x0, x26
	out
	outbase	x22
	ldpsw	x0, x1, [x22, #8]!
	mov	x26, x1
	out
	mov	x0, x26
	out
	outbase	x22
	nl

	say	"stores"
	// Stores into a zeroed scratch area at buf+192.., read back as bytes.
	add	x22, x28, #128
	stp	xzr, xzr, [x22]
	stp	xzr, xzr, [x22, #16]
	stp	xzr, xzr, [x22, #32]
	ldr	x0, lit64
	mov	x23, x22
	str	x0, [x23, #8]!
	strh	w0, [x23, #-2]!
	strb	w0, [x23, #-1]!
	outbase	x23
	mov	x19, #5
	str	w0, [x22, x19, lsl #2]
	mov	w20, #-2
	strh	w0, [x22, w20, sxtw #0]	// below the scratch area, inside buf
	stur	x0, [x22, #33]
	stp	w0, w0, [x23, #24]
	stp	x0, x0, [x23, #-16]!
	outbase	x23
	sub	x23, x22, #16
	.irp	off, 0, 8, 16, 24, 32, 40, 48
	ldr	x0, [x23, #\off]
	out
	.endr
	nl

	say	"simd"
	ldr	q0, [x28]
	ldr	q1, [x28, #16]
	ldp	q2, q3, [x28, #-32]
	ldr	d4, [x28, #8]
	ldr	s5, [x28, #12]
	ldr	h6, [x28, #6]
	ldr	b7, [x28, #5]
	ld1	{v16.16b, v17.16b}, [x28]
	.irp	v, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17
	mov	x0, v\v\().d[0]
	out
	mov	x0, v\v\().d[1]
	out
	.endr
	add	x22, x28, #128
	str	q3, [x22]
	stp	q0, q1, [x22, #16]
	str	s2, [x22, #4]
	str	h3, [x22, #62]
	mov	x23, x22
	st1	{v0.2d}, [x23], #16
	outbase	x23
	.irp	off, 0, 8, 16, 24, 32, 40, 48, 56
	ldr	x0, [x22, #\off]
	out
	.endr
	nl

	mov	w0, #0
	epilogue
