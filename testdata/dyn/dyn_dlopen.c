// dyn_dlopen: dlopen of a plugin by path and of a library by soname,
// dlsym of functions and data, dlerror for a missing library and a
// missing symbol, dladdr, and dlclose. Portable.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: dyn_dlopen PLUGIN.so\n");
		return 2;
	}
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		printf("dlopen: %s\n", dlerror());
		return 1;
	}
	int *loaded = dlsym(h, "plugin_loaded");
	double (*hyp)(double, double) = (double (*)(double, double))dlsym(h, "plugin_hypot");
	printf("plugin_loaded = %d, plugin_hypot(3, 4) = %g\n", loaded ? *loaded : -1, hyp ? hyp(3, 4) : -1.0);
	Dl_info info;
	if (hyp && dladdr((void *)hyp, &info) && info.dli_sname)
		printf("dladdr: %s in %s\n", info.dli_sname, strrchr(info.dli_fname, '/') + 1);
	printf("missing symbol: %s\n", dlsym(h, "no_such_symbol") ? "found?" : "not found");
	void *m = dlopen("libm.so.6", RTLD_NOW);
	double (*c)(double) = m ? (double (*)(double))dlsym(m, "cos") : 0;
	printf("libm cos(0) = %g\n", c ? c(0) : -1.0);
	void *none = dlopen("libdoes-not-exist.so.9", RTLD_NOW);
	const char *err = dlerror();
	printf("missing library: %s\n", none ? "loaded?" : (err && strstr(err, "cannot open shared object file")) ? "cannot open shared object file" : err);
	printf("dlclose: %d\n", dlclose(h));
	return 0;
}
