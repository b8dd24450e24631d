/* sortmem.c — qsort/bsearch over several element types and comparison
 * functions (indirect calls from libc back into the program), and a malloc
 * stress: thousands of interleaved malloc/realloc/free of sizes from a few
 * bytes to the mmap threshold, each block filled with a pattern and checked
 * before it is released. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_i32_desc(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (y > x) - (y < x);
}

struct record {
	char name[12];
	uint16_t key;
	double weight;
};

static int cmp_record(const void *a, const void *b)
{
	const struct record *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sorting(void)
{
	enum { N = 10000 };
	uint64_t *u = malloc(N * sizeof *u);
	int32_t *s = malloc(N * sizeof *s);
	for (int i = 0; i < N; i++) {
		u[i] = rng();
		s[i] = (int32_t)(rng() % 2001) - 1000;
	}
	qsort(u, N, sizeof *u, cmp_u64);
	qsort(s, N, sizeof *s, cmp_i32_desc);
	int sorted = 1;
	for (int i = 1; i < N; i++)
		sorted &= u[i - 1] <= u[i] && s[i - 1] >= s[i];
	printf("sorted %d\n", sorted);
	REPORT("qsort_u64", hash_bytes(HASH_INIT, u, N * sizeof *u));
	REPORT("qsort_i32", hash_bytes(HASH_INIT, s, N * sizeof *s));

	int found = 0, exact = 0;
	for (int i = 0; i < 5000; i++) {
		uint64_t key = (i & 1) ? u[rng() % N] : rng();
		uint64_t *p = bsearch(&key, u, N, sizeof *u, cmp_u64);
		found += p != NULL;
		exact += p != NULL && *p == key;
	}
	printf("bsearch found %d exact %d\n", found, exact);

	enum { R = 3000 };
	struct record *r = calloc(R, sizeof *r);
	for (int i = 0; i < R; i++) {
		snprintf(r[i].name, sizeof r[i].name, "n%07llu", (unsigned long long)(rng() % 10000000));
		r[i].key = (uint16_t)(rng() % 50);
		r[i].weight = (double)i / 7.0;
	}
	qsort(r, R, sizeof *r, cmp_record);
	uint64_t h = HASH_INIT;
	for (int i = 0; i < R; i++) {
		h = hash_bytes(h, r[i].name, strlen(r[i].name));
		h = hash_u64(h, r[i].key);
		h = hash_bytes(h, &r[i].weight, sizeof r[i].weight);
	}
	REPORT("qsort_records", h);

	char *words[256];
	for (int i = 0; i < 256; i++) {
		words[i] = malloc(16);
		snprintf(words[i], 16, "w%llx", (unsigned long long)(rng() & 0xfffff));
	}
	qsort(words, 256, sizeof words[0], cmp_str);
	h = HASH_INIT;
	for (int i = 0; i < 256; i++) {
		h = hash_bytes(h, words[i], strlen(words[i]));
		free(words[i]);
	}
	REPORT("qsort_strings", h);
	free(u);
	free(s);
	free(r);
}

/* Blocks are filled and checked a word at a time (plus a byte tail):
 * byte loops over megabytes would dominate the run time under the
 * interpreter without testing anything more. */
static uint64_t pattern_word(unsigned tag, size_t i)
{
	return (uint64_t)tag * 0x9e3779b97f4a7c15ull ^ i;
}

static void fill_block(unsigned char *p, size_t n, unsigned tag)
{
	size_t words = n / 8;
	for (size_t i = 0; i < words; i++)
		memcpy(p + 8 * i, &(uint64_t){ pattern_word(tag, i) }, 8);
	for (size_t i = words * 8; i < n; i++)
		p[i] = (unsigned char)tag;
}

/* block_ok checks the whole words among the first n bytes of a block
 * filled for a size >= n. */
static int block_ok(const unsigned char *p, size_t n, unsigned tag)
{
	size_t words = n / 8;
	for (size_t i = 0; i < words; i++) {
		uint64_t w;
		memcpy(&w, p + 8 * i, 8);
		if (w != pattern_word(tag, i))
			return 0;
	}
	return 1;
}

static void malloc_stress(void)
{
	enum { SLOTS = 256, ROUNDS = 5000 };
	static unsigned char *blocks[SLOTS];
	static size_t sizes[SLOTS];
	static unsigned tags[SLOTS];
	unsigned long corrupt = 0, allocs = 0, reallocs = 0, frees = 0;
	uint64_t bytes = 0;
	for (unsigned round = 0; round < ROUNDS; round++) {
		unsigned slot = (unsigned)(rng() % SLOTS);
		uint64_t r = rng();
		/* Mostly small sizes, some medium, a few above the mmap threshold
		 * (128 KiB by default). */
		size_t size = (r & 0x3f) < 48 ? (r >> 8) % 256 : (r & 0x3f) < 62 ? (r >> 8) % 16384
										   : 131072 + (r >> 8) % 40000;
		if (!blocks[slot]) {
			blocks[slot] = malloc(size);
			sizes[slot] = size;
			tags[slot] = round;
			fill_block(blocks[slot], size, round);
			allocs++;
			bytes += size;
		} else if (r & 0x10000) {
			corrupt += !block_ok(blocks[slot], sizes[slot], tags[slot]);
			unsigned char *p = realloc(blocks[slot], size);
			if (size && !p) {
				printf("realloc failed\n");
				exit(1);
			}
			size_t keep = size < sizes[slot] ? size : sizes[slot];
			/* realloc keeps the common prefix. */
			corrupt += size && !block_ok(p, keep, tags[slot]);
			blocks[slot] = size ? p : NULL;
			if (size) {
				sizes[slot] = size;
				tags[slot] = round;
				fill_block(p, size, round);
			}
			reallocs++;
		} else {
			corrupt += !block_ok(blocks[slot], sizes[slot], tags[slot]);
			free(blocks[slot]);
			blocks[slot] = NULL;
			frees++;
		}
	}
	for (unsigned slot = 0; slot < SLOTS; slot++) {
		if (blocks[slot])
			corrupt += !block_ok(blocks[slot], sizes[slot], tags[slot]);
		free(blocks[slot]);
	}
	printf("malloc: %lu allocs %lu reallocs %lu frees %llu bytes, %lu corrupt\n", allocs,
	       reallocs, frees, (unsigned long long)bytes, corrupt);

	/* calloc must return zeroed memory even when recycling dirty blocks. */
	unsigned long nonzero = 0;
	for (int i = 0; i < 100; i++) {
		size_t n = 1 + (size_t)(rng() % 20000);
		unsigned char *p = calloc(n, 1);
		for (size_t k = 0; k < n; k++)
			nonzero += p[k] != 0;
		memset(p, 0xab, n);
		free(p);
	}
	printf("calloc nonzero bytes %lu\n", nonzero);
}

int main(void)
{
	sorting();
	malloc_stress();
	return 0;
}
