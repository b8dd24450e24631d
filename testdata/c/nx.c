// nx: execute permission is enforced as on Linux: running code placed in
// .data, on the (non-executable) stack, in memory mapped without
// PROT_EXEC, or in a page whose PROT_EXEC was taken away after it ran,
// raises SIGSEGV with si_code SEGV_ACCERR and si_addr the address jumped
// to; a jump to an unmapped address gives SEGV_MAPERR. The same code made
// executable runs. Portable: the code bytes are each architecture's
// "return 42", so the amd64 build is an oracle too. ferry's own code is
// not the guest's: jumping to it is a jump to unmapped memory.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__aarch64__)
static const unsigned char ret42[] = {0x40, 0x05, 0x80, 0x52, 0xc0, 0x03, 0x5f, 0xd6}; // mov w0,#42; ret
#elif defined(__x86_64__)
static const unsigned char ret42[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3}; // mov eax,42; ret
#endif

typedef int (*fn_t)(void);

static sigjmp_buf env;
static volatile uintptr_t fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = (uintptr_t)si->si_addr;
	fault_code = si->si_code;
	siglongjmp(env, 1);
}

// try calls f and reports whether it ran or how it faulted.
static void try(const char *what, void *f)
{
	fault_addr = 0;
	fault_code = 0;
	if (sigsetjmp(env, 1) == 0) {
		int r = ((fn_t)f)();
		printf("%s: ran, returned %d\n", what, r);
		return;
	}
	printf("%s: SIGSEGV %s, si_addr %s\n", what,
	       fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other",
	       fault_addr == (uintptr_t)f ? "= target" : "!= target");
}

static unsigned char data_code[64] __attribute__((aligned(16)));

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	long page = sysconf(_SC_PAGESIZE);

	memcpy(data_code, ret42, sizeof ret42);
	try(".data", data_code);

	unsigned char stack_code[64] __attribute__((aligned(16)));
	memcpy(stack_code, ret42, sizeof ret42);
	try("stack", stack_code);

	unsigned char *rw = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memcpy(rw, ret42, sizeof ret42);
	try("mmap RW", rw);
	mprotect(rw, page, PROT_READ | PROT_EXEC);
	__builtin___clear_cache((char *)rw, (char *)rw + sizeof ret42);
	try("after mprotect RX", rw);
	mprotect(rw, page, PROT_READ);
	try("after mprotect R", rw);
	mprotect(rw, page, PROT_READ | PROT_EXEC);
	try("RX again", rw);
	munmap(rw, page);
	try("unmapped", rw);
	// Where ferry's own x86 code lies (linked at 0x7e0000001000): nothing
	// of the guest's is there.
	try("0x7e0000001000", (void *)0x7e0000001000);
	return 0;
}
