/* hello.c — the first program a translator runs: argv, envp and stdout. */
#include <stdio.h>

int main(int argc, char **argv, char **envp)
{
	printf("hello from arm64 guest\n");
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	/* In order: the translator must pass the environment unchanged. */
	for (char **e = envp; *e; e++)
		printf("env %s\n", *e);
	return 0;
}
