/* pm.h — helpers shared by the process-model guest programs (threads,
 * futexes, signals, processes).
 *
 * Their output must not depend on timing, addresses, pids or tids: they
 * print counts, errno names and "ok" lines, and a failed check prints
 * where it failed and exits with status 1 at once (from any thread, so a
 * broken translator cannot hang the run on a join that never returns). */
#ifndef FERRY_PM_H
#define FERRY_PM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* errno's symbolic name ("0" for no error). */
static inline const char *ename(int e)
{
	const char *s = e ? strerrorname_np(e) : "0";
	return s ? s : "?";
}

static inline void pm_fail(const char *file, int line, const char *expr, int e)
{
	printf("FAILED %s:%d: %s (errno %s)\n", file, line, expr, ename(e));
	fflush(stdout);
	_exit(1);
}

#define CHECK(expr)                                                  \
	do {                                                         \
		if (!(expr))                                         \
			pm_fail(__FILE__, __LINE__, #expr, errno);   \
	} while (0)

/* For functions returning an error number (pthreads): must return want. */
#define CHECK_RC(call, want)                                                 \
	do {                                                                 \
		int rc_ = (call);                                            \
		if (rc_ != (want)) {                                         \
			printf("FAILED %s:%d: %s returned %s, want %s\n", __FILE__, \
			       __LINE__, #call, ename(rc_), ename(want));    \
			fflush(stdout);                                      \
			_exit(1);                                            \
		}                                                            \
	} while (0)

static inline int64_t now_ns(clockid_t clk)
{
	struct timespec t;
	clock_gettime(clk, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline struct timespec ts_after(clockid_t clk, int64_t ns)
{
	int64_t t = now_ns(clk) + ns;
	struct timespec r = { t / 1000000000, t % 1000000000 };
	return r;
}

static inline void sleep_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000 };
	while (nanosleep(&t, &t) != 0 && errno == EINTR) {
	}
}

/* A watchdog process that SIGKILLs this one after the given number of
 * seconds, for programs whose failure mode is to hang (a signal that is
 * never delivered into a loop, a call that is never interrupted): they
 * then fail quickly instead of running into the harness's timeout. It
 * closes the standard streams, so it never holds the output open, and
 * exits once its parent is gone. */
#include <signal.h>
#include <sys/wait.h>
static pid_t watchdog_pid;
static inline void watchdog_start(int seconds)
{
	fflush(stdout);
	fflush(stderr);
	pid_t parent = getpid();
	watchdog_pid = fork();
	if (watchdog_pid == 0) {
		close(0);
		close(1);
		close(2);
		for (int i = 0; i < seconds * 10; i++) {
			if (getppid() != parent)
				_exit(0);
			struct timespec t = { 0, 100 * 1000000 };
			nanosleep(&t, NULL);
		}
		kill(parent, SIGKILL);
		_exit(0);
	}
}
static inline void watchdog_stop(void)
{
	if (watchdog_pid > 0) {
		kill(watchdog_pid, SIGKILL);
		waitpid(watchdog_pid, NULL, 0);
		watchdog_pid = 0;
	}
}

#endif
