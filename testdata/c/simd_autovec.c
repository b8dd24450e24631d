/* simd_autovec.c — integer loops as GCC's autovectoriser compiles them at
 * -O3 (forced below, the Makefile builds with -O2): sums of int8/int16
 * arrays, rounding and truncating averages (URHADD, UHADD, SRHADD), halving
 * differences, saturating adds, Q15/Q31 fixed-point multiplies, widening
 * shifts (SHLL), rounding shifts and narrows, clamping to pixels, sums of
 * absolute differences, dot products and absolute values, over arrays
 * whose length leaves scalar tails, with the types' edge values at the
 * front. Results are hashed; the oracle is qemu-aarch64. */
#pragma GCC optimize("O3")
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "check.h"

#define N 1027 /* not a multiple of any vector length: the scalar tails run too */

static int8_t s8a[N], s8b[N];
static uint8_t u8a[N], u8b[N], u8r[N];
static int16_t s16a[N], s16b[N], s16r[N];
static uint16_t u16r[N];
static int32_t s32a[N], s32b[N], s32r[N];

static void fill(void)
{
	for (int i = 0; i < N; i++) {
		uint64_t r = rng();
		s8a[i] = (int8_t)r; s8b[i] = (int8_t)(r >> 8);
		u8a[i] = (uint8_t)(r >> 16); u8b[i] = (uint8_t)(r >> 24);
		s16a[i] = (int16_t)(r >> 32); s16b[i] = (int16_t)(r >> 48);
		s32a[i] = (int32_t)(r >> 3); s32b[i] = (int32_t)(r >> 29);
	}
	/* Edge values that saturate or round at their limits. */
	s8a[0] = -128; s8b[0] = -128; s16a[0] = INT16_MIN; s16b[0] = INT16_MIN;
	s16a[1] = INT16_MAX; s16b[1] = INT16_MAX; u8a[0] = 255; u8b[0] = 255;
	s32a[0] = INT32_MIN; s32b[0] = INT32_MIN; s32a[1] = INT32_MAX; s32b[1] = -1;
}

__attribute__((noinline)) static int32_t sum_s8(const int8_t *a)
{
	int32_t s = 0;
	for (int i = 0; i < N; i++)
		s += a[i];
	return s;
}

__attribute__((noinline)) static uint32_t sum_u8(const uint8_t *a)
{
	uint32_t s = 0;
	for (int i = 0; i < N; i++)
		s += a[i];
	return s;
}

__attribute__((noinline)) static int64_t sum_s16(const int16_t *a)
{
	int64_t s = 0;
	for (int i = 0; i < N; i++)
		s += a[i];
	return s;
}

__attribute__((noinline)) static void avg_u8(uint8_t *r, const uint8_t *a, const uint8_t *b, int round)
{
	if (round)
		for (int i = 0; i < N; i++)
			r[i] = (uint8_t)((a[i] + b[i] + 1) >> 1);
	else
		for (int i = 0; i < N; i++)
			r[i] = (uint8_t)((a[i] + b[i]) >> 1);
}

__attribute__((noinline)) static void avg_s16(int16_t *r, const int16_t *a, const int16_t *b)
{
	for (int i = 0; i < N; i++)
		r[i] = (int16_t)((a[i] + b[i] + 1) >> 1);
}

__attribute__((noinline)) static void hsub_s16(int16_t *r, const int16_t *a, const int16_t *b)
{
	for (int i = 0; i < N; i++)
		r[i] = (int16_t)((a[i] - b[i]) >> 1);
}

static inline int16_t sat16(int32_t v)
{
	return v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : (int16_t)v;
}

__attribute__((noinline)) static void sat_add_s16(int16_t *r, const int16_t *a, const int16_t *b)
{
	for (int i = 0; i < N; i++)
		r[i] = sat16(a[i] + b[i]);
}

/* Q15 fixed point: truncating and rounding multiply. */
__attribute__((noinline)) static void q15_mul(int16_t *r, const int16_t *a, const int16_t *b, int round)
{
	if (round)
		for (int i = 0; i < N; i++)
			r[i] = sat16((a[i] * b[i] + (1 << 14)) >> 15);
	else
		for (int i = 0; i < N; i++)
			r[i] = sat16((a[i] * b[i]) >> 15);
}

__attribute__((noinline)) static void q31_mulh(int32_t *r, const int32_t *a, const int32_t *b)
{
	for (int i = 0; i < N; i++)
		r[i] = (int32_t)(((int64_t)a[i] * b[i]) >> 32);
}

/* Widening shift (SHLL): u8 << 8 into u16. */
__attribute__((noinline)) static void widen_shift(uint16_t *r, const uint8_t *a)
{
	for (int i = 0; i < N; i++)
		r[i] = (uint16_t)(a[i] << 8);
}

/* Rounding shifts and rounding narrows. */
__attribute__((noinline)) static void round_shift(int16_t *r, const int16_t *a)
{
	for (int i = 0; i < N; i++)
		r[i] = (int16_t)((a[i] + 8) >> 4);
}

__attribute__((noinline)) static void round_narrow(uint8_t *r, const uint16_t *a)
{
	for (int i = 0; i < N; i++)
		r[i] = (uint8_t)((a[i] + 128) >> 8);
}

/* Clamp to pixel range after a shift (SQSHRUN-like). */
__attribute__((noinline)) static void to_pixels(uint8_t *r, const int16_t *a)
{
	for (int i = 0; i < N; i++) {
		int v = a[i] >> 6;
		r[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
	}
}

__attribute__((noinline)) static uint32_t sad_u8(const uint8_t *a, const uint8_t *b)
{
	uint32_t s = 0;
	for (int i = 0; i < N; i++)
		s += (uint32_t)(a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]);
	return s;
}

__attribute__((noinline)) static int64_t dot_s16(const int16_t *a, const int16_t *b)
{
	int64_t s = 0;
	for (int i = 0; i < N; i++)
		s += a[i] * b[i];
	return s;
}

__attribute__((noinline)) static void abs_s32(int32_t *r, const int32_t *a)
{
	for (int i = 0; i < N; i++)
		r[i] = a[i] < 0 ? (int32_t)(0u - (uint32_t)a[i]) : a[i];
}

int main(void)
{
	fill();
	printf("sum_s8 %d sum_u8 %u sum_s16 %lld\n", sum_s8(s8a), sum_u8(u8a), (long long)sum_s16(s16a));
	uint64_t h;
	avg_u8(u8r, u8a, u8b, 0);
	REPORT("uhadd", hash_bytes(HASH_INIT, u8r, sizeof u8r));
	avg_u8(u8r, u8a, u8b, 1);
	REPORT("urhadd", hash_bytes(HASH_INIT, u8r, sizeof u8r));
	avg_s16(s16r, s16a, s16b);
	REPORT("srhadd", hash_bytes(HASH_INIT, s16r, sizeof s16r));
	hsub_s16(s16r, s16a, s16b);
	REPORT("shsub", hash_bytes(HASH_INIT, s16r, sizeof s16r));
	sat_add_s16(s16r, s16a, s16b);
	REPORT("sqadd", hash_bytes(HASH_INIT, s16r, sizeof s16r));
	q15_mul(s16r, s16a, s16b, 0);
	h = hash_bytes(HASH_INIT, s16r, sizeof s16r);
	q15_mul(s16r, s16a, s16b, 1);
	REPORT("q15", hash_bytes(h, s16r, sizeof s16r));
	printf("q15 edge %d %d\n", s16r[0], s16r[1]);
	q31_mulh(s32r, s32a, s32b);
	REPORT("q31", hash_bytes(HASH_INIT, s32r, sizeof s32r));
	widen_shift(u16r, u8a);
	REPORT("shll", hash_bytes(HASH_INIT, u16r, sizeof u16r));
	round_shift(s16r, s16a);
	REPORT("srshr", hash_bytes(HASH_INIT, s16r, sizeof s16r));
	round_narrow(u8r, u16r);
	REPORT("rshrn", hash_bytes(HASH_INIT, u8r, sizeof u8r));
	to_pixels(u8r, s16a);
	REPORT("sqshrun", hash_bytes(HASH_INIT, u8r, sizeof u8r));
	printf("sad %u dot %lld\n", sad_u8(u8a, u8b), (long long)dot_s16(s16a, s16b));
	abs_s32(s32r, s32a);
	REPORT("abs", hash_bytes(HASH_INIT, s32r, sizeof s32r));
	return 0;
}
