// thr_creds: credentials are per thread in Linux, and a new thread starts
// with its creator's. After the process drops root (groups, gids, uids,
// like a daemon or apt's methods), a thread it then creates must run with
// the dropped credentials: no way back to root, no access to root-only
// files. A thread created before the drop and the drop done by one thread
// with raw system calls (no glibc broadcast) show the per-thread rule.
// Needs root to drop anything; otherwise it says so (the same natively).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char secret[256];

static void report(const char *who)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	getresuid(&r, &e, &s);
	getresgid(&rg, &eg, &sg);
	gid_t groups[8];
	int n = getgroups(8, groups);
	printf("%s: uid %u/%u/%u gid %u/%u/%u groups", who, r, e, s, rg, eg, sg);
	for (int i = 0; i < n; i++)
		printf(" %u", groups[i]);
	int fd = open(secret, O_RDONLY);
	printf("; root-only file: %s", fd >= 0 ? "readable" : strerror(errno));
	if (fd >= 0)
		close(fd);
	// Going back to root must fail once dropped.
	long back = syscall(SYS_setresuid, 0, 0, 0);
	printf("; setresuid(0): %s\n", back == 0 ? "ok" : strerror(errno));
}

static void *child(void *arg)
{
	report(arg);
	return NULL;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int phase;

// early is created before the drop and waits; the raw drop on the main
// thread does not reach it, so it is still root and cleans up at the end.
static char dir[] = "/tmp/thr_creds.XXXXXX";

static void wait_phase(int want)
{
	pthread_mutex_lock(&mu);
	while (phase < want)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void set_phase(int p)
{
	pthread_mutex_lock(&mu);
	phase = p;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void *early(void *arg)
{
	(void)arg;
	wait_phase(1);
	uid_t r, e, s;
	getresuid(&r, &e, &s);
	printf("early thread after the main thread's raw drop: euid %u\n", e);
	fflush(stdout);
	set_phase(2);
	wait_phase(3);
	if (unlink(secret) || rmdir(dir))
		perror("cleanup");
	return NULL;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("not root: nothing to drop\n");
		return 0;
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(secret, sizeof secret, "%s/secret", dir);
	int fd = open(secret, O_CREAT | O_WRONLY, 0600);
	if (fd < 0) {
		perror("open");
		return 1;
	}
	close(fd);
	chmod(dir, 0700);

	pthread_t e;
	pthread_create(&e, NULL, early, NULL);
	gid_t g = 4242;
	// Raw calls change this thread only (glibc's wrappers would change
	// every thread of the process).
	if (syscall(SYS_setgroups, 1, &g) || syscall(SYS_setresgid, 4242, 4242, 4242) ||
	    syscall(SYS_setresuid, 4343, 4343, 4343)) {
		perror("drop");
		return 1;
	}
	report("main after drop");
	set_phase(1);
	wait_phase(2);
	for (int i = 0; i < 3; i++) {
		pthread_t t;
		char name[32];
		snprintf(name, sizeof name, "new thread %d", i);
		pthread_create(&t, NULL, child, name);
		pthread_join(t, NULL);
	}
	set_phase(3);
	pthread_join(e, NULL);
	return 0;
}
