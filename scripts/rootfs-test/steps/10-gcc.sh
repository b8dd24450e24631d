# shellcheck shell=sh
# gcc compiling and running C programs, serially with make; the output
# binaries must be the same bits under both engines.
set -e
gcc --version | head -n1
gcc -dumpmachine
mkdir -p /tmp/c && cd /tmp/c
cat >prog.c <<'END'
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *arg)
{
	long k = (long)arg;
	for (int i = 0; i < 10000; i++) {
		pthread_mutex_lock(&mu);
		counter += k;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	double v[1000];
	unsigned x = 12345;
	for (int i = 0; i < 1000; i++) {
		x = x * 1103515245u + 12345u;
		v[i] = sin(x % 10000) * 1000.0;
	}
	qsort(v, 1000, sizeof v[0], cmp);
	printf("min %.6f max %.6f median %.6f\n", v[0], v[999], (v[499] + v[500]) / 2);
	pthread_t t[4];
	for (long k = 0; k < 4; k++)
		pthread_create(&t[k], NULL, work, (void *)(k + 1));
	for (int k = 0; k < 4; k++)
		pthread_join(t[k], NULL);
	printf("threads: %ld\n", counter);
	char buf[64];
	snprintf(buf, sizeof buf, "%s-%d-%.3g", "ferry", 42, exp(1.0));
	printf("%s %zu\n", buf, strlen(buf));
	return 0;
}
END
gcc -O2 -Wall -Wextra -o prog prog.c -lm -pthread
./prog
sha256sum prog
gcc -O0 -g -o prog-g prog.c -lm -pthread && ./prog-g | md5sum && sha256sum prog-g
cat >a.c <<'END'
int twice(int x) { return 2 * x; }
END
cat >b.c <<'END'
#include <stdio.h>
int twice(int);
int main(void) { printf("twice(21) = %d\n", twice(21)); return 0; }
END
printf 'all: ab\nab: a.o b.o\n\t$(CC) -o $@ a.o b.o\n%%.o: %%.c\n\t$(CC) -O2 -c -o $@ $<\nclean:\n\trm -f ab *.o\n' >Makefile
make
./ab
sha256sum a.o b.o ab
make clean >/dev/null && make -j2 -s && ./ab
