/* vm.c — an interpreter loop: a small stack-machine bytecode, as language
 * runtimes run it, dispatched two ways — a switch (GCC emits a bounds
 * check and an indirect jump through a table) and GNU C computed goto (an
 * indirect jump at the end of every handler, as CPython and Lua do). The
 * bytecode sums the Collatz trajectory lengths of 1..N (argv[1]) and
 * hashes them; both dispatch styles must agree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum op {
	PUSH,	/* push imm */
	LOAD,	/* push local[imm] */
	STORE,	/* local[imm] = pop */
	ADD,
	MUL,
	SHR1,	/* top >>= 1 */
	AND1,	/* top &= 1 */
	LT,	/* a b -> a < b */
	NE,	/* a b -> a != b */
	XOR,
	JMP,	/* pc = imm */
	JZ,	/* if pop == 0: pc = imm */
	HALT,	/* return top */
	NOPS
};

struct insn {
	int32_t op, imm;
};

/* A tiny assembler: labels are resolved when the program is built, so the
 * bytecode below reads like the loop it is. */
#define MAXCODE 128
static struct insn code[MAXCODE];
static int ncode, label_at[16], fixup_at[64], fixup_label[64], nfixups;

static void emit(int op, int imm) { code[ncode++] = (struct insn){ op, imm }; }
static void jump(int op, int label)
{
	fixup_at[nfixups] = ncode;
	fixup_label[nfixups++] = label;
	emit(op, -1);
}
static void label(int l) { label_at[l] = ncode; }

/* Locals. */
enum { N, I, X, STEPS, HASH };
/* Labels. */
enum { OUTER, INNER, EVEN, NEXT, DONE };

static void assemble(void)
{
	/* i = 1; steps = 0; hash = 0 (locals start zeroed) */
	emit(PUSH, 1), emit(STORE, I);
	label(OUTER); /* while i < n */
	emit(LOAD, I), emit(LOAD, N), emit(LT, 0), jump(JZ, DONE);
	emit(LOAD, I), emit(STORE, X);
	label(INNER); /* while x != 1 */
	emit(LOAD, X), emit(PUSH, 1), emit(NE, 0), jump(JZ, NEXT);
	emit(LOAD, STEPS), emit(PUSH, 1), emit(ADD, 0), emit(STORE, STEPS);
	emit(LOAD, X), emit(AND1, 0), jump(JZ, EVEN);
	/* odd: x = 3x + 1 */
	emit(LOAD, X), emit(PUSH, 3), emit(MUL, 0), emit(PUSH, 1), emit(ADD, 0), emit(STORE, X);
	jump(JMP, INNER);
	label(EVEN); /* x >>= 1 */
	emit(LOAD, X), emit(SHR1, 0), emit(STORE, X);
	jump(JMP, INNER);
	label(NEXT); /* hash = hash * 31 ^ steps; i++ */
	emit(LOAD, HASH), emit(PUSH, 31), emit(MUL, 0), emit(LOAD, STEPS), emit(XOR, 0), emit(STORE, HASH);
	emit(LOAD, I), emit(PUSH, 1), emit(ADD, 0), emit(STORE, I);
	jump(JMP, OUTER);
	label(DONE);
	emit(LOAD, STEPS), emit(HALT, 0);
	for (int f = 0; f < nfixups; f++)
		code[fixup_at[f]].imm = label_at[fixup_label[f]];
}

static int64_t run_switch(int64_t *local)
{
	int64_t stack[16], *sp = stack;
	int pc = 0;
	for (;;) {
		const struct insn in = code[pc++];
		switch (in.op) {
		case PUSH: *sp++ = in.imm; break;
		case LOAD: *sp++ = local[in.imm]; break;
		case STORE: local[in.imm] = *--sp; break;
		case ADD: sp--; sp[-1] += sp[0]; break;
		case MUL: sp--; sp[-1] *= sp[0]; break;
		case SHR1: sp[-1] = (int64_t)((uint64_t)sp[-1] >> 1); break;
		case AND1: sp[-1] &= 1; break;
		case LT: sp--; sp[-1] = sp[-1] < sp[0]; break;
		case NE: sp--; sp[-1] = sp[-1] != sp[0]; break;
		case XOR: sp--; sp[-1] ^= sp[0]; break;
		case JMP: pc = in.imm; break;
		case JZ: if (*--sp == 0) pc = in.imm; break;
		case HALT: return sp[-1];
		default: abort();
		}
	}
}

static int64_t run_goto(int64_t *local)
{
	static void *const labels[NOPS] = {
		[PUSH] = &&op_push, [LOAD] = &&op_load, [STORE] = &&op_store, [ADD] = &&op_add,
		[MUL] = &&op_mul, [SHR1] = &&op_shr1, [AND1] = &&op_and1, [LT] = &&op_lt,
		[NE] = &&op_ne, [XOR] = &&op_xor, [JMP] = &&op_jmp, [JZ] = &&op_jz,
		[HALT] = &&op_halt,
	};
	int64_t stack[16], *sp = stack;
	const struct insn *ip = code;
	struct insn in;
#define DISPATCH() do { in = *ip++; goto *labels[in.op]; } while (0)
	DISPATCH();
op_push: *sp++ = in.imm; DISPATCH();
op_load: *sp++ = local[in.imm]; DISPATCH();
op_store: local[in.imm] = *--sp; DISPATCH();
op_add: sp--; sp[-1] += sp[0]; DISPATCH();
op_mul: sp--; sp[-1] *= sp[0]; DISPATCH();
op_shr1: sp[-1] = (int64_t)((uint64_t)sp[-1] >> 1); DISPATCH();
op_and1: sp[-1] &= 1; DISPATCH();
op_lt: sp--; sp[-1] = sp[-1] < sp[0]; DISPATCH();
op_ne: sp--; sp[-1] = sp[-1] != sp[0]; DISPATCH();
op_xor: sp--; sp[-1] ^= sp[0]; DISPATCH();
op_jmp: ip = code + in.imm; DISPATCH();
op_jz: if (*--sp == 0) ip = code + in.imm; DISPATCH();
op_halt: return sp[-1];
#undef DISPATCH
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	if (n < 1 || n > 100000000) {
		fprintf(stderr, "usage: vm N\n");
		return 2;
	}
	assemble();
	int64_t by_switch[5] = { [N] = n }, by_goto[5] = { [N] = n };
	int64_t s = run_switch(by_switch);
	int64_t g = run_goto(by_goto);
	printf("n %ld steps %lld hash %016llx %s\n", n, (long long)s, (unsigned long long)by_switch[HASH],
	       s == g && by_switch[HASH] == by_goto[HASH] ? "agree" : "DISAGREE");
	return 0;
}
