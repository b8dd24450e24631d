/* bench.c — a CPU-bound workload for `make bench`: SHA-256 over a
 * generated buffer, a sieve of Eratosthenes and a table-driven CRC-32,
 * repeated ROUNDS times (argv[1], default 4) over MIB MiB of data (argv[2],
 * default 4). Prints checksums only, so the
 * output also checks that every engine computed the same thing. Portable C:
 * the amd64 build is the native baseline. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t k256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(uint32_t st[8], const unsigned char *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) + k256[i] + w[i];
		uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	st[0] += a; st[1] += b; st[2] += c; st[3] += d; st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

/* SHA-256 of a buffer whose length is a multiple of 64 (padding included). */
static void sha256(const unsigned char *data, size_t len, unsigned char out[32])
{
	uint32_t st[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	size_t full = len - len % 64;
	for (size_t i = 0; i < full; i += 64)
		sha256_block(st, data + i);
	unsigned char tail[128] = { 0 };
	size_t rest = len - full;
	memcpy(tail, data + full, rest);
	tail[rest] = 0x80;
	size_t tl = rest < 56 ? 64 : 128;
	uint64_t bits = (uint64_t)len * 8;
	for (int i = 0; i < 8; i++)
		tail[tl - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (size_t i = 0; i < tl; i += 64)
		sha256_block(st, tail + i);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(st[i] >> 24);
		out[4 * i + 1] = (unsigned char)(st[i] >> 16);
		out[4 * i + 2] = (unsigned char)(st[i] >> 8);
		out[4 * i + 3] = (unsigned char)st[i];
	}
}

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32_buf(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static unsigned sieve(unsigned char *composite, unsigned limit)
{
	memset(composite, 0, limit);
	unsigned count = 0;
	for (unsigned i = 2; i < limit; i++) {
		if (composite[i])
			continue;
		count++;
		for (unsigned long j = (unsigned long)i * i; j < limit; j += i)
			composite[j] = 1;
	}
	return count;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 4;
	int mib = argc > 2 ? atoi(argv[2]) : 4;
	if (rounds < 1 || rounds > 1000 || mib < 1 || mib > 256) {
		fprintf(stderr, "usage: bench [ROUNDS [MIB]]\n");
		return 2;
	}
	const size_t data_len = (size_t)mib << 20, sieve_len = data_len;
	unsigned char *data = malloc(data_len), *comp = malloc(sieve_len);
	uint64_t x = 0x0123456789abcdefull;
	for (size_t i = 0; i < data_len; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		data[i] = (unsigned char)(x >> 56);
	}
	crc_init();
	/* Known answers first: a wrong engine fails loudly, not just slowly. */
	unsigned char digest[32] = { 0 };
	sha256((const unsigned char *)"abc", 3, digest);
	static const unsigned char abc[4] = { 0xba, 0x78, 0x16, 0xbf };
	printf("selftest sha256 %s crc32 %s\n", memcmp(digest, abc, 4) == 0 ? "ok" : "FAIL",
	       crc32_buf(0, (const unsigned char *)"123456789", 9) == 0xcbf43926 ? "ok" : "FAIL");
	memset(digest, 0, sizeof digest);
	uint32_t crc = 0;
	unsigned primes = 0;
	for (int r = 0; r < rounds; r++) {
		data[r] ^= digest[r % 32]; /* chain the rounds */
		sha256(data, data_len - r, digest);
		crc = crc32_buf(crc, data, data_len);
		primes = sieve(comp, sieve_len - (unsigned)r * 1000);
	}
	printf("rounds %d\nsha256 ", rounds);
	for (int i = 0; i < 32; i++)
		printf("%02x", digest[i]);
	printf("\ncrc32 %08x\nprimes %u\n", crc, primes);
	free(data);
	free(comp);
	return 0;
}
