/* matrix.c — auto-vectorized single-precision loops: a dense N×N matrix
 * product in i-k-j order and saxpy/scale passes, ROUNDS times (argv[1]).
 * GCC -O2 vectorizes the inner loops (fmul/fadd or fmla .4s on arm64,
 * mulps/addps on x86-64): the arrays are static and N is a compile-time
 * multiple of every vector length, so no alias checks or scalar tails
 * are needed.
 *
 * Every value is a small integer, so every product and partial sum is
 * exact in single precision: fused (arm64 FMLA) and unfused (x86 MULPS +
 * ADDPS) multiply-adds give identical bits, and the checksum is portable. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 128

static float a[N][N], b[N][N], c[N][N];
static float x[N * N], y[N * N];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* c = a·b. The largest sum is N·15·15 = 28800 < 2^24: exact. */
static void matmul(void)
{
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < N; j++)
			c[i][j] = 0;
		for (int k = 0; k < N; k++) {
			float aik = a[i][k];
			for (int j = 0; j < N; j++)
				c[i][j] += aik * b[k][j];
		}
	}
}

/* y = alpha·x + y over the flattened arrays. */
static void saxpy(float alpha)
{
	for (int i = 0; i < N * N; i++)
		y[i] = alpha * x[i] + y[i];
}

static void scale_add(float s)
{
	for (int i = 0; i < N * N; i++)
		x[i] = y[i] * s - x[i];
}

static uint64_t checksum(const float *v, int n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (int i = 0; i < n; i++) {
		h ^= (uint64_t)(int64_t)v[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 4;
	if (rounds < 0) {
		fprintf(stderr, "usage: matrix [ROUNDS]\n");
		return 2;
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			a[i][j] = (float)(rng() % 16);
			b[i][j] = (float)(rng() % 16);
		}
	uint64_t h = 0;
	for (int r = 0; r < rounds; r++) {
		matmul();
		h = h * 31 + checksum(&c[0][0], N * N);
		/* Feed the result back, reduced to 0..15, so each round differs. */
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++)
				a[i][j] = (float)(((int)c[i][j] + r) & 15);
		for (int i = 0; i < N * N; i++) {
			x[i] = (float)(((int)c[i / N][i % N] >> 4) & 15);
			y[i] = (float)(i & 7);
		}
		/* Still exact: x is reduced to 0..15 after every pass, so 8
		 * passes add at most 8·3·15 to y. */
		for (int p = 0; p < 8; p++) {
			saxpy((float)(p % 3 + 1));
			scale_add(p & 1 ? 1.0f : -1.0f);
			for (int i = 0; i < N * N; i++)
				x[i] = (float)((int)x[i] & 15);
		}
		h = h * 31 + checksum(y, N * N);
	}
	printf("rounds %d checksum %016llx\n", rounds, (unsigned long long)h);
	return 0;
}
