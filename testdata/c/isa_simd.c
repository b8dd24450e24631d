/* isa_simd.c — the ARMv8.1–8.6 Advanced SIMD and FP extensions through
 * arm_neon.h and arm_acle.h: SQRDMLAH/SQRDMLSH (FEAT_RDM), SDOT/UDOT
 * (FEAT_DotProd), SMMLA/UMMLA/USMMLA/USDOT/SUDOT (FEAT_I8MM), FCMLA/FCADD
 * (FEAT_FCMA), FRINT32/64 (FEAT_FRINTTS) and FJCVTZS (FEAT_JSCVT). Every
 * form is compared with a portable C model of its Arm ARM definition on
 * random and boundary operands (the mismatch counts must be 0), and the
 * raw results, special FP values included, are hashed for the oracle
 * (qemu-aarch64 -cpu max). */
#include <arm_acle.h>
#include <arm_neon.h>
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include "check.h"

#ifndef HWCAP2_FRINT
#define HWCAP2_FRINT (1 << 8)
#endif
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1 << 13)
#endif

static int64_t edge(int bits)
{
	static const int64_t e[] = {0, 1, -1, 2, -2, INT16_MIN, INT16_MAX, INT32_MIN, INT32_MAX, 0x4000, -0x4000, 0x40000000};
	int64_t v = (int64_t)rng();
	if (rng() % 3 == 0)
		v = e[rng() % (sizeof e / sizeof *e)];
	return bits == 16 ? (int16_t)v : (int32_t)v;
}

/* SQRDMLAH/SQRDMLSH on one lane: SignedSatQ((acc << esize) ± 2ab +
 * 2^(esize-1) >> esize). The 128-bit intermediate is kept exactly with
 * __int128. */
static int64_t rdm(int64_t acc, int64_t a, int64_t b, int esize, int sub, int *sat)
{
	__int128 v = ((__int128)acc << esize) + (sub ? -2 : 2) * (__int128)a * b + ((__int128)1 << (esize - 1));
	v >>= esize;
	int64_t hi = ((int64_t)1 << (esize - 1)) - 1, lo = -hi - 1;
	if (v > hi)
		return *sat = 1, hi;
	if (v < lo)
		return *sat = 1, lo;
	return (int64_t)v;
}

static int rdm_checks(uint64_t *h)
{
	int bad = 0, sat;
	for (int t = 0; t < 400; t++) {
		int16_t a[8], b[8], c[8];
		int32_t A[4], B[4], C[4];
		for (int i = 0; i < 8; i++)
			a[i] = (int16_t)edge(16), b[i] = (int16_t)edge(16), c[i] = (int16_t)edge(16);
		for (int i = 0; i < 4; i++)
			A[i] = (int32_t)edge(32), B[i] = (int32_t)edge(32), C[i] = (int32_t)edge(32);
		int16x8_t va = vld1q_s16(a), vb = vld1q_s16(b), vc = vld1q_s16(c);
		int32x4_t VA = vld1q_s32(A), VB = vld1q_s32(B), VC = vld1q_s32(C);
		int16_t r16[4][8] = {{0}};
		int32_t r32[4][4] = {{0}};
		vst1q_s16(r16[0], vqrdmlahq_s16(va, vb, vc));
		vst1q_s16(r16[1], vqrdmlshq_s16(va, vb, vc));
		vst1q_s16(r16[2], vqrdmlahq_laneq_s16(va, vb, vc, 5));
		vst1_s16(r16[3], vqrdmlsh_lane_s16(vget_low_s16(va), vget_low_s16(vb), vget_low_s16(vc), 2));
		vst1q_s32(r32[0], vqrdmlahq_s32(VA, VB, VC));
		vst1q_s32(r32[1], vqrdmlshq_s32(VA, VB, VC));
		vst1q_s32(r32[2], vqrdmlshq_laneq_s32(VA, VB, VC, 3));
		vst1_s32(r32[3], vqrdmlah_lane_s32(vget_low_s32(VA), vget_low_s32(VB), vget_low_s32(VC), 1));
		for (int i = 0; i < 8; i++) {
			bad += r16[0][i] != rdm(a[i], b[i], c[i], 16, 0, &sat);
			bad += r16[1][i] != rdm(a[i], b[i], c[i], 16, 1, &sat);
			bad += r16[2][i] != rdm(a[i], b[i], c[5], 16, 0, &sat);
			bad += i < 4 && r16[3][i] != rdm(a[i], b[i], c[2], 16, 1, &sat);
		}
		for (int i = 0; i < 4; i++) {
			bad += r32[0][i] != rdm(A[i], B[i], C[i], 32, 0, &sat);
			bad += r32[1][i] != rdm(A[i], B[i], C[i], 32, 1, &sat);
			bad += r32[2][i] != rdm(A[i], B[i], C[3], 32, 1, &sat);
			bad += i < 2 && r32[3][i] != rdm(A[i], B[i], C[1], 32, 0, &sat);
		}
		int16_t s16 = vqrdmlahh_s16(a[0], b[0], c[0]);
		int32_t s32 = vqrdmlshs_s32(A[0], B[0], C[0]);
		int32_t l32 = vqrdmlahs_laneq_s32(A[1], B[1], VC, 2);
		bad += s16 != rdm(a[0], b[0], c[0], 16, 0, &sat) || s32 != rdm(A[0], B[0], C[0], 32, 1, &sat) ||
		       l32 != rdm(A[1], B[1], C[2], 32, 0, &sat);
		*h = hash_bytes(*h, r16, sizeof r16);
		*h = hash_bytes(*h, r32, sizeof r32);
	}
	return bad;
}

static int32_t dot4(int32_t acc, const uint8_t *x, const uint8_t *y, int xs, int ys)
{
	for (int k = 0; k < 4; k++)
		acc += (xs ? (int8_t)x[k] : x[k]) * (ys ? (int8_t)y[k] : y[k]);
	return acc;
}

static int dot_checks(uint64_t *h)
{
	int bad = 0;
	for (int t = 0; t < 400; t++) {
		uint8_t x[16], y[16];
		int32_t acc[4], r[8][4] = {{0}};
		for (int i = 0; i < 16; i++) {
			x[i] = (uint8_t)rng(), y[i] = (uint8_t)rng();
			if (t % 7 == 0)
				x[i] = 0x80, y[i] = (uint8_t)(i & 1 ? 0xff : 0x80);
		}
		for (int i = 0; i < 4; i++)
			acc[i] = (int32_t)edge(32);
		uint8x16_t ux = vld1q_u8(x), uy = vld1q_u8(y);
		int8x16_t sx = vreinterpretq_s8_u8(ux), sy = vreinterpretq_s8_u8(uy);
		int32x4_t va = vld1q_s32(acc);
		uint32x4_t ua = vreinterpretq_u32_s32(va);
		vst1q_u32((uint32_t *)r[0], vdotq_u32(ua, ux, uy));
		vst1q_s32(r[1], vdotq_s32(va, sx, sy));
		vst1q_u32((uint32_t *)r[2], vdotq_laneq_u32(ua, ux, uy, 2));
		vst1_s32(r[3], vdot_lane_s32(vget_low_s32(va), vget_low_s8(sx), vget_high_s8(sy), 1));
		vst1q_s32(r[4], vusdotq_s32(va, ux, sy));
		vst1q_s32(r[5], vusdotq_laneq_s32(va, ux, sy, 3));
		vst1q_s32(r[6], vsudotq_laneq_s32(va, sx, uy, 1));
		vst1q_s32(r[7], vmmlaq_s32(va, sx, sy));
		for (int e = 0; e < 4; e++) {
			bad += r[0][e] != dot4(acc[e], x + 4 * e, y + 4 * e, 0, 0);
			bad += r[1][e] != dot4(acc[e], x + 4 * e, y + 4 * e, 1, 1);
			bad += r[2][e] != dot4(acc[e], x + 4 * e, y + 8, 0, 0);
			bad += e < 2 && r[3][e] != dot4(acc[e], x + 4 * e, y + 12, 1, 1);
			bad += r[4][e] != dot4(acc[e], x + 4 * e, y + 4 * e, 0, 1);
			bad += r[5][e] != dot4(acc[e], x + 4 * e, y + 12, 0, 1);
			bad += r[6][e] != dot4(acc[e], x + 4 * e, y + 4, 1, 0);
			/* MMLA: row e/2 of x (8 bytes) by row e%2 of y. */
			int i = e / 2, j = e % 2;
			bad += r[7][e] != dot4(dot4(acc[e], x + 8 * i, y + 8 * j, 1, 1), x + 8 * i + 4, y + 8 * j + 4, 1, 1);
		}
		int32_t m[3][4];
		vst1q_u32((uint32_t *)m[0], vmmlaq_u32(ua, ux, uy));
		vst1q_s32(m[1], vusmmlaq_s32(va, ux, sy));
		vst1q_s32(m[2], vmmlaq_s32(va, sx, sy));
		for (int e = 0; e < 4; e++) {
			int i = e / 2, j = e % 2;
			bad += m[0][e] != dot4(dot4(acc[e], x + 8 * i, y + 8 * j, 0, 0), x + 8 * i + 4, y + 8 * j + 4, 0, 0);
			bad += m[1][e] != dot4(dot4(acc[e], x + 8 * i, y + 8 * j, 0, 1), x + 8 * i + 4, y + 8 * j + 4, 0, 1);
		}
		*h = hash_bytes(*h, r, sizeof r);
		*h = hash_bytes(*h, m, sizeof m);
	}
	return bad;
}

static float randf(void)
{
	static const float special[] = {0.0f, -0.0f, 1.0f, -1.5f, INFINITY, -INFINITY, NAN, 1e-40f, 3.4e38f};
	if (rng() % 8 == 0)
		return special[rng() % (sizeof special / sizeof *special)];
	return (float)((int64_t)(rng() % 2001) - 1000) / (float)(1 + rng() % 16);
}

static int finite4(const float *v)
{
	return isfinite(v[0]) && isfinite(v[1]) && isfinite(v[2]) && isfinite(v[3]);
}

/* FCMLA: element pairs (re, im); rot selects which part of n and which
 * permutation of m enter the fused multiply-add (Arm ARM FCMLA). */
static void fcmla_ref(float *d, const float *n, const float *m, int rot)
{
	for (int p = 0; p < 4; p += 2) {
		float nr = n[p], ni = n[p + 1], mr = m[p], mi = m[p + 1];
		switch (rot) {
		case 0:
			d[p] = fmaf(nr, mr, d[p]), d[p + 1] = fmaf(nr, mi, d[p + 1]);
			break;
		case 90:
			d[p] = fmaf(ni, -mi, d[p]), d[p + 1] = fmaf(ni, mr, d[p + 1]);
			break;
		case 180:
			d[p] = fmaf(nr, -mr, d[p]), d[p + 1] = fmaf(nr, -mi, d[p + 1]);
			break;
		default:
			d[p] = fmaf(ni, mi, d[p]), d[p + 1] = fmaf(ni, -mr, d[p + 1]);
		}
	}
}

static int fcma_checks(uint64_t *h)
{
	int bad = 0;
	for (int t = 0; t < 400; t++) {
		float n[4], m[4], d[4], r[8][4];
		for (int i = 0; i < 4; i++)
			n[i] = randf(), m[i] = randf(), d[i] = randf();
		float32x4_t vn = vld1q_f32(n), vm = vld1q_f32(m), vd = vld1q_f32(d);
		vst1q_f32(r[0], vcmlaq_f32(vd, vn, vm));
		vst1q_f32(r[1], vcmlaq_rot90_f32(vd, vn, vm));
		vst1q_f32(r[2], vcmlaq_rot180_f32(vd, vn, vm));
		vst1q_f32(r[3], vcmlaq_rot270_f32(vd, vn, vm));
		vst1q_f32(r[4], vcaddq_rot90_f32(vn, vm));
		vst1q_f32(r[5], vcaddq_rot270_f32(vn, vm));
		vst1q_f32(r[6], vcmlaq_laneq_f32(vd, vn, vm, 1));
		vst1q_f32(r[7], vcmlaq_rot90_laneq_f32(vd, vn, vm, 0));
		if (finite4(n) && finite4(m) && finite4(d)) {
			static const int rots[4] = {0, 90, 180, 270};
			for (int k = 0; k < 4; k++) {
				float want[4];
				memcpy(want, d, sizeof want);
				fcmla_ref(want, n, m, rots[k]);
				bad += memcmp(want, r[k], sizeof want) != 0;
			}
			float add90[4] = {n[0] - m[1], n[1] + m[0], n[2] - m[3], n[3] + m[2]};
			float add270[4] = {n[0] + m[1], n[1] - m[0], n[2] + m[3], n[3] - m[2]};
			bad += memcmp(add90, r[4], sizeof add90) != 0 || memcmp(add270, r[5], sizeof add270) != 0;
			float pair1[4] = {m[2], m[3], m[2], m[3]}, pair0[4] = {m[0], m[1], m[0], m[1]}, want[4];
			memcpy(want, d, sizeof want);
			fcmla_ref(want, n, pair1, 0);
			bad += memcmp(want, r[6], sizeof want) != 0;
			memcpy(want, d, sizeof want);
			fcmla_ref(want, n, pair0, 90);
			bad += memcmp(want, r[7], sizeof want) != 0;
		}
		*h = hash_bytes(*h, r, sizeof r);
		double dn[2] = {n[0], n[1]}, dm[2] = {m[0], m[1]}, dd[2] = {d[0], d[1]}, dr[3][2];
		float64x2_t wn = vld1q_f64(dn), wm = vld1q_f64(dm), wd = vld1q_f64(dd);
		vst1q_f64(dr[0], vcmlaq_rot270_f64(wd, wn, wm));
		vst1q_f64(dr[1], vcaddq_rot90_f64(wn, wm));
		vst1q_f64(dr[2], vcmlaq_f64(wd, wn, wm));
		if (isfinite(dn[0] + dn[1] + dm[0] + dm[1] + dd[0] + dd[1]))
			bad += dr[0][0] != fma(dn[1], dm[1], dd[0]) || dr[0][1] != fma(dn[1], -dm[0], dd[1]) ||
			       dr[1][0] != dn[0] - dm[1] || dr[1][1] != dn[1] + dm[0] ||
			       dr[2][0] != fma(dn[0], dm[0], dd[0]) || dr[2][1] != fma(dn[0], dm[1], dd[1]);
		*h = hash_bytes(*h, dr, sizeof dr);
	}
	return bad;
}

/* FRINT32Z/X, FRINT64Z/X: round (toward zero, or per FPCR), then the
 * most negative integer of the size for NaNs, infinities and results out
 * of range. */
static double frintn_ref(double x, int bits, int exact)
{
	double limit = ldexp(1, bits - 1);
	if (isnan(x) || isinf(x))
		return -limit;
	double r = exact ? nearbyint(x) : trunc(x);
	if (r >= limit || r < -limit)
		return -limit;
	return r;
}

static int frint_checks(uint64_t *h)
{
	int bad = 0;
	static const double special[] = {0.5, -0.5, 2.5, -2.5, 2147483647.5, 2147483648.0, -2147483648.0, -2147483648.5,
					 9.2233720368547758e18, -9.2233720368547758e18, 1e300, -1e-320, NAN, -INFINITY};
	for (int t = 0; t < 400; t++) {
		double x[2];
		for (int i = 0; i < 2; i++) {
			x[i] = (double)(int64_t)rng() / (double)(1 + rng() % 1000000);
			if (t % 3 == 0)
				x[i] = special[rng() % (sizeof special / sizeof *special)];
		}
		float f[4] = {(float)x[0], (float)x[1], (float)(x[0] / 7), (float)-x[1]}, rf[2][4];
		double rd[4][2];
		float32x4_t vf = vld1q_f32(f);
		float64x2_t vd = vld1q_f64(x);
		vst1q_f32(rf[0], vrnd32zq_f32(vf));
		vst1q_f32(rf[1], vrnd32xq_f32(vf));
		vst1q_f64(rd[0], vrnd64zq_f64(vd));
		vst1q_f64(rd[1], vrnd64xq_f64(vd));
		vst1q_f64(rd[2], vrnd32zq_f64(vd));
		vst1q_f64(rd[3], vrnd32xq_f64(vd));
		for (int i = 0; i < 4; i++) {
			float w0 = (float)frintn_ref(f[i], 32, 0), w1 = (float)frintn_ref(f[i], 32, 1);
			bad += memcmp(&w0, &rf[0][i], 4) != 0 || memcmp(&w1, &rf[1][i], 4) != 0;
		}
		for (int i = 0; i < 2; i++) {
			double w[4] = {frintn_ref(x[i], 64, 0), frintn_ref(x[i], 64, 1), frintn_ref(x[i], 32, 0), frintn_ref(x[i], 32, 1)};
			for (int k = 0; k < 4; k++)
				bad += memcmp(&w[k], &rd[k][i], 8) != 0;
		}
		*h = hash_bytes(*h, rf, sizeof rf);
		*h = hash_bytes(*h, rd, sizeof rd);
	}
	return bad;
}

/* FJCVTZS: the double truncated toward zero, modulo 2^32; Z set only for
 * an exact conversion in the int32 range that is not -0.0. */
static int jscvt_checks(uint64_t *h)
{
	int bad = 0;
	static const double special[] = {0.0, -0.0, 1.5, -1.5, 2147483647.0, 2147483648.0, -2147483648.0,
					 -2147483649.0, 4294967301.0, -4294967301.0, 1e300, INFINITY, NAN, 5e-324};
	for (int t = 0; t < 600; t++) {
		double x = (double)(int64_t)rng() / (double)(1 + rng() % 100000);
		if (t % 2 == 0)
			x = special[rng() % (sizeof special / sizeof *special)];
		int32_t got = __jcvt(x);
		int32_t want = 0;
		if (isfinite(x)) {
			double m = fmod(trunc(x), 4294967296.0);
			want = (int32_t)(uint32_t)(int64_t)m;
		}
		bad += got != want;
		uint64_t nzcv;
		int32_t r;
		__asm__ volatile("fjcvtzs %w0, %d2\n\tmrs %1, nzcv" : "=r"(r), "=r"(nzcv) : "w"(x) : "cc");
		int z = isfinite(x) && trunc(x) == x && x >= -2147483648.0 && x <= 2147483647.0 && !(x == 0 && signbit(x));
		bad += r != want || nzcv != (z ? 0x40000000u : 0);
		*h = hash_u64(*h, (uint32_t)got);
		*h = hash_u64(*h, nzcv);
	}
	return bad;
}

int main(void)
{
	unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
	printf("hwcap asimdrdm %d asimddp %d fcma %d jscvt %d i8mm %d frint %d\n", !!(hw & HWCAP_ASIMDRDM),
	       !!(hw & HWCAP_ASIMDDP), !!(hw & HWCAP_FCMA), !!(hw & HWCAP_JSCVT), !!(hw2 & HWCAP2_I8MM),
	       !!(hw2 & HWCAP2_FRINT));
	uint64_t h;
	int bad;

	h = HASH_INIT;
	bad = rdm_checks(&h);
	printf("rdm            mismatches %d hash %016llx\n", bad, (unsigned long long)h);
	h = HASH_INIT;
	bad = dot_checks(&h);
	printf("dot and i8mm   mismatches %d hash %016llx\n", bad, (unsigned long long)h);
	h = HASH_INIT;
	bad = fcma_checks(&h);
	printf("fcma           mismatches %d hash %016llx\n", bad, (unsigned long long)h);
	h = HASH_INIT;
	bad = frint_checks(&h);
	fesetround(FE_UPWARD); /* FRINT32X/64X follow FPCR.RMode */
	bad += frint_checks(&h);
	fesetround(FE_TONEAREST);
	printf("frint32/64     mismatches %d hash %016llx\n", bad, (unsigned long long)h);
	h = HASH_INIT;
	bad = jscvt_checks(&h);
	printf("jscvt          mismatches %d hash %016llx\n", bad, (unsigned long long)h);
	return 0;
}
