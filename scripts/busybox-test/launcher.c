/*
 * The "busybox" of the ferry side of `make busybox-test`: a native program
 * that runs the arm64 busybox under ferry with this program's argv[0], so
 * applet links (sed -> busybox) make busybox see the applet name exactly as
 * a native busybox would. FERRY and GUEST are absolute paths given with -D.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char **args = calloc(argc + 3, sizeof *args);
	const char *name = argc > 0 ? argv[0] : "busybox";
	char *opt = malloc(strlen(name) + sizeof "-argv0=");

	if (!args || !opt)
		return 127;
	/* -argv0=NAME, not "-argv0 NAME": NAME may start with '-' (login shells). */
	strcpy(opt, "-argv0=");
	strcat(opt, name);
	args[0] = FERRY;
	args[1] = opt;
	args[2] = GUEST;
	for (int i = 1; i < argc; i++)
		args[i + 2] = argv[i];
	execv(FERRY, args);
	perror("busybox-test launcher: exec " FERRY);
	return 127;
}
