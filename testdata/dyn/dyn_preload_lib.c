// dyn_preload_lib: interposes puts and getenv for dyn_preload, passing on
// to the real ones through dlsym(RTLD_NEXT).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int puts(const char *s)
{
	int (*real)(const char *) = (int (*)(const char *))dlsym(RTLD_NEXT, "puts");
	fputs("[preload] ", stdout);
	return real(s);
}

char *getenv(const char *name)
{
	char *(*real)(const char *) = (char *(*)(const char *))dlsym(RTLD_NEXT, "getenv");
	if (strcmp(name, "PRELOAD_PROBE") == 0)
		return "interposed getenv";
	return real(name);
}
