// procself: what a program learns about itself from /proc. Every line of
// the "portable" mode is the same for a native amd64 run and an arm64 run
// (addresses are only compared, never printed), so the native kernel is
// the oracle. "cpuinfo" checks /proc/cpuinfo against AT_HWCAP (arm64 only).
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static int readfile(const char *path, char *buf, int size) {
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int n = 0, r;
	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	return n;
}

static int readfd(int fd, char *buf, int size) {
	int n = 0, r;
	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	return n;
}

static void printq(const char *label, const char *b, int n) {
	printf("%s[%d]=", label, n);
	for (int i = 0; i < n; i++) {
		unsigned char c = b[i];
		if (c == 0)
			printf("\\0");
		else if (c < ' ' || c > '~')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('\n');
}

static void chomp(char *s) {
	size_t n = strlen(s);
	if (n && s[n - 1] == '\n')
		s[n - 1] = 0;
}

// statfield returns field n (1-based, as in proc(5)) of a stat line.
static unsigned long statfield(const char *stat, int n) {
	const char *p = strrchr(stat, ')');
	if (!p || n < 3)
		return 0;
	p += 2;
	for (int i = 3; i < n && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoul(p, NULL, 10) : 0;
}

// inmap reports whether addr lies in a mapping whose line contains what
// and whose permissions contain perm.
static int inmap(unsigned long addr, const char *what, char perm) {
	static char maps[1 << 16];
	if (readfile("/proc/self/maps", maps, sizeof maps) <= 0)
		return 0;
	for (char *l = strtok(maps, "\n"); l; l = strtok(NULL, "\n")) {
		unsigned long lo, hi;
		char perms[5];
		if (sscanf(l, "%lx-%lx %4s", &lo, &hi, perms) != 3)
			return 0;
		if (lo <= addr && addr < hi)
			return strstr(l, what) != NULL && strchr(perms, perm) != NULL;
	}
	return 0;
}

static int mapsparse(void) {
	static char maps[1 << 16];
	if (readfile("/proc/self/maps", maps, sizeof maps) <= 0)
		return 0;
	for (char *l = strtok(maps, "\n"); l; l = strtok(NULL, "\n")) {
		unsigned long lo, hi, off, ino;
		unsigned maj, min;
		char perms[5];
		if (sscanf(l, "%lx-%lx %4s %lx %x:%x %lu", &lo, &hi, perms, &off, &maj, &min, &ino) != 7 || lo >= hi)
			return 0;
	}
	return 1;
}

static pthread_barrier_t step;
static pid_t worker_tid;

static void *worker(void *arg) {
	(void)arg;
	char buf[64];
	worker_tid = gettid();
	readfile("/proc/thread-self/comm", buf, sizeof buf);
	chomp(buf);
	printf("thread comm at start=%s\n", buf);
	prctl(PR_SET_NAME, "worker-1");
	readfile("/proc/thread-self/comm", buf, sizeof buf);
	chomp(buf);
	printf("thread comm after prctl=%s\n", buf);
	fflush(stdout);
	pthread_barrier_wait(&step); // main looks at us
	pthread_barrier_wait(&step);
	return NULL;
}

static void threads(void) {
	char buf[4096], path[64];
	pthread_t th;
	pthread_barrier_init(&step, NULL, 2);
	pthread_create(&th, NULL, worker, NULL);
	pthread_barrier_wait(&step);
	snprintf(path, sizeof path, "/proc/self/task/%d/comm", worker_tid);
	readfile(path, buf, sizeof buf);
	chomp(buf);
	printf("task comm=%s\n", buf);
	readfile("/proc/self/comm", buf, sizeof buf);
	chomp(buf);
	printf("process comm with thread=%s\n", buf);
	readfile("/proc/self/stat", buf, sizeof buf);
	printf("stat num_threads=%lu\n", statfield(buf, 20));
	readfile("/proc/self/status", buf, sizeof buf);
	char *th_line = strstr(buf, "\nThreads:");
	printf("status threads=%ld\n", th_line ? strtol(th_line + 9, NULL, 10) : -1L);
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", worker_tid);
	readfile(path, buf, sizeof buf);
	printf("task stat pid-is-tid=%d\n", (pid_t)strtol(buf, NULL, 10) == worker_tid);
	pthread_setname_np(th, "renamed"); // glibc writes /proc/self/task/TID/comm
	snprintf(path, sizeof path, "/proc/self/task/%d/comm", worker_tid);
	readfile(path, buf, sizeof buf);
	chomp(buf);
	printf("task comm after setname=%s\n", buf);
	pthread_barrier_wait(&step);
	pthread_join(th, NULL);
}

static void portable(int argc, char **argv) {
	static char a[8192], b[8192];
	int n = readfile("/proc/self/cmdline", a, sizeof a);
	printq("cmdline", a, n);

	// The same file through other spellings of its path.
	int same = 1;
	const char *spellings[] = {"/proc/./self/../self/cmdline", "//proc/self/cmdline",
				   "/proc/thread-self/../../cmdline"};
	for (unsigned i = 0; i < sizeof spellings / sizeof *spellings; i++)
		same &= readfile(spellings[i], b, sizeof b) == n && memcmp(a, b, n) == 0;
	char pidpath[64];
	snprintf(pidpath, sizeof pidpath, "/proc/%d/cmdline", getpid());
	same &= readfile(pidpath, b, sizeof b) == n && memcmp(a, b, n) == 0;
	int dfd = open("/proc/self", O_RDONLY | O_DIRECTORY);
	same &= readfd(openat(dfd, "cmdline", O_RDONLY), b, sizeof b) == n && memcmp(a, b, n) == 0;
	close(dfd);
	int cwd = open(".", O_RDONLY | O_DIRECTORY);
	chdir("/proc/self/task");
	same &= readfile("../cmdline", b, sizeof b) == n && memcmp(a, b, n) == 0;
	fchdir(cwd);
	close(cwd);
	printf("paths agree=%d\n", same);

	// A generated file behaves like a read-only regular file.
	int fd = open("/proc/self/cmdline", O_RDONLY);
	char c[4] = {0};
	printf("pread=%d", (int)pread(fd, c, 3, 1) == 3 && memcmp(c, a + 1, 3) == 0);
	printf(" write-fails=%d", write(fd, "x", 1) < 0);
	printf(" cloexec=%d", fcntl(fd, F_GETFD) == 0);
	close(fd);
	fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	printf(" cloexec-asked=%d\n", fcntl(fd, F_GETFD) == FD_CLOEXEC);
	close(fd);

	readfile("/proc/self/comm", b, sizeof b);
	chomp(b);
	printf("comm=%s\n", b);
	readfile("/proc/self/stat", b, sizeof b);
	char *open_paren = strchr(b, '('), *close_paren = strrchr(b, ')');
	if (open_paren && close_paren)
		printf("stat comm=%.*s\n", (int)(close_paren - open_paren + 1), open_paren);
	unsigned long startcode = statfield(b, 26), endcode = statfield(b, 27);
	printf("stat startcode<=main<endcode=%d\n",
	       startcode <= (unsigned long)&portable && (unsigned long)&portable < endcode);
	printf("stat startstack=&argc=%d\n", statfield(b, 28) == (unsigned long)argv - sizeof(long));
	printf("stat arg_start=argv[0]=%d\n", statfield(b, 48) == (unsigned long)argv[0]);
	printf("stat arg_end=%d\n", statfield(b, 49) == (unsigned long)argv[argc - 1] + strlen(argv[argc - 1]) + 1);
	printf("stat env_start=environ[0]=%d\n", environ[0] && statfield(b, 50) == (unsigned long)environ[0]);
	readfile("/proc/self/status", b, sizeof b);
	char name[64] = "";
	sscanf(b, "Name:\t%63s", name);
	printf("status name=%s\n", name);

	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[len > 0 ? len : 0] = 0;
	printf("exe basename=%s\n", strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe);
	readfile("/proc/self/exe", b, 5);
	printf("exe opens as ELF=%d\n", memcmp(b, "\177ELF", 4) == 0);
	struct stat s1, s2;
	printf("exe same file=%d\n", stat("/proc/self/exe", &s1) == 0 && stat(exe, &s2) == 0 &&
					      s1.st_ino == s2.st_ino && s1.st_dev == s2.st_dev);

	printf("maps parse=%d\n", mapsparse());
	printf("maps main in exe r-x=%d\n", inmap((unsigned long)&portable, exe, 'x'));
	int local;
	printf("maps stack=%d\n", inmap((unsigned long)&local, "[stack]", 'w'));
	void *m = malloc(100);
	printf("maps heap=%d\n", inmap((unsigned long)m, "[heap]", 'w'));
	free(m);

	n = readfile("/proc/self/auxv", b, sizeof b);
	int ok = n > 0 && n % 16 == 0, entries = 0;
	// x86-64 glibc answers AT_HWCAP/AT_HWCAP2 with its own bits, not the
	// kernel's: those two are checked by the cpuinfo mode instead.
	for (unsigned long *p = (unsigned long *)b; n > 0 && p[0] != AT_NULL; p += 2, entries++)
		ok &= p[0] == AT_HWCAP || p[0] == AT_HWCAP2 || p[1] == getauxval(p[0]);
	printf("auxv matches getauxval=%d entries>=10=%d\n", ok, entries >= 10);

	threads();

	// setproctitle: the argument strings overwritten in place. First
	// shorter, NUL-padded; then over the whole area without a final NUL,
	// which makes the kernel read on into the environment.
	char *area = argv[0], *end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
	memset(area, 0, end - area);
	strcpy(area, "retitled");
	n = readfile("/proc/self/cmdline", a, sizeof a);
	printq("cmdline padded", a, n);
	memset(area, '=', end - area);
	memcpy(area, "title:", 6);
	n = readfile("/proc/self/cmdline", a, sizeof a);
	printq("cmdline proctitle", a, n);
}

// The names of the AT_HWCAP bits in /proc/cpuinfo (hwcap_str in
// arch/arm64/kernel/cpuinfo.c).
static const char *const hwcap_names[] = {
	"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32",
	"atomics", "fphp", "asimdhp", "cpuid", "asimdrdm", "jscvt", "fcma", "lrcpc",
	"dcpop", "sha3", "sm3", "sm4", "asimddp", "sha512", "sve", "asimdfhm",
	"dit", "uscat", "ilrcpc", "flagm", "ssbs", "sb", "paca", "pacg",
};

// And of the AT_HWCAP2 bits, which follow them on the Features line.
static const char *const hwcap2_names[] = {
	"dcpodp", "sve2", "sveaes", "svepmull", "svebitperm", "svesha3", "svesm4", "flagm2",
	"frint", "svei8mm", "svef32mm", "svef64mm", "svebf16", "i8mm", "bf16", "dgh",
	"rng", "bti", "mte", "ecv", "afp", "rpres",
};

static void cpuinfo(void) {
	static char b[1 << 16];
	char want[1024] = "";
	unsigned long hwcap = getauxval(AT_HWCAP), hwcap2 = getauxval(AT_HWCAP2);
	for (int i = 0; i < 64; i++)
		if (hwcap & (1UL << i)) {
			strcat(want, " ");
			strcat(want, i < 32 ? hwcap_names[i] : "?");
		}
	for (int i = 0; i < 64; i++)
		if (hwcap2 & (1UL << i)) {
			strcat(want, " ");
			strcat(want, i < (int)(sizeof hwcap2_names / sizeof *hwcap2_names) ? hwcap2_names[i] : "?");
		}
	static char auxv[4096];
	int n = readfile("/proc/self/auxv", auxv, sizeof auxv), found = 0;
	for (unsigned long *p = (unsigned long *)auxv; n > 0 && p[0] != AT_NULL; p += 2)
		found |= p[0] == AT_HWCAP && p[1] == hwcap;
	printf("hwcap=%#lx hwcap2=%#lx in /proc/self/auxv=%d\n", hwcap, hwcap2, found);
	printf("hwcap names=%s\n", want);
	readfile("/proc/cpuinfo", b, sizeof b);
	int blocks = 0, match = 1;
	for (char *l = strtok(b, "\n"); l; l = strtok(NULL, "\n")) {
		if (strncmp(l, "Features\t:", 10) == 0) {
			blocks++;
			match &= strcmp(l + 10, want) == 0;
		}
	}
	printf("cpuinfo feature lines=%d all match=%d (cpus %ld)\n", blocks, match, sysconf(_SC_NPROCESSORS_ONLN));
}

int main(int argc, char **argv) {
	if (argc > 1 && strcmp(argv[1], "cpuinfo") == 0)
		cpuinfo();
	else
		portable(argc, argv);
	return 0;
}
