/* simd_intrin.c — the Advanced SIMD integer forms compilers emit for
 * fixed-point and media code (halving and rounding arithmetic, rounding and
 * saturating shifts, saturating doubling multiplies, pairwise long adds,
 * saturating absolute/negate/accumulate, SHLL, PMULL, the integer and FP
 * reciprocal estimates and steps, FRECPX, FCVTXN), written with arm_neon.h
 * intrinsics so every form runs, vector and scalar, on random lanes mixed
 * with the lane type's edge values. Each line hashes the results and the
 * FPSR after every operation (QC for saturation, the FP exception flags),
 * and the FP forms run under every FPCR rounding mode with and without
 * flush-to-zero and default NaN. arm64-specific: the oracle is
 * qemu-aarch64. */
#include <arm_neon.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "check.h"

#define ITER 300

static uint64_t get_fpsr(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, fpsr" : "=r"(v));
	return v;
}

static void set_fpsr(uint64_t v) { __asm__ volatile("msr fpsr, %0" : : "r"(v)); }
static void set_fpcr(uint64_t v) { __asm__ volatile("msr fpcr, %0" : : "r"(v)); }

/* Fill 16 bytes with lanes of esize bytes: random, or one of the edge
 * values of the lane type (0, ±1, MIN, MAX and their neighbours). */
static void int_lanes(uint8_t *b, int esize)
{
	for (int i = 0; i < 16; i += esize) {
		uint64_t v = rng(), bits = 8 * (uint64_t)esize;
		uint64_t min = 1ull << (bits - 1);
		switch (rng() % 10) {
		case 0: v = 0; break;
		case 1: v = 1; break;
		case 2: v = ~0ull; break;
		case 3: v = min; break;
		case 4: v = min - 1; break;
		case 5: v = min + 1; break;
		default: break;
		}
		memcpy(b + i, &v, esize);
	}
}

/* Shift-count lanes: the signed low byte is mostly within ±(lane width + 3),
 * and the bits above it are random (the instructions ignore them). */
static void shift_lanes(uint8_t *b, int esize)
{
	int w = 8 * esize;
	for (int i = 0; i < 16; i += esize) {
		uint64_t v = rng();
		if (rng() % 4)
			v = (v & ~0xffull) | (uint8_t)(int8_t)((int)(rng() % (2 * w + 7)) - w - 3);
		memcpy(b + i, &v, esize);
	}
}

#define INT(vt, es) ({ vt v_; uint8_t b_[16]; int_lanes(b_, es); memcpy(&v_, b_, sizeof v_); v_; })
#define SHIFT(vt, es) ({ vt v_; uint8_t b_[16]; shift_lanes(b_, es); memcpy(&v_, b_, sizeof v_); v_; })

/* Run expr ITER times over fresh operands (declared by decl) and hash the
 * results with the FPSR after each. */
#define RUN(name, decl, expr) do {                                   \
	uint64_t h_ = HASH_INIT;                                     \
	for (int i_ = 0; i_ < ITER; i_++) {                          \
		decl;                                                \
		set_fpsr(0);                                         \
		__typeof__(expr) r_ = (expr);                        \
		h_ = hash_bytes(h_, &r_, sizeof r_);                 \
		h_ = hash_u64(h_, get_fpsr());                       \
	}                                                            \
	REPORT(name, h_);                                            \
} while (0)

/* Two operands of one type (es = lane bytes). */
#define BIN(fn, vt, es) RUN(#fn, vt a = INT(vt, es); vt b = INT(vt, es), fn(a, b))
/* Shift by register: b holds signed shift counts. */
#define SHL(fn, vt, st, es) RUN(#fn, vt a = INT(vt, es); st b = SHIFT(st, es), fn(a, b))
#define UN(fn, vt, es) RUN(#fn, vt a = INT(vt, es), fn(a))
/* Shift by immediate n. */
#define IMM(fn, vt, es, n) RUN(#fn "/" #n, vt a = INT(vt, es), fn(a, n))
#define IMM2(fn, vt, wt, es, n) RUN(#fn "/" #n, vt d = INT(vt, es); wt a = INT(wt, 2 * es), fn(d, a, n))

static void halving(void)
{
	BIN(vhaddq_s8, int8x16_t, 1); BIN(vhaddq_u8, uint8x16_t, 1);
	BIN(vhaddq_s16, int16x8_t, 2); BIN(vhaddq_u16, uint16x8_t, 2);
	BIN(vhaddq_s32, int32x4_t, 4); BIN(vhadd_u32, uint32x2_t, 4);
	BIN(vrhaddq_s8, int8x16_t, 1); BIN(vrhaddq_u8, uint8x16_t, 1);
	BIN(vrhaddq_s16, int16x8_t, 2); BIN(vrhadd_u16, uint16x4_t, 2);
	BIN(vrhaddq_s32, int32x4_t, 4); BIN(vrhaddq_u32, uint32x4_t, 4);
	BIN(vhsubq_s8, int8x16_t, 1); BIN(vhsubq_u8, uint8x16_t, 1);
	BIN(vhsubq_s16, int16x8_t, 2); BIN(vhsub_u16, uint16x4_t, 2);
	BIN(vhsubq_s32, int32x4_t, 4); BIN(vhsubq_u32, uint32x4_t, 4);
}

static void register_shifts(void)
{
	SHL(vrshlq_s8, int8x16_t, int8x16_t, 1); SHL(vrshlq_u8, uint8x16_t, int8x16_t, 1);
	SHL(vrshlq_s16, int16x8_t, int16x8_t, 2); SHL(vrshl_u16, uint16x4_t, int16x4_t, 2);
	SHL(vrshlq_s32, int32x4_t, int32x4_t, 4); SHL(vrshlq_u32, uint32x4_t, int32x4_t, 4);
	SHL(vrshlq_s64, int64x2_t, int64x2_t, 8); SHL(vrshlq_u64, uint64x2_t, int64x2_t, 8);
	SHL(vrshld_s64, int64_t, int64_t, 8); SHL(vrshld_u64, uint64_t, int64_t, 8);
	SHL(vqshlq_s8, int8x16_t, int8x16_t, 1); SHL(vqshlq_u8, uint8x16_t, int8x16_t, 1);
	SHL(vqshl_s16, int16x4_t, int16x4_t, 2); SHL(vqshlq_u16, uint16x8_t, int16x8_t, 2);
	SHL(vqshlq_s32, int32x4_t, int32x4_t, 4); SHL(vqshlq_u32, uint32x4_t, int32x4_t, 4);
	SHL(vqshlq_s64, int64x2_t, int64x2_t, 8); SHL(vqshlq_u64, uint64x2_t, int64x2_t, 8);
	SHL(vqshlb_s8, int8_t, int8_t, 1); SHL(vqshlh_u16, uint16_t, int16_t, 2);
	SHL(vqshls_s32, int32_t, int32_t, 4); SHL(vqshld_u64, uint64_t, int64_t, 8);
	SHL(vqrshlq_s8, int8x16_t, int8x16_t, 1); SHL(vqrshlq_u8, uint8x16_t, int8x16_t, 1);
	SHL(vqrshlq_s16, int16x8_t, int16x8_t, 2); SHL(vqrshl_u16, uint16x4_t, int16x4_t, 2);
	SHL(vqrshlq_s32, int32x4_t, int32x4_t, 4); SHL(vqrshlq_u32, uint32x4_t, int32x4_t, 4);
	SHL(vqrshlq_s64, int64x2_t, int64x2_t, 8); SHL(vqrshlq_u64, uint64x2_t, int64x2_t, 8);
	SHL(vqrshlb_u8, uint8_t, int8_t, 1); SHL(vqrshlh_s16, int16_t, int16_t, 2);
	SHL(vqrshls_u32, uint32_t, int32_t, 4); SHL(vqrshld_s64, int64_t, int64_t, 8);
}

static void immediate_shifts(void)
{
	IMM(vrshrq_n_s8, int8x16_t, 1, 1); IMM(vrshrq_n_s8, int8x16_t, 1, 8);
	IMM(vrshrq_n_u16, uint16x8_t, 2, 5); IMM(vrshr_n_s32, int32x2_t, 4, 32);
	IMM(vrshrq_n_u64, uint64x2_t, 8, 64); IMM(vrshrq_n_s64, int64x2_t, 8, 33);
	IMM(vrshrd_n_s64, int64_t, 8, 64); IMM(vrshrd_n_u64, uint64_t, 8, 1);
	RUN("vrsraq_n_u16/16", uint16x8_t d = INT(uint16x8_t, 2); uint16x8_t a = INT(uint16x8_t, 2), vrsraq_n_u16(d, a, 16));
	RUN("vrsraq_n_s32/5", int32x4_t d = INT(int32x4_t, 4); int32x4_t a = INT(int32x4_t, 4), vrsraq_n_s32(d, a, 5));
	RUN("vrsra_n_s8/3", int8x8_t d = INT(int8x8_t, 1); int8x8_t a = INT(int8x8_t, 1), vrsra_n_s8(d, a, 3));
	RUN("vrsrad_n_u64/1", uint64_t d = INT(uint64_t, 8); uint64_t a = INT(uint64_t, 8), vrsrad_n_u64(d, a, 1));
	RUN("vrsrad_n_s64/63", int64_t d = INT(int64_t, 8); int64_t a = INT(int64_t, 8), vrsrad_n_s64(d, a, 63));
	IMM(vqshlq_n_s8, int8x16_t, 1, 3); IMM(vqshlq_n_u16, uint16x8_t, 2, 15);
	IMM(vqshl_n_s32, int32x2_t, 4, 0); IMM(vqshlq_n_s64, int64x2_t, 8, 62);
	IMM(vqshlq_n_u64, uint64x2_t, 8, 1);
	IMM(vqshluq_n_s8, int8x16_t, 1, 7); IMM(vqshluq_n_s16, int16x8_t, 2, 1);
	IMM(vqshlu_n_s32, int32x2_t, 4, 20); IMM(vqshluq_n_s64, int64x2_t, 8, 0);
	IMM(vqshlb_n_s8, int8_t, 1, 5); IMM(vqshls_n_u32, uint32_t, 4, 31);
	IMM(vqshlud_n_s64, int64_t, 8, 30); IMM(vqshluh_n_s16, int16_t, 2, 9);
	IMM(vqshrn_n_s16, int16x8_t, 2, 3); IMM(vqshrn_n_u32, uint32x4_t, 4, 16);
	IMM(vqshrn_n_s64, int64x2_t, 8, 1); IMM(vqrshrn_n_s64, int64x2_t, 8, 32);
	IMM(vqrshrn_n_u16, uint16x8_t, 2, 1); IMM(vqrshrn_n_s32, int32x4_t, 4, 9);
	IMM(vqshrun_n_s16, int16x8_t, 2, 4); IMM(vqshrun_n_s64, int64x2_t, 8, 32);
	IMM(vqrshrun_n_s32, int32x4_t, 4, 7); IMM(vqrshrun_n_s16, int16x8_t, 2, 8);
	IMM(vrshrn_n_u16, uint16x8_t, 2, 8); IMM(vrshrn_n_s64, int64x2_t, 8, 17);
	IMM2(vqshrn_high_n_s32, int16x4_t, int32x4_t, 2, 9);
	IMM2(vqrshrun_high_n_s64, uint32x2_t, int64x2_t, 4, 20);
	IMM2(vqrshrn_high_n_u16, uint8x8_t, uint16x8_t, 1, 2);
	IMM(vqshrnh_n_s16, int16_t, 2, 2); IMM(vqrshruns_n_s32, int32_t, 4, 11);
	IMM(vqshrnd_n_u64, uint64_t, 8, 31); IMM(vqrshrnd_n_s64, int64_t, 8, 1);
	IMM(vqshrunh_n_s16, int16_t, 2, 8); IMM(vqrshrnh_n_u16, uint16_t, 2, 3);
	IMM(vshll_n_s8, int8x8_t, 1, 8); IMM(vshll_n_u16, uint16x4_t, 2, 16);
	IMM(vshll_n_u32, uint32x2_t, 4, 32); IMM(vshll_high_n_s8, int8x16_t, 1, 8);
	IMM(vshll_high_n_u16, uint16x8_t, 2, 16); IMM(vshll_high_n_s32, int32x4_t, 4, 32);
	IMM(vshll_n_s8, int8x8_t, 1, 3);
}

static void narrowing_adds(void)
{
	BIN(vraddhn_s16, int16x8_t, 2); BIN(vraddhn_u32, uint32x4_t, 4);
	BIN(vrsubhn_s64, int64x2_t, 8); BIN(vrsubhn_u16, uint16x8_t, 2);
	RUN("vraddhn_high_s16", int8x8_t r = INT(int8x8_t, 1); int16x8_t a = INT(int16x8_t, 2);
	    int16x8_t b = INT(int16x8_t, 2), vraddhn_high_s16(r, a, b));
	RUN("vrsubhn_high_u32", uint16x4_t r = INT(uint16x4_t, 2); uint32x4_t a = INT(uint32x4_t, 4);
	    uint32x4_t b = INT(uint32x4_t, 4), vrsubhn_high_u32(r, a, b));
}

static void doubling_multiplies(void)
{
	BIN(vqdmulhq_s16, int16x8_t, 2); BIN(vqdmulh_s16, int16x4_t, 2);
	BIN(vqdmulhq_s32, int32x4_t, 4); BIN(vqrdmulhq_s16, int16x8_t, 2);
	BIN(vqrdmulhq_s32, int32x4_t, 4); BIN(vqrdmulh_s32, int32x2_t, 4);
	BIN(vqdmulhh_s16, int16_t, 2); BIN(vqdmulhs_s32, int32_t, 4);
	BIN(vqrdmulhh_s16, int16_t, 2); BIN(vqrdmulhs_s32, int32_t, 4);
	RUN("vqdmulhq_laneq_s16", int16x8_t a = INT(int16x8_t, 2); int16x8_t b = INT(int16x8_t, 2),
	    vqdmulhq_laneq_s16(a, b, 7));
	RUN("vqrdmulhq_lane_s32", int32x4_t a = INT(int32x4_t, 4); int32x2_t b = INT(int32x2_t, 4),
	    vqrdmulhq_lane_s32(a, b, 1));
	RUN("vqdmulhs_laneq_s32", int32_t a = INT(int32_t, 4); int32x4_t b = INT(int32x4_t, 4),
	    vqdmulhs_laneq_s32(a, b, 3));
	RUN("vqrdmulhh_lane_s16", int16_t a = INT(int16_t, 2); int16x4_t b = INT(int16x4_t, 2),
	    vqrdmulhh_lane_s16(a, b, 2));
	BIN(vqdmull_s16, int16x4_t, 2); BIN(vqdmull_s32, int32x2_t, 4);
	BIN(vqdmull_high_s16, int16x8_t, 2); BIN(vqdmull_high_s32, int32x4_t, 4);
	BIN(vqdmullh_s16, int16_t, 2); BIN(vqdmulls_s32, int32_t, 4);
	RUN("vqdmlal_s16", int32x4_t d = INT(int32x4_t, 4); int16x4_t a = INT(int16x4_t, 2);
	    int16x4_t b = INT(int16x4_t, 2), vqdmlal_s16(d, a, b));
	RUN("vqdmlsl_high_s32", int64x2_t d = INT(int64x2_t, 8); int32x4_t a = INT(int32x4_t, 4);
	    int32x4_t b = INT(int32x4_t, 4), vqdmlsl_high_s32(d, a, b));
	RUN("vqdmull_laneq_s16", int16x4_t a = INT(int16x4_t, 2); int16x8_t b = INT(int16x8_t, 2),
	    vqdmull_laneq_s16(a, b, 5));
	RUN("vqdmlal_lane_s32", int64x2_t d = INT(int64x2_t, 8); int32x2_t a = INT(int32x2_t, 4);
	    int32x2_t b = INT(int32x2_t, 4), vqdmlal_lane_s32(d, a, b, 1));
	RUN("vqdmlsl_high_laneq_s16", int32x4_t d = INT(int32x4_t, 4); int16x8_t a = INT(int16x8_t, 2);
	    int16x8_t b = INT(int16x8_t, 2), vqdmlsl_high_laneq_s16(d, a, b, 3));
	RUN("vqdmlalh_s16", int32_t d = INT(int32_t, 4); int16_t a = INT(int16_t, 2);
	    int16_t b = INT(int16_t, 2), vqdmlalh_s16(d, a, b));
	RUN("vqdmlsls_s32", int64_t d = INT(int64_t, 8); int32_t a = INT(int32_t, 4);
	    int32_t b = INT(int32_t, 4), vqdmlsls_s32(d, a, b));
	RUN("vqdmullh_lane_s16", int16_t a = INT(int16_t, 2); int16x4_t b = INT(int16x4_t, 2),
	    vqdmullh_lane_s16(a, b, 3));
	RUN("vqdmlals_laneq_s32", int64_t d = INT(int64_t, 8); int32_t a = INT(int32_t, 4);
	    int32x4_t b = INT(int32x4_t, 4), vqdmlals_laneq_s32(d, a, b, 2));
	BIN(vmull_p8, poly8x8_t, 1); BIN(vmull_high_p8, poly8x16_t, 1);
}

static void pairwise_and_saturating(void)
{
	UN(vpaddlq_s8, int8x16_t, 1); UN(vpaddlq_u8, uint8x16_t, 1); UN(vpaddl_s16, int16x4_t, 2);
	UN(vpaddlq_u16, uint16x8_t, 2); UN(vpaddlq_s32, int32x4_t, 4); UN(vpaddl_u32, uint32x2_t, 4);
	RUN("vpadalq_s8", int16x8_t d = INT(int16x8_t, 2); int8x16_t a = INT(int8x16_t, 1), vpadalq_s8(d, a));
	RUN("vpadal_u16", uint32x2_t d = INT(uint32x2_t, 4); uint16x4_t a = INT(uint16x4_t, 2), vpadal_u16(d, a));
	RUN("vpadalq_u32", uint64x2_t d = INT(uint64x2_t, 8); uint32x4_t a = INT(uint32x4_t, 4), vpadalq_u32(d, a));
	UN(vqabsq_s8, int8x16_t, 1); UN(vqabs_s16, int16x4_t, 2); UN(vqabsq_s32, int32x4_t, 4);
	UN(vqabsq_s64, int64x2_t, 8); UN(vqnegq_s8, int8x16_t, 1); UN(vqnegq_s16, int16x8_t, 2);
	UN(vqneg_s32, int32x2_t, 4); UN(vqnegq_s64, int64x2_t, 8);
	UN(vqabsb_s8, int8_t, 1); UN(vqabsd_s64, int64_t, 8); UN(vqnegh_s16, int16_t, 2);
	UN(vqnegs_s32, int32_t, 4); UN(vabsq_s64, int64x2_t, 8); UN(vabsd_s64, int64_t, 8);
	RUN("vuqaddq_s8", int8x16_t a = INT(int8x16_t, 1); uint8x16_t b = INT(uint8x16_t, 1), vuqaddq_s8(a, b));
	RUN("vuqadd_s16", int16x4_t a = INT(int16x4_t, 2); uint16x4_t b = INT(uint16x4_t, 2), vuqadd_s16(a, b));
	RUN("vuqaddq_s32", int32x4_t a = INT(int32x4_t, 4); uint32x4_t b = INT(uint32x4_t, 4), vuqaddq_s32(a, b));
	RUN("vuqaddq_s64", int64x2_t a = INT(int64x2_t, 8); uint64x2_t b = INT(uint64x2_t, 8), vuqaddq_s64(a, b));
	RUN("vsqaddq_u8", uint8x16_t a = INT(uint8x16_t, 1); int8x16_t b = INT(int8x16_t, 1), vsqaddq_u8(a, b));
	RUN("vsqaddq_u16", uint16x8_t a = INT(uint16x8_t, 2); int16x8_t b = INT(int16x8_t, 2), vsqaddq_u16(a, b));
	RUN("vsqadd_u32", uint32x2_t a = INT(uint32x2_t, 4); int32x2_t b = INT(int32x2_t, 4), vsqadd_u32(a, b));
	RUN("vsqaddq_u64", uint64x2_t a = INT(uint64x2_t, 8); int64x2_t b = INT(int64x2_t, 8), vsqaddq_u64(a, b));
	RUN("vuqaddb_s8", int8_t a = INT(int8_t, 1); uint8_t b = INT(uint8_t, 1), vuqaddb_s8(a, b));
	RUN("vuqaddd_s64", int64_t a = INT(int64_t, 8); uint64_t b = INT(uint64_t, 8), vuqaddd_s64(a, b));
	RUN("vsqadds_u32", uint32_t a = INT(uint32_t, 4); int32_t b = INT(int32_t, 4), vsqadds_u32(a, b));
	RUN("vsqaddd_u64", uint64_t a = INT(uint64_t, 8); int64_t b = INT(int64_t, 8), vsqaddd_u64(a, b));
	UN(vrecpeq_u32, uint32x4_t, 4); UN(vrecpe_u32, uint32x2_t, 4); UN(vrsqrteq_u32, uint32x4_t, 4);
}

/* FP lane values: specials, denormals, values whose reciprocal overflows or
 * is tiny, and random bit patterns. */
static const uint32_t f32_special[] = {
	0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00001, 0xffc12345, 0x7f800001, 0xff812345,
	0x00000001, 0x80000003, 0x001fffff, 0x00200000, 0x00400000, 0x007fffff, 0x00800000, 0x7f7fffff,
	0xfeffffff, 0x7e800000, 0x7e7fffff, 0x3f800000, 0xbf800000, 0x40000000, 0x3fffffff, 0x3f7fffff,
	0x40400000, 0x3fc00000,
};
static const uint64_t f64_special[] = {
	0, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000001,
	0xfff8000000012345, 0x7ff0000000000001, 0xfff0000000054321, 1, 0x8000000000000005,
	0x0003ffffffffffff, 0x0004000000000000, 0x0008000000000000, 0x000fffffffffffff,
	0x0010000000000000, 0x7fefffffffffffff, 0xffdfffffffffffff, 0x7fd0000000000000,
	0x3ff0000000000000, 0xbff0000000000000, 0x4000000000000000, 0x3fefffffffffffff,
	0x47efffffe0000000, 0x47efffffefffffff, 0x47f0000000000000, 0x36a0000000000000,
	0x369fffffffffffff, 0x3810000000000001, 0x380fffffffffffff, 0xc7efffffffffffff,
	0x3ff0000010000000, 0x3ff0000030000000, 0x3ff0000008000000,
};

static void fp_lanes(uint8_t *b, int esize)
{
	for (int i = 0; i < 16; i += esize) {
		uint64_t r = rng(), v;
		int pick = (int)(rng() % 4);
		if (esize == 4) {
			uint32_t w = (uint32_t)r;
			if (pick == 0)
				w = f32_special[r % (sizeof f32_special / 4)];
			else if (pick == 1) /* near 1: Newton steps stay in range */
				w = (w & 0x807fffff) | (uint32_t)(126 + (r >> 40) % 3) << 23;
			memcpy(b + i, &w, 4);
			continue;
		}
		v = r;
		if (pick == 0)
			v = f64_special[r % (sizeof f64_special / 8)];
		else if (pick == 1)
			v = (v & 0x800fffffffffffffull) | (1022 + (r >> 40) % 3) << 52;
		memcpy(b + i, &v, 8);
	}
}

#define FP(vt, es) ({ vt v_; uint8_t b_[16]; fp_lanes(b_, es); memcpy(&v_, b_, sizeof v_); v_; })
#define FUN(fn, vt, es) RUN(#fn, vt a = FP(vt, es), fn(a))
#define FBIN(fn, vt, es) RUN(#fn, vt a = FP(vt, es); vt b = FP(vt, es), fn(a, b))

static void fp_estimates(void)
{
	static const char *modes[] = {"rn", "rp", "rm", "rz"};
	for (int fz = 0; fz < 2; fz++)
		for (int dn = 0; dn < 2; dn++)
			for (int rm = 0; rm < 4; rm++) {
				printf("fpcr %s%s%s\n", modes[rm], fz ? " fz" : "", dn ? " dn" : "");
				set_fpcr((uint64_t)rm << 22 | (uint64_t)fz << 24 | (uint64_t)dn << 25);
				FUN(vrecpeq_f32, float32x4_t, 4); FUN(vrecpe_f32, float32x2_t, 4);
				FUN(vrecpeq_f64, float64x2_t, 8); FUN(vrecpes_f32, float32_t, 4);
				FUN(vrecped_f64, float64_t, 8);
				FUN(vrsqrteq_f32, float32x4_t, 4); FUN(vrsqrteq_f64, float64x2_t, 8);
				FUN(vrsqrtes_f32, float32_t, 4); FUN(vrsqrted_f64, float64_t, 8);
				FBIN(vrecpsq_f32, float32x4_t, 4); FBIN(vrecpsq_f64, float64x2_t, 8);
				FBIN(vrecpss_f32, float32_t, 4); FBIN(vrecpsd_f64, float64_t, 8);
				FBIN(vrsqrtsq_f32, float32x4_t, 4); FBIN(vrsqrts_f32, float32x2_t, 4);
				FBIN(vrsqrtsq_f64, float64x2_t, 8);
				FBIN(vrsqrtss_f32, float32_t, 4); FBIN(vrsqrtsd_f64, float64_t, 8);
				FUN(vrecpxs_f32, float32_t, 4); FUN(vrecpxd_f64, float64_t, 8);
				FUN(vcvtx_f32_f64, float64x2_t, 8); FUN(vcvtxd_f32_f64, float64_t, 8);
				RUN("vcvtx_high_f32_f64", float32x2_t r = FP(float32x2_t, 4); float64x2_t a = FP(float64x2_t, 8),
				    vcvtx_high_f32_f64(r, a));
			}
	set_fpcr(0);
}

/* Newton-Raphson reciprocal and reciprocal square root as vectorised code
 * computes them: estimate, then refinement steps. */
static void newton(void)
{
	float32x4_t x = {3.0f, 0.1f, 1e-3f, 12345.678f};
	float32x4_t r = vrecpeq_f32(x), s = vrsqrteq_f32(x);
	for (int i = 0; i < 3; i++) {
		r = vmulq_f32(r, vrecpsq_f32(x, r));
		s = vmulq_f32(s, vrsqrtsq_f32(vmulq_f32(x, s), s));
	}
	for (int i = 0; i < 4; i++)
		printf("1/%g = %.9g  1/sqrt(%g) = %.9g\n", (double)x[i], (double)r[i], (double)x[i], (double)s[i]);
}

int main(void)
{
	halving();
	register_shifts();
	immediate_shifts();
	narrowing_adds();
	doubling_multiplies();
	pairwise_and_saturating();
	fp_estimates();
	newton();
	return 0;
}
