/* proc_spawn.c — vfork and posix_spawn.
 *
 *   - posix_spawn/posix_spawnp of a missing program fail in the parent
 *     with ENOENT (glibc's child reports the exec error through memory it
 *     shares with the parent: CLONE_VM|CLONE_VFORK);
 *   - posix_spawn of this program (/proc/self/exe) with arguments, an
 *     environment, a file action redirecting its stdout into a pipe and a
 *     signal mask attribute; the parent collects its output and status;
 *   - vfork: the parent is suspended until the child exits or execs, and
 *     what the child writes into the shared memory is visible to the
 *     parent afterwards; vfork + execve of this program;
 *   - fork + execve of this program, and an execve that fails in a vfork
 *     child.
 *
 * Oracle: the native amd64 build. qemu-aarch64 7.2 runs vfork as a plain
 * fork (the child's writes are lost, the parent is not suspended, so
 * glibc's posix_spawn cannot report ENOENT: it returns 0 and the child
 * exits 127), and without binfmt_misc it cannot execve an arm64 program
 * at all. */
#include "pm.h"
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

static const char *self = "/proc/self/exe";

static int child_main(int argc, char **argv)
{
	/* argv: self child MODE ... */
	const char *mode = argv[2];
	if (strcmp(mode, "exit") == 0)
		return atoi(argv[3]);
	if (strcmp(mode, "print") == 0) {
		sigset_t m;
		sigprocmask(SIG_BLOCK, NULL, &m);
		printf("child: argc %d, argv[3] '%s', SPAWN_VAR=%s, PATH set %d, SIGUSR1 blocked %d\n", argc,
		       argc > 3 ? argv[3] : "", getenv("SPAWN_VAR") ? getenv("SPAWN_VAR") : "(unset)",
		       getenv("PATH") != NULL, sigismember(&m, SIGUSR1));
		return 0;
	}
	return 100;
}

static const char *status(int st)
{
	static char buf[64];
	if (WIFEXITED(st))
		snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "signal %s", sigabbrev_np(WTERMSIG(st)));
	else
		snprintf(buf, sizeof buf, "?");
	return buf;
}

static int reap(pid_t pid)
{
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	return st;
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "child") == 0)
		return child_main(argc, argv);
	fflush(stdout);

	/* Missing programs. */
	pid_t pid = 0;
	char *noargs[] = { "missing", NULL };
	int rc = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, noargs, environ);
	printf("posix_spawn missing path: %s\n", ename(rc));
	if (rc == 0)
		printf("  child %s\n", status(reap(pid)));
	rc = posix_spawnp(&pid, "ferry-no-such-program", NULL, NULL, noargs, environ);
	printf("posix_spawnp missing name: %s\n", ename(rc));
	if (rc == 0)
		printf("  child %s\n", status(reap(pid)));
	char notexec[] = "/proc/self/status"; /* exists, not executable */
	rc = posix_spawn(&pid, notexec, NULL, NULL, noargs, environ);
	printf("posix_spawn not executable: %s\n", ename(rc));
	if (rc == 0)
		printf("  child %s\n", status(reap(pid)));

	/* Spawn ourselves. */
	char *a_exit[] = { argv[0], "child", "exit", "7", NULL };
	rc = posix_spawn(&pid, self, NULL, NULL, a_exit, environ);
	printf("posix_spawn self: %s\n", ename(rc));
	if (rc == 0)
		printf("  child %s\n", status(reap(pid)));

	int p[2];
	CHECK(pipe(p) == 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	posix_spawnattr_setsigmask(&at, &m);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	char *a_print[] = { argv[0], "child", "print", "hello world", NULL };
	char *env[] = { "SPAWN_VAR=spawned", NULL };
	rc = posix_spawn(&pid, self, &fa, &at, a_print, env);
	printf("posix_spawn self with file actions, attributes and environment: %s\n", ename(rc));
	close(p[1]);
	char buf[512];
	ssize_t n, total = 0;
	while ((n = read(p[0], buf + total, sizeof buf - 1 - total)) > 0)
		total += n;
	buf[total] = 0;
	close(p[0]);
	printf("  output: %s", total ? buf : "(none)\n");
	if (rc == 0)
		printf("  child %s\n", status(reap(pid)));
	sigprocmask(SIG_BLOCK, NULL, &m);
	printf("  parent's SIGUSR1 still unblocked: %d\n", !sigismember(&m, SIGUSR1));

	/* vfork: shared memory, suspended parent. */
	volatile int shared = 0;
	volatile int seen_by_parent_during = -1;
	pid = vfork();
	if (pid == 0) {
		shared = 1;
		sleep_ms(50); /* the parent must still be suspended */
		shared = 2;
		_exit(3);
	}
	CHECK(pid > 0);
	seen_by_parent_during = shared;
	printf("vfork: parent resumed after the child exited, sees %d\n", seen_by_parent_during);
	printf("  child %s\n", status(reap(pid)));

	char *a_exec[] = { argv[0], "child", "exit", "9", NULL };
	shared = 0;
	pid = vfork();
	if (pid == 0) {
		shared = 5;
		execve(self, a_exec, environ);
		_exit(127);
	}
	CHECK(pid > 0);
	printf("vfork + execve: parent sees %d\n", shared);
	printf("  child %s\n", status(reap(pid)));

	volatile int exec_errno = 0;
	pid = vfork();
	if (pid == 0) {
		execve("/nonexistent/program", noargs, environ);
		exec_errno = errno;
		_exit(127);
	}
	CHECK(pid > 0);
	printf("vfork + failing execve: the child's errno seen by the parent: %s\n", ename(exec_errno));
	printf("  child %s\n", status(reap(pid)));

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *a[] = { argv[0], "child", "exit", "11", NULL };
		execve(self, a, environ);
		_exit(127);
	}
	printf("fork + execve self: child %s\n", status(reap(pid)));
	return 0;
}
