/* isa_hash.c — the hash and cipher instructions of FEAT_SHA1, FEAT_SHA256,
 * FEAT_SHA512, FEAT_SHA3, FEAT_SM3 and FEAT_SM4 through arm_neon.h: SHA-1,
 * SHA-256, SHA-512, SHA3-256 (Keccak-f[1600] with EOR3, RAX1, XAR and
 * BCAX), SM3 and SM4 computed with the instructions, each checked against
 * the standards' test vectors and against a portable C implementation on
 * random messages, and the instructions on random operands (hashed, for
 * the oracle). arm64-specific: the oracle is qemu-aarch64 -cpu max, the
 * known answers are checked by the program itself. */
#include <arm_neon.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include "check.h"

static uint32_t rol32(uint32_t x, int n) { return n ? x << n | x >> (32 - n) : x; }
static uint32_t ror32(uint32_t x, int n) { return rol32(x, (32 - n) & 31); }
static uint64_t rol64(uint64_t x, int n) { return n ? x << n | x >> (64 - n) : x; }
static uint64_t ror64(uint64_t x, int n) { return rol64(x, (64 - n) & 63); }

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }
static void put32(uint8_t *p, uint32_t x) { p[0] = x >> 24, p[1] = x >> 16, p[2] = x >> 8, p[3] = x; }
static void put64(uint8_t *p, uint64_t x) { put32(p, x >> 32), put32(p + 4, (uint32_t)x); }

/* MD-style padding to a multiple of block bytes, with a big-endian bit
 * length in the last lenbytes (8 or 16) bytes; returns the padded size. */
static size_t md_pad(const uint8_t *msg, size_t n, uint8_t *out, size_t block, size_t lenbytes)
{
	memcpy(out, msg, n);
	size_t m = n;
	out[m++] = 0x80;
	while ((m + lenbytes) % block)
		out[m++] = 0;
	memset(out + m, 0, lenbytes);
	put64(out + m + lenbytes - 8, (uint64_t)n * 8);
	return m + lenbytes;
}

static uint32x4_t load_be32x4(const uint8_t *p)
{
	return vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)));
}

/* ---- SHA-1 ---- */

static void sha1_insn(const uint8_t *msg, size_t n, uint8_t out[20])
{
	static uint8_t buf[4096];
	size_t len = md_pad(msg, n, buf, 64, 8);
	uint32_t st[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
	uint32x4_t abcd = vld1q_u32(st);
	uint32_t e = st[4];
	static const uint32_t k[4] = {0x5A827999, 0x6ED9EBA1, 0x8F1BBCDC, 0xCA62C1D6};
	for (size_t off = 0; off < len; off += 64) {
		uint32x4_t w[20], abcd0 = abcd;
		uint32_t e0 = e;
		for (int i = 0; i < 4; i++)
			w[i] = load_be32x4(buf + off + 16 * i);
		for (int g = 0; g < 20; g++) {
			uint32x4_t wk = vaddq_u32(w[g], vdupq_n_u32(k[g / 5]));
			uint32_t next = vsha1h_u32(vgetq_lane_u32(abcd, 0));
			if (g < 5)
				abcd = vsha1cq_u32(abcd, e, wk);
			else if (g >= 10 && g < 15)
				abcd = vsha1mq_u32(abcd, e, wk);
			else
				abcd = vsha1pq_u32(abcd, e, wk);
			e = next;
			if (g + 4 < 20)
				w[g + 4] = vsha1su1q_u32(vsha1su0q_u32(w[g], w[g + 1], w[g + 2]), w[g + 3]);
		}
		abcd = vaddq_u32(abcd, abcd0);
		e += e0;
	}
	vst1q_u32(st, abcd);
	st[4] = e;
	for (int i = 0; i < 5; i++)
		put32(out + 4 * i, st[i]);
}

static void sha1_ref(const uint8_t *msg, size_t n, uint8_t out[20])
{
	static uint8_t buf[4096];
	size_t len = md_pad(msg, n, buf, 64, 8);
	uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
	for (size_t off = 0; off < len; off += 64) {
		uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
		for (int i = 0; i < 16; i++)
			w[i] = be32(buf + off + 4 * i);
		for (int i = 16; i < 80; i++)
			w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
		for (int i = 0; i < 80; i++) {
			uint32_t f, k;
			if (i < 20)
				f = (b & c) | (~b & d), k = 0x5A827999;
			else if (i < 40)
				f = b ^ c ^ d, k = 0x6ED9EBA1;
			else if (i < 60)
				f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
			else
				f = b ^ c ^ d, k = 0xCA62C1D6;
			uint32_t t = rol32(a, 5) + f + e + k + w[i];
			e = d, d = c, c = rol32(b, 30), b = a, a = t;
		}
		h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
	}
	for (int i = 0; i < 5; i++)
		put32(out + 4 * i, h[i]);
}

/* ---- SHA-256 ---- */

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t H256[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

static void sha256_insn(const uint8_t *msg, size_t n, uint8_t out[32])
{
	static uint8_t buf[4096];
	size_t len = md_pad(msg, n, buf, 64, 8);
	uint32x4_t abcd = vld1q_u32(H256), efgh = vld1q_u32(H256 + 4);
	for (size_t off = 0; off < len; off += 64) {
		uint32x4_t w[16], abcd0 = abcd, efgh0 = efgh;
		for (int i = 0; i < 4; i++)
			w[i] = load_be32x4(buf + off + 16 * i);
		for (int g = 0; g < 16; g++) {
			uint32x4_t wk = vaddq_u32(w[g], vld1q_u32(K256 + 4 * g)), old = abcd;
			abcd = vsha256hq_u32(abcd, efgh, wk);
			efgh = vsha256h2q_u32(efgh, old, wk);
			if (g + 4 < 16)
				w[g + 4] = vsha256su1q_u32(vsha256su0q_u32(w[g], w[g + 1]), w[g + 2], w[g + 3]);
		}
		abcd = vaddq_u32(abcd, abcd0);
		efgh = vaddq_u32(efgh, efgh0);
	}
	uint32_t st[8];
	vst1q_u32(st, abcd);
	vst1q_u32(st + 4, efgh);
	for (int i = 0; i < 8; i++)
		put32(out + 4 * i, st[i]);
}

static void sha256_ref(const uint8_t *msg, size_t n, uint8_t out[32])
{
	static uint8_t buf[4096];
	size_t len = md_pad(msg, n, buf, 64, 8);
	uint32_t h[8];
	memcpy(h, H256, sizeof h);
	for (size_t off = 0; off < len; off += 64) {
		uint32_t w[64], v[8];
		for (int i = 0; i < 16; i++)
			w[i] = be32(buf + off + 4 * i);
		for (int i = 16; i < 64; i++) {
			uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ w[i - 15] >> 3;
			uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ w[i - 2] >> 10;
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		memcpy(v, h, sizeof v);
		for (int i = 0; i < 64; i++) {
			uint32_t S1 = ror32(v[4], 6) ^ ror32(v[4], 11) ^ ror32(v[4], 25);
			uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
			uint32_t t1 = v[7] + S1 + ch + K256[i] + w[i];
			uint32_t S0 = ror32(v[0], 2) ^ ror32(v[0], 13) ^ ror32(v[0], 22);
			uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
			memmove(v + 1, v, 7 * sizeof *v);
			v[4] += t1;
			v[0] = t1 + S0 + maj;
		}
		for (int i = 0; i < 8; i++)
			h[i] += v[i];
	}
	for (int i = 0; i < 8; i++)
		put32(out + 4 * i, h[i]);
}

/* ---- SHA-512 ---- */

static const uint64_t K512[80] = {
	0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
	0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
	0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
	0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
	0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
	0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
	0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
	0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
	0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
	0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
	0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
	0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
	0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
	0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
	0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
	0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
};

static const uint64_t H512[8] = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
				 0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};

/* SHA-512 with SHA512H/H2/SU0/SU1 in the order of Linux's
 * arch/arm64/crypto/sha512-ce-core.S: four state registers (ab, cd, ef,
 * gh) rotate roles every two rounds. */
static void sha512_insn(const uint8_t *msg, size_t n, uint8_t out[64])
{
	static uint8_t buf[4096];
	size_t len = md_pad(msg, n, buf, 128, 16);
	static const int roles[5][5] = {{0, 1, 2, 3, 4}, {3, 0, 4, 2, 1}, {2, 3, 1, 4, 0}, {4, 2, 0, 1, 3}, {1, 4, 3, 0, 2}};
	uint64x2_t st[4];
	for (int i = 0; i < 4; i++)
		st[i] = vld1q_u64(H512 + 2 * i);
	for (size_t off = 0; off < len; off += 128) {
		uint64x2_t v[5], w[8];
		for (int i = 0; i < 4; i++)
			v[i] = st[i];
		for (int i = 0; i < 8; i++)
			w[i] = vreinterpretq_u64_u8(vrev64q_u8(vld1q_u8(buf + off + 16 * i)));
		for (int r = 0; r < 40; r++) {
			const int *i = roles[r % 5];
			int in0 = r % 8;
			uint64x2_t t5 = vaddq_u64(vld1q_u64(K512 + 2 * r), w[in0]);
			uint64x2_t t6 = vextq_u64(v[i[2]], v[i[3]], 1);
			t5 = vextq_u64(t5, t5, 1);
			uint64x2_t t7 = vextq_u64(v[i[1]], v[i[2]], 1);
			v[i[3]] = vaddq_u64(v[i[3]], t5);
			if (r < 32) {
				uint64x2_t t5b = vextq_u64(w[(r + 4) % 8], w[(r + 5) % 8], 1);
				w[in0] = vsha512su0q_u64(w[in0], w[(r + 1) % 8]);
				v[i[3]] = vsha512hq_u64(v[i[3]], t6, t7);
				w[in0] = vsha512su1q_u64(w[in0], w[(r + 7) % 8], t5b);
			} else {
				v[i[3]] = vsha512hq_u64(v[i[3]], t6, t7);
			}
			v[i[4]] = vaddq_u64(v[i[1]], v[i[3]]);
			v[i[3]] = vsha512h2q_u64(v[i[3]], v[i[1]], v[i[0]]);
		}
		for (int i = 0; i < 4; i++)
			st[i] = vaddq_u64(st[i], v[i]);
	}
	for (int i = 0; i < 4; i++) {
		put64(out + 16 * i, vgetq_lane_u64(st[i], 0));
		put64(out + 16 * i + 8, vgetq_lane_u64(st[i], 1));
	}
}

static void sha512_ref(const uint8_t *msg, size_t n, uint8_t out[64])
{
	static uint8_t buf[4096];
	size_t len = md_pad(msg, n, buf, 128, 16);
	uint64_t h[8];
	memcpy(h, H512, sizeof h);
	for (size_t off = 0; off < len; off += 128) {
		uint64_t w[80], v[8];
		for (int i = 0; i < 16; i++)
			w[i] = be64(buf + off + 8 * i);
		for (int i = 16; i < 80; i++) {
			uint64_t s0 = ror64(w[i - 15], 1) ^ ror64(w[i - 15], 8) ^ w[i - 15] >> 7;
			uint64_t s1 = ror64(w[i - 2], 19) ^ ror64(w[i - 2], 61) ^ w[i - 2] >> 6;
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		memcpy(v, h, sizeof v);
		for (int i = 0; i < 80; i++) {
			uint64_t S1 = ror64(v[4], 14) ^ ror64(v[4], 18) ^ ror64(v[4], 41);
			uint64_t t1 = v[7] + S1 + ((v[4] & v[5]) ^ (~v[4] & v[6])) + K512[i] + w[i];
			uint64_t S0 = ror64(v[0], 28) ^ ror64(v[0], 34) ^ ror64(v[0], 39);
			uint64_t t2 = S0 + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
			memmove(v + 1, v, 7 * sizeof *v);
			v[4] += t1;
			v[0] = t1 + t2;
		}
		for (int i = 0; i < 8; i++)
			h[i] += v[i];
	}
	for (int i = 0; i < 8; i++)
		put64(out + 8 * i, h[i]);
}

/* ---- SHA3-256: Keccak-f[1600] ---- */

static const uint64_t keccak_rc[24] = {
	0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000, 0x000000000000808b,
	0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008a, 0x0000000000000088,
	0x0000000080008009, 0x000000008000000a, 0x000000008000808b, 0x800000000000008b, 0x8000000000008089,
	0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
	0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
};

/* Rotation offsets of the lane at (x, y), index x + 5y. */
static const int keccak_rho[25] = {
	0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
};

/* One round's rho and pi with XAR: b[y + 5((2x + 3y) % 5)] =
 * ROL(a[x + 5y] ^ d[x], rho). XAR rotates right by an immediate, so each
 * lane needs its own instruction. */
#define RHOPI(x, y, r) b[(y) + 5 * ((2 * (x) + 3 * (y)) % 5)] = vxarq_u64(a[(x) + 5 * (y)], d[x], (64 - (r)) % 64)

static void keccak_insn(uint64_t st[25])
{
	uint64x2_t a[25], b[25], c[5], d[5];
	for (int i = 0; i < 25; i++)
		a[i] = vdupq_n_u64(st[i]);
	for (int round = 0; round < 24; round++) {
		for (int x = 0; x < 5; x++)
			c[x] = veor3q_u64(a[x], a[x + 5], veor3q_u64(a[x + 10], a[x + 15], a[x + 20]));
		for (int x = 0; x < 5; x++)
			d[x] = vrax1q_u64(c[(x + 4) % 5], c[(x + 1) % 5]);
		RHOPI(0, 0, 0), RHOPI(1, 0, 1), RHOPI(2, 0, 62), RHOPI(3, 0, 28), RHOPI(4, 0, 27);
		RHOPI(0, 1, 36), RHOPI(1, 1, 44), RHOPI(2, 1, 6), RHOPI(3, 1, 55), RHOPI(4, 1, 20);
		RHOPI(0, 2, 3), RHOPI(1, 2, 10), RHOPI(2, 2, 43), RHOPI(3, 2, 25), RHOPI(4, 2, 39);
		RHOPI(0, 3, 41), RHOPI(1, 3, 45), RHOPI(2, 3, 15), RHOPI(3, 3, 21), RHOPI(4, 3, 8);
		RHOPI(0, 4, 18), RHOPI(1, 4, 2), RHOPI(2, 4, 61), RHOPI(3, 4, 56), RHOPI(4, 4, 14);
		for (int y = 0; y < 25; y += 5)
			for (int x = 0; x < 5; x++)
				a[y + x] = vbcaxq_u64(b[y + x], b[y + (x + 2) % 5], b[y + (x + 1) % 5]);
		a[0] = veorq_u64(a[0], vdupq_n_u64(keccak_rc[round]));
	}
	for (int i = 0; i < 25; i++)
		st[i] = vgetq_lane_u64(a[i], 0);
}

static void keccak_ref(uint64_t a[25])
{
	for (int round = 0; round < 24; round++) {
		uint64_t c[5], d[5], b[25];
		for (int x = 0; x < 5; x++)
			c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
		for (int x = 0; x < 5; x++)
			d[x] = c[(x + 4) % 5] ^ rol64(c[(x + 1) % 5], 1);
		for (int y = 0; y < 5; y++)
			for (int x = 0; x < 5; x++)
				b[y + 5 * ((2 * x + 3 * y) % 5)] = rol64(a[x + 5 * y] ^ d[x], keccak_rho[x + 5 * y]);
		for (int y = 0; y < 25; y += 5)
			for (int x = 0; x < 5; x++)
				a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
		a[0] ^= keccak_rc[round];
	}
}

static void sha3_256(const uint8_t *msg, size_t n, uint8_t out[32], void (*f)(uint64_t[25]))
{
	uint64_t st[25] = {0};
	const size_t rate = 136;
	uint8_t block[136];
	for (;;) {
		size_t take = n < rate ? n : rate;
		memset(block, 0, rate);
		memcpy(block, msg, take);
		if (take < rate) {
			block[take] ^= 0x06;
			block[rate - 1] ^= 0x80;
		}
		for (size_t i = 0; i < rate / 8; i++) {
			uint64_t lane = 0;
			for (int k = 0; k < 8; k++)
				lane |= (uint64_t)block[8 * i + k] << (8 * k);
			st[i] ^= lane;
		}
		f(st);
		if (take < rate)
			break;
		msg += rate, n -= rate;
	}
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(st[i / 8] >> (8 * (i % 8)));
}

static void sha3_insn(const uint8_t *m, size_t n, uint8_t *o) { sha3_256(m, n, o, keccak_insn); }
static void sha3_ref(const uint8_t *m, size_t n, uint8_t *o) { sha3_256(m, n, o, keccak_ref); }

/* ---- SM3 (GB/T 32905-2016) ---- */

static uint32_t sm3_p0(uint32_t x) { return x ^ rol32(x, 9) ^ rol32(x, 17); }
static uint32_t sm3_p1(uint32_t x) { return x ^ rol32(x, 15) ^ rol32(x, 23); }

static void sm3_expand(const uint8_t *blk, uint32_t w[68])
{
	for (int i = 0; i < 16; i++)
		w[i] = be32(blk + 4 * i);
	for (int i = 16; i < 68; i++)
		w[i] = sm3_p1(w[i - 16] ^ w[i - 9] ^ rol32(w[i - 3], 15)) ^ rol32(w[i - 13], 7) ^ w[i - 6];
}

/* Four rounds j..j+3 with SM3SS1 and SM3TT1x/SM3TT2x. abcd holds
 * (D, C, B, A) in elements 0..3 and efgh (H, G, F, E); the lane
 * immediates must be constants, hence the macro. */
#define SM3_ROUND(lane, tt1, tt2)                                                                    \
	do {                                                                                         \
		uint32_t tj = rol32(j + (lane) < 16 ? 0x79cc4519 : 0x7a879d8a, (j + (lane)) % 32);       \
		uint32x4_t ss1 = vsm3ss1q_u32(abcd, efgh, vsetq_lane_u32(tj, vdupq_n_u32(0), 3));      \
		abcd = tt1(abcd, ss1, wp, lane);                                                     \
		efgh = tt2(efgh, ss1, wv, lane);                                                     \
	} while (0)

static void sm3_insn(const uint8_t *msg, size_t n, uint8_t out[32])
{
	static uint8_t buf[4096];
	size_t len = md_pad(msg, n, buf, 64, 8);
	uint32_t v[8] = {0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e};
	uint32_t t[4] = {v[3], v[2], v[1], v[0]}, u[4] = {v[7], v[6], v[5], v[4]};
	uint32x4_t abcd = vld1q_u32(t), efgh = vld1q_u32(u);
	for (size_t off = 0; off < len; off += 64) {
		uint32_t w[68], wpr[64];
		sm3_expand(buf + off, w);
		for (int i = 0; i < 64; i++)
			wpr[i] = w[i] ^ w[i + 4];
		uint32x4_t abcd0 = abcd, efgh0 = efgh;
		for (int j = 0; j < 64; j += 4) {
			uint32x4_t wv = vld1q_u32(w + j), wp = vld1q_u32(wpr + j);
			if (j < 16) {
				SM3_ROUND(0, vsm3tt1aq_u32, vsm3tt2aq_u32);
				SM3_ROUND(1, vsm3tt1aq_u32, vsm3tt2aq_u32);
				SM3_ROUND(2, vsm3tt1aq_u32, vsm3tt2aq_u32);
				SM3_ROUND(3, vsm3tt1aq_u32, vsm3tt2aq_u32);
			} else {
				SM3_ROUND(0, vsm3tt1bq_u32, vsm3tt2bq_u32);
				SM3_ROUND(1, vsm3tt1bq_u32, vsm3tt2bq_u32);
				SM3_ROUND(2, vsm3tt1bq_u32, vsm3tt2bq_u32);
				SM3_ROUND(3, vsm3tt1bq_u32, vsm3tt2bq_u32);
			}
		}
		abcd = veorq_u32(abcd, abcd0);
		efgh = veorq_u32(efgh, efgh0);
	}
	vst1q_u32(t, abcd);
	vst1q_u32(u, efgh);
	for (int i = 0; i < 4; i++) {
		put32(out + 4 * i, t[3 - i]);
		put32(out + 16 + 4 * i, u[3 - i]);
	}
}

static void sm3_ref(const uint8_t *msg, size_t n, uint8_t out[32])
{
	static uint8_t buf[4096];
	size_t len = md_pad(msg, n, buf, 64, 8);
	uint32_t v[8] = {0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e};
	for (size_t off = 0; off < len; off += 64) {
		uint32_t w[68], r[8];
		sm3_expand(buf + off, w);
		memcpy(r, v, sizeof r);
		for (int j = 0; j < 64; j++) {
			uint32_t tj = j < 16 ? 0x79cc4519 : 0x7a879d8a;
			uint32_t ss1 = rol32(rol32(r[0], 12) + r[4] + rol32(tj, j % 32), 7), ss2 = ss1 ^ rol32(r[0], 12);
			uint32_t ff = j < 16 ? r[0] ^ r[1] ^ r[2] : (r[0] & r[1]) | (r[0] & r[2]) | (r[1] & r[2]);
			uint32_t gg = j < 16 ? r[4] ^ r[5] ^ r[6] : (r[4] & r[5]) | (~r[4] & r[6]);
			uint32_t tt1 = ff + r[3] + ss2 + (w[j] ^ w[j + 4]), tt2 = gg + r[7] + ss1 + w[j];
			r[3] = r[2], r[2] = rol32(r[1], 9), r[1] = r[0], r[0] = tt1;
			r[7] = r[6], r[6] = rol32(r[5], 19), r[5] = r[4], r[4] = sm3_p0(tt2);
		}
		for (int i = 0; i < 8; i++)
			v[i] ^= r[i];
	}
	for (int i = 0; i < 8; i++)
		put32(out + 4 * i, v[i]);
}

/* ---- SM4 (GB/T 32907-2016) ---- */

static void sm4_insn(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
	static const uint32_t fk[4] = {0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc};
	uint32x4_t k = veorq_u32(load_be32x4(key), vld1q_u32(fk)), rk[8];
	for (int g = 0; g < 8; g++) {
		uint32_t ck[4];
		for (int i = 0; i < 4; i++) {
			int j = 4 * (4 * g + i);
			ck[i] = (uint32_t)(j * 7 % 256) << 24 | (uint32_t)((j + 1) * 7 % 256) << 16 |
				(uint32_t)((j + 2) * 7 % 256) << 8 | (uint32_t)((j + 3) * 7 % 256);
		}
		k = vsm4ekeyq_u32(k, vld1q_u32(ck));
		rk[g] = k;
	}
	uint32x4_t x = load_be32x4(in);
	for (int g = 0; g < 8; g++)
		x = vsm4eq_u32(x, rk[g]);
	uint32_t r[4];
	vst1q_u32(r, x);
	for (int i = 0; i < 4; i++) /* the ciphertext is X35, X34, X33, X32 */
		put32(out + 4 * i, r[3 - i]);
}

/* ---- checks ---- */

static void hex(const char *name, const uint8_t *b, size_t n, const char *want)
{
	char s[200] = "";
	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", b[i]);
	printf("%-12s %s %s\n", name, s, strcmp(s, want) == 0 ? "ok" : "WRONG");
}

typedef void (*hashfn)(const uint8_t *, size_t, uint8_t *);

static void compare_random(const char *name, hashfn insn, hashfn ref, size_t outlen)
{
	uint8_t msg[1500], a[64], b[64];
	uint64_t h = HASH_INIT;
	int bad = 0;
	for (int t = 0; t < 60; t++) {
		size_t n = t < 20 ? (size_t)t * 13 % 300 : (size_t)(rng() % sizeof msg);
		for (size_t i = 0; i < n; i++)
			msg[i] = (uint8_t)rng();
		insn(msg, n, a);
		ref(msg, n, b);
		bad += memcmp(a, b, outlen) != 0;
		h = hash_bytes(h, a, outlen);
	}
	printf("%-12s random messages: %d differ from C, hash %016llx\n", name, bad, (unsigned long long)h);
}

static uint32x4_t rand_u32x4(void)
{
	uint64_t w[2] = {rng(), rng()};
	return vreinterpretq_u32_u64(vld1q_u64(w));
}

int main(void)
{
	unsigned long hw = getauxval(AT_HWCAP);
	printf("hwcap sha1 %d sha2 %d sha3 %d sha512 %d sm3 %d sm4 %d\n", !!(hw & HWCAP_SHA1), !!(hw & HWCAP_SHA2),
	       !!(hw & HWCAP_SHA3), !!(hw & HWCAP_SHA512), !!(hw & HWCAP_SM3), !!(hw & HWCAP_SM4));

	const uint8_t *abc = (const uint8_t *)"abc";
	uint8_t out[64];
	/* FIPS 180-2 and FIPS 202 examples, GB/T 32905 example A.1. */
	sha1_insn(abc, 3, out);
	hex("sha1(abc)", out, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha256_insn(abc, 3, out);
	hex("sha256(abc)", out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha512_insn(abc, 3, out);
	hex("sha512(abc)", out, 64,
	    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
	    "454d4423643ce80e2a9ac94fa54ca49f");
	sha3_insn(abc, 3, out);
	hex("sha3-256(abc)", out, 32, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
	sm3_insn(abc, 3, out);
	hex("sm3(abc)", out, 32, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
	/* GB/T 32907 example A.1: the key is also the plaintext. */
	static const uint8_t sm4key[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
					   0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
	sm4_insn(sm4key, sm4key, out);
	hex("sm4", out, 16, "681edf34d206965e86b3e94f536e4246");

	compare_random("sha1", sha1_insn, sha1_ref, 20);
	compare_random("sha256", sha256_insn, sha256_ref, 32);
	compare_random("sha512", sha512_insn, sha512_ref, 64);
	compare_random("sha3-256", sha3_insn, sha3_ref, 32);
	compare_random("sm3", sm3_insn, sm3_ref, 32);

	/* The schedule instructions on random operands (SM3PARTW1/2 are not
	 * used by the hashes above). */
	uint64_t h = HASH_INIT;
	for (int t = 0; t < 300; t++) {
		uint32x4_t a = rand_u32x4(), b = rand_u32x4(), c = rand_u32x4();
		uint32x4_t r[7] = {vsm3partw1q_u32(a, b, c), vsm3partw2q_u32(a, b, c), vsha1su0q_u32(a, b, c),
				   vsha256su1q_u32(a, b, c), vsm4eq_u32(a, b), vsm4ekeyq_u32(a, b), vsm3ss1q_u32(a, b, c)};
		h = hash_bytes(h, r, sizeof r);
		uint64x2_t x = vreinterpretq_u64_u32(a), y = vreinterpretq_u64_u32(b), z = vreinterpretq_u64_u32(c);
		uint64x2_t s[4] = {vsha512hq_u64(x, y, z), vsha512h2q_u64(x, y, z), vsha512su0q_u64(x, y),
				   vsha512su1q_u64(x, y, z)};
		h = hash_bytes(h, s, sizeof s);
	}
	REPORT("schedule ops", h);
	return 0;
}
