// fdlimit: descriptors and RLIMIT_NOFILE as the kernel hands them out.
// The first open gets the lowest free number, /proc/self/fd lists only the
// program's own descriptors, RLIMIT_NOFILE bounds what open, dup3, fcntl
// F_DUPFD, pipe2 and socketpair return (EMFILE, EBADF, EINVAL), a fork and
// an exec still work with the limit nearly used up and keep it, and
// close_range over everything, or dup2 onto the low numbers a shell uses
// (`exec 4>&1`), leaves the process working. Under ferry the translator's
// own descriptors share the table: none of this may show them.
// Portable; the native build is the oracle (qemu-aarch64 cannot execve an
// arm64 program).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// listfds prints the descriptors /proc/self/fd lists, except the one
// reading it, ascending.
static void listfds(const char *when)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		printf("%s: opendir: %s\n", when, strerror(errno));
		return;
	}
	int self = dirfd(d), fds[256], n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd != self)
			fds[n++] = fd;
	}
	closedir(d);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	printf("%s:", when);
	for (int i = 0; i < n; i++)
		printf(" %d", fds[i]);
	printf("\n");
}

static void result(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerror(errno));
	else
		printf("%s: %ld\n", what, r);
}

// fillup opens /dev/null until the kernel refuses; it reports how many it
// got and why it stopped.
static int fillup(const char *who)
{
	int n = 0, last = -1;
	for (;;) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		n++;
		last = fd;
	}
	printf("%s: opened %d, last %d, then: %s\n", who, n, last, strerror(errno));
	return last;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {0, ms * 1000000L};
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct rlimit rl;
	if (argc > 1 && strcmp(argv[1], "exec") == 0) {
		getrlimit(RLIMIT_NOFILE, &rl);
		printf("exec: soft limit %llu\n", (unsigned long long)rl.rlim_cur);
		fillup("exec");
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "hard") == 0) {
		getrlimit(RLIMIT_NOFILE, &rl);
		printf("hard: limits %llu/%llu\n", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
		int fd = open("/dev/null", O_RDONLY);
		result("hard: first open", fd);
		listfds("hard");
		close(fd);
		return 0;
	}
	// Nothing but 0, 1 and 2 is open (the test harness passes only those).
	int fd = open("/dev/null", O_RDONLY);
	result("first open", fd);
	close(fd);
	listfds("at start");

	getrlimit(RLIMIT_NOFILE, &rl);
	rlim_t hard = rl.rlim_max;
	rl.rlim_cur = 16;
	result("setrlimit soft 16", setrlimit(RLIMIT_NOFILE, &rl));
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("soft %llu, hard unchanged %d\n", (unsigned long long)rl.rlim_cur, rl.rlim_max == hard);
	rl.rlim_cur = hard + 1;
	result("soft above hard", setrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_cur = 16;

	int last = fillup("parent");
	int p[2], sv[2];
	result("pipe2", pipe2(p, O_CLOEXEC));
	result("socketpair", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	result("dup", dup(0));
	result("dup3 to 16", dup3(0, 16, 0));
	result("dup3 to 15 (open)", dup3(0, 15, O_CLOEXEC));
	result("F_DUPFD from 16", fcntl(0, F_DUPFD, 16));
	result("F_DUPFD from 15", fcntl(0, F_DUPFD, 15));
	result("F_DUPFD bad fd", fcntl(1000, F_DUPFD, 16));

	// Two numbers free: a fork and an exec still work, under the limit.
	close(last);
	close(last - 1);
	pid_t pid = fork();
	if (pid == 0) {
		getrlimit(RLIMIT_NOFILE, &rl);
		printf("child: soft limit %llu\n", (unsigned long long)rl.rlim_cur);
		fillup("child");
		_exit(7);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("fork: child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
		printf("execl: %s\n", strerror(errno));
		_exit(1);
	}
	waitpid(pid, &st, 0);
	printf("exec: child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	// A program started under a hard limit below 1024 (where ferry keeps
	// its own descriptors when it can) still gets the lowest numbers.
	pid = fork();
	if (pid == 0) {
		struct rlimit low = {100, 100};
		result("setrlimit 100/100", setrlimit(RLIMIT_NOFILE, &low));
		execl("/proc/self/exe", argv[0], "hard", (char *)NULL);
		printf("execl: %s\n", strerror(errno));
		_exit(1);
	}
	waitpid(pid, &st, 0);
	printf("hard: child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

	// Close everything above stderr, then take the numbers a shell's
	// redirections take; the process carries on (timers, polls, sleeps).
	result("close_range 3..~0", syscall(SYS_close_range, 3, ~0U, 0));
	listfds("after close_range");
	for (int i = 3; i < 10; i++)
		dup2(1, i);
	listfds("after dup2 3..9");
	sleep_ms(30);
	struct pollfd pfd = {.fd = 0, .events = 0};
	result("poll", poll(&pfd, 1, 20));
	for (int i = 3; i < 10; i++)
		close(i);
	rl.rlim_cur = hard;
	setrlimit(RLIMIT_NOFILE, &rl);
	fd = open("/dev/null", O_RDONLY);
	result("open after all", fd);
	return 0;
}
