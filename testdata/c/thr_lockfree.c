/* thr_lockfree.c — lock-free data structures under 8 threads, checked
 * exactly.
 *
 * A bounded multi-producer multi-consumer queue (Vyukov's: a ring of
 * cells with sequence numbers, C11 atomics) moves 4 x N values from 4
 * producers to 4 consumers: every value arrives exactly once, and each
 * consumer sees each producer's values in increasing order. Then shared
 * counters through fetch_add/sub, exchange, fetch_or/and/xor and CAS
 * loops, and a 16-byte pair updated with a 128-bit CAS (LDXP/STXP, or
 * CASP with LSE; CMPXCHG16B natively) whose halves must never be seen
 * torn.
 *
 * Built for armv8-a with -mno-outline-atomics, so every read-modify-write
 * is an LDXR/STXR (LDAXR/STLXR) loop; thr_lockfree_lse is the same source
 * built for armv8.1-a, where they are LSE instructions (LDADD, SWP, CAS,
 * CASP, LDSET, LDCLR, LDEOR). */
#include "pm.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#define PRODUCERS 4
#define CONSUMERS 4
#define PER_PRODUCER 40000
#define QSIZE 64 /* a power of two */

struct cell {
	atomic_size_t seq;
	long value;
};

static struct cell ring[QSIZE];
static atomic_size_t enq_pos, dequeue_pos;

static int try_enqueue(long v)
{
	size_t pos = atomic_load_explicit(&enq_pos, memory_order_relaxed);
	for (;;) {
		struct cell *c = &ring[pos & (QSIZE - 1)];
		size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
		intptr_t dif = (intptr_t)seq - (intptr_t)pos;
		if (dif == 0) {
			if (atomic_compare_exchange_weak_explicit(&enq_pos, &pos, pos + 1, memory_order_relaxed,
								  memory_order_relaxed)) {
				c->value = v;
				atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
				return 1;
			}
		} else if (dif < 0) {
			return 0; /* full */
		} else {
			pos = atomic_load_explicit(&enq_pos, memory_order_relaxed);
		}
	}
}

static int try_dequeue(long *v)
{
	size_t pos = atomic_load_explicit(&dequeue_pos, memory_order_relaxed);
	for (;;) {
		struct cell *c = &ring[pos & (QSIZE - 1)];
		size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
		intptr_t dif = (intptr_t)seq - (intptr_t)(pos + 1);
		if (dif == 0) {
			if (atomic_compare_exchange_weak_explicit(&dequeue_pos, &pos, pos + 1, memory_order_relaxed,
								  memory_order_relaxed)) {
				*v = c->value;
				atomic_store_explicit(&c->seq, pos + QSIZE, memory_order_release);
				return 1;
			}
		} else if (dif < 0) {
			return 0; /* empty */
		} else {
			pos = atomic_load_explicit(&dequeue_pos, memory_order_relaxed);
		}
	}
}

static atomic_long total_taken;
static atomic_long sum_taken;
static atomic_int order_bad;
static unsigned char seen[PRODUCERS][PER_PRODUCER];
static atomic_int dup_bad;

static void backoff(int *spins)
{
	if (++*spins > 64) {
		sched_yield();
		*spins = 0;
	}
}

static void *producer(void *arg)
{
	long p = (long)(uintptr_t)arg;
	for (long i = 0; i < PER_PRODUCER; i++) {
		int spins = 0;
		while (!try_enqueue(p << 32 | i))
			backoff(&spins);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	long last[PRODUCERS] = { -1, -1, -1, -1 };
	int spins = 0;
	while (atomic_load(&total_taken) < (long)PRODUCERS * PER_PRODUCER) {
		long v;
		if (!try_dequeue(&v)) {
			backoff(&spins);
			continue;
		}
		spins = 0;
		int p = (int)(v >> 32);
		long i = v & 0xffffffff;
		if (p < 0 || p >= PRODUCERS || i >= PER_PRODUCER) {
			atomic_fetch_add(&order_bad, 1);
		} else {
			if (i <= last[p])
				atomic_fetch_add(&order_bad, 1);
			last[p] = i;
			if (seen[p][i]++)
				atomic_fetch_add(&dup_bad, 1);
		}
		atomic_fetch_add(&sum_taken, i);
		atomic_fetch_add(&total_taken, 1);
	}
	return NULL;
}

/* ---- counters ---- */

#define THREADS 8
#define OPS 20000

static atomic_long c_add, c_sub, c_cas;
static atomic_uint c_bits_or, c_bits_and, c_bits_xor;
static atomic_long c_xchg;
static atomic_long xchg_sum;
static atomic_int c_add32;
static atomic_short c_add16;
static atomic_uchar c_add8;

static void *counter_worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	long my_xchg = 0;
	for (int i = 0; i < OPS; i++) {
		atomic_fetch_add(&c_add, 3);
		atomic_fetch_sub_explicit(&c_sub, 2, memory_order_relaxed);
		atomic_fetch_add_explicit(&c_add32, 1, memory_order_acq_rel);
		atomic_fetch_add(&c_add16, 1);
		atomic_fetch_add(&c_add8, 1);
		long old = atomic_load_explicit(&c_cas, memory_order_relaxed);
		while (!atomic_compare_exchange_weak(&c_cas, &old, old * 3 % 1000003 + 1)) {
		}
		/* Exchange: the values handed around are conserved. */
		my_xchg += atomic_exchange(&c_xchg, (long)(id * OPS + i + 1));
		if (i < 32 && (i & 7) == (int)id % 8)
			atomic_fetch_or(&c_bits_or, 1u << i);
		if (i < 32 && i % THREADS == (int)id)
			atomic_fetch_and(&c_bits_and, ~(1u << i));
		atomic_fetch_xor(&c_bits_xor, 1u << (id * 4 + (i % 3)));
	}
	atomic_fetch_add(&xchg_sum, my_xchg);
	return NULL;
}

/* ---- 128-bit pair ---- */

typedef unsigned __int128 u128;
static u128 pair __attribute__((aligned(16)));
static atomic_int torn;
/* Not static, so the compiler cannot fold it: GCC 12 fails on a CASP
 * with constant operands. */
u128 pair_seed;

/* A failed CAS may return a torn value: on armv8.0 LDXP is single-copy
 * atomic only together with a successful STXP, and GCC 12's failure path
 * stores nothing. So only the values a successful CAS confirmed (and the
 * final one) are checked. */
static void *pair_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < OPS / 4; i++) {
		u128 old = __sync_val_compare_and_swap(&pair, pair_seed, pair_seed);
		for (;;) {
			uint64_t lo = (uint64_t)old;
			u128 nv = (u128)((lo + 1) * 7) << 64 | (lo + 1);
			u128 seen_v = __sync_val_compare_and_swap(&pair, old, nv);
			if (seen_v == old) {
				if ((uint64_t)(old >> 64) != lo * 7)
					atomic_fetch_add(&torn, 1);
				break;
			}
			old = seen_v;
		}
	}
	return NULL;
}

int main(void)
{
	for (size_t i = 0; i < QSIZE; i++)
		atomic_store(&ring[i].seq, i);
	pthread_t t[THREADS];
	for (int i = 0; i < CONSUMERS; i++)
		CHECK_RC(pthread_create(&t[i], NULL, consumer, NULL), 0);
	for (int i = 0; i < PRODUCERS; i++)
		CHECK_RC(pthread_create(&t[CONSUMERS + i], NULL, producer, (void *)(uintptr_t)i), 0);
	for (int i = 0; i < THREADS; i++)
		CHECK_RC(pthread_join(t[i], NULL), 0);
	long missing = 0;
	for (int p = 0; p < PRODUCERS; p++)
		for (int i = 0; i < PER_PRODUCER; i++)
			missing += !seen[p][i];
	printf("mpmc queue: %ld values, sum %s, missing %ld, duplicated %d, out of order %d\n",
	       atomic_load(&total_taken),
	       atomic_load(&sum_taken) == (long)PRODUCERS * PER_PRODUCER * (PER_PRODUCER - 1) / 2 ? "ok" : "WRONG",
	       missing, atomic_load(&dup_bad), atomic_load(&order_bad));

	atomic_store(&c_bits_and, ~0u);
	for (int i = 0; i < THREADS; i++)
		CHECK_RC(pthread_create(&t[i], NULL, counter_worker, (void *)(uintptr_t)i), 0);
	for (int i = 0; i < THREADS; i++)
		CHECK_RC(pthread_join(t[i], NULL), 0);
	printf("fetch_add %ld fetch_sub %ld add32 %d add16 %d add8 %d\n", atomic_load(&c_add), atomic_load(&c_sub),
	       atomic_load(&c_add32), atomic_load(&c_add16), atomic_load(&c_add8));
	/* The CAS chain applied THREADS*OPS times in some order is the same
	 * sequence whatever the interleaving: each step maps one value to
	 * the next. */
	long want = 0;
	for (int i = 0; i < THREADS * OPS; i++)
		want = want * 3 % 1000003 + 1;
	printf("cas chain %s\n", atomic_load(&c_cas) == want ? "ok" : "WRONG");
	long all = 0;
	for (long v = 1; v <= (long)THREADS * OPS; v++)
		all += v;
	printf("exchange conserves values: %s\n", xchg_sum + atomic_load(&c_xchg) == all ? "ok" : "WRONG");
	printf("or %08x and %08x xor %08x\n", atomic_load(&c_bits_or), atomic_load(&c_bits_and),
	       atomic_load(&c_bits_xor));

	for (int i = 0; i < THREADS; i++)
		CHECK_RC(pthread_create(&t[i], NULL, pair_worker, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		CHECK_RC(pthread_join(t[i], NULL), 0);
	printf("128-bit cas: lo %llu hi ok %d torn %d\n", (unsigned long long)(uint64_t)pair,
	       (uint64_t)(pair >> 64) == (uint64_t)pair * 7, atomic_load(&torn));
	return 0;
}
