/* thr_robust.c — robust mutexes: the owner dies holding the lock.
 *
 * A thread locks a PTHREAD_MUTEX_ROBUST mutex and exits without
 * unlocking; the next locker gets EOWNERDEAD, owns the mutex, and either
 * makes it consistent (then it works normally) or unlocks it inconsistent
 * (then every later lock gets ENOTRECOVERABLE). The same with a waiter
 * already blocked when the owner exits, with a priority-inheritance
 * robust mutex, and across processes: a PTHREAD_PROCESS_SHARED robust
 * mutex in MAP_SHARED memory whose owner is a child process that exits.
 *
 * This depends on the kernel walking the robust list the thread
 * registered with set_robust_list(2) when the thread exits.
 *
 * Oracle: the native amd64 build. qemu-aarch64 7.2 does not implement
 * set_robust_list (ENOSYS), so under qemu a dead owner is never noticed
 * and the first lock after it times out (every lock here has a deadline
 * instead of blocking forever, and the program stops at the first step
 * that differs from Linux). */
#include "pm.h"
#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>

/* Lock with a deadline, so an owner death that is never noticed fails
 * the test instead of hanging it. */
static int lock(pthread_mutex_t *m)
{
	struct timespec ts = ts_after(CLOCK_REALTIME, 3 * 1000000000ll);
	return pthread_mutex_timedlock(m, &ts);
}

/* Print a step's result; stop at the first one that is not what Linux
 * gives, since everything after it would only time out. */
static void step(const char *tag, const char *what, int got, int want)
{
	printf("%s: %s: %s\n", tag, what, ename(got));
	if (got != want) {
		printf("FAILED: want %s\n", ename(want));
		fflush(stdout);
		_exit(1);
	}
}

static void *lock_and_exit(void *arg)
{
	CHECK_RC(lock(arg), 0);
	return NULL; /* without unlocking */
}

static sem_t locked;
static void *lock_signal_exit(void *arg)
{
	CHECK_RC(lock(arg), 0);
	sem_post(&locked);
	sleep_ms(50); /* let the main thread block on the mutex */
	return NULL;
}

static void init_robust(pthread_mutex_t *m, int protocol, int pshared)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	CHECK_RC(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), 0);
	CHECK_RC(pthread_mutexattr_setprotocol(&a, protocol), 0);
	CHECK_RC(pthread_mutexattr_setpshared(&a, pshared), 0);
	CHECK_RC(pthread_mutex_init(m, &a), 0);
	pthread_mutexattr_destroy(&a);
}

static void thread_cases(int protocol, const char *tag)
{
	pthread_mutex_t m;
	pthread_t t;
	init_robust(&m, protocol, PTHREAD_PROCESS_PRIVATE);

	/* Owner gone before we try. */
	CHECK_RC(pthread_create(&t, NULL, lock_and_exit, &m), 0);
	CHECK_RC(pthread_join(t, NULL), 0);
	step(tag, "lock after owner exited", lock(&m), EOWNERDEAD);
	step(tag, "consistent", pthread_mutex_consistent(&m), 0);
	step(tag, "unlock", pthread_mutex_unlock(&m), 0);
	step(tag, "lock again", lock(&m), 0);
	step(tag, "unlock", pthread_mutex_unlock(&m), 0);

	/* Owner exits while we are blocked in the lock. */
	sem_init(&locked, 0, 0);
	CHECK_RC(pthread_create(&t, NULL, lock_signal_exit, &m), 0);
	while (sem_wait(&locked) != 0) {
	}
	step(tag, "blocked lock when owner exits", lock(&m), EOWNERDEAD);
	CHECK_RC(pthread_join(t, NULL), 0);
	step(tag, "consistent", pthread_mutex_consistent(&m), 0);
	step(tag, "unlock", pthread_mutex_unlock(&m), 0);

	/* Owner dies, the next owner does not repair it. */
	CHECK_RC(pthread_create(&t, NULL, lock_and_exit, &m), 0);
	CHECK_RC(pthread_join(t, NULL), 0);
	step(tag, "trylock after owner exited", pthread_mutex_trylock(&m), EOWNERDEAD);
	step(tag, "unlock without consistent", pthread_mutex_unlock(&m), 0);
	step(tag, "lock unrecoverable", lock(&m), ENOTRECOVERABLE);
	step(tag, "trylock unrecoverable", pthread_mutex_trylock(&m), ENOTRECOVERABLE);
}

static void process_cases(void)
{
	pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	init_robust(m, PTHREAD_PRIO_NONE, PTHREAD_PROCESS_SHARED);

	/* The owner child exits; the parent locks afterwards. */
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (lock(m) != 0)
			_exit(10);
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	printf("process: child exit status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	step("process", "lock after owner child exited", lock(m), EOWNERDEAD);
	step("process", "consistent", pthread_mutex_consistent(m), 0);
	step("process", "unlock", pthread_mutex_unlock(m), 0);

	/* The parent is blocked in the lock when the owner child exits. */
	int p[2];
	CHECK(pipe(p) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (lock(m) != 0)
			_exit(10);
		if (write(p[1], "L", 1) != 1)
			_exit(11);
		sleep_ms(50);
		_exit(0);
	}
	char c;
	CHECK(read(p[0], &c, 1) == 1);
	step("process", "blocked lock when owner child exits", lock(m), EOWNERDEAD);
	CHECK(waitpid(pid, &st, 0) == pid);
	step("process", "consistent", pthread_mutex_consistent(m), 0);
	step("process", "unlock", pthread_mutex_unlock(m), 0);

	/* And the child sees a healthy mutex the parent handed back. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(lock(m) == 0 && pthread_mutex_unlock(m) == 0 ? 0 : 12);
	CHECK(waitpid(pid, &st, 0) == pid);
	printf("process: child locks the repaired mutex: status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(void)
{
	thread_cases(PTHREAD_PRIO_NONE, "robust");
	thread_cases(PTHREAD_PRIO_INHERIT, "robust pi");
	process_cases();
	return 0;
}
