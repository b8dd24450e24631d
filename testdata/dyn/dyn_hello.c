// dyn_hello: a dynamically linked program on the arm64 glibc and libm the
// dynamic loader finds (the cross libc's sysroot outside a chroot): its
// arguments, a libm result, an environment variable, and what glibc's
// loader reports through dl_iterate_phdr (the objects it loaded, by
// soname, in order) and getauxval (AT_BASE is the loader, AT_ENTRY the
// program). Portable: the amd64 build prints the same.
#define _GNU_SOURCE
#include <link.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

static int show(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	int *n = data;
	const char *name = info->dlpi_name;
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	// The loader's name is per-architecture; the vDSO is not a file.
	if (strncmp(base, "ld-linux", 8) == 0)
		base = "ld-linux";
	if (strncmp(base, "linux-vdso", 10) == 0)
		return 0;
	printf("object %d: %s\n", (*n)++, *base ? base : "(main program)");
	return 0;
}

extern char _start[];

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	volatile double x = argc + 1.0;
	printf("cbrt(%g) = %.9f, lgamma = %.9f\n", x * x * x, cbrt(x * x * x), lgamma(x + 0.5));
	const char *v = getenv("DYN_VAR");
	printf("DYN_VAR = %s\n", v ? v : "(unset)");
	int n = 0;
	dl_iterate_phdr(show, &n);
	unsigned long base = getauxval(AT_BASE), entry = getauxval(AT_ENTRY);
	printf("AT_BASE set: %d, AT_ENTRY is _start: %d\n", base != 0, entry == (unsigned long)_start);
	return 0;
}
