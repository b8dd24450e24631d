// smc: code a program writes and then runs must run as written now, the
// way arm64 JITs (V8, HotSpot, LuaJIT) and loaders make code: written
// through plain RWX pages, through a second writable view of a memfd
// (W^X dual mapping), and by mprotect RW -> RX, each followed by the
// architected cache maintenance (__builtin___clear_cache: DC CVAU, DSB,
// IC IVAU, DSB, ISB). Code rewritten in place in a loop, and code written
// by one thread and run by another (after IC IVAU on the writer and an ISB
// on the runner), must always give the new result. Every check is
// against the value the code just written computes, and the program
// prints only counts of wrong results, so its expected output is fixed.
// arm64 only. qemu-aarch64 (7.2) is not the oracle: it write-protects the
// pages it translated, which a write through the other view of a dual
// mapping does not touch, and it ignores IC IVAU, so it runs stale code
// there (the Arm ARM: IC IVAU of the executed address makes the new
// instructions visible after the ISB).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef uint64_t (*fn_t)(uint64_t);

// emit writes "x0 = x0 * k + c; ret" (MOVZ x1,#k; MOVZ x2,#c; MADD x0,x0,x1,x2; RET).
static void emit(uint32_t *p, uint16_t k, uint16_t c)
{
	p[0] = 0xd2800001u | (uint32_t)k << 5;
	p[1] = 0xd2800002u | (uint32_t)c << 5;
	p[2] = 0x9b010800u;
	p[3] = 0xd65f03c0u;
}

static void flush(void *p, size_t n) { __builtin___clear_cache((char *)p, (char *)p + n); }

static pthread_barrier_t bar;
static uint32_t *shared_code;
static uint64_t thread_results[64];

static void *runner(void *arg)
{
	(void)arg;
	for (int i = 0; i < 64; i++) {
		pthread_barrier_wait(&bar); // the writer has written and flushed
		__asm__ volatile("isb" ::: "memory");
		thread_results[i] = ((fn_t)shared_code)(10);
		pthread_barrier_wait(&bar);
	}
	return NULL;
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);

	// 1. Plain RWX memory, rewritten in place 1000 times; every call
	// runs the current code (the translator cannot cache across writes).
	uint32_t *rwx = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rwx == MAP_FAILED) {
		perror("mmap rwx");
		return 1;
	}
	uint64_t wrong = 0;
	for (int i = 0; i < 1000; i++) {
		emit(rwx, (uint16_t)(i % 7 + 1), (uint16_t)i);
		flush(rwx, 16);
		uint64_t r = ((fn_t)rwx)(3);
		wrong += r != (uint64_t)(3 * (i % 7 + 1) + i);
	}
	printf("rwx rewrite loop: wrong %llu of 1000\n", (unsigned long long)wrong);

	// Two functions on one page, only one rewritten: the other keeps
	// working (and its translation may survive).
	emit(rwx, 2, 1);
	emit(rwx + 16, 3, 0);
	flush(rwx, 128);
	uint64_t a = ((fn_t)rwx)(5), b = ((fn_t)(rwx + 16))(5);
	emit(rwx + 16, 4, 4);
	flush(rwx + 16, 16);
	uint64_t a2 = ((fn_t)rwx)(5), b2 = ((fn_t)(rwx + 16))(5);
	printf("same page: wrong %d of 4\n", (a != 11) + (b != 15) + (a2 != 11) + (b2 != 24));

	// 2. W^X through a memfd mapped twice: written through the RW view,
	// run through the RX view, which is what is flushed.
	int fd = memfd_create("jit", 0);
	if (fd < 0 || ftruncate(fd, page) != 0) {
		perror("memfd");
		return 1;
	}
	uint32_t *w = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	uint32_t *x = mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	if (w == MAP_FAILED || x == MAP_FAILED) {
		perror("mmap dual");
		return 1;
	}
	wrong = 0;
	for (int i = 0; i < 200; i++) {
		emit(w, 5, (uint16_t)(i * 3));
		flush(x, 16);
		wrong += ((fn_t)x)(i) != (uint64_t)(8 * i);
	}
	printf("dual mapping: wrong %llu of 200\n", (unsigned long long)wrong);

	// 3. mprotect RW -> RX -> RW -> RX.
	uint32_t *m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	wrong = 0;
	for (int i = 0; i < 50; i++) {
		mprotect(m, page, PROT_READ | PROT_WRITE);
		emit(m, 9, (uint16_t)i);
		mprotect(m, page, PROT_READ | PROT_EXEC);
		flush(m, 16);
		wrong += ((fn_t)m)(2) != (uint64_t)(18 + i);
	}
	printf("mprotect toggling: wrong %llu of 50\n", (unsigned long long)wrong);

	// 4. Written by this thread, run by another.
	shared_code = rwx + 64;
	pthread_barrier_init(&bar, NULL, 2);
	pthread_t t;
	pthread_create(&t, NULL, runner, NULL);
	for (int i = 0; i < 64; i++) {
		emit(shared_code, (uint16_t)(i + 1), 7);
		flush(shared_code, 16);
		pthread_barrier_wait(&bar);
		pthread_barrier_wait(&bar);
	}
	pthread_join(t, NULL);
	wrong = 0;
	for (int i = 0; i < 64; i++)
		wrong += thread_results[i] != (uint64_t)(10 * (i + 1) + 7);
	printf("cross-thread: wrong %llu of 64\n", (unsigned long long)wrong);
	return 0;
}
