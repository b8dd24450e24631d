// excl.S — exclusive and acquire/release memory accesses.
//
// Successful exclusive sequences are retried in a loop (real hardware may
// fail a store-exclusive spuriously), so only architecturally determined
// results are printed: the values read and written, and the status of
// store-exclusives that must fail (after CLREX, or with no reservation).
// Exclusive and acquire/release forms take no offset: x9 = cell + offset.
#include "rt.h"

	.bss
	.balign	16
cell:	.skip	64

	.text
.macro out
	mov	x27, x0
	sp_
	hex64	x27
.endm

	.global	test_main
	.type	test_main, %function
test_main:
	prologue
	adrp	x19, cell
	add	x19, x19, :lo12:cell
	ldr	x0, =0x0123456789abcdef
	str	x0, [x19]
	ldr	x0, =0xfedcba9876543210
	str	x0, [x19, #8]

	say	"ldxr/stxr add 64"
1:	ldxr	x0, [x19]
	add	x1, x0, #0x111
	stxr	w2, x1, [x19]
	cbnz	w2, 1b
	out
	ldr	x0, [x19]
	out
	nl

	say	"ldaxr/stlxr 32"
1:	add	x9, x19, #4
	ldaxr	w0, [x9]
	eor	w1, w0, #0xff00ff00
	add	x9, x19, #4
	stlxr	w2, w1, [x9]
	cbnz	w2, 1b
	out
	ldr	x0, [x19]
	out
	nl

	say	"byte/half"
1:	add	x9, x19, #1
	ldxrb	w0, [x9]
	add	w1, w0, #0x80		// carries out of the byte: must not spill
	add	x9, x19, #1
	stxrb	w2, w1, [x9]
	cbnz	w2, 1b
	out
1:	add	x9, x19, #6
	ldaxrh	w0, [x9]
	sub	w1, w0, #1
	add	x9, x19, #6
	stlxrh	w2, w1, [x9]
	cbnz	w2, 1b
	out
	ldr	x0, [x19]
	out
	nl

	say	"pair"
1:	ldxp	x0, x1, [x19]
	mov	x20, x1
	stxp	w2, x1, x0, [x19]	// swap the two halves
	cbnz	w2, 1b
	out
	mov	x0, x20
	out
	ldp	x0, x1, [x19]
	mov	x20, x1
	out
	mov	x0, x20
	out
1:	add	x9, x19, #16
	ldaxp	w0, w1, [x9]
	add	w0, w0, #1
	add	w1, w1, #2
	add	x9, x19, #16
	stlxp	w2, w0, w1, [x9]
	cbnz	w2, 1b
	ldr	x0, [x19, #16]
	out
	nl

	say	"must fail"
	// CLREX drops the reservation: the store-exclusive fails, memory keeps
	// its value.
	add	x9, x19, #24
	ldxr	x0, [x9]
	clrex
	mov	x1, #0x55
	add	x9, x19, #24
	stxr	w2, x1, [x9]
	mov	x0, x2
	out
	ldr	x0, [x19, #24]
	out
	// A successful store-exclusive consumes the reservation: a second one
	// without a new load-exclusive fails.
1:	add	x9, x19, #24
	ldxr	x0, [x9]
	add	x9, x19, #24
	stxr	w2, x0, [x9]
	cbnz	w2, 1b
	mov	x1, #0x66
	add	x9, x19, #24
	stxr	w2, x1, [x9]
	mov	x0, x2
	out
	ldr	x0, [x19, #24]
	out
	nl

	say	"acqrel"
	mov	x0, #0x7766
	add	x9, x19, #32
	stlr	x0, [x9]
	add	x9, x19, #32
	ldar	x0, [x9]
	out
	mov	w0, #0x1ff
	add	x9, x19, #40
	stlrb	w0, [x9]
	add	x9, x19, #40
	ldarb	w0, [x9]
	out
	mov	w0, #0x2345
	movk	w0, #0x1, lsl #16
	add	x9, x19, #42
	stlrh	w0, [x9]
	add	x9, x19, #42
	ldarh	w0, [x9]
	out
	ldr	w0, =0x89abcdef
	add	x9, x19, #44
	stlr	w0, [x9]
	add	x9, x19, #44
	ldar	w0, [x9]
	out
	dmb	ish
	dmb	ishld
	dmb	ishst
	dsb	sy
	isb
	ldr	x0, [x19, #40]
	out
	nl

	mov	w0, #0
	epilogue
