/* strmem.c — libc string and memory routines, as programs call them: over
 * every length from 0 to 300 and a spread of longer ones up to 64 KiB, at
 * every alignment 0..15, call strlen, strchr, memchr, strcmp, strncmp,
 * memcmp, memcpy, memmove and memset ROUNDS times (argv[1]). Static glibc
 * picks its vector implementations (ASIMD on arm64, SSE2/AVX2 on x86-64)
 * through ifuncs; the results fold into one checksum. Only return values
 * that mean the same on both (lengths, offsets, the sign of a comparison)
 * enter the checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF (64 * 1024 + 64)

static unsigned char src[BUF], dst[BUF], other[BUF];

static uint64_t h = 0xcbf29ce484222325ull;
static void mix(uint64_t v)
{
	h ^= v;
	h *= 0x100000001b3ull;
}

static int sign(int v) { return (v > 0) - (v < 0); }

/* One pass over a string of length len starting at alignment align. */
static void exercise(size_t len, size_t align)
{
	unsigned char *s = src + align, *t = other + align, *d = dst + (15 - align);
	unsigned char keep = s[len];
	s[len] = 0;
	/* other holds the same string, differing in one place or not at all. */
	memcpy(t, s, len + 1);
	size_t diff = len ? (len * 7 + align) % len : 0;
	if (len && (len & 3))
		t[diff] ^= 0x20;

	mix(strlen((char *)s));
	const char *p = strchr((char *)s, 'z');
	mix(p ? (uint64_t)(p - (char *)s) : 1ull << 40);
	const unsigned char *q = memchr(s, 'q', len);
	mix(q ? (uint64_t)(q - s) : 1ull << 41);
	mix((uint64_t)sign(strcmp((char *)s, (char *)t)) + 7);
	mix((uint64_t)sign(strncmp((char *)s, (char *)t, len / 2)) + 11);
	mix((uint64_t)sign(memcmp(s, t, len)) + 13);
	memcpy(d, s, len);
	mix(d[len / 2] + (len ? d[len - 1] : 0));
	memmove(d + 1, d, len);
	mix(len ? d[len] : 0);
	memset(d, (int)(len & 0xff), len);
	mix(len ? d[len / 3] : 0);

	s[len] = keep;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 4;
	if (rounds < 0) {
		fprintf(stderr, "usage: strmem [ROUNDS]\n");
		return 2;
	}
	/* Letters a..p without NULs, so strlen runs to the terminator
	 * exercise() writes; one byte in 4096 is the 'z' or 'q' the searches
	 * look for, so they run far. */
	uint64_t x = 0x2545f4914f6cdd1dull;
	for (size_t i = 0; i < BUF; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		unsigned v = (unsigned)(x >> 52); /* 0..4095 */
		src[i] = (unsigned char)(v == 0 ? 'z' : v == 1 ? 'q' : 'a' + v % 16);
	}
	static const size_t long_lens[] = { 511, 512, 1000, 1024, 4095, 4096, 10000, 16384, 40000, 65536 };
	for (int r = 0; r < rounds; r++) {
		for (size_t align = 0; align < 16; align++) {
			for (size_t len = 0; len <= 300; len++)
				exercise(len, align);
			for (size_t i = 0; i < sizeof long_lens / sizeof long_lens[0]; i++)
				exercise(long_lens[i], align);
		}
	}
	printf("rounds %d checksum %016llx\n", rounds, (unsigned long long)h);
	return 0;
}
