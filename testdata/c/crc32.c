/* crc32.c — the A64 CRC32 instructions (FEAT_CRC32) through arm_acle.h:
 * CRC32B/H/W/X and CRC32CB/H/W/X on random and edge data, checked against
 * a portable bitwise implementation of the same reflected CRCs, and the
 * AT_HWCAP bit that tells programs they may use them. arm64-specific: the
 * oracle is qemu-aarch64. */
#pragma GCC target("+crc")
#include <arm_acle.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>
#include "check.h"
/* HWCAP_CRC32 comes from <sys/auxv.h> (bits/hwcap.h). */


/* Bitwise reflected CRC-32 update of n bytes of v, no inversions: the
 * definition the instructions implement. */
static uint32_t crc_ref(uint32_t crc, uint64_t v, int n, uint32_t poly_reflected)
{
	for (int i = 0; i < n; i++) {
		crc ^= (uint8_t)(v >> (8 * i));
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (poly_reflected & (0u - (crc & 1)));
	}
	return crc;
}

#define IEEE 0xedb88320u
#define CASTAGNOLI 0x82f63b78u

int main(void)
{
	printf("hwcap crc32: %s\n", (getauxval(AT_HWCAP) & HWCAP_CRC32) ? "yes" : "no");

	/* The standard check values: CRC-32 and CRC-32C of "123456789". */
	const char *s = "123456789";
	uint32_t a = ~0u, c = ~0u;
	for (const char *p = s; *p; p++) {
		a = __crc32b(a, (uint8_t)*p);
		c = __crc32cb(c, (uint8_t)*p);
	}
	printf("crc32(\"%s\") = %08x  crc32c = %08x\n", s, ~a, ~c);

	uint64_t edges[] = {0, 1, 0x80, 0xff, 0x8000, 0xffff, 0x80000000, 0xffffffff,
	                    0x8000000000000000ull, ~0ull, 0x0123456789abcdefull};
	int mismatches = 0;
	uint64_t h = HASH_INIT;
	for (int i = 0; i < 4000; i++) {
		uint32_t acc = (uint32_t)rng();
		uint64_t v = i < 11 * 11 ? edges[i % 11] : rng();
		if (i < 11 * 11)
			acc = (uint32_t)edges[i / 11];
		uint32_t r[8] = {
			__crc32b(acc, (uint8_t)v), __crc32h(acc, (uint16_t)v),
			__crc32w(acc, (uint32_t)v), __crc32d(acc, v),
			__crc32cb(acc, (uint8_t)v), __crc32ch(acc, (uint16_t)v),
			__crc32cw(acc, (uint32_t)v), __crc32cd(acc, v),
		};
		for (int k = 0; k < 8; k++) {
			uint32_t want = crc_ref(acc, v, 1 << (k % 4), k < 4 ? IEEE : CASTAGNOLI);
			if (r[k] != want && mismatches++ < 5)
				printf("mismatch: op %d acc %08x val %016llx: %08x, want %08x\n", k, acc,
				       (unsigned long long)v, r[k], want);
			h = hash_u64(h, r[k]);
		}
	}
	REPORT("crc32 values", h);
	printf("mismatches: %d\n", mismatches);

	/* A whole buffer, 8 bytes at a time, as zlib-style code does. */
	static uint8_t buf[4099];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)rng();
	uint32_t crc = ~0u, crcc = ~0u;
	size_t i = 0;
	for (; i + 8 <= sizeof buf; i += 8) {
		uint64_t w;
		__builtin_memcpy(&w, buf + i, 8);
		crc = __crc32d(crc, w);
		crcc = __crc32cd(crcc, w);
	}
	for (; i < sizeof buf; i++) {
		crc = __crc32b(crc, buf[i]);
		crcc = __crc32cb(crcc, buf[i]);
	}
	printf("buffer crc32 %08x crc32c %08x\n", ~crc, ~crcc);
	return mismatches != 0;
}
