// dyn_preload: a program whose calls to libc's puts and getenv an
// LD_PRELOAD library (dyn_preload_lib) interposes. Portable.
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	puts("first line");
	const char *v = getenv("PRELOAD_PROBE");
	puts(v ? v : "(no PRELOAD_PROBE)");
	return 0;
}
