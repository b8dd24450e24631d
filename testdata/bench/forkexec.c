/* forkexec.c — process creation as a build's shell steps do it: COUNT
 * times (argv[1]), fork, exec this same program with "child" (it exits
 * at once: a static program's start-up and exit), wait for it. With an
 * exec wrapper after COUNT (argv[2...], e.g. qemu-aarch64, which binfmt_misc
 * would otherwise insert), the child is run as WRAPPER... PROGRAM child.
 * The benchmark times COUNT=0 and COUNT=N and reports the difference per
 * child, so the parent's own start-up is not counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "child") == 0)
		return 0;
	long count = argc > 1 ? atol(argv[1]) : -1;
	if (count < 0 || argv[0][0] != '/') {
		fprintf(stderr, "usage: /ABSOLUTE/PATH/forkexec COUNT [WRAPPER...]\n");
		return 2;
	}
	/* The child's argv: the wrapper words, this program, "child". */
	int nwrap = argc - 2;
	char **child_argv = calloc((size_t)nwrap + 3, sizeof *child_argv);
	for (int i = 0; i < nwrap; i++)
		child_argv[i] = argv[2 + i];
	child_argv[nwrap] = argv[0];
	child_argv[nwrap + 1] = "child";
	long ok = 0;
	for (long i = 0; i < count; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			execv(child_argv[0], child_argv);
			perror("execv");
			_exit(127);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid) {
			perror("waitpid");
			return 1;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
	}
	printf("%ld children, %ld exited 0\n", count, ok);
	free(child_argv);
	return 0;
}
