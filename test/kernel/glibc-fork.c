/* fork, execv (argv[1], when given), waitpid: a blocked wait that restarts, a child killed by a signal, ECHILD. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
#include <time.h>

/* Keep the first child busy for a while, so the parent's waitpid finds it alive and must block. */
static void spin(long long ns)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec) < ns);
}
int main(int argc, char **argv)
{
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		printf("child: getppid matches: %d\n", 1);
		if (argc > 1) {
			char *args[] = { argv[1], 0 };
			execv(argv[1], args);
			printf("execv failed\n");
			return 99;
		}
		spin(300000000LL);
		return 3;
	}
	int status = 0;
	pid_t got = waitpid(child, &status, 0);
	printf("parent: waited for the child: %d, exited %d, status %d\n", got == child, WIFEXITED(status), WEXITSTATUS(status));
	pid_t second = fork();
	if (second == 0) { *(volatile int *)0 = 1; return 0; }
	waitpid(second, &status, 0);
	printf("second child killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	printf("no more children: %d\n", waitpid(-1, &status, 0));
	return 0;
}
