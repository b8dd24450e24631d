/* fpmath.c — floating point on arm64: arithmetic, fused multiply-add,
 * square root, every rounding instruction, float<->double<->integer
 * conversions including saturation and NaN (the arm64 rules, written with
 * inline FCVT* so no C undefined behaviour is involved), min/max with
 * signed zeros, NaN propagation, libm functions, and vectorisable loops.
 * arm64-specific by design (NaN and conversion results differ from x86):
 * the oracle is qemu-aarch64. Results are hashed as bit patterns. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "check.h"

static volatile double dv[] = {
	0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
	1e300, -1e300, 1e-310, -1e-310, 2147483647.0, 2147483648.0, -2147483648.0,
	-2147483649.0, 4294967295.0, 4294967296.0, 9.2233720368547758e18, -9.2233720368547758e18,
	1.8446744073709552e19, 3.0e19, -3.0e19, 123.456, -987.654, 1.0 / 3.0,
	INFINITY, -INFINITY, NAN, -NAN, 1e-320, 0x1.fffffffffffffp-1, 16777217.0,
};
#define ND (sizeof dv / sizeof dv[0])

static inline uint64_t dbits(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }
static inline uint64_t fbits(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }

#define CVT(insn, dst, src) ({ dst r_; __asm__(insn : "=r"(r_) : "w"(src)); r_; })

static void conversions(void)
{
	uint64_t h = HASH_INIT;
	for (size_t i = 0; i < ND; i++) {
		double d = dv[i];
		float f = (float)d;
		h = hash_u64(h, CVT("fcvtzs %x0, %d1", int64_t, d));
		h = hash_u64(h, CVT("fcvtzu %x0, %d1", uint64_t, d));
		h = hash_u64(h, (uint32_t)CVT("fcvtzs %w0, %d1", int32_t, d));
		h = hash_u64(h, (uint32_t)CVT("fcvtzu %w0, %d1", uint32_t, d));
		h = hash_u64(h, CVT("fcvtns %x0, %d1", int64_t, d));
		h = hash_u64(h, CVT("fcvtas %x0, %d1", int64_t, d));
		h = hash_u64(h, CVT("fcvtms %x0, %d1", int64_t, d));
		h = hash_u64(h, CVT("fcvtps %x0, %d1", int64_t, d));
		h = hash_u64(h, (uint32_t)CVT("fcvtnu %w0, %d1", uint32_t, d));
		h = hash_u64(h, (uint32_t)CVT("fcvtzs %w0, %s1", int32_t, f));
		h = hash_u64(h, CVT("fcvtzu %x0, %s1", uint64_t, f));
		h = hash_u64(h, fbits(f));
		h = hash_u64(h, dbits((double)f));
		/* Integer to floating point, signed and unsigned, both widths. */
		uint64_t bits = dbits(d);
		h = hash_u64(h, dbits((double)(int64_t)bits));
		h = hash_u64(h, dbits((double)bits));
		h = hash_u64(h, fbits((float)(int64_t)bits));
		h = hash_u64(h, fbits((float)(uint32_t)bits));
		h = hash_u64(h, fbits((float)(int32_t)(bits >> 20)));
	}
	REPORT("conversions", h);
	/* Readable samples of the saturating cases. */
	printf("fcvtzs(nan)=%lld fcvtzs(1e300)=%lld fcvtzs(-inf)=%lld fcvtzu(-1)=%llu\n",
	       (long long)CVT("fcvtzs %x0, %d1", int64_t, dv[31]),
	       (long long)CVT("fcvtzs %x0, %d1", int64_t, dv[11]),
	       (long long)CVT("fcvtzs %x0, %d1", int64_t, dv[30]),
	       (unsigned long long)CVT("fcvtzu %x0, %d1", uint64_t, dv[3]));
	printf("fcvtzs.w(3e9)=%d fcvtzu.w(5e9)=%u fcvtas(2.5)=%lld fcvtns(2.5)=%lld\n",
	       CVT("fcvtzs %w0, %d1", int32_t, 3e9), CVT("fcvtzu %w0, %d1", uint32_t, 5e9),
	       (long long)CVT("fcvtas %x0, %d1", int64_t, dv[8]),
	       (long long)CVT("fcvtns %x0, %d1", int64_t, dv[8]));
}

static void arithmetic(void)
{
	uint64_t h = HASH_INIT, hf = HASH_INIT;
	for (size_t i = 0; i < ND; i++)
		for (size_t j = 0; j < ND; j++) {
			double a = dv[i], b = dv[j];
			h = hash_u64(h, dbits(a + b));
			h = hash_u64(h, dbits(a - b));
			h = hash_u64(h, dbits(a * b));
			h = hash_u64(h, dbits(a / b));
			h = hash_u64(h, dbits(fma(a, b, 1.0 / 7.0)));
			h = hash_u64(h, dbits(fmin(a, b)));
			h = hash_u64(h, dbits(fmax(a, b)));
			h = hash_u64(h, dbits(copysign(a, b)));
			h = hash_u64(h, (uint64_t)(a < b) | (a <= b) << 1 | (a == b) << 2 |
					    (uint64_t)isunordered(a, b) << 3);
			float fa = (float)a, fb = (float)b;
			hf = hash_u64(hf, fbits(fa + fb));
			hf = hash_u64(hf, fbits(fa * fb));
			hf = hash_u64(hf, fbits(fa / fb));
			hf = hash_u64(hf, fbits(fmaf(fa, fb, -fa)));
			hf = hash_u64(hf, fbits(fminf(fa, fb)));
		}
	REPORT("double_arith", h);
	REPORT("float_arith", hf);
}

static void rounding(void)
{
	uint64_t h = HASH_INIT;
	for (size_t i = 0; i < ND; i++) {
		double d = dv[i];
		h = hash_u64(h, dbits(sqrt(d)));
		h = hash_u64(h, fbits(sqrtf((float)d)));
		h = hash_u64(h, dbits(floor(d)));
		h = hash_u64(h, dbits(ceil(d)));
		h = hash_u64(h, dbits(round(d)));
		h = hash_u64(h, dbits(trunc(d)));
		h = hash_u64(h, dbits(rint(d)));
		h = hash_u64(h, dbits(nearbyint(d)));
		h = hash_u64(h, dbits(fabs(d)));
		h = hash_u64(h, dbits(-d));
		if (isfinite(d) && fabs(d) < 9e18)
			h = hash_u64(h, (uint64_t)lrint(d) ^ (uint64_t)lround(d) << 1);
	}
	REPORT("rounding", h);
	printf("sqrt(2)=%.17g round(-2.5)=%g rint(2.5)=%g rint(3.5)=%g\n", sqrt(2.0), round(-2.5),
	       rint(dv[8]), rint(3.5));
}

/* libm: the same code runs under every engine, so results must agree
 * exactly with the oracle. */
static void libm(void)
{
	uint64_t h = HASH_INIT;
	for (int i = -50; i <= 50; i++) {
		double x = i * 0.173;
		h = hash_u64(h, dbits(exp(x)));
		h = hash_u64(h, dbits(log(fabs(x) + 0.5)));
		h = hash_u64(h, dbits(sin(x * 7)));
		h = hash_u64(h, dbits(cos(x * 7)));
		h = hash_u64(h, dbits(tan(x)));
		h = hash_u64(h, dbits(atan2(x, 1.5)));
		h = hash_u64(h, dbits(pow(1.5, x)));
		h = hash_u64(h, dbits(cbrt(x)));
		h = hash_u64(h, dbits(hypot(x, 3.0)));
		h = hash_u64(h, fbits(expf((float)x)));
		h = hash_u64(h, fbits(logf((float)fabs(x) + 0.25f)));
		h = hash_u64(h, fbits(sinf((float)x)));
	}
	REPORT("libm", h);
	printf("exp(1)=%.17g log(10)=%.17g sin(1)=%.17g pow(2,0.5)=%.17g\n", exp(1.0), log(10.0),
	       sin(1.0), pow(2.0, 0.5));
}

/* Loops gcc vectorises at -O2 (FMLA/FADD on .4s/.2d, FMAXNMV...). */
#define VN 1027
static float va[VN], vb[VN], vc[VN];
static double wa[VN], wb[VN];

static void vectors(void)
{
	for (int i = 0; i < VN; i++) {
		va[i] = (float)(i % 97) * 0.25f - 10.0f;
		vb[i] = 1.0f / (float)(i + 1);
		vc[i] = (float)i;
		wa[i] = (double)i * 1.000001;
		wb[i] = (double)(VN - i) * 0.5;
	}
	for (int r = 0; r < 20; r++)
		for (int i = 0; i < VN; i++)
			vc[i] = va[i] * vb[i] + vc[i] * 0.5f;
	double dot = 0;
	for (int i = 0; i < VN; i++)
		wa[i] = wa[i] * wb[i] - wb[i];
	for (int i = 0; i < VN; i++)
		dot += wa[i];
	float mx = -INFINITY;
	for (int i = 0; i < VN; i++)
		mx = vc[i] > mx ? vc[i] : mx;
	uint64_t h = hash_bytes(HASH_INIT, vc, sizeof vc);
	h = hash_bytes(h, wa, sizeof wa);
	REPORT("vectors", h);
	printf("dot=%.17g max=%.9g\n", dot, mx);
}

int main(void)
{
	conversions();
	arithmetic();
	rounding();
	libm();
	vectors();
	return 0;
}
