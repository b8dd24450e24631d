/* sig_thread.c — signals and threads.
 *
 *   - a new thread inherits its creator's mask; pthread_sigmask changes
 *     only the calling thread's;
 *   - pthread_kill and tgkill reach the chosen thread (the handler
 *     records the thread-local index of the thread it runs on);
 *   - a process-directed kill() goes to the only thread that does not
 *     block the signal, for each thread in turn;
 *   - a signal sent to a thread that blocks it stays pending on that
 *     thread only (sigpending there, not in the others) until it
 *     unblocks it;
 *   - a dedicated thread collects process-directed signals with
 *     sigwaitinfo while all threads block them;
 *   - synchronous faults go to the faulting thread;
 *   - a thread blocked in read, sem_wait or pthread_cond_wait gets a
 *     thread-directed signal: read and sem_wait (no SA_RESTART) fail
 *     with EINTR, pthread_cond_wait does not return until signalled. */
#include "pm.h"
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>

#define NT 4

static __thread int my_index = -1;
static atomic_int got_on[NT + 1]; /* index NT: the main thread */
static sem_t handled;

static void on_sig(int sig)
{
	(void)sig;
	atomic_fetch_add(&got_on[my_index < 0 ? NT : my_index], 1);
	sem_post(&handled);
}

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = flags;
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void wait_handled(void)
{
	struct timespec ts = ts_after(CLOCK_REALTIME, 5 * 1000000000ll);
	while (sem_timedwait(&handled, &ts) != 0) {
		if (errno == ETIMEDOUT) {
			printf("FAILED: signal not handled within 5 s\n");
			fflush(stdout);
			_exit(1);
		}
	}
}

static void show_got(const char *what)
{
	printf("%s: handled on", what);
	for (int i = 0; i <= NT; i++) {
		int n = atomic_exchange(&got_on[i], 0);
		if (n)
			printf(" %s%d", i == NT ? "main" : "t", i == NT ? n : i);
		if (n && i != NT && n != 1)
			printf("x%d", n);
	}
	printf("\n");
}

static sigset_t one(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

/* ---- workers that wait for commands ---- */

struct worker {
	pthread_t t;
	int index;
	atomic_int tid;
	atomic_int unblock;   /* signal to unblock (0: none) */
	atomic_int block;     /* signal to block again */
	atomic_int acked;
	atomic_int quit;
	sigset_t inherited;   /* mask at start */
	atomic_int pending_usr2; /* sigpending result on request */
	atomic_int query;
};

static struct worker w[NT];

static void *worker_main(void *arg)
{
	struct worker *me = arg;
	my_index = me->index;
	pthread_sigmask(SIG_BLOCK, NULL, &me->inherited);
	atomic_store(&me->tid, (int)syscall(SYS_gettid));
	while (!atomic_load(&me->quit)) {
		int s;
		if ((s = atomic_exchange(&me->unblock, 0)) != 0) {
			sigset_t u = one(s);
			pthread_sigmask(SIG_UNBLOCK, &u, NULL);
			atomic_fetch_add(&me->acked, 1);
		}
		if ((s = atomic_exchange(&me->block, 0)) != 0) {
			sigset_t b = one(s);
			pthread_sigmask(SIG_BLOCK, &b, NULL);
			atomic_fetch_add(&me->acked, 1);
		}
		if (atomic_exchange(&me->query, 0)) {
			sigset_t p;
			sigpending(&p);
			atomic_store(&me->pending_usr2, sigismember(&p, SIGUSR2));
			atomic_fetch_add(&me->acked, 1);
		}
		sched_yield();
	}
	return NULL;
}

static void command(atomic_int *field, int value, struct worker *me)
{
	int before = atomic_load(&me->acked);
	atomic_store(field, value);
	while (atomic_load(&me->acked) == before)
		sched_yield();
}

/* ---- sigwaitinfo thread ---- */

static atomic_int collected[3];
static void *collector(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	for (;;) {
		siginfo_t si;
		int s = sigwaitinfo(&set, &si);
		if (s == SIGRTMIN && si.si_value.sival_int == -1)
			break; /* queued last: RT signals are FIFO */
		if (s == SIGRTMIN && si.si_value.sival_int >= 0 && si.si_value.sival_int < 3)
			atomic_fetch_add(&collected[si.si_value.sival_int], 1);
	}
	return NULL;
}

/* ---- faults ---- */

static __thread sigjmp_buf fault_jb;
static atomic_int fault_on = -1;
static void on_segv(int sig)
{
	(void)sig;
	atomic_store(&fault_on, my_index);
	siglongjmp(fault_jb, 1);
}

static volatile int *volatile bad_ptr = (int *)8;
static void *faulter(void *arg)
{
	my_index = (int)(uintptr_t)arg;
	if (sigsetjmp(fault_jb, 1) == 0)
		*bad_ptr = 1;
	return NULL;
}

/* ---- blocked threads ---- */

static int pfd[2];
static atomic_int blocked_tid;
static void on_nothing(int sig)
{
	(void)sig;
}

static void *blocked_reader(void *arg)
{
	(void)arg;
	atomic_store(&blocked_tid, (int)syscall(SYS_gettid));
	char c;
	ssize_t r = read(pfd[0], &c, 1);
	return (void *)(intptr_t)(r < 0 ? errno : 0);
}

static sem_t never;
static void *blocked_sem(void *arg)
{
	(void)arg;
	int r = sem_wait(&never);
	return (void *)(intptr_t)(r < 0 ? errno : 0);
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int predicate;
static atomic_int cond_sig_seen;
static void on_cond_sig(int sig)
{
	(void)sig;
	atomic_store(&cond_sig_seen, 1);
}
static void *cond_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	int rc = 0;
	while (!predicate && rc == 0)
		rc = pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	return (void *)(intptr_t)(rc ? rc : 0);
}

/* Join a thread that was signalled while blocked (it was given 50 ms
 * to block first). Should the call not have been interrupted, unblock it
 * after a while and say so instead of hanging. */
static void *join_result(pthread_t t, void (*unblock)(void))
{
	void *r;
	struct timespec ts = ts_after(CLOCK_REALTIME, 3 * 1000000000ll);
	int rc = pthread_timedjoin_np(t, &r, &ts);
	if (rc == ETIMEDOUT) {
		printf("  (still blocked 3 s after the signal)\n");
		unblock();
		rc = pthread_join(t, &r);
	}
	CHECK_RC(rc, 0);
	return r;
}

static void unblock_reader(void)
{
	CHECK(write(pfd[1], "x", 1) == 1);
}
static void unblock_sem(void)
{
	sem_post(&never);
}
static void unblock_cond(void)
{
}

int main(void)
{
	CHECK(sem_init(&handled, 0, 0) == 0);
	handle(SIGUSR1, on_sig, 0);
	handle(SIGUSR2, on_sig, 0);

	/* Workers start with SIGUSR1 and SIGUSR2 blocked: inherited. */
	sigset_t both = one(SIGUSR1);
	sigaddset(&both, SIGUSR2);
	sigaddset(&both, SIGRTMIN);
	pthread_sigmask(SIG_BLOCK, &both, NULL);
	for (int i = 0; i < NT; i++) {
		w[i].index = i;
		CHECK_RC(pthread_create(&w[i].t, NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < NT; i++)
		while (!atomic_load(&w[i].tid))
			sched_yield();
	int inherited = 1;
	for (int i = 0; i < NT; i++)
		inherited &= sigismember(&w[i].inherited, SIGUSR1) && sigismember(&w[i].inherited, SIGUSR2);
	printf("mask inherited by new threads: %d\n", inherited);

	/* Each worker unblocks SIGUSR1 for good. */
	for (int i = 0; i < NT; i++)
		command(&w[i].unblock, SIGUSR1, &w[i]);
	sigset_t mine;
	pthread_sigmask(SIG_BLOCK, NULL, &mine);
	printf("main's mask unchanged by the workers: %d\n", sigismember(&mine, SIGUSR1));

	/* Thread-directed. */
	for (int i = NT - 1; i >= 0; i--) {
		CHECK_RC(pthread_kill(w[i].t, SIGUSR1), 0);
		wait_handled();
	}
	show_got("pthread_kill to t3, t2, t1, t0");
	for (int i = 0; i < NT; i += 2) {
		CHECK(syscall(SYS_tgkill, getpid(), atomic_load(&w[i].tid), SIGUSR1) == 0);
		wait_handled();
	}
	show_got("tgkill to t0, t2");
	printf("tgkill to a thread of another thread group: %s\n",
	       syscall(SYS_tgkill, getpid() + 1000000, atomic_load(&w[0].tid), SIGUSR1) == 0 ? "0" : ename(errno));

	/* Process-directed: only worker i does not block SIGUSR2. */
	for (int i = 0; i < NT; i++) {
		command(&w[i].unblock, SIGUSR2, &w[i]);
		for (int k = 0; k < 3; k++) {
			CHECK(kill(getpid(), SIGUSR2) == 0);
			wait_handled();
		}
		command(&w[i].block, SIGUSR2, &w[i]);
		char what[64];
		snprintf(what, sizeof what, "3 x kill() with only t%d unblocking", i);
		show_got(what);
	}

	/* Pending on one thread only. */
	CHECK_RC(pthread_kill(w[2].t, SIGUSR2), 0);
	int pend[NT];
	for (int i = 0; i < NT; i++) {
		command(&w[i].query, 1, &w[i]);
		pend[i] = atomic_load(&w[i].pending_usr2);
	}
	sigset_t p;
	sigpending(&p);
	printf("SIGUSR2 pending on t0..t3: %d %d %d %d, on main: %d\n", pend[0], pend[1], pend[2], pend[3],
	       sigismember(&p, SIGUSR2));
	command(&w[2].unblock, SIGUSR2, &w[2]);
	wait_handled();
	show_got("t2 unblocks");

	for (int i = 0; i < NT; i++)
		atomic_store(&w[i].quit, 1);
	for (int i = 0; i < NT; i++)
		CHECK_RC(pthread_join(w[i].t, NULL), 0);

	/* A collector thread with sigwaitinfo; everyone blocks SIGRTMIN. */
	pthread_t col;
	CHECK_RC(pthread_create(&col, NULL, collector, NULL), 0);
	for (int i = 0; i < 9; i++) {
		union sigval v = { .sival_int = i % 3 };
		CHECK(sigqueue(getpid(), SIGRTMIN, v) == 0);
	}
	union sigval last = { .sival_int = -1 };
	CHECK(sigqueue(getpid(), SIGRTMIN, last) == 0);
	CHECK_RC(pthread_join(col, NULL), 0);
	printf("sigwaitinfo thread collected: %d %d %d\n", atomic_load(&collected[0]), atomic_load(&collected[1]),
	       atomic_load(&collected[2]));

	/* Faults go to the faulting thread. */
	handle(SIGSEGV, on_segv, 0);
	pthread_t f;
	CHECK_RC(pthread_create(&f, NULL, faulter, (void *)(uintptr_t)3), 0);
	CHECK_RC(pthread_join(f, NULL), 0);
	printf("SIGSEGV handled on the faulting thread: %d\n", atomic_load(&fault_on) == 3);
	signal(SIGSEGV, SIG_DFL);

	/* Threads blocked in calls. */
	handle(SIGUSR1, on_nothing, 0);
	pthread_sigmask(SIG_UNBLOCK, &both, NULL);
	CHECK(pipe(pfd) == 0);
	pthread_t r;
	CHECK_RC(pthread_create(&r, NULL, blocked_reader, NULL), 0);
	while (!atomic_load(&blocked_tid))
		sched_yield();
	sleep_ms(50);
	CHECK_RC(pthread_kill(r, SIGUSR1), 0);
	printf("read in a thread, signalled: %s\n", ename((int)(intptr_t)join_result(r, unblock_reader)));
	sem_init(&never, 0, 0);
	CHECK_RC(pthread_create(&r, NULL, blocked_sem, NULL), 0);
	sleep_ms(50);
	CHECK_RC(pthread_kill(r, SIGUSR1), 0);
	printf("sem_wait in a thread, signalled: %s\n", ename((int)(intptr_t)join_result(r, unblock_sem)));

	handle(SIGUSR1, on_cond_sig, 0);
	CHECK_RC(pthread_create(&r, NULL, cond_waiter, NULL), 0);
	sleep_ms(50);
	CHECK_RC(pthread_kill(r, SIGUSR1), 0);
	while (!atomic_load(&cond_sig_seen))
		sched_yield();
	sleep_ms(20);
	pthread_mutex_lock(&m);
	predicate = 1;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
	printf("pthread_cond_wait in a thread, signalled, then woken: %s\n",
	       ename((int)(intptr_t)join_result(r, unblock_cond)));
	return 0;
}
