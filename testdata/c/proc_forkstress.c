/* proc_forkstress.c — fork reliability: 300 children, up to 8 alive at a
 * time, each exiting with a status derived from its index; every one is
 * reaped and its status checked. Half of them are vforks. A fork that
 * hangs or loses a child fails the run (or its timeout). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 300
#define ALIVE 8

static pid_t pids[CHILDREN];

static int expected(int i) { return (i * 7 + 3) % 256; }

static int reap(int *bad)
{
	int st;
	pid_t pid = wait(&st);
	if (pid < 0)
		return 0;
	for (int i = 0; i < CHILDREN; i++) {
		if (pids[i] == pid) {
			pids[i] = 0;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != expected(i))
				(*bad)++;
			return 1;
		}
	}
	(*bad)++;
	return 1;
}

int main(void)
{
	volatile int alive = 0, reaped = 0;
	int bad = 0;
	for (int i = 0; i < CHILDREN; i++) {
		if (alive == ALIVE) {
			reaped += reap(&bad);
			alive--;
		}
		fflush(stdout);
		pid_t pid = i % 2 ? vfork() : fork();
		if (pid == 0)
			_exit(expected(i));
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		pids[i] = pid;
		alive++;
	}
	while (alive-- > 0)
		reaped += reap(&bad);
	printf("%d children reaped, %d with a wrong status\n", reaped, bad);
	return bad != 0 || reaped != CHILDREN;
}
