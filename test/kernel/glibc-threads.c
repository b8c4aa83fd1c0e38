/* pthreads on gate86, as on Linux: threads sharing memory under a mutex (the 1998000),
 * condition variables, a barrier, thread-local storage, gettid/getpid, pthread_kill (tgkill) to
 * one thread, joins. argv[1] = number of threads (default 4). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static long counter;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int mine = 42;
static __thread long tls_sum;

static void *adder(void *arg)
{
	long n = (long)arg;
	for (long i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		counter += i;
		pthread_mutex_unlock(&lock);
		tls_sum += i;
	}
	mine += (int)n;
	return (void *)(tls_sum == 499500 && mine == 42 + n ? 1L : 0L);
}

/* A producer/consumer queue of one slot, on a condition variable. */
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int slot = -1, consumed;
static void *consumer(void *arg)
{
	(void)arg;
	long total = 0;
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&lock);
		while (slot < 0)
			pthread_cond_wait(&changed, &lock);
		total += slot;
		slot = -1;
		consumed++;
		pthread_cond_broadcast(&changed);
		pthread_mutex_unlock(&lock);
	}
	return (void *)total;
}

static pthread_barrier_t barrier;
static int arrived;
static void *meet(void *arg)
{
	(void)arg;
	__sync_fetch_and_add(&arrived, 1);
	int serial = pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD;
	/* After the barrier everyone has arrived. */
	return (void *)(long)(arrived == 4 ? 1 + serial : 0);
}

static volatile pthread_t usr1_thread;
static volatile int usr1_on_target;
static pthread_t target;
static void on_usr1(int sig) { (void)sig; usr1_on_target = pthread_equal(pthread_self(), target); }
static volatile int stop_spin;
static void *spin(void *arg)
{
	(void)arg;
	while (!stop_spin)
		sched_yield();
	return (void *)(long)syscall(SYS_gettid);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	pthread_t *t = calloc(n, sizeof *t);
	for (long i = 0; i < n; i++)
		if (pthread_create(&t[i], 0, adder, (void *)(i + 1)) != 0) { printf("pthread_create failed\n"); return 1; }
	long good = 0;
	for (int i = 0; i < n; i++) {
		void *r;
		pthread_join(t[i], &r);
		good += (long)r;
	}
	/* Each thread adds 0 + 1 + ... + 999 = 499500: 1998000 for 4 threads. */
	printf("%d threads: counter %ld, TLS private in every thread: %d, main's TLS untouched: %d\n", n, counter, good == n, mine == 42);

	pthread_t c;
	pthread_create(&c, 0, consumer, 0);
	long sent = 0;
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&lock);
		while (slot >= 0)
			pthread_cond_wait(&changed, &lock);
		slot = i;
		sent += i;
		pthread_cond_signal(&changed);
		pthread_mutex_unlock(&lock);
	}
	void *total;
	pthread_join(c, &total);
	printf("condition variable: sent %ld, consumed %d items summing to %ld\n", sent, consumed, (long)total);

	pthread_barrier_init(&barrier, 0, 4);
	pthread_t m[3];
	for (int i = 0; i < 3; i++) pthread_create(&m[i], 0, meet, 0);
	long serials = (long)meet(0) - 1;
	for (int i = 0; i < 3; i++) { void *r; pthread_join(m[i], &r); serials += (long)r - 1; }
	printf("barrier: 4 arrived, exactly one serial thread: %d\n", serials == 1);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, 0);
	pthread_create(&target, 0, spin, 0);
	pthread_kill(target, SIGUSR1);
	while (!usr1_on_target)
		sched_yield();
	stop_spin = 1;
	void *tid;
	pthread_join(target, &tid);
	printf("pthread_kill: the handler ran on the target thread: %d; its tid differs from the pid: %d\n", usr1_on_target, (long)tid != getpid());
	return 0;
}
