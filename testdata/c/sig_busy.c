/* sig_busy.c — asynchronous signals interrupting code that makes no
 * system calls: a translator must deliver them into translated loops.
 *
 *   - alarm(1): SIGALRM ends a pure compute loop that polls a volatile
 *     flag the handler sets;
 *   - setitimer(ITIMER_REAL) one-shot and periodic (20 expiries counted
 *     by the handler while the loop spins);
 *   - ITIMER_VIRTUAL and ITIMER_PROF, which only advance while the
 *     process runs (SIGVTALRM, SIGPROF);
 *   - a POSIX timer (timer_create, SIGEV_SIGNAL with SIGRTMIN and a
 *     sigev_value the handler checks in si_value, si_code SI_TIMER);
 *   - a loop with no memory access at all (a branch to itself), left by
 *     siglongjmp from the handler;
 *   - register state across delivery: a long integer/floating-point/SIMD
 *     computation interrupted by a 1 ms periodic timer whose handler
 *     clobbers FP registers must give the same result as without
 *     signals. */
#include "pm.h"
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/time.h>

static volatile sig_atomic_t flag, ticks;
static volatile int bad_value, bad_code;
static sigjmp_buf jb;
static volatile double sink;

static void on_flag(int sig)
{
	(void)sig;
	flag = 1;
}

static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

static void on_timer(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_value.sival_int != 4242)
		bad_value = 1;
	if (si->si_code != SI_TIMER)
		bad_code = 1;
	flag = 1;
}

static void on_jump(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

/* Clobbers caller-saved FP/SIMD registers and flags. */
static void on_clobber(int sig)
{
	(void)sig;
	volatile double a = 1.2345, b = 6.789;
	double s = 0;
	for (int i = 0; i < 20; i++)
		s += sqrt(a * i + b) / (b - i);
	sink = s;
	ticks++;
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static uint64_t spin_until_flag(void)
{
	uint64_t x = 1, n = 0;
	while (!flag) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		n++;
	}
	return x ^ n;
}

static void itimer(int which, long first_us, long interval_us)
{
	struct itimerval it = { { interval_us / 1000000, interval_us % 1000000 },
				{ first_us / 1000000, first_us % 1000000 } };
	CHECK(setitimer(which, &it, NULL) == 0);
}

/* The computation: integer, scalar FP and (auto-vectorised) array work;
 * every step depends on the previous so any corrupted register shows. */
static uint64_t compute(int rounds)
{
	static double v[64];
	uint64_t h = 0x9e3779b97f4a7c15ull;
	double acc = 0.5;
	for (int i = 0; i < 64; i++)
		v[i] = i * 0.25;
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < 64; i++)
			v[i] = v[i] * 0.999 + acc * 1e-3;
		double s = 0;
		for (int i = 0; i < 64; i++)
			s += v[i];
		acc = fmod(acc * 1.0001 + s * 1e-4, 100.0);
		h ^= (uint64_t)(acc * 1e9);
		h *= 0x100000001b3ull;
		h += (uint64_t)r * 0x2545f4914f6cdd1dull;
		h = h << 13 | h >> 51;
	}
	return h;
}

int main(void)
{
	watchdog_start(30);

	/* alarm(): SIGALRM after a second, into the spinning loop. */
	handle(SIGALRM, on_flag);
	flag = 0;
	alarm(1);
	spin_until_flag();
	printf("alarm interrupted the loop\n");

	/* One-shot ITIMER_REAL. */
	flag = 0;
	itimer(ITIMER_REAL, 20000, 0);
	spin_until_flag();
	printf("itimer real one-shot interrupted the loop\n");

	/* Periodic ITIMER_REAL: count 20 expiries in a loop. */
	handle(SIGALRM, on_tick);
	ticks = 0;
	itimer(ITIMER_REAL, 2000, 2000);
	while (ticks < 20) {
	}
	itimer(ITIMER_REAL, 0, 0);
	printf("itimer real periodic: at least 20 ticks\n");

	/* CPU-time timers. */
	handle(SIGVTALRM, on_flag);
	flag = 0;
	itimer(ITIMER_VIRTUAL, 20000, 0);
	spin_until_flag();
	printf("itimer virtual interrupted the loop\n");
	handle(SIGPROF, on_flag);
	flag = 0;
	itimer(ITIMER_PROF, 20000, 0);
	spin_until_flag();
	printf("itimer prof interrupted the loop\n");

	/* POSIX timer with a value. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_timer;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGRTMIN, &sa, NULL) == 0);
	struct sigevent sev;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN;
	sev.sigev_value.sival_int = 4242;
	timer_t tid;
	CHECK(timer_create(CLOCK_MONOTONIC, &sev, &tid) == 0);
	struct itimerspec its = { { 0, 0 }, { 0, 20 * 1000000 } };
	flag = 0;
	CHECK(timer_settime(tid, 0, &its, NULL) == 0);
	spin_until_flag();
	CHECK(timer_delete(tid) == 0);
	printf("posix timer interrupted the loop: value ok %d, si_code ok %d\n", !bad_value, !bad_code);

	/* A branch to itself, left only by siglongjmp. */
	handle(SIGALRM, on_jump);
	if (sigsetjmp(jb, 1) == 0) {
		itimer(ITIMER_REAL, 20000, 0);
#ifdef __aarch64__
		__asm__ volatile("1: b 1b");
#else
		__asm__ volatile("1: jmp 1b");
#endif
	}
	printf("siglongjmp out of a self-branch\n");
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("  SIGALRM unblocked again by siglongjmp: %d\n", !sigismember(&cur, SIGALRM));

	/* Registers across many deliveries. */
	const int rounds = 60000;
	uint64_t quiet = compute(rounds);
	handle(SIGALRM, on_clobber);
	ticks = 0;
	itimer(ITIMER_REAL, 500, 500);
	uint64_t noisy = 0;
	int passes = 0;
	while (ticks < 50 && passes < 200) {
		noisy = compute(rounds);
		passes++;
		if (noisy != quiet)
			break;
	}
	itimer(ITIMER_REAL, 0, 0);
	printf("compute under signals: result %s, 50 signals delivered %d\n", noisy == quiet ? "same" : "DIFFERENT",
	       ticks >= 50);
	watchdog_stop();
	return 0;
}
