/* fileio.c — file system calls through glibc: openat/read/write/lseek/
 * pread/pwrite/ftruncate/fstat/stat/lstat/rename/unlink/mkdir/rmdir/
 * symlink/readlink and getdents64 (via opendir/readdir) inside a scratch
 * directory given as argv[1]. Prints only what does not depend on the
 * directory's location or the time: sizes, modes, types, link counts and
 * contents. */
#define _GNU_SOURCE /* strerrorname_np */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define CHECK(expr)                                                            \
	do {                                                                   \
		if (!(expr)) {                                                 \
			printf("FAILED line %d: %s (errno %s)\n", __LINE__, #expr, \
			       strerrorname_np(errno));                        \
			exit(1);                                               \
		}                                                              \
	} while (0)

/* Print a call's result and, for failures, errno's name. A function so
 * errno is read after the call (argument evaluation order is unspecified). */
static void show(const char *what, int result)
{
	printf("%s: %d %s\n", what, result, result < 0 ? strerrorname_np(errno) : "-");
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
	DIR *d = opendir(path);
	CHECK(d != NULL);
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		CHECK(n < 64);
		/* Name plus type: the order of readdir is file-system specific,
		 * so sort before printing. */
		char *s = malloc(strlen(e->d_name) + 8);
		sprintf(s, "%s:%c", e->d_name,
			e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?');
		names[n++] = s;
	}
	CHECK(closedir(d) == 0);
	qsort(names, n, sizeof names[0], cmp_names);
	printf("dir %s:", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void print_stat(const char *label, const struct stat *st)
{
	printf("%s: size %lld mode %o nlink %lu type %s\n", label, (long long)st->st_size,
	       st->st_mode & 07777, (unsigned long)st->st_nlink,
	       S_ISREG(st->st_mode) ? "file" : S_ISDIR(st->st_mode) ? "dir" : S_ISLNK(st->st_mode) ? "link" : "other");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fileio SCRATCH_DIR\n");
		return 2;
	}
	umask(022);
	CHECK(chdir(argv[1]) == 0);

	/* Write a file in uneven chunks, read it back with seeks. */
	int fd = open("data.bin", O_CREAT | O_RDWR | O_TRUNC, 0640);
	CHECK(fd >= 0);
	unsigned char buf[70000];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i * 7 + (i >> 9));
	size_t off = 0, chunk = 1;
	while (off < sizeof buf) {
		size_t n = chunk < sizeof buf - off ? chunk : sizeof buf - off;
		CHECK(write(fd, buf + off, n) == (ssize_t)n);
		off += n;
		chunk = chunk * 3 + 1;
	}
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	print_stat("data.bin", &st);
	CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)sizeof buf);
	CHECK(lseek(fd, 1000, SEEK_SET) == 1000);
	unsigned char rd[300];
	CHECK(read(fd, rd, sizeof rd) == (ssize_t)sizeof rd);
	printf("read at 1000 matches: %d\n", memcmp(rd, buf + 1000, sizeof rd) == 0);
	CHECK(lseek(fd, -10, SEEK_END) == (off_t)sizeof buf - 10);
	printf("read at end-10: %zd\n", read(fd, rd, sizeof rd));
	printf("read at eof: %zd\n", read(fd, rd, sizeof rd));
	CHECK(pwrite(fd, "HOLE", 4, 100000) == 4);
	CHECK(pread(fd, rd, 8, 99998) == 6);
	printf("pread across hole: %02x %02x %c%c%c%c\n", rd[0], rd[1], rd[2], rd[3], rd[4], rd[5]);
	CHECK(ftruncate(fd, 5000) == 0);
	CHECK(fstat(fd, &st) == 0);
	print_stat("truncated", &st);
	CHECK(close(fd) == 0);
	show("close again", close(fd));

	/* Read the whole file back with stdio and hash it. */
	FILE *f = fopen("data.bin", "rb");
	CHECK(f != NULL);
	uint64_t h = HASH_INIT;
	size_t total = 0, n;
	while ((n = fread(rd, 1, sizeof rd, f)) > 0) {
		h = hash_bytes(h, rd, n);
		total += n;
	}
	fclose(f);
	printf("stdio read %zu bytes\n", total);
	REPORT("contents", h);

	/* Directories, links, renames. */
	CHECK(mkdir("sub", 0750) == 0);
	CHECK(mkdir("sub/deeper", 0700) == 0);
	show("mkdir existing", mkdir("sub", 0700));
	f = fopen("sub/note.txt", "w");
	CHECK(f != NULL);
	fprintf(f, "line one\nline two\n");
	fclose(f);
	CHECK(symlink("sub/note.txt", "link") == 0);
	char target[64];
	ssize_t tl = readlink("link", target, sizeof target);
	CHECK(tl > 0);
	printf("readlink: %.*s\n", (int)tl, target);
	CHECK(lstat("link", &st) == 0);
	print_stat("lstat link", &st);
	CHECK(stat("link", &st) == 0);
	print_stat("stat link", &st);
	CHECK(stat("sub", &st) == 0);
	print_stat("sub", &st);
	CHECK(link("data.bin", "hardlink") == 0);
	CHECK(stat("data.bin", &st) == 0);
	print_stat("data.bin after link", &st);
	CHECK(rename("hardlink", "sub/moved") == 0);
	show("open missing", open("nope", O_RDONLY));
	show("open dir for write", open("sub", O_WRONLY));
	int dfd = open("sub", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	int nfd = openat(dfd, "note.txt", O_RDONLY);
	CHECK(nfd >= 0);
	char line[32] = { 0 };
	CHECK(read(nfd, line, 8) == 8);
	printf("openat read: %s\n", line);
	show("O_DIRECTORY on file", openat(dfd, "note.txt", O_RDONLY | O_DIRECTORY));
	int fl = fcntl(nfd, F_GETFL);
	printf("F_GETFL accmode %d\n", fl & O_ACCMODE);
	close(nfd);
	close(dfd);
	list_dir(".");
	list_dir("sub");

	/* Clean up, checking each step. */
	CHECK(unlink("link") == 0);
	CHECK(unlink("sub/note.txt") == 0);
	CHECK(unlink("sub/moved") == 0);
	show("rmdir non-empty", rmdir("sub"));
	CHECK(rmdir("sub/deeper") == 0);
	CHECK(rmdir("sub") == 0);
	CHECK(unlink("data.bin") == 0);
	list_dir(".");
	char cwd[4096];
	CHECK(getcwd(cwd, sizeof cwd) != NULL);
	printf("cwd is argv[1]: %d\n", strcmp(cwd, argv[1]) == 0);
	return 0;
}
