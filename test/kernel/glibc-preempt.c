/* Preemption: a child that never makes a system call after its first line still gets the CPU — the
 * PIT's tick makes the kernel reschedule on the way back to user mode — while the parent spins. */
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	pid_t child = fork();
	if (child == 0) {
		printf("child: running\n");
		for (;;)
			;
	}
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do
		clock_gettime(CLOCK_MONOTONIC, &now);
	while ((now.tv_sec - start.tv_sec) * 1000000000LL + (now.tv_nsec - start.tv_nsec) < 300000000LL);
	kill(child, SIGKILL);
	int status;
	waitpid(child, &status, 0);
	printf("parent: child killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return 0;
}
