/* timecheck.c — clocks through the vDSO-or-syscall paths glibc picks:
 * clock_gettime for several clocks, gettimeofday, time, clock_getres,
 * nanosleep, and the monotonic clock never going backwards. Prints only
 * properties, never times. */
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

int main(void)
{
	struct timespec a, b, res;
	int backwards = 0, calls_ok = 1;
	calls_ok &= clock_gettime(CLOCK_MONOTONIC, &a) == 0;
	for (int i = 0; i < 20000; i++) {
		calls_ok &= clock_gettime(CLOCK_MONOTONIC, &b) == 0;
		backwards += ns(&b) < ns(&a);
		a = b;
	}
	printf("monotonic calls ok %d, went backwards %d times\n", calls_ok, backwards);

	static const struct {
		clockid_t id;
		const char *name;
	} clocks[] = {
		{ CLOCK_REALTIME, "realtime" }, { CLOCK_MONOTONIC, "monotonic" },
		{ CLOCK_MONOTONIC_RAW, "monotonic_raw" }, { CLOCK_BOOTTIME, "boottime" },
		{ CLOCK_PROCESS_CPUTIME_ID, "process_cputime" }, { CLOCK_THREAD_CPUTIME_ID, "thread_cputime" },
		{ CLOCK_REALTIME_COARSE, "realtime_coarse" }, { CLOCK_MONOTONIC_COARSE, "monotonic_coarse" },
	};
	for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
		int r = clock_gettime(clocks[i].id, &a);
		int rr = clock_getres(clocks[i].id, &res);
		printf("%s: gettime %d nsec in range %d getres %d res positive %d\n", clocks[i].name, r,
		       a.tv_nsec >= 0 && a.tv_nsec < 1000000000, rr, ns(&res) > 0);
	}
	printf("invalid clock: %d\n", clock_gettime((clockid_t)12345, &a));

	/* The wall clock is after 2020 and agrees with time() and
	 * gettimeofday() to within a few seconds. */
	struct timeval tv;
	clock_gettime(CLOCK_REALTIME, &a);
	gettimeofday(&tv, NULL);
	time_t t = time(NULL);
	printf("realtime after 2020: %d\n", a.tv_sec > 1577836800);
	printf("sources agree: %d %d\n", tv.tv_sec - a.tv_sec < 5 && a.tv_sec - tv.tv_sec < 5,
	       t - a.tv_sec < 5 && a.tv_sec - t < 5);

	/* A 20 ms sleep takes at least 20 ms of monotonic time. */
	clock_gettime(CLOCK_MONOTONIC, &a);
	struct timespec req = { 0, 20000000 }, rem;
	int r = nanosleep(&req, &rem);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("nanosleep %d, slept long enough %d\n", r, ns(&b) - ns(&a) >= 20000000);
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
	printf("clock_nanosleep %d\n", r);
	return 0;
}
