/* tokenizer.c — a JSON-like tokenizer: generates a document of nested
 * objects and arrays with keys, strings containing escapes, integers,
 * decimals, true/false/null, then scans it byte by byte the way parsers
 * and build tools' manifest readers do (a switch on the current byte,
 * character-class tests, string unescaping into a buffer, number
 * conversion with strtod), ROUNDS times (argv[2]) over about KIB KiB
 * (argv[1]). Prints token counts and hashes, so every byte decision
 * shows. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x6a09e667f3bcc909ull;
static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}
static void puts_(struct buf *b, const char *s) { put(b, s, strlen(s)); }

static const char *const words[] = { "name", "id", "version", "deps", "path", "flags", "size",
				     "hash", "target", "src", "out", "mode", "link", "arch" };
#define NWORDS (sizeof words / sizeof words[0])

static void gen_string(struct buf *b)
{
	char tmp[64];
	puts_(b, "\"");
	int n = 1 + rng() % 24;
	for (int i = 0; i < n; i++) {
		uint32_t r = rng() % 40;
		if (r == 0)
			puts_(b, "\\n");
		else if (r == 1)
			puts_(b, "\\\"");
		else if (r == 2)
			puts_(b, "\\\\");
		else if (r == 3) {
			snprintf(tmp, sizeof tmp, "\\u%04x", 0x20 + rng() % 0x7e0);
			puts_(b, tmp);
		} else {
			tmp[0] = (char)('a' + r % 26);
			put(b, tmp, 1);
		}
	}
	puts_(b, "\"");
}

static void gen_value(struct buf *b, int depth)
{
	char tmp[64];
	uint32_t r = rng() % (depth < 6 ? 10 : 7);
	switch (r) {
	case 0: case 1: gen_string(b); break;
	case 2: snprintf(tmp, sizeof tmp, "%d", (int)(rng() % 2000001) - 1000000); puts_(b, tmp); break;
	case 3: {
		/* One rng() call per full expression: argument evaluation order is
		 * unspecified, and GCC's differs between arm64 and x86-64. */
		uint32_t whole = rng() % 1000, frac = rng() % 1000;
		int exp = (int)(rng() % 11) - 5;
		snprintf(tmp, sizeof tmp, "%u.%03ue%d", whole, frac, exp);
		puts_(b, tmp);
		break;
	}
	case 4: puts_(b, "true"); break;
	case 5: puts_(b, "false"); break;
	case 6: puts_(b, "null"); break;
	case 7: case 8: {
		puts_(b, "{");
		int n = rng() % 6;
		for (int i = 0; i < n; i++) {
			if (i)
				puts_(b, ", ");
			const char *word = words[rng() % NWORDS];
			snprintf(tmp, sizeof tmp, "\"%s%u\": ", word, rng() % 8);
			puts_(b, tmp);
			gen_value(b, depth + 1);
		}
		puts_(b, "}");
		break;
	}
	default: {
		puts_(b, "[");
		int n = rng() % 6;
		for (int i = 0; i < n; i++) {
			if (i)
				puts_(b, i % 3 ? ", " : ",\n  ");
			gen_value(b, depth + 1);
		}
		puts_(b, "]");
	}
	}
}

enum { T_LBRACE, T_RBRACE, T_LBRACKET, T_RBRACKET, T_COLON, T_COMMA, T_STRING, T_INT, T_REAL,
       T_TRUE, T_FALSE, T_NULL, T_ERROR, NTOKENS };
static const char *const token_names[NTOKENS] = { "{", "}", "[", "]", ":", ",", "string", "int",
						  "real", "true", "false", "null", "error" };

struct stats {
	uint64_t count[NTOKENS];
	uint64_t string_hash, int_sum;
	double real_sum;
	int max_depth;
	size_t string_bytes;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void tokenize(const char *s, struct stats *st, char *out)
{
	int depth = 0;
	for (;;) {
		switch (*s) {
		case 0:
			return;
		case ' ': case '\n': case '\t': case '\r':
			s++;
			break;
		case '{': case '[':
			st->count[*s == '{' ? T_LBRACE : T_LBRACKET]++;
			if (++depth > st->max_depth)
				st->max_depth = depth;
			s++;
			break;
		case '}': case ']':
			st->count[*s == '}' ? T_RBRACE : T_RBRACKET]++;
			depth--;
			s++;
			break;
		case ':': st->count[T_COLON]++; s++; break;
		case ',': st->count[T_COMMA]++; s++; break;
		case '"': {
			/* Unescape into out (UTF-8 for \u), then hash it. */
			char *o = out;
			s++;
			while (*s && *s != '"') {
				if (*s != '\\') {
					*o++ = *s++;
					continue;
				}
				s++;
				switch (*s++) {
				case 'n': *o++ = '\n'; break;
				case 't': *o++ = '\t'; break;
				case '"': *o++ = '"'; break;
				case '\\': *o++ = '\\'; break;
				case 'u': {
					int v = 0;
					for (int i = 0; i < 4; i++)
						v = v * 16 + hexval(*s++);
					if (v < 0x80)
						*o++ = (char)v;
					else {
						*o++ = (char)(0xc0 | v >> 6);
						*o++ = (char)(0x80 | (v & 0x3f));
					}
					break;
				}
				default: st->count[T_ERROR]++;
				}
			}
			if (*s == '"')
				s++;
			else
				st->count[T_ERROR]++;
			uint64_t h = 0xcbf29ce484222325ull;
			for (char *p = out; p < o; p++)
				h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
			st->string_hash = st->string_hash * 31 + h;
			st->string_bytes += (size_t)(o - out);
			st->count[T_STRING]++;
			break;
		}
		case '-': case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9': {
			const char *start = s;
			if (*s == '-')
				s++;
			while (*s >= '0' && *s <= '9')
				s++;
			if (*s == '.' || *s == 'e' || *s == 'E') {
				char *end;
				st->real_sum += strtod(start, &end);
				s = end;
				st->count[T_REAL]++;
			} else {
				int64_t v = 0;
				for (const char *p = *start == '-' ? start + 1 : start; p < s; p++)
					v = v * 10 + (*p - '0');
				st->int_sum += (uint64_t)(*start == '-' ? -v : v);
				st->count[T_INT]++;
			}
			break;
		}
		default:
			if (strncmp(s, "true", 4) == 0) {
				st->count[T_TRUE]++;
				s += 4;
			} else if (strncmp(s, "false", 5) == 0) {
				st->count[T_FALSE]++;
				s += 5;
			} else if (strncmp(s, "null", 4) == 0) {
				st->count[T_NULL]++;
				s += 4;
			} else {
				st->count[T_ERROR]++;
				s++;
			}
		}
	}
}

int main(int argc, char **argv)
{
	long kib = argc > 1 ? atol(argv[1]) : 256;
	int rounds = argc > 2 ? atoi(argv[2]) : 1;
	if (kib < 1 || kib > 1 << 20 || rounds < 1) {
		fprintf(stderr, "usage: tokenizer [KIB [ROUNDS]]\n");
		return 2;
	}
	struct buf doc = { 0 };
	puts_(&doc, "[\n");
	while (doc.len < (size_t)kib << 10) {
		gen_value(&doc, 0);
		puts_(&doc, ",\n");
	}
	puts_(&doc, "null]\n");
	char *out = malloc(doc.len + 1);
	struct stats st = { 0 };
	for (int r = 0; r < rounds; r++)
		tokenize(doc.p, &st, out);
	printf("document %zu bytes, %d rounds, max depth %d\n", doc.len, rounds, st.max_depth);
	for (int t = 0; t < NTOKENS; t++)
		printf("%s %llu\n", token_names[t], (unsigned long long)st.count[t]);
	printf("strings %zu bytes hash %016llx ints %lld reals %.6e\n", st.string_bytes,
	       (unsigned long long)st.string_hash, (long long)st.int_sum, st.real_sum);
	free(out);
	free(doc.p);
	return 0;
}
