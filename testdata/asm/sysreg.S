// sysreg.S — system registers reachable from EL0 and the FP control and
// status behaviour that depends on them: TPIDR_EL0, NZCV, FPCR (rounding
// modes, default NaN, flush-to-zero), FPSR cumulative flags, DCZID_EL0 with
// DC ZVA, CTR_EL0 with the cache maintenance loop compilers emit for
// __builtin___clear_cache, and the generic timer.
#include "rt.h"

	.bss
	// DC ZVA blocks are at most 2 KiB (DCZID.BS <= 9): the buffer is
	// aligned and sized so any block touched lies inside it.
	.balign	2048
zbuf:	.skip	4096

	.text
.macro out
	mov	x27, x0
	sp_
	hex64	x27
.endm

// Print FPSR as it stands, then clear it.
.macro fpsr_out
	mrs	x0, fpsr
	out
	msr	fpsr, xzr
.endm

	.global	test_main
	.type	test_main, %function
test_main:
	prologue

	say	"tpidr"
	mrs	x19, tpidr_el0		// the loader's value: not printed
	ldr	x0, =0xdeadbeefcafef00d
	msr	tpidr_el0, x0
	mrs	x0, tpidr_el0
	out
	msr	tpidr_el0, x19
	nl

	say	"nzcv"
	mov	x0, #-1
	msr	nzcv, x0		// only bits 31:28 are writable
	mrs	x0, nzcv
	out
	mov	x0, #0x50000000
	msr	nzcv, x0
	mrs	x0, nzcv
	out
	nl

	say	"fpcr"
	mrs	x0, fpcr		// Linux starts processes with FPCR = 0
	out
	ldr	x0, =0x07c00000		// AHP, DN, FZ, RMode = toward zero
	msr	fpcr, x0
	mrs	x0, fpcr
	out
	msr	fpcr, xzr
	nl

	// 1/3, -1/3 and 2.5, -2.5 rounded to integral under each rounding
	// mode (RMode in FPCR bits 23:22: RN, RP, RM, RZ).
	say	"rounding"
	fmov	d1, #1.0
	fmov	d2, #3.0
	fmov	d3, #2.5
	fmov	s10, #1.0
	fmov	s11, #3.0
	ldr	x21, =0x123456789abcdef1
	mov	x20, #0
1:	lsl	x0, x20, #22
	msr	fpcr, x0
	fdiv	d0, d1, d2
	fmov	x0, d0
	out
	fneg	d4, d1
	fdiv	d0, d4, d2
	fmov	x0, d0
	out
	fdiv	s0, s10, s11
	fmov	w0, s0
	out
	frinti	d0, d3
	fmov	x0, d0
	out
	fneg	d4, d3
	frintx	d0, d4
	fmov	x0, d0
	out
	fcvtzs	x0, d3			// always toward zero
	out
	scvtf	s0, x21			// inexact as a float
	fmov	w0, s0
	out
	add	x20, x20, #1
	cmp	x20, #4
	b.lo	1b
	msr	fpcr, xzr
	msr	fpsr, xzr
	nl

	// FPSR flags: IOC bit 0, DZC 1, OFC 2, UFC 3, IXC 4, IDC 7.
	say	"fpsr"
	fmov	d1, #1.0
	fmov	d2, #3.0
	fdiv	d0, d1, d2		// inexact
	fpsr_out
	movi	d3, #0
	fdiv	d0, d1, d3		// divide by zero
	fpsr_out
	fdiv	d0, d3, d3		// invalid
	fpsr_out
	ldr	x0, =0x7fefffffffffffff
	fmov	d4, x0
	fadd	d0, d4, d4		// overflow + inexact
	fpsr_out
	ldr	x0, =0x0010000000000001
	fmov	d4, x0
	fadd	d0, d4, d4		// exact
	fpsr_out
	fdiv	d0, d4, d2		// underflow + inexact
	fpsr_out
	fcvtzs	w0, d4			// inexact conversion
	fpsr_out
	ldr	x0, =0x7ff0000000000000
	fmov	d5, x0
	fcvtzs	w0, d5			// saturation: invalid
	out
	fpsr_out
	nl

	// NaNs: 0/0 gives the positive default NaN; a quiet NaN operand
	// propagates with its payload unless FPCR.DN is set; a signalling NaN
	// is quieted and raises invalid.
	say	"nan"
	fdiv	d0, d3, d3
	fmov	x0, d0
	out
	fdiv	s0, s3, s3
	fmov	w0, s0
	out
	ldr	x0, =0xfff8000000012345	// negative quiet NaN with a payload
	fmov	d6, x0
	fadd	d0, d1, d6
	fmov	x0, d0
	out
	ldr	x0, =0x7ff0000000000077	// signalling NaN
	fmov	d7, x0
	fsub	d0, d7, d1
	fmov	x0, d0
	out
	fmul	d0, d6, d7		// the signalling NaN wins
	fmov	x0, d0
	out
	fpsr_out
	mov	x0, #0x02000000		// DN
	msr	fpcr, x0
	fadd	d0, d1, d6
	fmov	x0, d0
	out
	fsub	d0, d7, d1
	fmov	x0, d0
	out
	msr	fpcr, xzr
	fpsr_out
	fmax	d0, d1, d6
	fmov	x0, d0
	out
	fmaxnm	d0, d1, d6		// a quiet NaN loses to a number
	fmov	x0, d0
	out
	movi	d8, #0
	fneg	d9, d8
	fmin	d0, d8, d9		// -0 < +0 for FMIN
	fmov	x0, d0
	out
	fmax	d0, d9, d8
	fmov	x0, d0
	out
	fpsr_out
	nl

	// Flush-to-zero: a denormal input is treated as zero and raises IDC;
	// a denormal result is flushed and raises UFC.
	say	"fz"
	ldr	x0, =0x000fffffffffffff	// largest double denormal
	fmov	d4, x0
	fadd	d0, d4, d4
	fmov	x0, d0
	out
	fpsr_out
	mov	x0, #0x01000000		// FZ
	msr	fpcr, x0
	fadd	d0, d4, d4
	fmov	x0, d0
	out
	fpsr_out
	ldr	x0, =0x0010000000000000	// smallest normal
	fmov	d4, x0
	fmov	d2, #0.5
	fmul	d0, d4, d2
	fmov	x0, d0
	out
	fpsr_out
	msr	fpcr, xzr
	nl

	// DC ZVA zeroes one naturally aligned block of 4 << DCZID.BS bytes. The
	// block size is implementation defined, so print what must hold for any
	// size: DC ZVA is permitted (DZP clear), exactly one block was zeroed,
	// and it was the aligned block containing the address.
	say	"dczid"
	mrs	x20, dczid_el0
	ubfx	x0, x20, #4, #1		// DZP
	out
	and	x24, x20, #15
	mov	x0, #4
	lsl	x24, x0, x24		// block bytes
	adrp	x21, zbuf
	add	x21, x21, :lo12:zbuf
	mov	x0, #0
	mov	x1, #-1
2:	str	x1, [x21, x0]
	add	x0, x0, #8
	cmp	x0, #4096
	b.lo	2b
	mov	x25, #2048 + 13		// inside the buffer's second half
	add	x0, x21, x25
	dc	zva, x0
	mov	x22, #0			// zeroed byte count
	mov	x23, #4096		// lowest zeroed offset
	mov	x0, #0
3:	ldrb	w1, [x21, x0]
	cbnz	w1, 4f
	add	x22, x22, #1
	cmp	x0, x23
	csel	x23, x0, x23, lo
4:	add	x0, x0, #1
	cmp	x0, #4096
	b.lo	3b
	cmp	x22, x24
	cset	x0, eq			// one block's worth zeroed
	out
	sub	x1, x24, #1
	bic	x1, x25, x1		// expected start: the offset rounded down
	cmp	x23, x1
	cset	x0, eq
	out
	nl

	// CTR_EL0: line sizes are implementation defined; check they are sane
	// (at least 16 bytes, as software assumes), then run the clean and
	// invalidate loop over this function's code as __builtin___clear_cache
	// does.
	say	"ctr"
	mrs	x20, ctr_el0
	ubfx	x0, x20, #31, #1	// RES1
	out
	ubfx	x1, x20, #0, #4		// IminLine: log2 words
	ubfx	x2, x20, #16, #4	// DminLine: log2 words
	cmp	x1, #2
	ccmp	x2, #2, #0, hs
	cset	x0, hs
	out
	ubfx	x1, x20, #16, #4
	mov	x2, #4
	lsl	x2, x2, x1		// data line bytes
	adr	x3, test_main
	add	x4, x3, #256
5:	dc	cvau, x3
	add	x3, x3, x2
	cmp	x3, x4
	b.lo	5b
	dsb	ish
	ubfx	x1, x20, #0, #4
	mov	x2, #4
	lsl	x2, x2, x1		// instruction line bytes
	adr	x3, test_main
6:	ic	ivau, x3
	add	x3, x3, x2
	cmp	x3, x4
	b.lo	6b
	dsb	ish
	isb
	nl

	// The virtual counter runs at a nonzero frequency and never goes back.
	say	"timer"
	mrs	x0, cntfrq_el0
	cmp	x0, #0
	cset	x0, ne
	out
	isb
	mrs	x20, cntvct_el0
	mov	x0, #20000
7:	subs	x0, x0, #1
	b.ne	7b
	isb
	mrs	x21, cntvct_el0
	cmp	x21, x20
	cset	x0, hs
	out
	nl

	mov	w0, #0
	epilogue
