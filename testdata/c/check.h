/* check.h — helpers shared by ferry's guest test programs.
 *
 * The programs print hashes of many results rather than every value: one
 * differing bit anywhere changes the line of the category it belongs to,
 * and the output stays small. Inputs come from a fixed-seed generator so
 * every run computes the same thing. */
#ifndef FERRY_CHECK_H
#define FERRY_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* FNV-1a over bytes. */
static inline uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

#define HASH_INIT 0xcbf29ce484222325ull

/* Mix one 64-bit value into a running hash. */
static inline uint64_t hash_u64(uint64_t h, uint64_t v)
{
	return hash_bytes(h, &v, sizeof v);
}

/* xorshift64*: a fixed, portable sequence. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static inline uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static inline void rng_seed(uint64_t s)
{
	rng_state = s ? s : 1;
}

#define REPORT(name, h) printf("%-16s %016llx\n", (name), (unsigned long long)(h))

#endif
