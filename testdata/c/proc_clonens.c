// clone(2) with CLONE_NEWUTS|CLONE_NEWPID: the child is pid 1 of a new PID
// namespace with its own host name; the parent is unaffected. Needs root
// (CI runs as root). qemu-aarch64 7.2 rejects CLONE_NEW*, so the native
// amd64 build is the oracle.
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <signal.h>
int main() {
  long pid = syscall(SYS_clone, CLONE_NEWUTS | CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) { sethostname("inner", 5); char h[64]; gethostname(h, 64); printf("child pid %d host %s\n", getpid(), h); fflush(stdout); _exit(7); }
  int st; waitpid(pid, &st, 0); char h[64]; gethostname(h, 64);
  printf("parent: child status %d, host unchanged %d\n", WEXITSTATUS(st), h[0] != 'i' || h[1] != 'n');
  return 0;
}
