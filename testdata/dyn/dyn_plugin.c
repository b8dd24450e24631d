// dyn_plugin: a shared object dyn_dlopen loads by path. Its constructor
// runs at dlopen, and it calls back into libm, which the program itself
// does not link.
#include <math.h>
#include <stdio.h>

int plugin_loaded;

__attribute__((constructor)) static void init(void)
{
	plugin_loaded = 1;
	printf("plugin: constructor\n");
}

double plugin_hypot(double a, double b) { return hypot(a, b); }
