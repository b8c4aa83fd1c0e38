/*
 * init: the first process of `gate86 boot`. Each argument is a command line ("PATH ARG..."); init
 * runs them one after another — fork, execve in the child, wait4 in the parent — and reports how
 * each ended, as a shell would. Exits with the number of commands that failed.
 */
#include "lib/libc.h"

#define MAX_ARGS	8

static int run(char *line, char **envp)
{
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	printf("init: $ %s\n", line);
	for (char *p = line; *p && argc < MAX_ARGS; ) {
		while (*p == ' ')
			*p++ = 0;
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	argv[argc] = 0;
	if (argc == 0)
		return 0;
	long pid = __syscall(__NR_fork);
	if (pid < 0) {
		printf("init: fork failed: %d\n", (int)pid);
		return 1;
	}
	if (pid == 0) {
		long error = __syscall(__NR_execve, argv[0], argv, envp);
		printf("init: execve %s failed: %d\n", argv[0], (int)error);
		exit(127);
	}
	int status = 0;
	if (__syscall(__NR_wait4, pid, &status, 0, 0) != pid) {
		printf("init: wait4 failed\n");
		return 1;
	}
	if ((status & 0x7f) == 0) {
		printf("init: pid %d exited with status %d\n", (int)pid, (status >> 8) & 0xff);
		return ((status >> 8) & 0xff) != 0;
	}
	printf("init: pid %d was killed by signal %d\n", (int)pid, status & 0x7f);
	return 1;
}

int main(int argc, char **argv, char **envp)
{
	int failed = 0;
	for (int i = 1; i < argc; i++)
		failed += run(argv[i], envp);
	return failed;
}
