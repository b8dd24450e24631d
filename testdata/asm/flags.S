// flags.S — NZCV after flag-setting arithmetic on edge values, and the
// evaluation of all 16 condition codes for all 16 NZCV inputs.
//
// For every ordered pair (a, b) of edge values one line lists result:NZCV
// for ADDS, SUBS, ADCS and SBCS (carry in 0 and 1) in 64 and 32 bits, then
// CCMP and CCMN with the condition true and false, then NEGS and ANDS/BICS.
#include "rt.h"

	.section .rodata
	.balign	8
edge:
	.quad	0, 1, 2, 0x7f, 0x80, 0xffffffff, 0x7fffffff, 0x80000000
	.quad	0x100000000, 0x7fffffffffffffff, 0x8000000000000000
	.quad	0xffffffffffffffff, 0xfffffffffffffffe, 0x8000000000000001
	.quad	0x00000000ffffffff, 0x123456789abcdef0
edge_end:

	.text
// Print " value:N" where N is the NZCV nibble. x0 = value, x1 = nzcv,
// x2 = hex digits of value.
put_res:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	x19, x1
	mov	x3, x0
	mov	w0, #' '
	stp	x2, x3, [sp, #-16]!
	bl	put_char
	ldp	x1, x0, [sp], #16
	bl	put_hexn
	mov	w0, #':'
	bl	put_char
	lsr	x0, x19, #28
	mov	x1, #1
	bl	put_hexn
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret

// Run "insn Xd/Wd, a, b" with the incoming flags in x21 and print it.
.macro op3 insn, width
	msr	nzcv, x21
.if \width == 64
	\insn	x0, x19, x20
	mov	x2, #16
.else
	\insn	w0, w19, w20
	mov	x2, #8
.endif
	mrs	x1, nzcv
	bl	put_res
.endm

.macro op2 insn, width
	msr	nzcv, x21
.if \width == 64
	\insn	x0, x19
	mov	x2, #16
.else
	\insn	w0, w19
	mov	x2, #8
.endif
	mrs	x1, nzcv
	bl	put_res
.endm

// Conditional compare: the condition is evaluated on flags x21; only the
// flags are a result, so print a dummy zero-width value.
.macro ccop insn, width, cond
	msr	nzcv, x21
.if \width == 64
	\insn	x19, x20, #0b0110, \cond
.else
	\insn	w19, w20, #0b1001, \cond
.endif
	mrs	x1, nzcv
	mov	x0, #0
	mov	x2, #0
	bl	put_res
.endm

	.global	test_main
	.type	test_main, %function
test_main:
	prologue
	adrp	x23, edge
	add	x23, x23, :lo12:edge
	adrp	x25, edge_end
	add	x25, x25, :lo12:edge_end
	mov	x24, x23		// outer cursor
outer:
	mov	x26, x23		// inner cursor
inner:
	ldr	x19, [x24]
	ldr	x20, [x26]
	hex64	x19
	sp_
	hex64	x20
	say	":"
	// Incoming flags: all clear, then all set (with C, for ADCS/SBCS).
	mov	x21, #0
	op3	adds, 64
	op3	adds, 32
	op3	subs, 64
	op3	subs, 32
	op3	adcs, 64
	op3	adcs, 32
	op3	sbcs, 64
	op3	sbcs, 32
	op3	ands, 64
	op3	bics, 32
	op2	negs, 64
	op2	ngcs, 32
	mov	x21, #0xf0000000
	op3	adcs, 64
	op3	adcs, 32
	op3	sbcs, 64
	op3	sbcs, 32
	op2	ngcs, 64
	// CCMP/CCMN: eq is false on clear flags (immediate flags result) and
	// true when Z is set (real compare).
	mov	x21, #0
	ccop	ccmp, 64, eq
	ccop	ccmn, 32, eq
	ccop	ccmp, 32, ne
	mov	x21, #0x40000000
	ccop	ccmp, 64, eq
	ccop	ccmn, 64, eq
	ccop	ccmp, 32, eq
	ccop	ccmn, 32, eq
	nl
	add	x26, x26, #8
	cmp	x26, x25
	b.lo	inner
	add	x24, x24, #8
	cmp	x24, x25
	b.lo	outer

	// Condition codes: for each NZCV value, a 16-bit mask whose bit 15-i
	// is set when condition i (eq, ne, cs, cc, mi, pl, vs, vc, hi, ls, ge,
	// lt, gt, le, al, nv) holds. CSINC gives 0 when the condition holds.
	mov	x19, #0
cond_loop:
	lsl	x21, x19, #28
	mov	w22, #0
	.irp	c, eq,ne,cs,cc,mi,pl,vs,vc,hi,ls,ge,lt,gt,le,al,nv
	msr	nzcv, x21
	csinc	w0, wzr, wzr, \c
	eor	w0, w0, #1
	orr	w22, w0, w22, lsl #1
	.endr
	say	"nzcv "
	mov	x0, x19
	mov	x1, #1
	bl	put_hexn
	say	" conds "
	mov	x0, x22
	mov	x1, #4
	bl	put_hexn
	// Branches must agree with CSINC: count taken b.cond over the same set.
	mov	w22, #0
	.irp	c, eq,ne,cs,cc,mi,pl,vs,vc,hi,ls,ge,lt,gt,le,al,nv
	msr	nzcv, x21
	lsl	w22, w22, #1
	b.\c	1f
	b	2f
1:	orr	w22, w22, #1
2:
	.endr
	say	" branches "
	mov	x0, x22
	mov	x1, #4
	bl	put_hexn
	nl
	add	x19, x19, #1
	cmp	x19, #16
	b.lo	cond_loop

	mov	w0, #0
	epilogue
