/* proc_exec.c — execve of files that cannot be executed fails in the
 * caller with the kernel's errno, and the caller goes on:
 *
 *   a text file without "#!" (ENOEXEC), an empty executable file
 *   (ENOEXEC), a file without execute permission (EACCES), a directory
 *   (EACCES), a missing path (ENOENT), a path through a regular file
 *   (ENOTDIR), a symlink loop (ELOOP), a name longer than PATH_MAX
 *   (ENAMETOOLONG), a "#!" script whose interpreter is missing (ENOENT)
 *   or is a directory (EACCES), a truncated ELF header (ENOEXEC);
 *   execveat with AT_EMPTY_PATH on a text file's fd (ENOEXEC); fexecve
 *   of a non-executable fd (EACCES).
 *
 * Each runs in the process itself (the caller must survive a failed
 * execve with its memory intact) and once more in a forked child.
 * argv[1] is a scratch directory.
 *
 * Oracle: the native amd64 build; qemu-aarch64 7.2 does not implement
 * execveat (ENOSYS). Every other line matches under qemu. */
#include "pm.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char **environ;
static char dir[PATH_MAX];

static void make_file(const char *name, const char *content, mode_t mode)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	size_t n = strlen(content);
	CHECK(write(fd, content, n) == (ssize_t)n);
	CHECK(close(fd) == 0);
	CHECK(chmod(path, mode) == 0);
}

static volatile int canary = 12345;

static void try_exec(const char *label, const char *path)
{
	char *args[] = { (char *)path, "arg", NULL };
	int r = execve(path, args, environ);
	int e = errno;
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execve(path, args, environ);
		_exit(errno & 0xff);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	printf("%-32s %s (in a child: %s), memory intact %d\n", label, r == -1 ? ename(e) : "returned?",
	       WIFEXITED(st) ? ename(WEXITSTATUS(st)) : "killed", canary == 12345);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: proc_exec SCRATCH_DIR\n");
		return 2;
	}
	CHECK(realpath(argv[1], dir) != NULL);
	char path[PATH_MAX + 64];

	make_file("text", "echo this is not a script\n", 0755);
	make_file("empty", "", 0755);
	make_file("noexec", "#!/bin/sh\necho hi\n", 0644);
	make_file("badinterp", "#!/nonexistent/interpreter\n", 0755);
	snprintf(path, sizeof path, "#!%s\n", dir);
	make_file("dirinterp", path, 0755);
	make_file("elfstub", "\x7f" "ELF\x02\x01\x01", 0755);
	CHECK(mkdir(strcat(strcpy(path, dir), "/subdir"), 0755) == 0);
	char a[PATH_MAX + 64], b[PATH_MAX + 64];
	snprintf(a, sizeof a, "%s/loop_a", dir);
	snprintf(b, sizeof b, "%s/loop_b", dir);
	CHECK(symlink(a, b) == 0 && symlink(b, a) == 0);

	snprintf(path, sizeof path, "%s/text", dir);
	try_exec("text file without #!", path);
	snprintf(path, sizeof path, "%s/empty", dir);
	try_exec("empty executable file", path);
	snprintf(path, sizeof path, "%s/noexec", dir);
	try_exec("no execute permission", path);
	snprintf(path, sizeof path, "%s/subdir", dir);
	try_exec("directory", path);
	snprintf(path, sizeof path, "%s/missing", dir);
	try_exec("missing file", path);
	snprintf(path, sizeof path, "%s/text/below", dir);
	try_exec("path through a file", path);
	try_exec("symlink loop", a);
	static char longname[PATH_MAX + 16];
	memset(longname, 'x', sizeof longname - 1);
	longname[0] = '/';
	try_exec("name longer than PATH_MAX", longname);
	snprintf(path, sizeof path, "%s/badinterp", dir);
	try_exec("#! with a missing interpreter", path);
	snprintf(path, sizeof path, "%s/dirinterp", dir);
	try_exec("#! with a directory interpreter", path);
	snprintf(path, sizeof path, "%s/elfstub", dir);
	try_exec("truncated ELF header", path);

	snprintf(path, sizeof path, "%s/text", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	char *args[] = { "text", NULL };
	long r = syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
	printf("%-32s %s\n", "execveat AT_EMPTY_PATH text", r == -1 ? ename(errno) : "returned?");
	close(fd);
	snprintf(path, sizeof path, "%s/noexec", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	r = fexecve(fd, args, environ);
	printf("%-32s %s\n", "fexecve without x permission", r == -1 ? ename(errno) : "returned?");
	close(fd);
	printf("still running\n");
	return 0;
}
