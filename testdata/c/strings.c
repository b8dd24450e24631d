/* strings.c — string.h on many lengths and alignments. glibc's aarch64
 * string functions are hand-written SIMD (LD1/ST1, UMINV, CMEQ, ADDP, TBL,
 * DC ZVA for large memset) that read in 16-byte chunks across the string
 * end; every result is checked against a byte-at-a-time reference, and the
 * number of mismatches is printed along with a hash of the results. */
#define _GNU_SOURCE /* memrchr */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

#define AREA 8192
static unsigned char src_area[AREA + 64], dst_area[AREA + 64], ref_area[AREA + 64];
static unsigned long mismatches;

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 131 + (i >> 7));
}

static void check(int ok, const char *what, size_t len, size_t align)
{
	if (!ok && mismatches++ < 10)
		printf("MISMATCH %s len=%zu align=%zu\n", what, len, align);
}

static const size_t lengths[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33,
				  47, 48, 63, 64, 65, 95, 96, 127, 128, 129, 255, 256,
				  257, 511, 512, 1000, 1024, 2047, 4096, 4099, 8000 };
#define NLEN (sizeof lengths / sizeof lengths[0])

static void test_mem(void)
{
	uint64_t h = HASH_INIT;
	for (size_t li = 0; li < NLEN; li++)
		for (size_t sa = 0; sa < 16; sa += 3)
			for (size_t da = 0; da < 16; da += 5) {
				size_t n = lengths[li];
				if (n + 16 > AREA)
					continue;
				/* Only the bytes a call may touch, plus guard
				 * bytes: whole-area fills would dominate the run. */
				fill(src_area, n + 32, (unsigned)(n + sa));
				memset(dst_area, 0xee, n + 48);
				memcpy(dst_area + da, src_area + sa, n);
				int ok = 1;
				for (size_t i = 0; i < n; i++)
					ok &= dst_area[da + i] == src_area[sa + i];
				ok &= dst_area[da + n] == 0xee;
				ok &= da == 0 || dst_area[da - 1] == 0xee;
				check(ok, "memcpy", n, sa * 16 + da);

				int c = memcmp(dst_area + da, src_area + sa, n);
				check(c == 0, "memcmp equal", n, da);
				if (n > 0) {
					size_t k = (n * 7) / 11;
					dst_area[da + k] ^= 0x80;
					c = memcmp(dst_area + da, src_area + sa, n);
					int want = dst_area[da + k] > src_area[sa + k] ? 1 : -1;
					check((c > 0) - (c < 0) == want, "memcmp sign", n, k);
					h = hash_u64(h, (uint64_t)((c > 0) - (c < 0)));
				}

				memset(dst_area + da, (int)(n & 0xff), n);
				ok = 1;
				for (size_t i = 0; i < n; i++)
					ok &= dst_area[da + i] == (unsigned char)n;
				ok &= dst_area[da + n] == 0xee;
				check(ok, "memset", n, da);
				h = hash_bytes(h, dst_area, n + 32);
			}
	/* memmove with overlap in both directions. */
	for (size_t li = 0; li < NLEN; li++)
		for (int shift = -17; shift <= 17; shift += 5) {
			size_t n = lengths[li];
			if (n + 64 > AREA)
				continue;
			fill(dst_area, n + 96, (unsigned)n);
			memcpy(ref_area, dst_area, n + 96);
			unsigned char *from = dst_area + 32, *to = dst_area + 32 + shift;
			memmove(to, from, n);
			/* Reference: through a temporary copy. */
			unsigned char *tmp = malloc(n + 1);
			for (size_t i = 0; i < n; i++)
				tmp[i] = ref_area[32 + i];
			for (size_t i = 0; i < n; i++)
				ref_area[32 + shift + i] = tmp[i];
			free(tmp);
			check(memcmp(dst_area, ref_area, n + 80) == 0, "memmove", n, (size_t)(shift + 17));
			h = hash_bytes(h, dst_area, n + 80);
		}
	REPORT("mem", h);
}

static size_t ref_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void test_str(void)
{
	uint64_t h = HASH_INIT;
	char *a = (char *)src_area, *b = (char *)dst_area;
	for (size_t li = 0; li < NLEN; li++)
		for (size_t al = 0; al < 16; al++) {
			size_t n = lengths[li];
			if (n + 32 > AREA)
				continue;
			/* Non-zero bytes, including high-bit ones, then NUL. */
			for (size_t i = 0; i < n; i++)
				a[al + i] = (char)(1 + (i * 37 + al) % 255);
			a[al + n] = 0;
			a[al + n + 1] = 'x'; /* garbage past the end must not matter */
			char *s = a + al;
			check(strlen(s) == n, "strlen", n, al);
			check(strnlen(s, n / 2) == n / 2, "strnlen", n, al);

			char *d = b + (al * 3) % 16;
			memset(b, 0x55, n + 40);
			char *r = strcpy(d, s);
			check(r == d && memcmp(d, s, n + 1) == 0 && d[n + 1] == 0x55, "strcpy", n, al);
			check(strcmp(d, s) == 0, "strcmp equal", n, al);
			if (n > 0) {
				d[n - 1] = (char)(d[n - 1] == 1 ? 2 : 1);
				int c = strcmp(d, s);
				int want = (unsigned char)d[n - 1] > (unsigned char)s[n - 1] ? 1 : -1;
				check((c > 0) - (c < 0) == want, "strcmp sign", n, al);
				check(strncmp(d, s, n - 1) == 0, "strncmp", n, al);
				d[n - 1] = s[n - 1];
			}
			/* strchr: the first occurrence, the terminator, and absence. */
			char needle = n ? s[n / 2] : 'q';
			char *want = NULL;
			for (size_t i = 0; i <= n; i++)
				if (s[i] == needle) {
					want = s + i;
					break;
				}
			check(strchr(s, needle) == want, "strchr", n, al);
			check(strchr(s, 0) == s + n, "strchr nul", n, al);
			check(strrchr(s, needle) == (n ? memrchr(s, needle, n) : NULL), "strrchr", n, al);
			check(memchr(s, needle, n) == (n ? want : NULL), "memchr", n, al);
			h = hash_u64(h, ref_strlen(s));
			h = hash_u64(h, want ? (uint64_t)(want - s) : ~0ull);
		}
	/* strstr, strspn, strtok, strdup on a fixed sentence. */
	char text[] = "the quick brown fox jumps over the lazy dog; the end";
	printf("strstr %td %d\n", strstr(text, "the lazy") - text, strstr(text, "cat") == NULL);
	printf("strspn %zu strcspn %zu\n", strspn(text, "the "), strcspn(text, ";"));
	char *dup = strdup(text), *save = NULL;
	for (char *tok = strtok_r(dup, " ;", &save); tok; tok = strtok_r(NULL, " ;", &save))
		h = hash_bytes(h, tok, strlen(tok));
	free(dup);
	REPORT("str", h);
}

int main(void)
{
	test_mem();
	test_str();
	printf("mismatches %lu\n", mismatches);
	return mismatches != 0;
}
