/* proc_mapshared.c — memory across fork: MAP_SHARED mappings (anonymous,
 * file-backed, of a deleted file, split by munmap, moved by mremap) are
 * shared between parent and child in both directions, including with a
 * grandchild; MAP_PRIVATE ones are copies. argv[1] is a scratch directory.
 * The two processes take turns through pipes, so each write is made
 * before the other side reads. */
#define _GNU_SOURCE /* strerrorname_np, mremap */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096
#define CHECK(expr)                                                            \
	do {                                                                   \
		if (!(expr)) {                                                 \
			printf("FAILED line %d: %s (errno %s)\n", __LINE__, #expr, \
			       strerrorname_np(errno));                        \
			exit(1);                                               \
		}                                                              \
	} while (0)

enum { ANON, FILE_, DELETED, SPLIT_LO, SPLIT_HI, MOVED, PRIV_ANON, PRIV_FILE, N };
static const char *names[N] = {"shared anon", "shared file", "shared deleted file", "split low",
			       "split high", "mremap moved", "private anon", "private file"};
static volatile int *m[N];

static int to_child[2], to_parent[2];
static void signal_fd(int fd) { CHECK(write(fd, "x", 1) == 1); }
static void await_fd(int fd)
{
	char c;
	CHECK(read(fd, &c, 1) == 1);
}

static int file_in(const char *dir, const char *name, int size)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, size) == 0);
	return fd;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: proc_mapshared DIR\n");
		return 2;
	}
	const char *dir = argv[1];
	int shared = MAP_SHARED, rw = PROT_READ | PROT_WRITE;

	void *p = mmap(NULL, PG, rw, shared | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	m[ANON] = p;
	int ffd = file_in(dir, "shared", 2 * PG);
	p = mmap(NULL, 2 * PG, rw, shared, ffd, 0);
	CHECK(p != MAP_FAILED);
	m[FILE_] = (int *)((char *)p + PG); /* the file's second page */
	int dfd = file_in(dir, "deleted", PG);
	p = mmap(NULL, PG, rw, shared, dfd, 0);
	CHECK(p != MAP_FAILED);
	m[DELETED] = p;
	char path[4096];
	snprintf(path, sizeof path, "%s/deleted", dir);
	CHECK(unlink(path) == 0);
	close(dfd);
	/* Four shared pages with the second unmapped: two mappings of one
	 * object. */
	char *s = mmap(NULL, 4 * PG, rw, shared | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED);
	CHECK(munmap(s + PG, PG) == 0);
	m[SPLIT_LO] = (int *)s;
	m[SPLIT_HI] = (int *)(s + 3 * PG);
	/* A shared mapping moved elsewhere keeps its object. */
	char *mv = mmap(NULL, 2 * PG, rw, shared | MAP_ANONYMOUS, -1, 0);
	CHECK(mv != MAP_FAILED);
	mv[PG] = 5;
	char *to = mremap(mv, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, mv + 64 * PG);
	CHECK(to != MAP_FAILED);
	m[MOVED] = (int *)(to + PG);
	p = mmap(NULL, PG, rw, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	m[PRIV_ANON] = p;
	int pfd = file_in(dir, "private", PG);
	p = mmap(NULL, PG, rw, MAP_PRIVATE, pfd, 0);
	CHECK(p != MAP_FAILED);
	m[PRIV_FILE] = p;

	printf("moved mapping kept its contents: %d\n", to[PG] == 5);
	for (int i = 0; i < N; i++)
		m[i][0] = 100 + i;

	CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0);
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* Only the other side holds each pipe's write end, so neither
		 * process waits forever if the other dies. */
		close(to_child[1]);
		close(to_parent[0]);
		for (int i = 0; i < N; i++) {
			printf("child sees %s: %d\n", names[i], m[i][0]);
			m[i][1] = 200 + i; /* the child's write */
		}
		fflush(stdout);
		signal_fd(to_parent[1]);
		await_fd(to_child[0]);
		for (int i = 0; i < N; i++)
			printf("child sees the parent's write to %s: %d\n", names[i], m[i][2]);
		/* A grandchild writes too. */
		fflush(stdout);
		pid_t g = fork();
		if (g == 0) {
			for (int i = 0; i < N; i++)
				m[i][3] = 400 + i;
			_exit(0);
		}
		int st;
		CHECK(waitpid(g, &st, 0) == g);
		_exit(0);
	}
	close(to_child[0]);
	close(to_parent[1]);
	await_fd(to_parent[0]);
	for (int i = 0; i < N; i++) {
		printf("parent sees the child's write to %s: %d\n", names[i], m[i][1]);
		m[i][2] = 300 + i; /* the parent's write, after the fork */
	}
	fflush(stdout);
	signal_fd(to_child[1]);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	printf("child status %d\n", WEXITSTATUS(st));
	for (int i = 0; i < N; i++)
		printf("parent sees the grandchild's write to %s: %d\n", names[i], m[i][3]);

	/* The child's writes to the file reached the file itself. */
	int word[2];
	CHECK(pread(ffd, word, sizeof word, PG) == sizeof word);
	printf("shared file contents: %d %d\n", word[0], word[1]);
	CHECK(pread(pfd, word, sizeof word, 0) == sizeof word);
	printf("private file contents: %d %d\n", word[0], word[1]);

	/* Unmapping in the child leaves the parent's mapping alone. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		munmap((void *)m[ANON], PG);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	m[ANON][0]++;
	printf("parent's mapping after the child's munmap: %d\n", m[ANON][0]);
	return 0;
}
