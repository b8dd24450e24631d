/* proc_mmap.c — memory shared, and not shared, across fork.
 *
 * For each kind of mapping the parent writes a pattern, forks, the child
 * checks it and writes its own, the parent checks what it sees, writes
 * again, and the child checks that. Shared mappings (anonymous
 * MAP_SHARED, a MAP_SHARED file in the scratch directory argv[1], a
 * memfd) must carry every write both ways, including writes made after
 * the fork; private ones (MAP_PRIVATE anonymous and file) must carry
 * none after the fork, and a private file mapping's writes never reach
 * the file. Then a process-shared futex, a process-shared mutex and
 * condition variable, and an atomic counter incremented by four children
 * at once, all in MAP_SHARED memory. */
#include "pm.h"
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define LEN (3 * 4096)

static int to_child[2], to_parent[2];

static void send1(int fd)
{
	CHECK(write(fd, "s", 1) == 1);
}
static void recv1(int fd)
{
	char c;
	CHECK(read(fd, &c, 1) == 1);
}

static void fill(volatile unsigned char *p, unsigned char v)
{
	for (size_t i = 0; i < LEN; i += 512)
		p[i] = (unsigned char)(v + i / 512);
}

/* 1 if the whole region holds pattern v. */
static int holds(volatile unsigned char *p, unsigned char v)
{
	for (size_t i = 0; i < LEN; i += 512)
		if (p[i] != (unsigned char)(v + i / 512))
			return 0;
	return 1;
}

/* The child reports what it saw in its exit status (three bits), the
 * parent prints both views. */
static void exchange(const char *what, volatile unsigned char *p)
{
	CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0);
	fill(p, 10);
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int saw_before = holds(p, 10);
		fill(p, 20);
		send1(to_parent[1]);
		recv1(to_child[0]);
		int saw_parent_after = holds(p, 30);
		int own_kept = holds(p, 20);
		_exit(saw_before << 2 | saw_parent_after << 1 | own_kept);
	}
	recv1(to_parent[0]);
	int saw_child = holds(p, 20);
	int own_kept = holds(p, 10);
	fill(p, 30);
	send1(to_child[1]);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	int c = WEXITSTATUS(st);
	printf("%-22s child saw pre-fork data %d, child saw parent's later write %d, child kept its own %d;"
	       " parent saw child's write %d, parent kept its own %d\n",
	       what, c >> 2 & 1, c >> 1 & 1, c & 1, saw_child, own_kept);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
}

static int file_holds(int fd, unsigned char v)
{
	unsigned char buf[LEN];
	CHECK(pread(fd, buf, LEN, 0) == LEN);
	return holds(buf, v);
}

struct shared {
	atomic_int word;
	atomic_int counter;
	pthread_mutex_t m;
	pthread_cond_t c;
	int ready;
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: proc_mmap SCRATCH_DIR\n");
		return 2;
	}
	unsigned char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	exchange("anonymous MAP_SHARED", p);
	munmap(p, LEN);

	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	exchange("anonymous MAP_PRIVATE", p);
	munmap(p, LEN);

	char path[4096];
	snprintf(path, sizeof path, "%s/shared.bin", argv[1]);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, LEN) == 0);
	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	exchange("file MAP_SHARED", p);
	CHECK(msync(p, LEN, MS_SYNC) == 0);
	printf("  file holds the last write: %d\n", file_holds(fd, 30));
	munmap(p, LEN);

	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	exchange("file MAP_PRIVATE", p);
	printf("  file unchanged: %d\n", file_holds(fd, 30));
	munmap(p, LEN);
	close(fd);

	/* A file mapped after an unlink, and reopened by nobody. */
	snprintf(path, sizeof path, "%s/unlinked.bin", argv[1]);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, LEN) == 0);
	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(unlink(path) == 0);
	close(fd);
	exchange("unlinked file SHARED", p);
	munmap(p, LEN);

	fd = memfd_create("proc_mmap", 0);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, LEN) == 0);
	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	exchange("memfd MAP_SHARED", p);
	printf("  memfd holds the last write: %d\n", file_holds(fd, 30));
	munmap(p, LEN);
	close(fd);

	/* Synchronisation through shared memory. */
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED);
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	CHECK_RC(pthread_mutex_init(&s->m, &ma), 0);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	CHECK_RC(pthread_cond_init(&s->c, &ca), 0);

	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* A shared (not FUTEX_PRIVATE) futex wait the parent wakes. */
		int64_t deadline = now_ns(CLOCK_MONOTONIC) + 5 * 1000000000ll;
		while (atomic_load(&s->word) == 0) {
			struct timespec ts = { 1, 0 };
			syscall(SYS_futex, &s->word, FUTEX_WAIT, 0, &ts, NULL, 0);
			if (now_ns(CLOCK_MONOTONIC) > deadline)
				_exit(1);
		}
		/* Then a condition variable. */
		pthread_mutex_lock(&s->m);
		while (!s->ready) {
			struct timespec ts = ts_after(CLOCK_REALTIME, 5 * 1000000000ll);
			if (pthread_cond_timedwait(&s->c, &s->m, &ts) == ETIMEDOUT)
				_exit(2);
		}
		pthread_mutex_unlock(&s->m);
		_exit(0);
	}
	sleep_ms(20);
	atomic_store(&s->word, 1);
	syscall(SYS_futex, &s->word, FUTEX_WAKE, 1, NULL, NULL, 0);
	sleep_ms(20);
	pthread_mutex_lock(&s->m);
	s->ready = 1;
	pthread_cond_broadcast(&s->c);
	pthread_mutex_unlock(&s->m);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	printf("shared futex and process-shared condvar: child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

	pid_t kids[4];
	for (int i = 0; i < 4; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0);
		if (kids[i] == 0) {
			for (int k = 0; k < 20000; k++) {
				atomic_fetch_add(&s->counter, 1);
				pthread_mutex_lock(&s->m);
				s->ready++;
				pthread_mutex_unlock(&s->m);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < 4; i++)
		CHECK(waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	printf("4 children: atomic counter %d, mutex-protected counter %d\n", atomic_load(&s->counter), s->ready - 1);
	return 0;
}
