/* thr_storm.c — thread life cycle: hundreds of threads created and joined
 * in waves, return values and pthread_exit values, detached threads,
 * threads creating threads, small and caller-provided stacks,
 * thread-local storage (initialised and zero __thread data, per-thread
 * values that survive other threads running), a barrier over many rounds,
 * pthread_once, thread-specific data destructors, and finally exit() from
 * a non-main thread while other threads still run, which must end the
 * whole process with that status. */
#include "pm.h"
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define WAVES 10
#define PER_WAVE 32

static __thread uint64_t tls_val;                 /* .tbss */
static __thread int tls_init = 42;                /* .tdata */
static __thread char tls_buf[256] = "tls-initial"; /* .tdata, larger */

static atomic_int tls_bad, tid_bad;
static pid_t main_pid;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ull;
	x ^= x >> 27;
	return x;
}

/* Each thread checks it sees fresh TLS, writes its own values, works a
 * little (yielding so other threads run in between), and checks its TLS
 * again. */
static uint64_t tls_work(uint64_t id)
{
	if (tls_val != 0 || tls_init != 42 || strcmp(tls_buf, "tls-initial") != 0)
		atomic_fetch_add(&tls_bad, 1);
	if (syscall(SYS_gettid) == main_pid || getpid() != main_pid)
		atomic_fetch_add(&tid_bad, 1);
	tls_val = id * 1000003;
	tls_init = (int)id;
	snprintf(tls_buf, sizeof tls_buf, "thread-%llu", (unsigned long long)id);
	uint64_t h = id;
	for (int i = 0; i < 200; i++) {
		h = mix(h + i);
		if (i % 50 == 0)
			sched_yield();
	}
	char want[32];
	snprintf(want, sizeof want, "thread-%llu", (unsigned long long)id);
	if (tls_val != id * 1000003 || tls_init != (int)id || strcmp(tls_buf, want) != 0)
		atomic_fetch_add(&tls_bad, 1);
	return h;
}

static void *wave_thread(void *arg)
{
	uint64_t id = (uintptr_t)arg;
	uint64_t h = tls_work(id);
	/* Half return, half leave through pthread_exit from a nested call. */
	if (id & 1)
		pthread_exit((void *)(uintptr_t)(h & 0xffffff));
	return (void *)(uintptr_t)(h & 0xffffff);
}

static atomic_int detached_done;
static sem_t detached_sem;

static void *detached_thread(void *arg)
{
	tls_work((uintptr_t)arg);
	atomic_fetch_add(&detached_done, 1);
	sem_post(&detached_sem);
	return NULL;
}

static void *nested_child(void *arg)
{
	return (void *)((uintptr_t)arg * 2);
}

static void *nested_parent(void *arg)
{
	uintptr_t base = (uintptr_t)arg;
	pthread_t t[4];
	uintptr_t sum = 0;
	for (int i = 0; i < 4; i++)
		CHECK_RC(pthread_create(&t[i], NULL, nested_child, (void *)(base * 10 + i)), 0);
	for (int i = 0; i < 4; i++) {
		void *r;
		CHECK_RC(pthread_join(t[i], &r), 0);
		sum += (uintptr_t)r;
	}
	return (void *)sum;
}

/* Barrier rounds: in each round every thread writes its slot, waits, and
 * checks all slots of the round; exactly one thread per round gets
 * PTHREAD_BARRIER_SERIAL_THREAD. */
#define BAR_THREADS 12
#define BAR_ROUNDS 50
static pthread_barrier_t barrier;
static int slots[BAR_ROUNDS][BAR_THREADS];
static atomic_int serial_count, barrier_bad;

static void *barrier_thread(void *arg)
{
	int id = (int)(uintptr_t)arg;
	for (int r = 0; r < BAR_ROUNDS; r++) {
		slots[r][id] = r * 100 + id + 1;
		int rc = pthread_barrier_wait(&barrier);
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			atomic_fetch_add(&serial_count, 1);
		else if (rc != 0)
			atomic_fetch_add(&barrier_bad, 1);
		for (int j = 0; j < BAR_THREADS; j++)
			if (slots[r][j] != r * 100 + j + 1)
				atomic_fetch_add(&barrier_bad, 1);
	}
	return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs;
static void once_fn(void)
{
	atomic_fetch_add(&once_runs, 1);
}

static pthread_key_t key;
static atomic_int dtor_runs;
static atomic_long dtor_sum;
static void key_dtor(void *v)
{
	atomic_fetch_add(&dtor_runs, 1);
	atomic_fetch_add(&dtor_sum, (long)(uintptr_t)v);
}

static void *key_thread(void *arg)
{
	pthread_once(&once, once_fn);
	CHECK(pthread_getspecific(key) == NULL);
	CHECK_RC(pthread_setspecific(key, arg), 0);
	CHECK(pthread_getspecific(key) == arg);
	return NULL;
}

static void *stack_thread(void *arg)
{
	/* Use some of the stack: a recursion-free but stack-hungry frame. */
	volatile char buf[16 << 10];
	for (size_t i = 0; i < sizeof buf; i += 512)
		buf[i] = (char)i;
	uintptr_t lo = (uintptr_t)arg;
	uintptr_t here = (uintptr_t)&buf[0];
	/* When the caller supplied the stack, we must be running on it. */
	return (void *)(uintptr_t)(lo == 0 || (here >= lo && here < lo + (256 << 10)));
}

static atomic_int spinners_started;
static void *spinner(void *arg)
{
	(void)arg;
	atomic_fetch_add(&spinners_started, 1);
	volatile uint64_t x = 0;
	for (;;)
		x++;
	return NULL;
}

static void *exiter(void *arg)
{
	(void)arg;
	while (atomic_load(&spinners_started) < 2)
		sched_yield();
	printf("exit(3) from a thread while others run\n");
	fflush(stdout);
	exit(3);
}

int main(void)
{
	main_pid = getpid();
	tls_val = 7;
	tls_init = -1;
	strcpy(tls_buf, "main");

	/* Waves of joinable threads. */
	uint64_t sum = 0, want = 0;
	for (int w = 0; w < WAVES; w++) {
		pthread_t t[PER_WAVE];
		for (int i = 0; i < PER_WAVE; i++)
			CHECK_RC(pthread_create(&t[i], NULL, wave_thread, (void *)(uintptr_t)(w * PER_WAVE + i + 1)), 0);
		for (int i = 0; i < PER_WAVE; i++) {
			void *r;
			CHECK_RC(pthread_join(t[i], &r), 0);
			sum += (uintptr_t)r;
		}
	}
	for (int id = 1; id <= WAVES * PER_WAVE; id++) {
		uint64_t h = id;
		for (int i = 0; i < 200; i++)
			h = mix(h + i);
		want += h & 0xffffff;
	}
	printf("waves: %d threads joined, return values %s\n", WAVES * PER_WAVE, sum == want ? "ok" : "WRONG");

	/* Detached threads, both ways. */
	CHECK(sem_init(&detached_sem, 0, 0) == 0);
	pthread_attr_t da;
	pthread_attr_init(&da);
	pthread_attr_setdetachstate(&da, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 64; i++) {
		pthread_t t;
		if (i & 1) {
			CHECK_RC(pthread_create(&t, &da, detached_thread, (void *)(uintptr_t)(5000 + i)), 0);
		} else {
			CHECK_RC(pthread_create(&t, NULL, detached_thread, (void *)(uintptr_t)(5000 + i)), 0);
			CHECK_RC(pthread_detach(t), 0);
		}
	}
	for (int i = 0; i < 64; i++)
		while (sem_wait(&detached_sem) != 0)
			CHECK(errno == EINTR);
	printf("detached: %d finished\n", atomic_load(&detached_done));

	/* Threads creating threads. */
	pthread_t np[8];
	uintptr_t nsum = 0;
	for (int i = 0; i < 8; i++)
		CHECK_RC(pthread_create(&np[i], NULL, nested_parent, (void *)(uintptr_t)i), 0);
	for (int i = 0; i < 8; i++) {
		void *r;
		CHECK_RC(pthread_join(np[i], &r), 0);
		nsum += (uintptr_t)r;
	}
	printf("nested: sum %lu\n", (unsigned long)nsum);

	/* Small stacks (PTHREAD_STACK_MIN is 128 KiB on arm64) and a stack from mmap. */
	pthread_attr_t sa;
	pthread_attr_init(&sa);
	CHECK_RC(pthread_attr_setstacksize(&sa, 128 << 10), 0);
	pthread_t st;
	void *r;
	CHECK_RC(pthread_create(&st, &sa, stack_thread, NULL), 0);
	CHECK_RC(pthread_join(st, &r), 0);
	printf("128 KiB stack: %s\n", r ? "ok" : "WRONG");
	void *stk = mmap(NULL, 256 << 10, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	CHECK(stk != MAP_FAILED);
	pthread_attr_t ua;
	pthread_attr_init(&ua);
	CHECK_RC(pthread_attr_setstack(&ua, stk, 256 << 10), 0);
	CHECK_RC(pthread_create(&st, &ua, stack_thread, stk), 0);
	CHECK_RC(pthread_join(st, &r), 0);
	printf("caller-provided stack: %s\n", r ? "ok" : "WRONG");

	/* Barrier. */
	CHECK_RC(pthread_barrier_init(&barrier, NULL, BAR_THREADS), 0);
	pthread_t bt[BAR_THREADS];
	for (int i = 0; i < BAR_THREADS; i++)
		CHECK_RC(pthread_create(&bt[i], NULL, barrier_thread, (void *)(uintptr_t)i), 0);
	for (int i = 0; i < BAR_THREADS; i++)
		CHECK_RC(pthread_join(bt[i], NULL), 0);
	printf("barrier: %d rounds, serial threads %d, errors %d\n", BAR_ROUNDS, atomic_load(&serial_count),
	       atomic_load(&barrier_bad));

	/* pthread_once and thread-specific data destructors. */
	CHECK_RC(pthread_key_create(&key, key_dtor), 0);
	pthread_t kt[16];
	for (int i = 0; i < 16; i++)
		CHECK_RC(pthread_create(&kt[i], NULL, key_thread, (void *)(uintptr_t)(i + 1)), 0);
	for (int i = 0; i < 16; i++)
		CHECK_RC(pthread_join(kt[i], NULL), 0);
	printf("once: %d run; key destructors: %d runs, sum %ld\n", atomic_load(&once_runs), atomic_load(&dtor_runs),
	       atomic_load(&dtor_sum));

	printf("tls: %d bad, tid/pid: %d bad\n", atomic_load(&tls_bad), atomic_load(&tid_bad));
	printf("main tls kept: %s\n", tls_val == 7 && tls_init == -1 && strcmp(tls_buf, "main") == 0 ? "ok" : "WRONG");
	fflush(stdout);

	/* exit() in a thread ends every thread: two spin forever, main
	 * blocks in a join that can never complete. */
	pthread_t sp[2], ex;
	for (int i = 0; i < 2; i++)
		CHECK_RC(pthread_create(&sp[i], NULL, spinner, NULL), 0);
	CHECK_RC(pthread_create(&ex, NULL, exiter, NULL), 0);
	pthread_join(sp[0], NULL);
	printf("FAILED: join of a spinning thread returned\n");
	return 1;
}
