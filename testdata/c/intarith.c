/* intarith.c — integer arithmetic torture: every operator on signed and
 * unsigned 8/16/32/64-bit values over edge cases and random values, shifts,
 * rotates, bit-counting builtins, byte swaps, 128-bit multiplication and
 * the overflow-checking builtins. Results are hashed per category.
 *
 * Only defined C behaviour is exercised (no division by zero, no
 * MIN / -1, shift counts below the width, no signed overflow outside the
 * overflow builtins), so the amd64 build of this file is a valid oracle. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdbool.h>
#include "check.h"

#define NVALS 48

/* volatile: keep the compiler from folding the operations away. */
static volatile uint64_t vals[NVALS];

static void init_values(void)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
		0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
		0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
		0xfffffffffffffffeull, 0x8000000000000001ull, 0x5555555555555555ull,
		0xaaaaaaaaaaaaaaaaull, 0x0123456789abcdefull, 0xfedcba9876543210ull,
		0xffffffff80000000ull, 0xffffffffffff8000ull, 0xffffffffffffff80ull,
		10, 1000000007, 0xdeadbeef,
	};
	size_t n = sizeof edges / sizeof edges[0];
	for (size_t i = 0; i < NVALS; i++)
		vals[i] = i < n ? edges[i] : rng();
}

/* Arithmetic for one integer type T. Division and remainder skip the
 * undefined cases. For signed types narrower than int, C promotes, so the
 * operations cannot overflow; for int and wider, signed +, -, * go through
 * the unsigned type UT (wrap-around is what the hardware does). */
#define ARITH(NAME, T, UT, SIGNED)                                                   \
	static void arith_##NAME(void)                                       \
	{                                                                    \
		uint64_t h = HASH_INIT;                                      \
		for (int i = 0; i < NVALS; i++)                              \
			for (int j = 0; j < NVALS; j++) {                    \
				T a = (T)vals[i], b = (T)vals[j];            \
				h = hash_u64(h, (uint64_t)(T)((UT)a + (UT)b)); \
				h = hash_u64(h, (uint64_t)(T)((UT)a - (UT)b)); \
				h = hash_u64(h, (uint64_t)(T)((UT)a * (UT)b)); \
				h = hash_u64(h, (uint64_t)(T)(a & b));       \
				h = hash_u64(h, (uint64_t)(T)(a | b));       \
				h = hash_u64(h, (uint64_t)(T)(a ^ ~b));      \
				h = hash_u64(h, (uint64_t)(a < b) | (uint64_t)(a <= b) << 1 | \
					(uint64_t)(a == b) << 2);            \
				if (b != 0 && !(SIGNED && b == (T)-1)) {      \
					h = hash_u64(h, (uint64_t)(T)(a / b)); \
					h = hash_u64(h, (uint64_t)(T)(a % b)); \
				}                                            \
			}                                                    \
		REPORT("arith_" #NAME, h);                                   \
	}

ARITH(u8, uint8_t, uint8_t, 0)
ARITH(s8, int8_t, uint8_t, 1)
ARITH(u16, uint16_t, uint16_t, 0)
ARITH(s16, int16_t, uint16_t, 1)
ARITH(u32, uint32_t, uint32_t, 0)
ARITH(s32, int32_t, uint32_t, 1)
ARITH(u64, uint64_t, uint64_t, 0)
ARITH(s64, int64_t, uint64_t, 1)

/* Shifts and rotates for every count below the width. */
#define SHIFTS(NAME, T, ST, BITS)                                            \
	static void shifts_##NAME(void)                                      \
	{                                                                    \
		uint64_t h = HASH_INIT;                                      \
		for (int i = 0; i < NVALS; i++)                              \
			for (int c = 0; c < BITS; c++) {                     \
				T a = (T)vals[i];                            \
				h = hash_u64(h, (uint64_t)(T)(a << c));      \
				h = hash_u64(h, (uint64_t)(T)(a >> c));      \
				h = hash_u64(h, (uint64_t)(T)((ST)a >> c));  \
				T rotl = (T)((a << c) | (a >> ((BITS - c) % BITS))); \
				T rotr = (T)((a >> c) | (a << ((BITS - c) % BITS))); \
				h = hash_u64(h, (uint64_t)rotl);             \
				h = hash_u64(h, (uint64_t)rotr);             \
			}                                                    \
		REPORT("shifts_" #NAME, h);                                  \
	}

SHIFTS(32, uint32_t, int32_t, 32)
SHIFTS(64, uint64_t, int64_t, 64)

/* Variable shift counts from data (the compiler cannot specialise). */
static void shifts_variable(void)
{
	uint64_t h = HASH_INIT;
	for (int i = 0; i < NVALS; i++)
		for (int j = 0; j < NVALS; j++) {
			uint64_t a = vals[i];
			unsigned c64 = vals[j] & 63, c32 = vals[j] & 31;
			h = hash_u64(h, a << c64);
			h = hash_u64(h, a >> c64);
			h = hash_u64(h, (uint64_t)((int64_t)a >> c64));
			h = hash_u64(h, (uint32_t)a << c32);
			h = hash_u64(h, (uint32_t)a >> c32);
			h = hash_u64(h, (uint64_t)(uint32_t)((int32_t)a >> c32));
		}
	REPORT("shifts_variable", h);
}

static void bit_builtins(void)
{
	uint64_t h = HASH_INIT;
	for (int i = 0; i < NVALS; i++) {
		uint64_t a = vals[i];
		uint32_t w = (uint32_t)a;
		h = hash_u64(h, __builtin_popcountll(a));
		h = hash_u64(h, __builtin_popcount(w));
		h = hash_u64(h, __builtin_parityll(a));
		h = hash_u64(h, __builtin_clrsbll((long long)a));
		h = hash_u64(h, __builtin_clrsb((int)w));
		h = hash_u64(h, __builtin_ffsll((long long)a));
		if (a) {
			h = hash_u64(h, __builtin_clzll(a));
			h = hash_u64(h, __builtin_ctzll(a));
		}
		if (w) {
			h = hash_u64(h, __builtin_clz(w));
			h = hash_u64(h, __builtin_ctz(w));
		}
		h = hash_u64(h, __builtin_bswap64(a));
		h = hash_u64(h, __builtin_bswap32(w));
		h = hash_u64(h, __builtin_bswap16((uint16_t)a));
		/* Classic bit tricks. */
		h = hash_u64(h, a & -a);
		h = hash_u64(h, a & (a - 1));
		h = hash_u64(h, a ^ (a >> 1));
		uint64_t r = a; /* bit reverse by swapping halves */
		r = (r >> 1 & 0x5555555555555555ull) | (r & 0x5555555555555555ull) << 1;
		r = (r >> 2 & 0x3333333333333333ull) | (r & 0x3333333333333333ull) << 2;
		r = (r >> 4 & 0x0f0f0f0f0f0f0f0full) | (r & 0x0f0f0f0f0f0f0f0full) << 4;
		h = hash_u64(h, __builtin_bswap64(r));
	}
	REPORT("bit_builtins", h);
}

static void mul128(void)
{
	uint64_t h = HASH_INIT;
	for (int i = 0; i < NVALS; i++)
		for (int j = 0; j < NVALS; j++) {
			unsigned __int128 u = (unsigned __int128)vals[i] * vals[j];
			__int128 s = (__int128)(int64_t)vals[i] * (int64_t)vals[j];
			h = hash_u64(h, (uint64_t)(u >> 64));
			h = hash_u64(h, (uint64_t)u);
			h = hash_u64(h, (uint64_t)((unsigned __int128)s >> 64));
			h = hash_u64(h, (uint64_t)s);
			/* 128-bit add/sub/shift and division by a 64-bit value. */
			unsigned __int128 t = u + ((unsigned __int128)vals[j] << 64) - vals[i];
			h = hash_u64(h, (uint64_t)(t >> 64) ^ (uint64_t)(t >> 3));
			if (vals[j] != 0) {
				h = hash_u64(h, (uint64_t)(u / vals[j]));
				h = hash_u64(h, (uint64_t)(t % vals[j]));
			}
		}
	REPORT("mul128", h);
}

#define OVERFLOW(NAME, T)                                                    \
	static void overflow_##NAME(void)                                    \
	{                                                                    \
		uint64_t h = HASH_INIT;                                      \
		for (int i = 0; i < NVALS; i++)                              \
			for (int j = 0; j < NVALS; j++) {                    \
				T a = (T)vals[i], b = (T)vals[j], r;         \
				bool o = __builtin_add_overflow(a, b, &r);   \
				h = hash_u64(h, (uint64_t)r << 1 | o);       \
				o = __builtin_sub_overflow(a, b, &r);        \
				h = hash_u64(h, (uint64_t)r << 1 | o);       \
				o = __builtin_mul_overflow(a, b, &r);        \
				h = hash_u64(h, (uint64_t)r << 1 | o);       \
			}                                                    \
		REPORT("overflow_" #NAME, h);                                \
	}

OVERFLOW(u8, uint8_t)
OVERFLOW(s16, int16_t)
OVERFLOW(u32, uint32_t)
OVERFLOW(s32, int32_t)
OVERFLOW(u64, uint64_t)
OVERFLOW(s64, int64_t)

/* Widening, narrowing and sign extension between every pair of widths. */
static void conversions(void)
{
	uint64_t h = HASH_INIT;
	for (int i = 0; i < NVALS; i++) {
		uint64_t a = vals[i];
		h = hash_u64(h, (uint64_t)(int64_t)(int8_t)a);
		h = hash_u64(h, (uint64_t)(int64_t)(int16_t)a);
		h = hash_u64(h, (uint64_t)(int64_t)(int32_t)a);
		h = hash_u64(h, (uint64_t)(uint8_t)a);
		h = hash_u64(h, (uint64_t)(uint16_t)a);
		h = hash_u64(h, (uint64_t)(uint32_t)a);
		h = hash_u64(h, (uint64_t)(uint32_t)(int32_t)(int8_t)a);
		h = hash_u64(h, (uint64_t)(uint32_t)(int32_t)(int16_t)a);
	}
	REPORT("conversions", h);
}

/* A few results printed in full, to make failures readable. */
static void samples(void)
{
	uint64_t a = vals[24], b = vals[25]; /* 0x0123…, 0xfedc… */
	unsigned __int128 p = (unsigned __int128)a * b;
	printf("sample mul128 %016llx%016llx\n", (unsigned long long)(p >> 64),
	       (unsigned long long)p);
	printf("sample div %lld %lld\n", (long long)((int64_t)b / (int64_t)(a >> 40)),
	       (long long)((int64_t)b % (int64_t)(a >> 40)));
	printf("sample udiv %llu %llu\n", (unsigned long long)(b / (a >> 40)),
	       (unsigned long long)(b % (a >> 40)));
	printf("sample clz/ctz/popcount %d %d %d\n", __builtin_clzll(a),
	       __builtin_ctzll(b), __builtin_popcountll(a ^ b));
	printf("sample min %lld %d %d\n", (long long)INT64_MIN, INT32_MIN, (int)(int8_t)vals[6]);
}

int main(void)
{
	init_values();
	arith_u8(); arith_s8(); arith_u16(); arith_s16();
	arith_u32(); arith_s32(); arith_u64(); arith_s64();
	shifts_32(); shifts_64(); shifts_variable();
	bit_builtins();
	mul128();
	overflow_u8(); overflow_s16(); overflow_u32(); overflow_s32();
	overflow_u64(); overflow_s64();
	conversions();
	samples();
	return 0;
}
