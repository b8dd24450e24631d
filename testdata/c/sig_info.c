/* sig_info.c — signal delivery details in one thread.
 *
 *   - sigaltstack + SA_ONSTACK: the handler runs on the alternate stack
 *     (and sigaltstack reports SS_ONSTACK there); a stack overflow on a
 *     guarded stack is caught by a SIGSEGV handler on the alternate stack
 *     (si_addr in the guard, SEGV_ACCERR);
 *   - SA_SIGINFO fields: si_signo/si_code/si_pid/si_uid for kill, raise,
 *     tgkill and sigqueue (si_value), SIGCHLD's si_status;
 *   - faults: SIGSEGV on a NULL load whose handler moves the PC past the
 *     load and sets the destination register through the ucontext;
 *     SIGILL (si_addr is the instruction); SIGBUS beyond the end of a
 *     file mapping;
 *   - the mask: sa_mask and the signal itself blocked in the handler,
 *     uc_sigmask is the interrupted mask and a handler's change to it
 *     takes effect at sigreturn, SA_NODEFER, SA_RESETHAND;
 *   - pending signals: sigpending, standard signals merge while RT
 *     signals queue every instance in order (lowest number first, FIFO
 *     within one), a pending signal set to SIG_IGN is discarded;
 *   - synchronous waits: sigtimedwait/sigwaitinfo/sigwait, sigsuspend,
 *     signalfd reading siginfo;
 *   - sigaction errors and default actions (children killed by SIGTERM
 *     and by a pending SIGUSR1 when it is unblocked, one ignoring SIGTERM). */
#include "pm.h"
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>

static char logbuf[512];
static volatile size_t loglen;
static void logs(const char *s)
{
	while (*s && loglen < sizeof logbuf - 1)
		logbuf[loglen++] = *s++;
	logbuf[loglen] = 0;
}
static void logn(long n)
{
	char b[24];
	int i = sizeof b - 1;
	b[i] = 0;
	int neg = n < 0;
	unsigned long u = neg ? -(unsigned long)n : (unsigned long)n;
	do
		b[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (neg)
		b[--i] = '-';
	logs(b + i);
}
static void log_reset(void)
{
	loglen = 0;
	logbuf[0] = 0;
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags, const sigset_t *mask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static sigset_t one(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

static sigset_t current_mask(void)
{
	sigset_t s;
	sigprocmask(SIG_BLOCK, NULL, &s);
	return s;
}

/* ---- alternate stack ---- */

static char *alt;
static const size_t alt_size = 64 << 10;
static volatile int on_alt, ss_onstack;

static int in_alt(const void *p)
{
	return (const char *)p >= alt && (const char *)p < alt + alt_size;
}

static void on_usr1_alt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	int local;
	on_alt = in_alt(&local);
	stack_t st;
	sigaltstack(NULL, &st);
	ss_onstack = (st.ss_flags & SS_ONSTACK) != 0;
}

static sigjmp_buf jb;
static char *guard;
static const size_t guard_size = 64 << 10, small_stack = 256 << 10;
static volatile int segv_alt, segv_in_guard, segv_code;

static void on_segv_overflow(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	int local;
	segv_alt = in_alt(&local);
	segv_in_guard = (char *)si->si_addr >= guard && (char *)si->si_addr < guard + guard_size;
	segv_code = si->si_code;
	siglongjmp(jb, 1);
}

static volatile int stop_depth = 1 << 30; /* never reached */
static int recurse(int n)
{
	volatile char frame[512];
	frame[0] = (char)n;
	frame[511] = (char)n;
	if (n == stop_depth)
		return 0;
	return recurse(n + 1) + frame[0] + frame[511];
}

static ucontext_t main_uc, deep_uc;
static void deep(void)
{
	recurse(0);
}

static void altstack_tests(void)
{
	alt = mmap(NULL, alt_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(alt != MAP_FAILED);
	stack_t st = { .ss_sp = alt, .ss_size = alt_size, .ss_flags = 0 };
	CHECK(sigaltstack(&st, NULL) == 0);
	set_handler(SIGUSR1, on_usr1_alt, SA_ONSTACK, NULL);
	raise(SIGUSR1);
	printf("SA_ONSTACK handler on the alternate stack: %d, SS_ONSTACK inside: %d\n", on_alt, ss_onstack);
	sigaltstack(NULL, &st);
	printf("  outside: ss_flags %d, size ok %d\n", st.ss_flags, st.ss_size == alt_size);
	set_handler(SIGUSR1, on_usr1_alt, 0, NULL);
	raise(SIGUSR1);
	printf("handler without SA_ONSTACK on the alternate stack: %d\n", on_alt);
	stack_t tiny = { .ss_sp = alt, .ss_size = 512, .ss_flags = 0 };
	printf("sigaltstack too small: %s\n", sigaltstack(&tiny, NULL) == 0 ? "0" : ename(errno));

	/* Overflow a stack with a PROT_NONE guard below it. */
	guard = mmap(NULL, guard_size + small_stack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(guard != MAP_FAILED);
	CHECK(mprotect(guard, guard_size, PROT_NONE) == 0);
	set_handler(SIGSEGV, on_segv_overflow, SA_ONSTACK, NULL);
	if (sigsetjmp(jb, 1) == 0) {
		CHECK(getcontext(&deep_uc) == 0);
		deep_uc.uc_stack.ss_sp = guard + guard_size;
		deep_uc.uc_stack.ss_size = small_stack;
		deep_uc.uc_link = &main_uc;
		makecontext(&deep_uc, deep, 0);
		CHECK(swapcontext(&main_uc, &deep_uc) == 0);
		printf("FAILED: the recursion returned\n");
		exit(1);
	}
	printf("stack overflow: SIGSEGV on the alternate stack %d, si_addr in the guard %d, si_code %s\n", segv_alt,
	       segv_in_guard, segv_code == SEGV_ACCERR ? "SEGV_ACCERR" : segv_code == SEGV_MAPERR ? "SEGV_MAPERR" : "?");
	signal(SIGSEGV, SIG_DFL);
	st.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&st, NULL) == 0);
}

/* ---- siginfo ---- */

static siginfo_t last;
static volatile int calls;
static void record(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	last = *si;
	calls++;
}

static const char *code_name(int code)
{
	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TKILL: return "SI_TKILL";
	case SI_TIMER: return "SI_TIMER";
	case CLD_EXITED: return "CLD_EXITED";
	default: return "other";
	}
}

static void show_info(const char *what)
{
	printf("%s: signo %s code %s pid self %d uid ok %d", what, sigabbrev_np(last.si_signo),
	       code_name(last.si_code), last.si_pid == getpid(), last.si_uid == getuid());
	if (last.si_code == SI_QUEUE)
		printf(" value %d", last.si_value.sival_int);
	printf("\n");
}

static void siginfo_tests(void)
{
	set_handler(SIGUSR2, record, 0, NULL);
	kill(getpid(), SIGUSR2);
	show_info("kill");
	raise(SIGUSR2);
	show_info("raise");
	syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), SIGUSR2);
	show_info("tgkill");
	union sigval v = { .sival_int = 1234 };
	CHECK(sigqueue(getpid(), SIGUSR2, v) == 0);
	show_info("sigqueue");

	set_handler(SIGCHLD, record, 0, NULL);
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(5);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		CHECK(errno == EINTR);
	printf("SIGCHLD: code %s status %d pid is the child %d\n", code_name(last.si_code), last.si_status,
	       last.si_pid == pid);
	signal(SIGCHLD, SIG_DFL);
}

/* ---- faults ---- */

static volatile int fault_code;
static void *volatile fault_addr;
static void *volatile fault_pc;

static void on_segv_fix(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	ucontext_t *uc = ucv;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
#ifdef __aarch64__
	uc->uc_mcontext.pc += 4;
	uc->uc_mcontext.regs[0] = 42;
#else
	uc->uc_mcontext.gregs[REG_RIP] += 3; /* movq (%rcx),%rax */
	uc->uc_mcontext.gregs[REG_RAX] = 42;
#endif
}

static void on_ill(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	ucontext_t *uc = ucv;
	fault_addr = si->si_addr;
#ifdef __aarch64__
	fault_pc = (void *)uc->uc_mcontext.pc;
	uc->uc_mcontext.pc += 4;
#else
	fault_pc = (void *)uc->uc_mcontext.gregs[REG_RIP];
	uc->uc_mcontext.gregs[REG_RIP] += 2;
#endif
}

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static void fault_tests(void)
{
	set_handler(SIGSEGV, on_segv_fix, 0, NULL);
	long v;
#ifdef __aarch64__
	register long x0 __asm__("x0");
	__asm__ volatile("mov x1, #0\n\tldr x0, [x1]" : "=r"(x0) : : "x1", "memory");
	v = x0;
#else
	__asm__ volatile("xor %%ecx, %%ecx\n\tmovq (%%rcx), %%rax" : "=a"(v) : : "rcx", "memory");
#endif
	printf("NULL load: handler set the result to %ld, si_code %s, si_addr NULL %d\n", v,
	       fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : "?", fault_addr == NULL);
	signal(SIGSEGV, SIG_DFL);

	set_handler(SIGILL, on_ill, 0, NULL);
	void *insn;
#ifdef __aarch64__
	__asm__ volatile("adr %0, 1f\n1:\tudf #0" : "=r"(insn) : : "memory");
#else
	__asm__ volatile("lea 1f(%%rip), %0\n1:\tud2" : "=r"(insn) : : "memory");
#endif
	printf("undefined instruction: SIGILL, si_addr is the instruction %d, pc is the instruction %d\n",
	       fault_addr == insn, fault_pc == insn);
	signal(SIGILL, SIG_DFL);

	int fd = memfd_create("sigbus", 0);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 4096) == 0);
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	m[0] = 1;
	set_handler(SIGBUS, on_bus, 0, NULL);
	if (sigsetjmp(jb, 1) == 0) {
		((volatile char *)m)[4096] = 1;
		printf("FAILED: store beyond the end of the file did not fault\n");
		exit(1);
	}
	printf("beyond end of file mapping: SIGBUS %s, si_addr ok %d\n", fault_code == BUS_ADRERR ? "BUS_ADRERR" : "?",
	       fault_addr == m + 4096);
	signal(SIGBUS, SIG_DFL);
	munmap(m, 8192);
	close(fd);
}

/* ---- masks ---- */

static volatile int depth, max_depth, mask_self, mask_extra, uc_had_hup, uc_had_self;
static void on_mask(int sig, siginfo_t *si, void *ucv)
{
	(void)si;
	ucontext_t *uc = ucv;
	sigset_t cur = current_mask();
	mask_self = sigismember(&cur, sig);
	mask_extra = sigismember(&cur, SIGUSR2);
	uc_had_hup = sigismember(&uc->uc_sigmask, SIGHUP);
	uc_had_self = sigismember(&uc->uc_sigmask, sig);
	calls++;
}

static void on_nest(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	calls++;
	if (calls == 1)
		raise(sig);
	logn(depth);
	logs(" ");
	depth--;
}

static void on_block_hup(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	sigaddset(&uc->uc_sigmask, SIGHUP);
	calls++;
}

static void mask_tests(void)
{
	sigset_t hup = one(SIGHUP), usr2 = one(SIGUSR2);
	sigprocmask(SIG_BLOCK, &hup, NULL);
	set_handler(SIGUSR1, on_mask, 0, &usr2);
	calls = 0;
	raise(SIGUSR1);
	sigset_t after = current_mask();
	printf("in handler: signal blocked %d, sa_mask blocked %d; uc_sigmask: SIGHUP %d, signal %d; restored: %d\n",
	       mask_self, mask_extra, uc_had_hup, uc_had_self,
	       sigismember(&after, SIGHUP) && !sigismember(&after, SIGUSR1) && !sigismember(&after, SIGUSR2));
	sigprocmask(SIG_UNBLOCK, &hup, NULL);

	set_handler(SIGUSR1, on_block_hup, 0, NULL);
	raise(SIGUSR1);
	after = current_mask();
	printf("handler added SIGHUP to uc_sigmask: blocked after return %d\n", sigismember(&after, SIGHUP));
	sigprocmask(SIG_UNBLOCK, &hup, NULL);

	set_handler(SIGUSR1, on_nest, 0, NULL);
	calls = depth = max_depth = 0;
	log_reset();
	raise(SIGUSR1);
	printf("re-raise in handler: calls %d, max depth %d, depths %s\n", calls, max_depth, logbuf);
	set_handler(SIGUSR1, on_nest, SA_NODEFER, NULL);
	calls = depth = max_depth = 0;
	log_reset();
	raise(SIGUSR1);
	printf("re-raise with SA_NODEFER: calls %d, max depth %d, depths %s\n", calls, max_depth, logbuf);

	/* SIGURG's default action is to ignore it. */
	set_handler(SIGURG, on_mask, SA_RESETHAND, NULL);
	calls = 0;
	raise(SIGURG);
	int self_blocked = mask_self;
	raise(SIGURG);
	struct sigaction old;
	sigaction(SIGURG, NULL, &old);
	printf("SA_RESETHAND: calls %d, blocked in handler %d, now SIG_DFL %d, SA_SIGINFO kept %d\n", calls,
	       self_blocked, old.sa_handler == SIG_DFL, (old.sa_flags & SA_SIGINFO) != 0);
}

/* ---- pending and queued ---- */

static void on_log(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig >= SIGRTMIN) {
		logs("RTMIN+");
		logn(sig - SIGRTMIN);
	} else {
		logs(sigabbrev_np(sig));
	}
	if (si->si_code == SI_QUEUE) {
		logs(":");
		logn(si->si_value.sival_int);
	}
	logs(" ");
	calls++;
}

static void queue_tests(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	for (int i = 0; i < 3; i++)
		sigaddset(&set, SIGRTMIN + i);
	sigprocmask(SIG_BLOCK, &set, NULL);

	set_handler(SIGUSR1, on_log, 0, &set);
	calls = 0;
	log_reset();
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	sigset_t pend;
	sigpending(&pend);
	printf("pending after 3 x SIGUSR1: USR1 %d USR2 %d\n", sigismember(&pend, SIGUSR1), sigismember(&pend, SIGUSR2));
	sigset_t u1 = one(SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &u1, NULL);
	printf("unblocked: handler ran %d time(s) before sigprocmask returned\n", calls);
	sigprocmask(SIG_BLOCK, &u1, NULL);

	/* RT signals queue; lower numbers first, standard signals before
	 * RT ones; the handler blocks all of them, so it runs once per
	 * signal in delivery order. */
	for (int i = 0; i < 3; i++)
		set_handler(SIGRTMIN + i, on_log, 0, &set);
	set_handler(SIGUSR2, on_log, 0, &set);
	union sigval v;
	int order[][2] = { { 1, 1 }, { 0, 2 }, { 2, 3 }, { 0, 4 }, { 1, 5 }, { 0, 6 } };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		v.sival_int = order[i][1];
		CHECK(sigqueue(getpid(), SIGRTMIN + order[i][0], v) == 0);
	}
	raise(SIGUSR2);
	calls = 0;
	log_reset();
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("delivery order: %s\n", logbuf);
	sigprocmask(SIG_BLOCK, &set, NULL);

	/* Without sa_mask, each new delivery nests on the previous
	 * handler's frame before it runs: handlers run in the reverse
	 * order of delivery within each burst. */
	sigset_t none;
	sigemptyset(&none);
	for (int i = 0; i < 2; i++)
		set_handler(SIGRTMIN + i, on_log, 0, &none);
	for (int i = 0; i < 4; i++) {
		v.sival_int = 10 + i;
		CHECK(sigqueue(getpid(), SIGRTMIN + (i & 1), v) == 0);
	}
	log_reset();
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("nested delivery order: %s\n", logbuf);
	sigprocmask(SIG_BLOCK, &set, NULL);

	/* Ignoring a pending signal discards it. */
	raise(SIGUSR2);
	signal(SIGUSR2, SIG_IGN);
	sigpending(&pend);
	printf("pending SIGUSR2 discarded by SIG_IGN: %d\n", !sigismember(&pend, SIGUSR2));

	/* Synchronous waits. */
	siginfo_t si;
	v.sival_int = 77;
	CHECK(sigqueue(getpid(), SIGRTMIN + 1, v) == 0);
	struct timespec ts = { 0, 20 * 1000000 };
	int s = sigtimedwait(&set, &si, &ts);
	printf("sigtimedwait: RTMIN+%d code %s value %d pid self %d\n", s - SIGRTMIN, code_name(si.si_code),
	       si.si_value.sival_int, si.si_pid == getpid());
	s = sigtimedwait(&set, &si, &ts);
	printf("sigtimedwait nothing pending: %s\n", s < 0 ? ename(errno) : "a signal");
	ts.tv_nsec = 0;
	s = sigtimedwait(&set, &si, &ts);
	printf("sigtimedwait zero timeout: %s\n", s < 0 ? ename(errno) : "a signal");
	raise(SIGUSR1);
	s = sigwaitinfo(&set, &si);
	printf("sigwaitinfo: %s code %s\n", sigabbrev_np(s), code_name(si.si_code));
	raise(SIGRTMIN + 2);
	int got = 0;
	CHECK(sigwait(&set, &got) == 0);
	printf("sigwait: RTMIN+%d\n", got - SIGRTMIN);

	/* sigsuspend: the pending signal is delivered with the temporary
	 * mask, then the old mask is back. */
	set_handler(SIGUSR1, record, 0, NULL);
	raise(SIGUSR1);
	calls = 0;
	s = sigsuspend(&none);
	sigset_t after = current_mask();
	printf("sigsuspend: %s, handler ran %d, SIGUSR1 blocked again %d\n", s < 0 ? ename(errno) : "returned", calls,
	       sigismember(&after, SIGUSR1));

	/* signalfd. */
	int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	CHECK(sfd >= 0);
	struct signalfd_siginfo ssi[4];
	printf("signalfd empty read: %s\n", read(sfd, ssi, sizeof ssi) < 0 ? ename(errno) : "data");
	v.sival_int = 5;
	CHECK(sigqueue(getpid(), SIGRTMIN, v) == 0);
	kill(getpid(), SIGUSR1);
	struct pollfd p = { .fd = sfd, .events = POLLIN };
	int pr = poll(&p, 1, 0);
	printf("signalfd poll: %d revents POLLIN %d\n", pr, (p.revents & POLLIN) != 0);
	ssize_t n = read(sfd, ssi, sizeof ssi);
	printf("signalfd read: %zd records\n", n / (ssize_t)sizeof ssi[0]);
	for (ssize_t i = 0; i < n / (ssize_t)sizeof ssi[0]; i++)
		printf("  signo %s code %s pid self %d int %d\n",
		       (int)ssi[i].ssi_signo >= SIGRTMIN ? "RTMIN" : sigabbrev_np(ssi[i].ssi_signo),
		       code_name(ssi[i].ssi_code), ssi[i].ssi_pid == (uint32_t)getpid(),
		       ssi[i].ssi_code == SI_QUEUE ? ssi[i].ssi_int : 0);
	sigpending(&pend);
	printf("nothing pending after the read: %d\n", !sigismember(&pend, SIGUSR1) && !sigismember(&pend, SIGRTMIN));
	close(sfd);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* ---- errors and default actions ---- */


static void misc_tests(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	printf("sigaction SIGKILL: %s\n", sigaction(SIGKILL, &sa, NULL) == 0 ? "0" : ename(errno));
	printf("sigaction SIGSTOP: %s\n", sigaction(SIGSTOP, &sa, NULL) == 0 ? "0" : ename(errno));
	printf("sigaction 65: %s\n", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8) == 0 ? "0" : ename(errno));
	printf("rt_sigprocmask bad size: %s\n",
	       syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, NULL, 4) == 0 ? "0" : ename(errno));
	printf("kill signal 0: %d\n", kill(getpid(), 0));
	printf("kill bad signal: %s\n", kill(getpid(), 99) == 0 ? "0" : ename(errno));

	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	printf("child raise(SIGTERM): killed by %s\n", WIFSIGNALED(st) ? sigabbrev_np(WTERMSIG(st)) : "nothing");
	/* Only signals whose default action is to terminate without a
	 * core: qemu-aarch64 reports a core-dumping one on stderr. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		sigset_t u = one(SIGUSR1);
		sigprocmask(SIG_BLOCK, &u, NULL);
		raise(SIGUSR1);
		signal(SIGUSR1, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &u, NULL);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	printf("child unblocks a pending SIGUSR1 (default action): killed by %s\n",
	       WIFSIGNALED(st) ? sigabbrev_np(WTERMSIG(st)) : "nothing");
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		signal(SIGTERM, SIG_IGN);
		raise(SIGTERM);
		_exit(9);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	printf("child ignoring SIGTERM: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(void)
{
	altstack_tests();
	siginfo_tests();
	fault_tests();
	mask_tests();
	queue_tests();
	misc_tests();
	return 0;
}
