/* proc_execfail.c — execve of files that cannot be run fails in the caller
 * with the kernel's errno: missing files and path errors, directories,
 * files without execute permission, text without "#!", scripts whose
 * interpreter is missing, and ELF files of this machine that the kernel's
 * ELF loader rejects before the point of no return (bad header, program
 * headers, PT_INTERP). The ELF files are written with this machine's
 * e_machine, so the native amd64 build is the oracle for an arm64 kernel.
 * Also through posix_spawn (vfork), where the child reports the errno.
 * argv[1] is a scratch directory. */
#define _GNU_SOURCE /* strerrorname_np */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __aarch64__
#define MACHINE EM_AARCH64
#else
#define MACHINE EM_X86_64
#endif

extern char **environ;
static const char *dir;

static char *in_dir(const char *name)
{
	static char bufs[4][4096];
	static int k;
	char *b = bufs[k++ % 4];
	snprintf(b, sizeof bufs[0], "%s/%s", dir, name);
	return b;
}

static void put(const char *name, const void *data, size_t n, int mode)
{
	char *path = in_dir(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, n) != (ssize_t)n || close(fd) != 0 || chmod(path, mode) != 0) {
		printf("cannot write %s: %s\n", name, strerrorname_np(errno));
		exit(1);
	}
}

static void try_exec(const char *what, const char *path)
{
	char *argv[] = {(char *)path, NULL};
	errno = 0;
	execve(path, argv, environ);
	int e = errno;
	printf("execve %s: %s\n", what, e ? strerrorname_np(e) : "0");
}

static void try_spawn(const char *what, const char *path)
{
	char *argv[] = {(char *)path, NULL};
	pid_t pid;
	fflush(stdout);
	int r = posix_spawn(&pid, path, NULL, NULL, argv, environ);
	printf("posix_spawn %s: %s\n", what, r ? strerrorname_np(r) : "0");
	if (r == 0)
		waitpid(pid, NULL, 0);
}

/* An ELF executable of this machine: header, program headers at 64, an
 * interpreter path at 512 if interp is set; then patch() may break it. */
struct elf {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	char pad[512 - sizeof(Elf64_Ehdr) - 2 * sizeof(Elf64_Phdr)];
	char interp[64];
};

static struct elf make_elf(const char *interp)
{
	struct elf e;
	memset(&e, 0, sizeof e);
	memcpy(e.eh.e_ident, ELFMAG, SELFMAG);
	e.eh.e_ident[EI_CLASS] = ELFCLASS64;
	e.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	e.eh.e_ident[EI_VERSION] = EV_CURRENT;
	e.eh.e_type = ET_EXEC;
	e.eh.e_machine = MACHINE;
	e.eh.e_version = EV_CURRENT;
	e.eh.e_entry = 0x400000 + 512;
	e.eh.e_phoff = 64;
	e.eh.e_ehsize = sizeof(Elf64_Ehdr);
	e.eh.e_phentsize = sizeof(Elf64_Phdr);
	int n = 0;
	if (interp) {
		strcpy(e.interp, interp);
		e.ph[n++] = (Elf64_Phdr){.p_type = PT_INTERP, .p_flags = PF_R, .p_offset = 512,
					 .p_vaddr = 0x400000 + 512, .p_filesz = strlen(interp) + 1,
					 .p_memsz = strlen(interp) + 1, .p_align = 1};
	}
	e.ph[n++] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
				 .p_vaddr = 0x400000, .p_filesz = sizeof e, .p_memsz = sizeof e,
				 .p_align = 0x1000};
	e.eh.e_phnum = n;
	return e;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: proc_execfail DIR\n");
		return 2;
	}
	dir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);

	try_exec("missing file", in_dir("missing"));
	try_exec("empty path", "");
	try_exec("directory", dir);
	put("text", "hello\n", 6, 0755);
	try_exec("text without #!", in_dir("text"));
	put("empty", "", 0, 0755);
	try_exec("empty file", in_dir("empty"));
	put("noexec", "#!/bin/sh\nexit 0\n", 17, 0644);
	try_exec("no execute permission", in_dir("noexec"));
	try_exec("file as a directory", in_dir("text/x"));
	symlink("loop-b", in_dir("loop-a"));
	symlink("loop-a", in_dir("loop-b"));
	try_exec("symlink loop", in_dir("loop-a"));
	put("script", "#!/nonexistent/interpreter\n", 27, 0755);
	try_exec("script with a missing interpreter", in_dir("script"));
	put("script-dir", "#!/\n", 4, 0755);
	try_exec("script whose interpreter is a directory", in_dir("script-dir"));

	struct elf e = make_elf(NULL);
	put("elf-truncated", &e, 30, 0755);
	try_exec("ELF truncated in its header", in_dir("elf-truncated"));
	e = make_elf(NULL);
	e.eh.e_type = ET_REL;
	put("elf-rel", &e, sizeof e, 0755);
	try_exec("ELF object file", in_dir("elf-rel"));
	e = make_elf(NULL);
	e.eh.e_type = ET_CORE;
	put("elf-core", &e, sizeof e, 0755);
	try_exec("ELF core file", in_dir("elf-core"));
	e = make_elf(NULL);
	e.eh.e_machine = EM_RISCV;
	put("elf-machine", &e, sizeof e, 0755);
	try_exec("ELF of another machine", in_dir("elf-machine"));
	e = make_elf(NULL);
	e.eh.e_phentsize = 40;
	put("elf-phentsize", &e, sizeof e, 0755);
	try_exec("ELF with a bad e_phentsize", in_dir("elf-phentsize"));
	e = make_elf(NULL);
	e.eh.e_phnum = 0;
	put("elf-phnum", &e, sizeof e, 0755);
	try_exec("ELF without program headers", in_dir("elf-phnum"));
	e = make_elf(NULL);
	e.eh.e_phoff = 1 << 20;
	put("elf-phoff", &e, sizeof e, 0755);
	try_exec("ELF with program headers past its end", in_dir("elf-phoff"));
	e = make_elf("/nonexistent/ld.so");
	put("elf-interp-missing", &e, sizeof e, 0755);
	try_exec("ELF with a missing PT_INTERP", in_dir("elf-interp-missing"));
	e = make_elf("/");
	put("elf-interp-dir", &e, sizeof e, 0755);
	try_exec("ELF whose PT_INTERP is a directory", in_dir("elf-interp-dir"));
	e = make_elf(in_dir("text"));
	put("elf-interp-text", &e, sizeof e, 0755);
	try_exec("ELF whose PT_INTERP is shorter than an ELF header", in_dir("elf-interp-text"));
	char text[128];
	memset(text, 'x', sizeof text);
	put("long-text", text, sizeof text, 0755);
	e = make_elf(in_dir("long-text"));
	put("elf-interp-notelf", &e, sizeof e, 0755);
	try_exec("ELF whose PT_INTERP is not ELF", in_dir("elf-interp-notelf"));
	e = make_elf(in_dir("elf-machine"));
	put("elf-interp-machine", &e, sizeof e, 0755);
	try_exec("ELF whose PT_INTERP is for another machine", in_dir("elf-interp-machine"));
	e = make_elf(in_dir("noexec"));
	put("elf-interp-noexec", &e, sizeof e, 0755);
	try_exec("ELF whose PT_INTERP is not executable", in_dir("elf-interp-noexec"));
	e = make_elf("/nonexistent/ld.so");
	e.ph[0].p_filesz = strlen(e.interp); /* no terminating NUL */
	put("elf-interp-unterminated", &e, sizeof e, 0755);
	try_exec("ELF whose PT_INTERP is not NUL-terminated", in_dir("elf-interp-unterminated"));
	e = make_elf("/nonexistent/ld.so");
	e.ph[0].p_filesz = 1;
	put("elf-interp-short", &e, sizeof e, 0755);
	try_exec("ELF whose PT_INTERP is too short", in_dir("elf-interp-short"));
	e = make_elf("/nonexistent/ld.so");
	e.ph[0].p_offset = 1 << 20;
	put("elf-interp-offset", &e, sizeof e, 0755);
	try_exec("ELF whose PT_INTERP lies past its end", in_dir("elf-interp-offset"));

	try_spawn("missing file", in_dir("missing"));
	try_spawn("text without #!", in_dir("text"));
	try_spawn("ELF object file", in_dir("elf-rel"));
	try_spawn("ELF with a missing PT_INTERP", in_dir("elf-interp-missing"));
	printf("still here\n");
	return 0;
}
