/* sig_eintr.c — a signal handler interrupting blocking system calls,
 * with and without SA_RESTART (signal(7), "Interruption of system calls
 * and library functions by signal handlers").
 *
 * Each case arms a 50 ms one-shot ITIMER_REAL, then blocks. The SIGALRM
 * handler runs an action that would let the call complete (it writes the
 * byte a read waits for, posts the semaphore, kills the child being
 * waited for...), so a call that is restarted completes and shows its
 * result, and one that is not fails with EINTR. Linux restarts read,
 * write, open of a FIFO, wait4/waitid, fcntl(F_SETLKW), accept, recv,
 * futex FUTEX_WAIT and sem_wait under SA_RESTART, and never restarts
 * nanosleep, clock_nanosleep, poll/ppoll, select/pselect, epoll_wait,
 * pause, sigtimedwait, a futex wait with a timeout or recv on a socket
 * with SO_RCVTIMEO. A restarted FUTEX_WAIT finds the word the handler
 * changed: EAGAIN.
 *
 * argv[1] is a scratch directory (for a FIFO and a lock file). */
#include "pm.h"
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

static void (*action)(void);
static volatile sig_atomic_t handled;

static void on_alarm(int sig)
{
	(void)sig;
	int e = errno;
	handled++;
	if (action)
		action();
	errno = e;
}

static int restart_mode;

static void arm(void (*act)(void))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart_mode ? SA_RESTART : 0;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	action = act;
	handled = 0;
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
}

/* Print what the call did; the handler must have run exactly once. */
static void report(const char *call, long r, int err)
{
	if (handled != 1) {
		printf("FAILED %s: handler ran %d times\n", call, (int)handled);
		fflush(stdout);
		_exit(1);
	}
	printf("%-22s %-11s %s", call, restart_mode ? "SA_RESTART:" : "no restart:", r < 0 ? ename(err) : "returned");
	if (r >= 0)
		printf(" %ld", r);
	printf("\n");
}

#define RUN(name, call)                                  \
	do {                                             \
		long r_ = (call);                        \
		report((name), r_, r_ < 0 ? errno : 0);  \
	} while (0)

static int pfd[2];
static void write_byte(void)
{
	CHECK(write(pfd[1], "x", 1) == 1);
}
static void drain(int fd)
{
	char buf[65536];
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	while (read(fd, buf, sizeof buf) > 0) {
	}
	fcntl(fd, F_SETFL, fl);
}
static void read_page(void)
{
	char buf[4096];
	CHECK(read(pfd[0], buf, sizeof buf) == (ssize_t)sizeof buf);
}

static sem_t sem;
static void post_sem(void)
{
	sem_post(&sem);
}

static atomic_int fword;
static void change_word(void)
{
	atomic_store(&fword, 1);
	syscall(SYS_futex, &fword, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static pid_t child;
static void kill_child(void)
{
	kill(child, SIGKILL);
}

static int lfd, cfd, peer;
static struct sockaddr_in laddr;
static void connect_one(void)
{
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(cfd >= 0);
	CHECK(connect(cfd, (struct sockaddr *)&laddr, sizeof laddr) == 0);
}
static void send_byte(void)
{
	CHECK(send(peer, "y", 1, 0) == 1);
}

/* The interrupted open has already given up when the handler runs, so
 * the writer must be a process that blocks in its own open until a
 * reader comes. */
static const char *fifo_path;
static pid_t fifo_writer;
static void start_fifo_writer(void)
{
	fifo_writer = fork();
	if (fifo_writer == 0) {
		int fd = open(fifo_path, O_WRONLY);
		_exit(fd >= 0 ? 0 : 1);
	}
}

static pid_t start_sleeper(void)
{
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void wait_status(pid_t pid)
{
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

static void cases(const char *dir)
{
	char buf[8];

	/* Pipes. */
	CHECK(pipe(pfd) == 0);
	arm(write_byte);
	RUN("read pipe", read(pfd[0], buf, sizeof buf));
	drain(pfd[0]);

	fcntl(pfd[1], F_SETFL, O_NONBLOCK);
	static char page[4096];
	while (write(pfd[1], page, sizeof page) > 0) {
	}
	while (write(pfd[1], page, 1) > 0) {
	}
	fcntl(pfd[1], F_SETFL, 0);
	arm(read_page);
	RUN("write full pipe", write(pfd[1], "z", 1));
	drain(pfd[0]);

	/* Open of a FIFO blocks until a writer comes. */
	char path[4096];
	snprintf(path, sizeof path, "%s/fifo%d", dir, restart_mode);
	CHECK(mkfifo(path, 0600) == 0);
	fifo_path = path;
	fflush(stdout);
	arm(start_fifo_writer);
	int rfd = open(path, O_RDONLY);
	report("open fifo", rfd < 0 ? -1 : 0, errno);
	CHECK(fifo_writer > 0);
	if (rfd < 0)
		rfd = open(path, O_RDONLY);
	CHECK(rfd >= 0);
	int wst;
	CHECK(waitpid(fifo_writer, &wst, 0) == fifo_writer && WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	close(rfd);

	/* Sleeps. */
	struct timespec req = { 2, 0 }, rem = { 0, 0 };
	arm(NULL);
	RUN("nanosleep", nanosleep(&req, &rem));
	printf("  remaining time reported: %d\n", rem.tv_sec == 1 || (rem.tv_sec == 2 && rem.tv_nsec == 0));
	rem.tv_sec = rem.tv_nsec = 0;
	arm(NULL);
	int rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
	report("clock_nanosleep", rc ? -1 : 0, rc);
	printf("  remaining time reported: %d\n", rem.tv_sec == 1);
	struct timespec abs = ts_after(CLOCK_MONOTONIC, 2000000000);
	arm(NULL);
	rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
	report("clock_nanosleep abs", rc ? -1 : 0, rc);
	arm(NULL);
	RUN("pause", pause());

	/* Waiting for children. */
	child = start_sleeper();
	arm(kill_child);
	int st = 0;
	long r = wait4(child, &st, 0, NULL);
	report("wait4", r < 0 ? -1 : 0, errno);
	if (r < 0)
		wait_status(child);
	else
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	child = start_sleeper();
	arm(kill_child);
	siginfo_t si;
	r = waitid(P_PID, child, &si, WEXITED);
	report("waitid", r, errno);
	if (r < 0)
		wait_status(child);
	else
		CHECK(si.si_code == CLD_KILLED && si.si_status == SIGKILL);

	/* A record lock held by a child. */
	snprintf(path, sizeof path, "%s/lock%d", dir, restart_mode);
	int fd = open(path, O_RDWR | O_CREAT, 0600);
	CHECK(fd >= 0);
	int sync[2];
	CHECK(pipe(sync) == 0);
	fflush(stdout);
	child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		if (fcntl(fd, F_SETLK, &fl) != 0 || write(sync[1], "L", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	CHECK(read(sync[0], buf, 1) == 1);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	arm(kill_child);
	RUN("fcntl F_SETLKW", fcntl(fd, F_SETLKW, &fl));
	wait_status(child);
	close(fd);
	close(sync[0]);
	close(sync[1]);

	/* Futexes. */
	CHECK(sem_init(&sem, 0, 0) == 0);
	arm(post_sem);
	RUN("sem_wait", sem_wait(&sem));
	while (sem_trywait(&sem) == 0) {
	}
	atomic_store(&fword, 0);
	arm(change_word);
	RUN("futex wait", syscall(SYS_futex, &fword, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
	atomic_store(&fword, 0);
	struct timespec five = { 5, 0 };
	arm(change_word);
	RUN("futex wait timeout", syscall(SYS_futex, &fword, FUTEX_WAIT_PRIVATE, 0, &five, NULL, 0));

	/* Multiplexing. */
	struct pollfd p = { .fd = pfd[0], .events = POLLIN };
	arm(write_byte);
	RUN("poll", poll(&p, 1, -1));
	drain(pfd[0]);
	arm(write_byte);
	RUN("ppoll", ppoll(&p, 1, NULL, NULL));
	drain(pfd[0]);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(pfd[0], &rs);
	arm(write_byte);
	RUN("select", select(pfd[0] + 1, &rs, NULL, NULL, NULL));
	drain(pfd[0]);
	FD_ZERO(&rs);
	FD_SET(pfd[0], &rs);
	arm(write_byte);
	RUN("pselect", pselect(pfd[0] + 1, &rs, NULL, NULL, NULL, NULL));
	drain(pfd[0]);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, pfd[0], &ev) == 0);
	arm(write_byte);
	RUN("epoll_wait", epoll_wait(ep, &out, 1, -1));
	drain(pfd[0]);
	arm(write_byte);
	RUN("epoll_pwait", epoll_pwait(ep, &out, 1, -1, NULL));
	drain(pfd[0]);
	close(ep);

	/* Waiting for a signal that does not come. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	arm(NULL);
	RUN("sigtimedwait", sigtimedwait(&set, NULL, &five));
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/* Sockets on loopback. */
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(lfd >= 0);
	memset(&laddr, 0, sizeof laddr);
	laddr.sin_family = AF_INET;
	laddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(lfd, (struct sockaddr *)&laddr, sizeof laddr) == 0);
	socklen_t len = sizeof laddr;
	CHECK(getsockname(lfd, (struct sockaddr *)&laddr, &len) == 0);
	CHECK(listen(lfd, 4) == 0);
	cfd = -1;
	arm(connect_one);
	int afd = accept(lfd, NULL, NULL);
	report("accept", afd < 0 ? -1 : 0, errno);
	if (afd < 0)
		afd = accept(lfd, NULL, NULL);
	CHECK(afd >= 0 && cfd >= 0);
	peer = cfd;
	arm(send_byte);
	RUN("recv", recv(afd, buf, sizeof buf, 0));
	drain(afd);
	struct timeval tv = { 5, 0 };
	CHECK(setsockopt(afd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
	arm(send_byte);
	RUN("recv SO_RCVTIMEO", recv(afd, buf, sizeof buf, 0));
	drain(afd);
	close(afd);
	close(cfd);
	close(lfd);
	close(pfd[0]);
	close(pfd[1]);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sig_eintr SCRATCH_DIR\n");
		return 2;
	}
	watchdog_start(30);
	for (restart_mode = 0; restart_mode < 2; restart_mode++)
		cases(argv[1]);

	/* sleep() reports the unslept seconds. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	action = NULL;
	alarm(1);
	/* 3 unless the alarm came late on a loaded machine: glibc rounds
	 * the remaining time to the nearest second. */
	unsigned left = sleep(4);
	printf("sleep(4) cut short by alarm(1): unslept seconds reported %d\n", left == 3 || left == 2);
	watchdog_stop();
	return 0;
}
