/* stdiofmt.c — printf and scanf-family formatting, including
 * floating point (%f %e %g %a), and strtod/strtol round trips. glibc's
 * float formatting is multi-precision integer code; strtod exercises
 * correct rounding. Only double (never long double, whose format differs
 * between arm64 and amd64) so the amd64 build is a valid oracle. */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

static const double doubles[] = {
	0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 2.5, 3.5, 1e10, 1e-10, 123456789.125,
	1e300, 1e-300, 5e-324, 2.2250738585072014e-308, DBL_MAX, DBL_MIN, DBL_EPSILON,
	M_PI, -M_E, 0.5, 1e21, 1e22, 9007199254740993.0, 0.000123456, 65536.0,
};

int main(void)
{
	char buf[512];
	uint64_t h = HASH_INIT;
	for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
		double d = doubles[i];
		printf("%.17g | %f | %e | %g | %a | %.3f | %12.4e | %-10.2g|\n", d, d, d, d, d, d, d, d);
		/* Round trip through the shortest exact representation. */
		snprintf(buf, sizeof buf, "%.17g", d);
		double back = strtod(buf, NULL);
		if (memcmp(&back, &d, sizeof d) != 0)
			printf("ROUNDTRIP FAILED %s\n", buf);
		snprintf(buf, sizeof buf, "%.40f", d);
		h = hash_bytes(h, buf, strlen(buf));
	}
	printf("inf nan: %f %e %g %F\n", INFINITY, -INFINITY, NAN, INFINITY);
	REPORT("f40", h);

	/* Integers: widths, flags, bases. */
	printf("[%d] [%5d] [%-5d] [%05d] [%+d] [% d] [%x] [%#X] [%o] [%#o]\n",
	       42, 42, 42, 42, 42, 42, 0xbeef, 0xbeef, 8, 8);
	printf("[%lld] [%llu] [%" PRIx64 "] [%hhd] [%hd] [%zu] [%c] [%%]\n",
	       (long long)INT64_MIN, (unsigned long long)UINT64_MAX, UINT64_C(0xfedcba9876543210),
	       (signed char)200, (short)70000, (size_t)12345, 'Z');
	printf("[%s] [%10s] [%-10s] [%.3s] [%*d] [%-*d]\n", "str", "right", "left", "truncate", 6, 7, 6, 7);

	/* strtod on decimal strings that need careful rounding. */
	static const char *inputs[] = {
		"0.1", "1e23", "8.98846567431158e307", "2.4703282292062327e-324",
		"2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623159e308",
		"0x1.fffffffffffffp1023", "0x1p-1074", "-0.0", "inf", "nan", "  +12.5e-1xyz",
		"123456789012345678901234567890", "4.9406564584124654e-324", "1e-400",
	};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		char *end;
		errno = 0;
		double d = strtod(inputs[i], &end);
		uint64_t bits;
		memcpy(&bits, &d, sizeof bits);
		if (isnan(d))
			bits &= 0x7fffffffffffffffull; /* the sign of a parsed NaN is not specified */
		printf("strtod(%s) = %016" PRIx64 " consumed %td erange %d\n", inputs[i], bits,
		       end - inputs[i], errno == ERANGE);
	}

	/* strtol family: bases, overflow, partial parses. */
	static const char *ints[] = { "12345", "-0x7fffffff", "0777", "9223372036854775808",
				      "-9223372036854775809", "zz", "  -42abc", "0b101" };
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		char *end;
		errno = 0;
		long long v = strtoll(ints[i], &end, 0);
		int e1 = errno;
		errno = 0;
		unsigned long long u = strtoull(ints[i], NULL, 36);
		printf("strtoll(%s) = %lld consumed %td erange %d; base36 %llu erange %d\n", ints[i], v,
		       end - ints[i], e1 == ERANGE, u, errno == ERANGE);
	}

	/* sscanf. */
	int a, n;
	double x;
	char word[16];
	int got = sscanf("17 2.75e2 hello 99", "%d %lf %15s %n", &a, &x, word, &n);
	printf("sscanf got %d: %d %g %s consumed %d\n", got, a, x, word, n);
	return 0;
}
