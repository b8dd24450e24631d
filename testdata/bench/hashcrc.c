/* hashcrc.c — table-driven hashing: CRC-32 byte-at-a-time and sliced by 8
 * (eight 1 KiB tables), CRC-64/XZ, FNV-1a and a 64-bit multiplicative
 * hash, then an open-addressing hash table (linear probing) counting the
 * distinct 4-byte words of the data, over KIB KiB (argv[1]) of generated
 * bytes. Lookups in small tables, shifts, xors and multiplies: what zlib,
 * compilers' symbol tables and build tools' content hashing do. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc32_tab[8][256];
static uint64_t crc64_tab[256];

static void make_tables(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc32_tab[0][i] = c;
		uint64_t d = i;
		for (int k = 0; k < 8; k++)
			d = d & 1 ? 0xc96c5795d7870f42ull ^ (d >> 1) : d >> 1;
		crc64_tab[i] = d;
	}
	for (int t = 1; t < 8; t++)
		for (int i = 0; i < 256; i++)
			crc32_tab[t][i] = (crc32_tab[t - 1][i] >> 8) ^ crc32_tab[0][crc32_tab[t - 1][i] & 0xff];
}

static uint32_t crc32_bytewise(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--)
		crc = crc32_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t crc32_slice8(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n >= 8) {
		/* Little-endian assembly of the words, so both hosts agree. */
		uint32_t lo = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
		lo ^= crc;
		crc = crc32_tab[7][lo & 0xff] ^ crc32_tab[6][(lo >> 8) & 0xff] ^ crc32_tab[5][(lo >> 16) & 0xff] ^
		      crc32_tab[4][lo >> 24] ^ crc32_tab[3][hi & 0xff] ^ crc32_tab[2][(hi >> 8) & 0xff] ^
		      crc32_tab[1][(hi >> 16) & 0xff] ^ crc32_tab[0][hi >> 24];
		p += 8;
		n -= 8;
	}
	while (n--)
		crc = crc32_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint64_t crc64(const unsigned char *p, size_t n)
{
	uint64_t crc = ~0ull;
	while (n--)
		crc = crc64_tab[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t mulhash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

int main(int argc, char **argv)
{
	long kib = argc > 1 ? atol(argv[1]) : 1024;
	if (kib < 1 || kib > 1 << 20) {
		fprintf(stderr, "usage: hashcrc [KIB]\n");
		return 2;
	}
	size_t len = (size_t)kib << 10;
	unsigned char *data = malloc(len);
	/* Text-like bytes drawn from 16 values. */
	uint64_t x = 0x243f6a8885a308d3ull;
	for (size_t i = 0; i < len; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		data[i] = (unsigned char)("etaoinshrdlu \n.,"[x >> 60]);
	}
	make_tables();
	printf("check crc32 %08x %08x crc64 %016llx\n", crc32_bytewise(0, (const unsigned char *)"123456789", 9),
	       crc32_slice8(0, (const unsigned char *)"123456789", 9),
	       (unsigned long long)crc64((const unsigned char *)"123456789", 9));

	printf("crc32 %08x slice8 %08x crc64 %016llx fnv1a %016llx\n", crc32_bytewise(0, data, len),
	       crc32_slice8(0, data, len), (unsigned long long)crc64(data, len), (unsigned long long)fnv1a(data, len));

	/* Distinct 4-byte words, by their byte values (endianness-neutral):
	 * at most 16^4 of them, so most words find an existing entry. */
	const size_t slots = 1 << 17;
	uint64_t *table = calloc(slots, sizeof *table);
	uint32_t *counts = calloc(slots, sizeof *counts);
	size_t distinct = 0;
	uint64_t maxcount = 0;
	for (size_t i = 0; i + 4 <= len; i += 4) {
		uint64_t w = 1ull << 63; /* never 0: 0 marks an empty slot */
		for (int b = 0; b < 4; b++)
			w |= (uint64_t)data[i + b] << (8 * b);
		size_t s = mulhash(w) & (slots - 1);
		while (table[s] && table[s] != w)
			s = (s + 1) & (slots - 1);
		if (!table[s]) {
			table[s] = w;
			distinct++;
		}
		if (++counts[s] > maxcount)
			maxcount = counts[s];
	}
	printf("words %zu distinct %zu most repeated %llu\n", len / 4, distinct, (unsigned long long)maxcount);
	free(table);
	free(counts);
	free(data);
	return 0;
}
