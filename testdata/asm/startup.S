// startup.S — the initial process state the loader builds: argc, argv,
// envp and the auxiliary vector on the stack, stack alignment, and
// exit(2) (not exit_group) with a code derived from argc.
#include "rt.h"

#define AT_NULL   0
#define AT_PAGESZ 6
#define AT_RANDOM 25

	.text
	.global	test_main
	.type	test_main, %function
test_main:
	prologue
	mov	x19, x0			// initial sp

	say	"sp aligned to 16: "
	and	x0, x19, #15
	cmp	x0, #0
	cset	x0, eq
	dec	x0
	nl

	ldr	x20, [x19]		// argc
	say	"argc "
	dec	x20
	nl
	add	x21, x19, #8		// argv
	mov	x22, #0
1:	cmp	x22, x20
	b.hs	2f
	say	"argv["
	dec	x22
	say	"] "
	ldr	x0, [x21, x22, lsl #3]
	bl	put_str
	nl
	add	x22, x22, #1
	b	1b
2:	say	"argv[argc] is null: "
	ldr	x0, [x21, x20, lsl #3]
	cmp	x0, #0
	cset	x0, eq
	dec	x0
	nl

	add	x23, x21, x20, lsl #3
	add	x23, x23, #8		// envp
3:	ldr	x0, [x23], #8
	cbz	x0, 4f
	mov	x24, x0
	say	"env "
	mov	x0, x24
	bl	put_str
	nl
	b	3b

4:	// x23 now points at the auxiliary vector: (type, value) pairs.
	mov	x25, #0			// AT_PAGESZ value
	mov	x26, #0			// AT_RANDOM pointer
	mov	x27, #0			// number of entries
5:	ldp	x0, x1, [x23], #16
	add	x27, x27, #1
	cmp	x0, #AT_NULL
	b.eq	6f
	cmp	x0, #AT_PAGESZ
	csel	x25, x1, x25, eq
	cmp	x0, #AT_RANDOM
	csel	x26, x1, x26, eq
	b	5b
6:	say	"auxv has entries: "
	cmp	x27, #4
	cset	x0, hi
	dec	x0
	nl
	say	"AT_PAGESZ "
	dec	x25
	nl
	// AT_RANDOM must point at 16 readable bytes; their value is random,
	// so only touch them.
	say	"AT_RANDOM readable: "
	cbz	x26, 7f
	ldp	x0, x1, [x26]
	mov	x26, #1
7:	dec	x26
	nl

	bl	flush
	// exit (93) ends only the calling thread; as the only thread, the
	// process exits with this status.
	add	x0, x20, #40
	mov	x8, #SYS_exit
	svc	#0
	brk	#2
