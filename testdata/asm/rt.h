// rt.h — macros shared by the assembly tests (see rt.S for the helpers).
//
// Helpers follow the AAPCS64: they may clobber x0-x17 and the flags, and
// preserve x19-x29 and sp. Tests keep their state in x19-x28.

#define SYS_write      64
#define SYS_exit       93
#define SYS_exit_group 94

// say "text": append a string literal to the output buffer.
.macro say text
	.pushsection .rodata.str1.1, "aMS", @progbits, 1
.Lsay\@:
	.asciz "\text"
	.popsection
	adrp	x0, .Lsay\@
	add	x0, x0, :lo12:.Lsay\@
	bl	put_str
.endm

// hex64 reg / hex32 reg / hex8 reg: append reg in fixed-width hex.
.macro hex64 reg
	mov	x0, \reg
	bl	put_hex64
.endm
.macro hex32 reg
	mov	w0, \reg
	bl	put_hex32
.endm
.macro hex8 reg
	mov	w0, \reg
	bl	put_hex8
.endm
.macro dec reg
	mov	x0, \reg
	bl	put_dec
.endm
.macro nl
	mov	w0, #'\n'
	bl	put_char
.endm
.macro sp_
	mov	w0, #' '
	bl	put_char
.endm

// Standard frame for test functions that call helpers: saves x19-x28.
.macro prologue
	stp	x29, x30, [sp, #-96]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
.endm
.macro epilogue
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret
.endm
