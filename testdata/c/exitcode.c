/* exitcode.c — the ways a process ends: return from main, exit() with
 * atexit handlers and stdio flushing, and _exit() which skips both.
 * Usage: exitcode return|exit|_exit CODE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void first_registered(void)
{
	printf("atexit: first registered, runs last\n");
}

static void second_registered(void)
{
	printf("atexit: second registered, runs first\n");
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: exitcode return|exit|_exit CODE\n");
		return 2;
	}
	int code = atoi(argv[2]);
	atexit(first_registered);
	atexit(second_registered);
	/* Buffered (stdout is a pipe): lost when the process uses _exit. */
	printf("buffered line before %s(%d)\n", argv[1], code);
	fprintf(stderr, "stderr is unbuffered\n");
	if (strcmp(argv[1], "exit") == 0)
		exit(code);
	if (strcmp(argv[1], "_exit") == 0)
		_exit(code);
	return code;
}
