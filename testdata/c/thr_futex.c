/* thr_futex.c — futexes, raw and through glibc's synchronisation objects.
 *
 * Raw futex(2): WAIT with a stale value (EAGAIN), relative and absolute
 * timeouts on both clocks (ETIMEDOUT, and at least the timeout elapsed),
 * WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET/WAKE_BITSET, each with
 * and without FUTEX_PRIVATE_FLAG. The counts these operations return are
 * racy unless the waiters are known to be asleep, so before each count
 * the program waits until every waiter is queued, which a CMP_REQUEUE of
 * the word onto itself reports without disturbing anyone. (Waiters are
 * not parked by requeueing them from another word: a waiter that wakes
 * spuriously, which Linux 6.18 occasionally does, goes back to sleep on
 * the word it first waited on.)
 *
 * glibc: producer/consumer over a mutex and two condvars with many
 * threads; timed waits that must expire (cond_timedwait on CLOCK_REALTIME
 * and, through pthread_condattr_setclock, CLOCK_MONOTONIC,
 * pthread_cond_clockwait, mutex_timedlock, sem_timedwait/sem_clockwait,
 * rwlock_timedwrlock); error-checking and recursive mutexes; rwlocks;
 * spinlocks; and priority-inheritance mutexes under contention
 * (FUTEX_LOCK_PI/UNLOCK_PI/TRYLOCK_PI). */
#include "pm.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <sys/syscall.h>

static long futex(atomic_int *uaddr, int op, int val, const void *timeout_or_val2, atomic_int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

#define VAL2(n) ((const void *)(uintptr_t)(n))

/* Show a futex call's result: its value or its errno name. */
static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, ename(errno));
	else
		printf("%s: %ld\n", what, r);
}

/* ---- waiters ---- */

struct waiter {
	pthread_t t;
	atomic_int *word;
	int op;
	unsigned bitset;
	long ret;
	int err;
	atomic_int done;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	long r = futex(w->word, w->op, 0, NULL, NULL, (int)w->bitset);
	w->ret = r;
	w->err = r < 0 ? errno : 0;
	atomic_store(&w->done, 1);
	return NULL;
}

static void start_waiter(struct waiter *w, atomic_int *word, int op, unsigned bitset)
{
	w->word = word;
	w->op = op;
	w->bitset = bitset;
	w->ret = -2;
	atomic_store(&w->done, 0);
	CHECK_RC(pthread_create(&w->t, NULL, waiter_main, w), 0);
}

/* Wait until n waiters are queued on word. A CMP_REQUEUE of a word onto
 * itself moves nothing and wakes nobody, but returns how many waiters it
 * found: the count of sleepers on the word. */
static void sleepers(atomic_int *word, int n, int priv)
{
	int64_t deadline = now_ns(CLOCK_MONOTONIC) + 10 * 1000000000ll;
	for (;;) {
		long r = futex(word, FUTEX_CMP_REQUEUE | priv, 0, VAL2(INT_MAX), word, atomic_load(word));
		CHECK(r >= 0);
		if (r == n)
			return;
		CHECK(r < n);
		CHECK(now_ns(CLOCK_MONOTONIC) < deadline);
		sched_yield();
	}
}

/* Join a waiter that must have been woken; a waiter that was not would
 * hang the join, so wait for its flag with a deadline first. */
static void reap(struct waiter *w, const char *what)
{
	int64_t deadline = now_ns(CLOCK_MONOTONIC) + 10 * 1000000000ll;
	while (!atomic_load(&w->done)) {
		if (now_ns(CLOCK_MONOTONIC) > deadline) {
			printf("FAILED %s: a waiter that should have been woken was not\n", what);
			fflush(stdout);
			_exit(1);
		}
		sched_yield();
	}
	CHECK_RC(pthread_join(w->t, NULL), 0);
	if (w->ret != 0) {
		printf("FAILED %s: woken waiter returned %ld (%s)\n", what, w->ret, ename(w->err));
		fflush(stdout);
		_exit(1);
	}
}

static int done_count(struct waiter *w, int n)
{
	int c = 0;
	for (int i = 0; i < n; i++)
		c += atomic_load(&w[i].done);
	return c;
}

static void raw_futex_tests(int priv, const char *tag)
{
	char name[96];
	static atomic_int s, t, u, a, b;
	atomic_store(&s, 0);

	/* A stale value: EAGAIN at once. */
	atomic_store(&t, 1);
	snprintf(name, sizeof name, "%s wait on changed value", tag);
	show(name, futex(&t, FUTEX_WAIT | priv, 0, NULL, NULL, 0));
	snprintf(name, sizeof name, "%s wake with no waiters", tag);
	show(name, futex(&t, FUTEX_WAKE | priv, INT_MAX, NULL, NULL, 0));

	/* Timeouts. FUTEX_WAIT's is relative (CLOCK_MONOTONIC);
	 * FUTEX_WAIT_BITSET's absolute, on CLOCK_MONOTONIC unless
	 * FUTEX_CLOCK_REALTIME. */
	atomic_store(&t, 0);
	struct timespec rel = { 0, 30 * 1000000 };
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	long r = futex(&t, FUTEX_WAIT | priv, 0, &rel, NULL, 0);
	int64_t el = now_ns(CLOCK_MONOTONIC) - t0;
	snprintf(name, sizeof name, "%s wait relative 30ms", tag);
	show(name, r);
	printf("  elapsed >= 30ms: %d\n", el >= 30 * 1000000);

	struct timespec abs = ts_after(CLOCK_MONOTONIC, 30 * 1000000);
	t0 = now_ns(CLOCK_MONOTONIC);
	r = futex(&t, FUTEX_WAIT_BITSET | priv, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY);
	el = now_ns(CLOCK_MONOTONIC) - t0;
	snprintf(name, sizeof name, "%s wait_bitset absolute monotonic", tag);
	show(name, r);
	printf("  deadline passed: %d, elapsed >= 25ms: %d\n",
	       now_ns(CLOCK_MONOTONIC) >= (int64_t)abs.tv_sec * 1000000000 + abs.tv_nsec, el >= 25 * 1000000);

	abs = ts_after(CLOCK_REALTIME, 30 * 1000000);
	r = futex(&t, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | priv, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY);
	snprintf(name, sizeof name, "%s wait_bitset absolute realtime", tag);
	show(name, r);
	printf("  deadline passed: %d\n",
	       now_ns(CLOCK_REALTIME) >= (int64_t)abs.tv_sec * 1000000000 + abs.tv_nsec);

	struct timespec bad = { 0, 1000000000 };
	snprintf(name, sizeof name, "%s wait with tv_nsec 1e9", tag);
	show(name, futex(&t, FUTEX_WAIT | priv, 0, &bad, NULL, 0));
	snprintf(name, sizeof name, "%s wait_bitset with bitset 0", tag);
	show(name, futex(&t, FUTEX_WAIT_BITSET | priv, 0, NULL, NULL, 0));
	snprintf(name, sizeof name, "%s wake_bitset with bitset 0", tag);
	show(name, futex(&t, FUTEX_WAKE_BITSET | priv, 1, NULL, NULL, 0));

	/* Exact WAKE counts. */
	struct waiter w[6];
	for (int i = 0; i < 6; i++)
		start_waiter(&w[i], &t, FUTEX_WAIT | priv, 0);
	sleepers(&t, 6, priv);
	snprintf(name, sizeof name, "%s wake 1 of 6", tag);
	show(name, futex(&t, FUTEX_WAKE | priv, 1, NULL, NULL, 0));
	snprintf(name, sizeof name, "%s wake 2 of 5", tag);
	show(name, futex(&t, FUTEX_WAKE | priv, 2, NULL, NULL, 0));
	snprintf(name, sizeof name, "%s wake all of 3", tag);
	show(name, futex(&t, FUTEX_WAKE | priv, INT_MAX, NULL, NULL, 0));
	snprintf(name, sizeof name, "%s wake none left", tag);
	show(name, futex(&t, FUTEX_WAKE | priv, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 6; i++)
		reap(&w[i], "wake");

	/* CMP_REQUEUE with a stale value; REQUEUE waking one and moving
	 * two of four (it returns woken + requeued). */
	snprintf(name, sizeof name, "%s cmp_requeue on changed value", tag);
	show(name, futex(&s, FUTEX_CMP_REQUEUE | priv, 1, VAL2(1), &t, 5));
	for (int i = 0; i < 4; i++)
		start_waiter(&w[i], &t, FUTEX_WAIT | priv, 0);
	sleepers(&t, 4, priv);
	snprintf(name, sizeof name, "%s requeue wake 1 move 2", tag);
	show(name, futex(&t, FUTEX_REQUEUE | priv, 1, VAL2(2), &u, 0));
	int64_t deadline = now_ns(CLOCK_MONOTONIC) + 10 * 1000000000ll;
	while (done_count(w, 4) < 1)
		CHECK(now_ns(CLOCK_MONOTONIC) < deadline);
	snprintf(name, sizeof name, "%s wake rest of t", tag);
	show(name, futex(&t, FUTEX_WAKE | priv, INT_MAX, NULL, NULL, 0));
	snprintf(name, sizeof name, "%s wake requeued on u", tag);
	show(name, futex(&u, FUTEX_WAKE | priv, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 4; i++)
		reap(&w[i], "requeue");

	/* WAKE_OP: *b += 1, wake one on a, and one on b if the old *b was 0. */
	atomic_store(&b, 0);
	for (int i = 0; i < 2; i++)
		start_waiter(&w[i], &a, FUTEX_WAIT | priv, 0);
	for (int i = 2; i < 4; i++)
		start_waiter(&w[i], &b, FUTEX_WAIT | priv, 0);
	sleepers(&a, 2, priv);
	sleepers(&b, 2, priv);
	int op = FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0);
	snprintf(name, sizeof name, "%s wake_op, old value matches", tag);
	show(name, futex(&a, FUTEX_WAKE_OP | priv, 1, VAL2(1), &b, op));
	printf("  b now %d\n", atomic_load(&b));
	snprintf(name, sizeof name, "%s wake_op, old value differs", tag);
	show(name, futex(&a, FUTEX_WAKE_OP | priv, 1, VAL2(1), &b, op));
	printf("  b now %d\n", atomic_load(&b));
	snprintf(name, sizeof name, "%s wake rest of b", tag);
	show(name, futex(&b, FUTEX_WAKE | priv, INT_MAX, NULL, NULL, 0));
	snprintf(name, sizeof name, "%s wake rest of a", tag);
	show(name, futex(&a, FUTEX_WAKE | priv, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 4; i++)
		reap(&w[i], "wake_op");

	/* WAKE_BITSET wakes only waiters whose bitset matches. */
	for (int i = 0; i < 4; i++)
		start_waiter(&w[i], &t, FUTEX_WAIT_BITSET | priv, 1u << i);
	sleepers(&t, 4, priv);
	snprintf(name, sizeof name, "%s wake_bitset 0x5", tag);
	show(name, futex(&t, FUTEX_WAKE_BITSET | priv, INT_MAX, NULL, NULL, 0x5));
	reap(&w[0], "wake_bitset");
	reap(&w[2], "wake_bitset");
	snprintf(name, sizeof name, "%s wake_bitset 0x2", tag);
	show(name, futex(&t, FUTEX_WAKE_BITSET | priv, INT_MAX, NULL, NULL, 0x2));
	reap(&w[1], "wake_bitset");
	printf("  waiter 3 still asleep: %d\n", !atomic_load(&w[3].done));
	snprintf(name, sizeof name, "%s wake_bitset any", tag);
	show(name, futex(&t, FUTEX_WAKE_BITSET | priv, INT_MAX, NULL, NULL, (int)FUTEX_BITSET_MATCH_ANY));
	reap(&w[3], "wake_bitset");
}

/* ---- producer/consumer ---- */

#define PRODUCERS 4
#define CONSUMERS 4
#define ITEMS 5000
#define QCAP 8

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static long queue[QCAP];
static int qhead, qlen;
static atomic_long consumed_sum, consumed_count;
static atomic_int order_bad;

static void put(long v)
{
	pthread_mutex_lock(&qlock);
	while (qlen == QCAP)
		pthread_cond_wait(&not_full, &qlock);
	queue[(qhead + qlen) % QCAP] = v;
	qlen++;
	pthread_cond_signal(&not_empty);
	pthread_mutex_unlock(&qlock);
}

static long get(void)
{
	pthread_mutex_lock(&qlock);
	while (qlen == 0)
		pthread_cond_wait(&not_empty, &qlock);
	long v = queue[qhead];
	qhead = (qhead + 1) % QCAP;
	qlen--;
	pthread_cond_signal(&not_full);
	pthread_mutex_unlock(&qlock);
	return v;
}

static void *producer(void *arg)
{
	long p = (long)(uintptr_t)arg;
	for (long i = 0; i < ITEMS; i++)
		put(p << 32 | i);
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	long last[PRODUCERS];
	for (int i = 0; i < PRODUCERS; i++)
		last[i] = -1;
	for (;;) {
		long v = get();
		if (v < 0)
			break;
		int p = (int)(v >> 32);
		long i = v & 0xffffffff;
		if (p >= PRODUCERS || i <= last[p])
			atomic_fetch_add(&order_bad, 1);
		else
			last[p] = i;
		atomic_fetch_add(&consumed_sum, i + p);
		atomic_fetch_add(&consumed_count, 1);
	}
	return NULL;
}

static void producer_consumer(void)
{
	pthread_t pt[PRODUCERS], ct[CONSUMERS];
	for (int i = 0; i < CONSUMERS; i++)
		CHECK_RC(pthread_create(&ct[i], NULL, consumer, NULL), 0);
	for (int i = 0; i < PRODUCERS; i++)
		CHECK_RC(pthread_create(&pt[i], NULL, producer, (void *)(uintptr_t)i), 0);
	for (int i = 0; i < PRODUCERS; i++)
		CHECK_RC(pthread_join(pt[i], NULL), 0);
	for (int i = 0; i < CONSUMERS; i++)
		put(-1);
	for (int i = 0; i < CONSUMERS; i++)
		CHECK_RC(pthread_join(ct[i], NULL), 0);
	long want = 0;
	for (int p = 0; p < PRODUCERS; p++)
		want += (long)ITEMS * (ITEMS - 1) / 2 + (long)p * ITEMS;
	printf("producer/consumer: %ld items, sum %s, order errors %d\n", atomic_load(&consumed_count),
	       atomic_load(&consumed_sum) == want ? "ok" : "WRONG", atomic_load(&order_bad));
}

/* ---- timed waits that must expire ---- */

static void timed(const char *what, int rc, int64_t elapsed, int64_t want)
{
	printf("%s: %s, waited long enough: %d\n", what, ename(rc), elapsed >= want);
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rheld = PTHREAD_RWLOCK_INITIALIZER;
static sem_t hold_sem, release_sem;

static void *holder(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&held);
	pthread_rwlock_rdlock(&rheld);
	sem_post(&hold_sem);
	while (sem_wait(&release_sem) != 0) {
	}
	pthread_rwlock_unlock(&rheld);
	pthread_mutex_unlock(&held);
	return NULL;
}

static void timed_waits(void)
{
	const int64_t ms30 = 30 * 1000000;
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c_rt = PTHREAD_COND_INITIALIZER, c_mono;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	CHECK_RC(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
	CHECK_RC(pthread_cond_init(&c_mono, &ca), 0);

	pthread_mutex_lock(&m);
	int64_t t0 = now_ns(CLOCK_REALTIME);
	struct timespec ts = ts_after(CLOCK_REALTIME, ms30);
	int rc = pthread_cond_timedwait(&c_rt, &m, &ts);
	timed("cond_timedwait realtime", rc, now_ns(CLOCK_REALTIME) - t0, ms30);

	t0 = now_ns(CLOCK_MONOTONIC);
	ts = ts_after(CLOCK_MONOTONIC, ms30);
	rc = pthread_cond_timedwait(&c_mono, &m, &ts);
	timed("cond_timedwait monotonic (condattr_setclock)", rc, now_ns(CLOCK_MONOTONIC) - t0, ms30);

	t0 = now_ns(CLOCK_MONOTONIC);
	ts = ts_after(CLOCK_MONOTONIC, ms30);
	rc = pthread_cond_clockwait(&c_rt, &m, CLOCK_MONOTONIC, &ts);
	timed("cond_clockwait monotonic", rc, now_ns(CLOCK_MONOTONIC) - t0, ms30);

	ts.tv_sec = 0;
	ts.tv_nsec = 5;
	rc = pthread_cond_timedwait(&c_rt, &m, &ts);
	printf("cond_timedwait in the past: %s\n", ename(rc));
	ts.tv_nsec = 1000000000;
	rc = pthread_cond_timedwait(&c_rt, &m, &ts);
	printf("cond_timedwait tv_nsec 1e9: %s\n", ename(rc));
	pthread_mutex_unlock(&m);

	/* Objects held by another thread. */
	sem_init(&hold_sem, 0, 0);
	sem_init(&release_sem, 0, 0);
	pthread_t h;
	CHECK_RC(pthread_create(&h, NULL, holder, NULL), 0);
	while (sem_wait(&hold_sem) != 0) {
	}
	t0 = now_ns(CLOCK_REALTIME);
	ts = ts_after(CLOCK_REALTIME, ms30);
	rc = pthread_mutex_timedlock(&held, &ts);
	timed("mutex_timedlock", rc, now_ns(CLOCK_REALTIME) - t0, ms30);
	t0 = now_ns(CLOCK_REALTIME);
	ts = ts_after(CLOCK_REALTIME, ms30);
	rc = pthread_rwlock_timedwrlock(&rheld, &ts);
	timed("rwlock_timedwrlock", rc, now_ns(CLOCK_REALTIME) - t0, ms30);
	printf("mutex_trylock held: %s\n", ename(pthread_mutex_trylock(&held)));
	printf("rwlock_tryrdlock read-held: %s\n", ename(pthread_rwlock_tryrdlock(&rheld)));
	pthread_rwlock_unlock(&rheld);
	sem_post(&release_sem);
	CHECK_RC(pthread_join(h, NULL), 0);

	sem_t s;
	sem_init(&s, 0, 0);
	t0 = now_ns(CLOCK_REALTIME);
	ts = ts_after(CLOCK_REALTIME, ms30);
	rc = sem_timedwait(&s, &ts) == 0 ? 0 : errno;
	timed("sem_timedwait", rc, now_ns(CLOCK_REALTIME) - t0, ms30);
	t0 = now_ns(CLOCK_MONOTONIC);
	ts = ts_after(CLOCK_MONOTONIC, ms30);
	rc = sem_clockwait(&s, CLOCK_MONOTONIC, &ts) == 0 ? 0 : errno;
	timed("sem_clockwait monotonic", rc, now_ns(CLOCK_MONOTONIC) - t0, ms30);
	printf("sem_trywait empty: %s\n", ename(sem_trywait(&s) == 0 ? 0 : errno));
}

/* ---- mutex kinds ---- */

static pthread_mutex_t echeck;
static void *unlock_other(void *arg)
{
	(void)arg;
	return (void *)(uintptr_t)pthread_mutex_unlock(&echeck);
}

#define LOCKERS 4
#define ROUNDS 8000
static pthread_mutex_t pim;
static long pi_counter;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_a, rw_b;
static atomic_int rw_bad;
static pthread_spinlock_t spin;
static long spin_counter;

static void *pi_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		CHECK_RC(pthread_mutex_lock(&pim), 0);
		long v = pi_counter;
		if (i % 64 == 0)
			sched_yield(); /* hold it across a reschedule: contention */
		pi_counter = v + 1;
		CHECK_RC(pthread_mutex_unlock(&pim), 0);
	}
	return NULL;
}

static void *rw_worker(void *arg)
{
	int id = (int)(uintptr_t)arg;
	for (int i = 0; i < ROUNDS / 4; i++) {
		if (id < 2) {
			pthread_rwlock_wrlock(&rw);
			rw_a++;
			if (i % 64 == 0)
				sched_yield();
			rw_b++;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			if (rw_a != rw_b)
				atomic_fetch_add(&rw_bad, 1);
			pthread_rwlock_unlock(&rw);
		}
	}
	return NULL;
}

static void *spin_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS / 4; i++) {
		pthread_spin_lock(&spin);
		spin_counter++;
		pthread_spin_unlock(&spin);
	}
	return NULL;
}

static void *pi_try(void *arg)
{
	(void)arg;
	int rc = pthread_mutex_trylock(&pim);
	struct timespec ts = ts_after(CLOCK_REALTIME, 30 * 1000000);
	int64_t t0 = now_ns(CLOCK_REALTIME);
	int rc2 = pthread_mutex_timedlock(&pim, &ts);
	printf("pi trylock held: %s\n", ename(rc));
	timed("pi timedlock held", rc2, now_ns(CLOCK_REALTIME) - t0, 30 * 1000000);
	return NULL;
}

static void mutex_kinds(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	CHECK_RC(pthread_mutex_init(&echeck, &a), 0);
	CHECK_RC(pthread_mutex_lock(&echeck), 0);
	printf("errorcheck relock: %s\n", ename(pthread_mutex_lock(&echeck)));
	pthread_t t;
	void *r;
	CHECK_RC(pthread_create(&t, NULL, unlock_other, NULL), 0);
	CHECK_RC(pthread_join(t, &r), 0);
	printf("errorcheck unlock by another thread: %s\n", ename((int)(uintptr_t)r));
	CHECK_RC(pthread_mutex_unlock(&echeck), 0);
	printf("errorcheck unlock unlocked: %s\n", ename(pthread_mutex_unlock(&echeck)));

	pthread_mutex_t rec;
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	CHECK_RC(pthread_mutex_init(&rec, &a), 0);
	int n = 0;
	while (n < 5 && pthread_mutex_lock(&rec) == 0)
		n++;
	while (pthread_mutex_unlock(&rec) == 0)
		n--;
	printf("recursive: balanced %d\n", n == 0);

	/* Priority inheritance. */
	pthread_mutexattr_t pa;
	pthread_mutexattr_init(&pa);
	CHECK_RC(pthread_mutexattr_setprotocol(&pa, PTHREAD_PRIO_INHERIT), 0);
	CHECK_RC(pthread_mutex_init(&pim, &pa), 0);
	pthread_t w[LOCKERS];
	for (int i = 0; i < LOCKERS; i++)
		CHECK_RC(pthread_create(&w[i], NULL, pi_worker, NULL), 0);
	for (int i = 0; i < LOCKERS; i++)
		CHECK_RC(pthread_join(w[i], NULL), 0);
	printf("pi mutex: counter %ld (want %d)\n", pi_counter, LOCKERS * ROUNDS);
	CHECK_RC(pthread_mutex_lock(&pim), 0);
	CHECK_RC(pthread_create(&t, NULL, pi_try, NULL), 0);
	CHECK_RC(pthread_join(t, NULL), 0);
	CHECK_RC(pthread_mutex_unlock(&pim), 0);

	for (int i = 0; i < LOCKERS; i++)
		CHECK_RC(pthread_create(&w[i], NULL, rw_worker, (void *)(uintptr_t)i), 0);
	for (int i = 0; i < LOCKERS; i++)
		CHECK_RC(pthread_join(w[i], NULL), 0);
	printf("rwlock: writes %ld/%ld, torn reads %d\n", rw_a, rw_b, atomic_load(&rw_bad));

	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	for (int i = 0; i < LOCKERS; i++)
		CHECK_RC(pthread_create(&w[i], NULL, spin_worker, NULL), 0);
	for (int i = 0; i < LOCKERS; i++)
		CHECK_RC(pthread_join(w[i], NULL), 0);
	printf("spinlock: counter %ld\n", spin_counter);
}

int main(void)
{
	raw_futex_tests(FUTEX_PRIVATE_FLAG, "private");
	raw_futex_tests(0, "shared");
	producer_consumer();
	timed_waits();
	mutex_kinds();
	return 0;
}
