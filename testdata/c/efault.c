// efault: a system call given memory that is not the program's fails with
// EFAULT and touches nothing; a buffer that runs into unmapped memory is
// used up to where it ends. The addresses are where nothing of an arm64
// or amd64 static program is mapped on Linux, and where ferry keeps its
// own text (0x7e0000001000) and Go heap (0xc000000000): ferry's memory is
// not the guest's. Portable: the native build is an oracle too.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <unistd.h>

static void report(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerror(errno));
	else
		printf("%s: %ld\n", what, r);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	static const uintptr_t foreign[] = {0x7e0000001000, 0x7e0000101000, 0xc000000000, 0xc000100000, 0x10000};
	int p[2];
	if (pipe2(p, O_NONBLOCK) != 0)
		return 1;
	for (unsigned i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
		void *a = (void *)foreign[i];
		char name[64];
		snprintf(name, sizeof name, "write from %#lx", (unsigned long)foreign[i]);
		report(name, write(p[1], a, 16));
		write(p[1], "abcdefghijklmnop", 16);
		snprintf(name, sizeof name, "read into %#lx", (unsigned long)foreign[i]);
		report(name, read(p[0], a, 16));
		char sink[16];
		read(p[0], sink, sizeof sink); // drain what the failed read left
		snprintf(name, sizeof name, "getrandom into %#lx", (unsigned long)foreign[i]);
		report(name, getrandom(a, 16, 0));
		struct iovec iov[2] = {{"xy", 2}, {a, 16}};
		snprintf(name, sizeof name, "writev with %#lx second", (unsigned long)foreign[i]);
		report(name, writev(p[1], iov, 2));
		read(p[0], sink, sizeof sink);
		iov[0].iov_base = a;
		snprintf(name, sizeof name, "writev with %#lx first", (unsigned long)foreign[i]);
		report(name, writev(p[1], iov, 2));
	}
	// A buffer whose second page is not mapped: the kernel copies the
	// first page and stops.
	long pg = sysconf(_SC_PAGESIZE);
	char *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(two + pg, pg);
	memset(two, 'z', pg);
	char path[] = "/tmp/ferry-efault-XXXXXX";
	int fd = mkstemp(path);
	unlink(path);
	report("write running off the end", write(fd, two + pg - 100, 300));
	lseek(fd, 0, SEEK_SET);
	report("read running off the end", read(fd, two + pg - 50, 300));
	mprotect(two, pg, PROT_READ);
	report("read into read-only", read(fd, two, 10));
	return 0;
}
