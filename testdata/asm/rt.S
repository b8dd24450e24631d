// rt.S — a libc-free runtime for ferry's assembly tests.
//
// _start calls test_main(initial sp) and exits with its return value. Output
// goes through a 4 KiB buffer flushed with write(2) when full and at exit, so
// a test makes few system calls and its output does not depend on how the
// translator interleaves them.
#include "rt.h"

	.equ	OUTBUF_SIZE, 4096

	.text
	.global	_start
	.type	_start, %function
_start:
	mov	x29, #0
	mov	x30, #0
	mov	x0, sp
	bl	test_main
	b	rt_exit_group

// rt_exit_group(code): flush, then exit_group(code).
	.global	rt_exit_group
	.type	rt_exit_group, %function
rt_exit_group:
	mov	w19, w0
	bl	flush
	mov	w0, w19
	mov	x8, #SYS_exit_group
	svc	#0
	brk	#1		// unreachable: exit_group does not return

// flush(): write the buffered bytes to fd 1, retrying short writes.
	.global	flush
	.type	flush, %function
flush:
	adrp	x9, outlen
	ldr	x10, [x9, :lo12:outlen]
	adrp	x11, outbuf
	add	x11, x11, :lo12:outbuf
1:	cbz	x10, 2f
	mov	x0, #1
	mov	x1, x11
	mov	x2, x10
	mov	x8, #SYS_write
	svc	#0
	cmp	x0, #0
	b.le	3f		// error: nothing sensible to report it with
	add	x11, x11, x0
	sub	x10, x10, x0
	b	1b
2:	str	xzr, [x9, :lo12:outlen]
	ret
3:	mov	x0, #111
	mov	x8, #SYS_exit_group
	svc	#0

// put_char(w0)
	.global	put_char
	.type	put_char, %function
put_char:
	adrp	x9, outlen
	ldr	x10, [x9, :lo12:outlen]
	adrp	x11, outbuf
	add	x11, x11, :lo12:outbuf
	strb	w0, [x11, x10]
	add	x10, x10, #1
	str	x10, [x9, :lo12:outlen]
	cmp	x10, #OUTBUF_SIZE
	b.hs	flush
	ret

// put_str(x0 = NUL-terminated string)
	.global	put_str
	.type	put_str, %function
put_str:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	x19, x0
1:	ldrb	w0, [x19], #1
	cbz	w0, 2f
	bl	put_char
	b	1b
2:	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret

// put_hexn(x0 = value, x1 = digits): the low 4*digits bits, most
// significant digit first.
	.global	put_hexn
	.type	put_hexn, %function
put_hexn:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	mov	x19, x0
	lsl	x20, x1, #2	// bit position just above the next digit
1:	cbz	x20, 2f
	sub	x20, x20, #4
	lsr	x0, x19, x20
	and	x0, x0, #0xf
	cmp	x0, #10
	add	x1, x0, #'0'
	add	x2, x0, #('a' - 10)
	csel	x0, x1, x2, lo
	bl	put_char
	b	1b
2:	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret

	.global	put_hex64, put_hex32, put_hex8
	.type	put_hex64, %function
put_hex64:
	mov	x1, #16
	b	put_hexn
	.type	put_hex32, %function
put_hex32:
	mov	w0, w0
	mov	x1, #8
	b	put_hexn
	.type	put_hex8, %function
put_hex8:
	and	x0, x0, #0xff
	mov	x1, #2
	b	put_hexn

// put_dec(x0): unsigned decimal.
	.global	put_dec
	.type	put_dec, %function
put_dec:
	stp	x29, x30, [sp, #-64]!
	mov	x29, sp
	str	x19, [sp, #16]
	add	x19, sp, #56	// digits are built backwards in [sp+24, sp+56)
	mov	x2, #10
1:	udiv	x3, x0, x2
	msub	x4, x3, x2, x0
	add	w4, w4, #'0'
	strb	w4, [x19, #-1]!
	mov	x0, x3
	cbnz	x0, 1b
	add	x1, sp, #56
2:	cmp	x19, x1
	b.hs	3f
	ldrb	w0, [x19], #1
	bl	put_char
	add	x1, sp, #56
	b	2b
3:	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #64
	ret

	.bss
	.balign	16
outbuf:	.skip	OUTBUF_SIZE
	.balign	8
outlen:	.skip	8
