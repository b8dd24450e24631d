/* proc_vfork.c — vfork and posix_spawn semantics: the parent is suspended
 * until the child execs or exits, and the child's writes to memory are the
 * parent's (they share the address space). glibc's posix_spawn relies on
 * that to report the child's execve error to the parent. The program
 * spawns itself (through /proc/self/exe) with "child". */
#define _GNU_SOURCE /* strerrorname_np */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static volatile int global = 1;
static volatile sig_atomic_t usr1;

static void on_usr1(int sig) { (void)sig; usr1++; }

/* A thread that counts on its own page while the main thread is in vfork:
 * the child's writes must not undo its writes. */
static volatile long counter __attribute__((aligned(4096)));
static volatile int stop, went_back;

static void *count(void *arg)
{
	(void)arg;
	long last = 0;
	while (!stop) {
		if (counter < last)
			went_back = 1;
		last = ++counter;
	}
	return NULL;
}

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

static const char *ename(int e) { return e ? strerrorname_np(e) : "0"; }

static void spawn(const char *what, const char *path, char *const argv[], int search)
{
	pid_t pid = -1;
	fflush(stdout);
	int r = search ? posix_spawnp(&pid, path, NULL, NULL, argv, environ)
		       : posix_spawn(&pid, path, NULL, NULL, argv, environ);
	printf("posix_spawn %s: %s", what, ename(r));
	if (r == 0) {
		int st;
		if (waitpid(pid, &st, 0) != pid)
			printf(" waitpid failed: %s", ename(errno));
		else if (WIFEXITED(st))
			printf(" exit %d", WEXITSTATUS(st));
		else
			printf(" signal %d", WTERMSIG(st));
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		printf("spawned child says %s\n", argc > 2 ? argv[2] : "-");
		return 9;
	}

	/* The child writes a global and a local of the parent's frame, after
	 * a pause: a parent that did not wait would see the old values. */
	volatile int local = 5;
	fflush(stdout);
	pid_t pid = vfork();
	if (pid == 0) {
		nap(100);
		global = 42;
		local = 7;
		_exit(3);
	}
	printf("vfork: returned a pid=%d global=%d local=%d\n", pid > 0, global, local);
	int st = 0;
	int reaped = waitpid(pid, &st, 0) == pid;
	printf("vfork: waitpid=%d status=%d\n", reaped, WEXITSTATUS(st));

	/* The classic vfork+exec pattern with the error passed back in
	 * memory. */
	volatile int child_errno = 0;
	pid = vfork();
	if (pid == 0) {
		char *args[] = {"/nonexistent/program", NULL};
		execve(args[0], args, environ);
		child_errno = errno;
		_exit(127);
	}
	waitpid(pid, &st, 0);
	printf("vfork+execve missing: child errno %s, status %d\n", ename(child_errno), WEXITSTATUS(st));

	/* A signal sent to the parent while it waits in vfork is delivered
	 * once the child has exited (the parent sleeps killably, so a
	 * handled signal waits). */
	signal(SIGUSR1, on_usr1);
	pid = vfork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		nap(50);
		global = 99;
		_exit(0);
	}
	int seen_in_vfork = usr1;
	waitpid(pid, &st, 0);
	printf("vfork+signal: global=%d handler ran by return=%d total=%d\n", global, seen_in_vfork, (int)usr1);

	/* A fatal signal kills the parent during the wait: it never returns
	 * from vfork (the child lives on). */
	int pfd[2];
	if (pipe(pfd) != 0)
		return 1;
	fflush(stdout);
	pid_t sub = fork();
	if (sub == 0) {
		close(pfd[0]);
		pid = vfork();
		if (pid == 0) {
			kill(getppid(), SIGTERM);
			nap(300);
			_exit(0);
		}
		if (write(pfd[1], "r", 1) != 1)
			_exit(2);
		_exit(0);
	}
	close(pfd[1]);
	waitpid(sub, &st, 0);
	char c;
	printf("vfork+fatal signal: parent %s %d, returned from vfork %d\n", WIFSIGNALED(st) ? "signal" : "exit",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), read(pfd[0], &c, 1) == 1);
	close(pfd[0]);

	/* vfork from a multithreaded process. */
	pthread_t th;
	if (pthread_create(&th, NULL, count, NULL) != 0)
		return 1;
	while (counter < 1000) {
	}
	long before = counter;
	pid = vfork();
	if (pid == 0) {
		nap(100);
		global = 123;
		_exit(0);
	}
	long after = counter;
	waitpid(pid, &st, 0);
	stop = 1;
	pthread_join(th, NULL);
	printf("vfork with a thread: global=%d thread kept counting=%d never went back=%d\n", global, after > before,
	       !went_back);

	char *missing[] = {"/nonexistent/program", NULL};
	spawn("missing", missing[0], missing, 0);
	char *nopath[] = {"ferry-no-such-program", NULL};
	spawn("missing in PATH", nopath[0], nopath, 1);
	char *dir[] = {"/", NULL};
	spawn("directory", dir[0], dir, 0);
	char *sh[] = {"/bin/sh", "-c", "exit 7", NULL};
	spawn("sh exit 7", sh[0], sh, 0);
	char *self[] = {argv[0], "child", "hello", NULL};
	spawn("self", "/proc/self/exe", self, 0);

	/* Many spawns in a row: each must wait for its child's exec. */
	int bad = 0;
	for (int i = 0; i < 20; i++) {
		char *t[] = {"/bin/sh", "-c", "exit 4", NULL};
		if (posix_spawn(&pid, t[0], NULL, NULL, t, environ) != 0 || waitpid(pid, &st, 0) != pid ||
		    WEXITSTATUS(st) != 4)
			bad++;
		if (posix_spawn(&pid, missing[0], NULL, NULL, missing, environ) != ENOENT)
			bad++;
	}
	printf("20 spawn rounds: %d bad\n", bad);
	return 0;
}
