/* intarray.c — integer array code: prefix sums, a histogram, a merge sort
 * written out (no libc), binary searches into the sorted array, a 2-D
 * integer stencil and a longest-increasing-subsequence by patience
 * sorting, over arrays of SIZE elements (argv[1]), ROUNDS times (argv[2]).
 * GCC -O2 vectorizes some of the simple loops (add/cmp on .4s lanes,
 * paddd/pcmpgtd on x86-64); the rest is loads, stores, compares and
 * branches on 32- and 64-bit integers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x853c49e6748fea9bull;
static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static uint64_t h = 0xcbf29ce484222325ull;
static void mix(uint64_t v)
{
	h ^= v;
	h *= 0x100000001b3ull;
}

static void merge_sort(int32_t *a, int32_t *tmp, size_t n)
{
	/* Bottom-up, so the recursion depth does not depend on n. */
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, n * sizeof *a);
	}
}

/* Index of the first element >= key. */
static size_t lower_bound(const int32_t *a, size_t n, int32_t key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t lis(const int32_t *a, size_t n, int32_t *tails)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		size_t p = lower_bound(tails, len, a[i]);
		tails[p] = a[i];
		if (p == len)
			len++;
	}
	return len;
}

#define W 256
static int32_t grid[2][W][W];

static void stencil(int steps)
{
	for (int s = 0; s < steps; s++) {
		int32_t (*from)[W] = grid[s & 1], (*to)[W] = grid[!(s & 1)];
		for (int y = 1; y < W - 1; y++)
			for (int x = 1; x < W - 1; x++)
				to[y][x] = (from[y - 1][x] + from[y + 1][x] + from[y][x - 1] + from[y][x + 1] -
					    4 * from[y][x]) / 8 + from[y][x];
	}
}

int main(int argc, char **argv)
{
	long size = argc > 1 ? atol(argv[1]) : 100000;
	int rounds = argc > 2 ? atoi(argv[2]) : 1;
	if (size < 2 || size > 1 << 26 || rounds < 1) {
		fprintf(stderr, "usage: intarray [SIZE [ROUNDS]]\n");
		return 2;
	}
	size_t n = (size_t)size;
	int32_t *a = malloc(n * sizeof *a), *sorted = malloc(n * sizeof *a), *tmp = malloc(n * sizeof *a);
	int64_t *prefix = malloc(n * sizeof *prefix);
	for (int r = 0; r < rounds; r++) {
		for (size_t i = 0; i < n; i++)
			a[i] = (int32_t)(rng() % 1000000) - 500000;

		int64_t sum = 0;
		for (size_t i = 0; i < n; i++)
			prefix[i] = sum += a[i];
		mix((uint64_t)prefix[n - 1]);
		mix((uint64_t)prefix[n / 2]);

		uint32_t hist[256] = { 0 };
		for (size_t i = 0; i < n; i++)
			hist[(uint32_t)a[i] >> 24 ^ ((uint32_t)a[i] & 0xff)]++;
		for (int b = 0; b < 256; b++)
			mix(hist[b]);

		int64_t clamp = 0;
		for (size_t i = 0; i < n; i++)
			clamp += a[i] < -1000 ? -1000 : a[i] > 1000 ? 1000 : a[i];
		mix((uint64_t)clamp);

		memcpy(sorted, a, n * sizeof *a);
		merge_sort(sorted, tmp, n);
		for (size_t i = 1; i < n; i++)
			if (sorted[i - 1] > sorted[i]) {
				printf("merge sort out of order at %zu\n", i);
				return 1;
			}
		uint64_t found = 0;
		for (size_t i = 0; i < n; i++)
			found += lower_bound(sorted, n, a[(i * 7919) % n] + (int32_t)(i & 1));
		mix(found);

		mix(lis(a, n, tmp));

		for (int y = 0; y < W; y++)
			for (int x = 0; x < W; x++)
				grid[0][y][x] = grid[1][y][x] = a[(size_t)(y * W + x) % n] / 64;
		stencil(16);
		for (int y = 0; y < W; y += 17)
			for (int x = 0; x < W; x += 13)
				mix((uint64_t)grid[0][y][x]);
	}
	printf("size %ld rounds %d checksum %016llx\n", size, rounds, (unsigned long long)h);
	free(a);
	free(sorted);
	free(tmp);
	free(prefix);
	return 0;
}
