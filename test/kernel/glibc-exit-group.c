/* A thread calls exit(3) — exit_group — while the main thread sleeps in pthread_join and another
 * thread sleeps on a condition variable that nobody will signal: every thread ends, the status is 3. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static void *sleeper(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;)
		pthread_cond_wait(&never, &lock);
	return 0;
}

static void *quitter(void *arg)
{
	(void)arg;
	struct timespec t = { 0, 20000000 };
	nanosleep(&t, 0);
	printf("thread: calling exit(3)\n");
	exit(3);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	pthread_t a, b;
	pthread_create(&a, 0, sleeper, 0);
	pthread_create(&b, 0, quitter, 0);
	pthread_join(b, 0);
	printf("main: not reached\n");
	return 0;
}
