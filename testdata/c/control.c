/* control.c — control flow a translator must get right: dense switches
 * (jump tables, i.e. indirect branches through tables), deep and mutual
 * recursion (return-address handling), calls through function pointers,
 * tail calls, computed gotos, and setjmp/longjmp across frames. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include "check.h"

/* Dense enough that gcc emits a jump table. */
static __attribute__((noinline)) int dense_switch(unsigned x)
{
	switch (x) {
	case 0: return 11;
	case 1: return 23;
	case 2: return 5;
	case 3: return 99;
	case 4: return -7;
	case 5: return 1234;
	case 6: return 42;
	case 7: return 8;
	case 8: return 77;
	case 9: return -1000;
	case 10: return 3;
	case 11: return 17;
	case 12: return 19;
	case 13: return 10007;
	case 14: return 0;
	case 15: return -5;
	default: return (int)x * 2;
	}
}

/* Sparse values: a compare tree instead of a table. */
static __attribute__((noinline)) int sparse_switch(uint64_t x)
{
	switch (x) {
	case 0x10: return 1;
	case 0x1000: return 2;
	case 0x123456789ull: return 3;
	case 0xffffffffffffffffull: return 4;
	case 0x8000000000000000ull: return 5;
	case 77777: return 6;
	default: return 0;
	}
}

static __attribute__((noinline)) uint64_t ackermann(uint64_t m, uint64_t n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

static int is_odd(unsigned n);
static __attribute__((noinline)) int is_even(unsigned n)
{
	return n == 0 ? 1 : is_odd(n - 1);
}
static __attribute__((noinline)) int is_odd(unsigned n)
{
	return n == 0 ? 0 : is_even(n - 1);
}

static __attribute__((noinline)) uint64_t fib(unsigned n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

typedef uint64_t (*binop)(uint64_t, uint64_t);
static uint64_t op_add(uint64_t a, uint64_t b) { return a + b; }
static uint64_t op_mul(uint64_t a, uint64_t b) { return a * b + 1; }
static uint64_t op_xor(uint64_t a, uint64_t b) { return a ^ (b << 7); }
static uint64_t op_sub(uint64_t a, uint64_t b) { return a - b * 3; }
static binop volatile ops[] = { op_add, op_mul, op_xor, op_sub };

/* Computed goto: a tiny bytecode interpreter. */
static __attribute__((noinline)) int64_t run_bytecode(const unsigned char *code, int64_t acc)
{
	static void *labels[] = { &&op_inc, &&op_dbl, &&op_neg, &&op_halt, &&op_jnz };
	int64_t counter = 5;
	const unsigned char *pc = code;
#define NEXT goto *labels[*pc++]
	NEXT;
op_inc:
	acc += 3;
	NEXT;
op_dbl:
	acc *= 2;
	NEXT;
op_neg:
	acc = -acc;
	NEXT;
op_jnz:
	if (--counter != 0)
		pc = code;
	NEXT;
op_halt:
	return acc;
#undef NEXT
}

static jmp_buf env;
static int depth_reached;

static __attribute__((noinline)) void dive(int depth, int limit)
{
	volatile char pad[64]; /* give each frame some stack */
	pad[0] = (char)depth;
	depth_reached = depth + (pad[0] != (char)depth);
	if (depth == limit)
		longjmp(env, depth * 10 + 1);
	if (depth < limit)
		dive(depth + 1, limit);
}

int main(void)
{
	uint64_t h = HASH_INIT;
	for (unsigned i = 0; i < 40; i++)
		h = hash_u64(h, (uint64_t)(int64_t)dense_switch(i * 7 % 23));
	REPORT("dense_switch", h);

	static const uint64_t probes[] = { 0x10, 0x11, 0x1000, 0x123456789ull, 0, ~0ull,
					   0x8000000000000000ull, 77777, 77778 };
	h = HASH_INIT;
	for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++)
		h = hash_u64(h, (uint64_t)sparse_switch(probes[i]));
	REPORT("sparse_switch", h);

	printf("ackermann(2,3)=%llu ackermann(3,5)=%llu\n",
	       (unsigned long long)ackermann(2, 3), (unsigned long long)ackermann(3, 5));
	printf("fib(27)=%llu\n", (unsigned long long)fib(27));
	printf("even(10001)=%d odd(777)=%d\n", is_even(10001), is_odd(777));

	h = HASH_INIT;
	uint64_t acc = 1;
	for (unsigned i = 0; i < 1000; i++) {
		acc = ops[(acc >> 3) & 3](acc, i);
		h = hash_u64(h, acc);
	}
	REPORT("function_ptrs", h);

	static const unsigned char prog[] = { 0, 1, 0, 2, 4, 3 };
	printf("bytecode %lld\n", (long long)run_bytecode(prog, 1));

	for (int limit = 0; limit < 300; limit += 97) {
		int r = setjmp(env);
		if (r == 0) {
			dive(0, limit);
			printf("not reached\n");
		} else {
			printf("longjmp from depth %d returned %d\n", depth_reached, r);
		}
	}
	return 0;
}
