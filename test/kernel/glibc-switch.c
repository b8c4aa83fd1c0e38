/* Task switches between two threads of one process, or between two processes: a ping-pong of
 * 1000 rounds each way. argv[1] = "threads" (two POSIX semaphores: futex waits and wakes) or
 * "processes" (fork, two pipes). The test counts the CR3 loads the switches cost: none between
 * threads, one per switch between processes. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#define ROUNDS 1000

static sem_t ping, pong;
static long hits;

static void *ponger(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		sem_wait(&ping);
		hits++;
		sem_post(&pong);
	}
	return 0;
}

static int threads(void)
{
	sem_init(&ping, 0, 0);
	sem_init(&pong, 0, 0);
	pthread_t t;
	pthread_create(&t, 0, ponger, 0);
	for (int i = 0; i < ROUNDS; i++) {
		sem_post(&ping);
		sem_wait(&pong);
	}
	pthread_join(t, 0);
	printf("threads: %d rounds, the other thread counted %ld\n", ROUNDS, hits);
	return 0;
}

static int processes(void)
{
	int there[2], back[2];
	pipe(there);
	pipe(back);
	char c = 0;
	pid_t child = fork();
	if (child == 0) {
		long seen = 0;
		while (read(there[0], &c, 1) == 1 && c != 'q') {
			seen++;
			write(back[1], &c, 1);
		}
		_exit(seen == ROUNDS ? 0 : 1);
	}
	for (int i = 0; i < ROUNDS; i++) {
		c = 'p';
		write(there[1], &c, 1);
		read(back[0], &c, 1);
	}
	c = 'q';
	write(there[1], &c, 1);
	int status;
	waitpid(child, &status, 0);
	printf("processes: %d rounds, the child exited %d\n", ROUNDS, WEXITSTATUS(status));
	return 0;
}

int main(int argc, char **argv)
{
	return argc > 1 && strcmp(argv[1], "processes") == 0 ? processes() : threads();
}
