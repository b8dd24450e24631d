/* simd_crypto.c — the AES round instructions (AESE, AESD, AESMC, AESIMC)
 * and the 64-bit polynomial multiply PMULL/PMULL2 (1Q) through arm_neon.h:
 * AES-128 as arm64 code runs it (FIPS-197 test vector, then random keys and
 * blocks, decrypting back), the bare round primitives on random states, and
 * carry-less products checked against a portable implementation, plus the
 * AT_HWCAP bits that let libraries use them. arm64-specific: the oracle is
 * qemu-aarch64. */
#pragma GCC target("+crypto")
#include <arm_neon.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include "check.h"

/* HWCAP_AES and HWCAP_PMULL come from <sys/auxv.h> (bits/hwcap.h). */

static uint8_t sbox[256];

static uint8_t gf_mul2(uint8_t x) { return (uint8_t)(x << 1 ^ (x & 0x80 ? 0x1b : 0)); }

/* The S-box for the key schedule, from its definition: the inverse in
 * GF(2^8) (found by search) followed by the affine map. */
static void make_sbox(void)
{
	for (int x = 0; x < 256; x++) {
		uint8_t inv = 0;
		for (int y = 1; y < 256 && x; y++) {
			uint8_t a = (uint8_t)x, b = (uint8_t)y, p = 0;
			while (b) {
				if (b & 1)
					p ^= a;
				a = gf_mul2(a);
				b >>= 1;
			}
			if (p == 1) {
				inv = (uint8_t)y;
				break;
			}
		}
		uint8_t s = inv;
		for (int k = 1; k <= 4; k++)
			s ^= (uint8_t)(inv << k | inv >> (8 - k));
		sbox[x] = s ^ 0x63;
	}
}

static void expand_key(const uint8_t key[16], uint8x16_t rk[11])
{
	uint8_t w[176];
	memcpy(w, key, 16);
	uint8_t rcon = 1;
	for (int i = 16; i < 176; i += 4) {
		uint8_t t[4] = {w[i - 4], w[i - 3], w[i - 2], w[i - 1]};
		if (i % 16 == 0) {
			uint8_t t0 = t[0];
			t[0] = sbox[t[1]] ^ rcon;
			t[1] = sbox[t[2]];
			t[2] = sbox[t[3]];
			t[3] = sbox[t0];
			rcon = gf_mul2(rcon);
		}
		for (int k = 0; k < 4; k++)
			w[i + k] = w[i - 16 + k] ^ t[k];
	}
	for (int r = 0; r < 11; r++)
		rk[r] = vld1q_u8(w + 16 * r);
}

static uint8x16_t encrypt(uint8x16_t s, const uint8x16_t rk[11])
{
	for (int r = 0; r < 9; r++)
		s = vaesmcq_u8(vaeseq_u8(s, rk[r]));
	return veorq_u8(vaeseq_u8(s, rk[9]), rk[10]);
}

static uint8x16_t decrypt(uint8x16_t s, const uint8x16_t rk[11])
{
	s = vaesimcq_u8(vaesdq_u8(s, rk[10]));
	for (int r = 9; r > 1; r--)
		s = vaesimcq_u8(vaesdq_u8(s, vaesimcq_u8(rk[r])));
	return veorq_u8(vaesdq_u8(s, vaesimcq_u8(rk[1])), rk[0]);
}

static void print_block(const char *name, uint8x16_t v)
{
	uint8_t b[16];
	vst1q_u8(b, v);
	printf("%s ", name);
	for (int i = 0; i < 16; i++)
		printf("%02x", b[i]);
	printf("\n");
}

static uint8x16_t random_block(void)
{
	uint64_t w[2] = {rng(), rng()};
	return vreinterpretq_u8_u64(vld1q_u64(w));
}

/* Portable 64 × 64 → 128 carry-less multiply. */
static void clmul(uint64_t x, uint64_t y, uint64_t r[2])
{
	r[0] = r[1] = 0;
	for (int k = 0; k < 64; k++)
		if (y >> k & 1) {
			r[0] ^= x << k;
			if (k)
				r[1] ^= x >> (64 - k);
		}
}

int main(void)
{
	unsigned long hw = getauxval(AT_HWCAP);
	printf("hwcap aes: %s pmull: %s\n", hw & HWCAP_AES ? "yes" : "no", hw & HWCAP_PMULL ? "yes" : "no");
	make_sbox();

	/* FIPS-197 appendix C.1: ciphertext 69c4e0d86a7b0430d8cdb78070b4c55a. */
	uint8_t key[16], pt[16];
	for (int i = 0; i < 16; i++) {
		key[i] = (uint8_t)i;
		pt[i] = (uint8_t)(i * 0x11);
	}
	uint8x16_t rk[11];
	expand_key(key, rk);
	uint8x16_t ct = encrypt(vld1q_u8(pt), rk);
	print_block("fips-197 c.1", ct);
	print_block("decrypted   ", decrypt(ct, rk));

	uint64_t h = HASH_INIT;
	int bad = 0;
	for (int n = 0; n < 200; n++) {
		uint8_t k[16];
		uint64_t kw[2] = {rng(), rng()};
		memcpy(k, kw, 16);
		expand_key(k, rk);
		uint8x16_t p = random_block(), c = encrypt(p, rk), d = decrypt(c, rk);
		uint8_t cb[16], pb[16], db[16];
		vst1q_u8(cb, c);
		vst1q_u8(pb, p);
		vst1q_u8(db, d);
		h = hash_bytes(h, cb, 16);
		bad += memcmp(pb, db, 16) != 0;
	}
	REPORT("aes-128 blocks", h);
	printf("round trips failed: %d\n", bad);

	h = HASH_INIT;
	for (int n = 0; n < 500; n++) {
		uint8x16_t a = random_block(), b = random_block(), r[4] = {
			vaeseq_u8(a, b), vaesdq_u8(a, b), vaesmcq_u8(a), vaesimcq_u8(a)};
		h = hash_bytes(h, r, sizeof r);
	}
	REPORT("aes primitives", h);

	h = HASH_INIT;
	bad = 0;
	uint64_t edges[] = {0, 1, 2, 1ull << 63, ~0ull, 0x87, 0xc200000000000000ull};
	for (int n = 0; n < 1000; n++) {
		uint64_t x = n < 49 ? edges[n % 7] : rng(), y = n < 49 ? edges[n / 7] : rng();
		uint64_t want[2], got[2], got2[2];
		clmul(x, y, want);
		poly128_t p = vmull_p64(x, y);
		memcpy(got, &p, 16);
		poly64x2_t xv = vcombine_p64(vcreate_p64(rng()), vcreate_p64(x));
		poly64x2_t yv = vcombine_p64(vcreate_p64(rng()), vcreate_p64(y));
		p = vmull_high_p64(xv, yv);
		memcpy(got2, &p, 16);
		bad += memcmp(got, want, 16) != 0 || memcmp(got2, want, 16) != 0;
		h = hash_bytes(h, got, 16);
	}
	REPORT("pmull 1q", h);
	printf("pmull mismatches: %d\n", bad);
	return 0;
}
