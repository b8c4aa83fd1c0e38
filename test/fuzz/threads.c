#define _GNU_SOURCE
/* The thread fuzz's guest (test/fuzz/thread-fuzz.ts runs it under gate86 and on the oracle).
 *
 *   threads SEED ROUNDS MS MIN_OPS
 *
 * The program supervises ROUNDS rounds. Each round forks a child that, for MS milliseconds of its
 * monotonic clock and at least MIN_OPS operations, creates threads, joins them and detaches them,
 * while every thread does random futex calls (WAIT with and without a bitset, with timeouts, WAKE,
 * WAKE_BITSET, REQUEUE, CMP_REQUEUE, WAKE_OP), mutex-protected increments, timed condition waits,
 * signals and broadcasts, sleeps, yields, creates detached threads and sometimes pthread_exits.
 * A round ends in one of three ways the seed picks:
 *   - normal: the child joins every thread, waits for the detached ones, checks that the counter
 *     its mutex protects equals the sum of every thread's own count, and exits 0 (1 if not);
 *   - exit_group: a thread calls exit_group(code) in the middle of it all;
 *   - kill: the supervisor sends SIGKILL after MS milliseconds.
 * The supervisor prints one line per round, which depends on the seed only (never on how far the
 * threads got), so a run prints the same on gate86 as on the oracle. Every wait in it has a timeout
 * or waits for a thread that ends on its own: the program cannot deadlock, so a hang is a kernel's.
 *
 * Random numbers: xorshift32, one generator per thread, seeded from SEED and the thread's serial
 * number. Which thread runs when is up to the scheduler, so a seed fixes the choices, not the run. */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define WORDS 8
#define MAX_LIVE 24
#define SLOTS 12

static uint32_t seed;
static volatile int words[WORDS];
static volatile int live;             /* threads started and not yet ended (a futex word too) */
static volatile int serials;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;                  /* under lock */
static volatile long counted;         /* the threads' own counts, added atomically at their end */

static uint32_t next(uint32_t *state)
{
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static uint32_t generator(uint32_t serial)
{
	uint32_t s = seed * 2654435761u ^ (serial + 1) * 40503u;
	return s == 0 ? 1 : s;
}

static long futex(volatile int *word, int op, int value, const struct timespec *timeout, volatile int *word2, int value3)
{
	return syscall(SYS_futex, word, op, value, timeout, word2, value3);
}

static struct timespec after_ms(uint32_t ms, int absolute)
{
	struct timespec t = { 0, 0 };
	if (absolute)
		clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += (long)ms * 1000000L;
	while (t.tv_nsec >= 1000000000L) {
		t.tv_nsec -= 1000000000L;
		t.tv_sec++;
	}
	return t;
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000L + (now.tv_nsec - start->tv_nsec) / 1000000L;
}

static void *worker(void *arg);

/* A detached thread (live counts it until it ends). */
static void spawn_detached(void)
{
	if (__sync_add_and_fetch(&live, 1) > MAX_LIVE) {
		__sync_sub_and_fetch(&live, 1);
		return;
	}
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	if (pthread_create(&t, &attr, worker, 0) != 0)
		__sync_sub_and_fetch(&live, 1);
	pthread_attr_destroy(&attr);
}

static void thread_ends(long mine)
{
	__sync_add_and_fetch(&counted, mine);
	__sync_sub_and_fetch(&live, 1);
	futex(&live, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}

/* One random action; `mine` counts this thread's increments of the counter. */
static void act(uint32_t *rng, long *mine)
{
	uint32_t r = next(rng);
	volatile int *w = &words[r % WORDS];
	volatile int *w2 = &words[(r >> 8) % WORDS];
	uint32_t ms = (r >> 16) % 3;
	switch ((r >> 20) % 16) {
	case 0: {                                       /* FUTEX_WAIT, relative timeout */
		struct timespec t = after_ms(ms, 0);
		futex(w, FUTEX_WAIT_PRIVATE, *w, &t, 0, 0);
		break;
	}
	case 1:                                         /* change the word, wake some */
		__sync_add_and_fetch(w, 1);
		futex(w, FUTEX_WAKE_PRIVATE, 1 + (r >> 28) % 3, 0, 0, 0);
		break;
	case 2: {                                       /* FUTEX_WAIT_BITSET, absolute deadline */
		struct timespec t = after_ms(ms, 1);
		futex(w, FUTEX_WAIT_BITSET_PRIVATE, *w, &t, 0, 1 << ((r >> 24) % 4));
		break;
	}
	case 3:
		__sync_add_and_fetch(w, 1);
		futex(w, FUTEX_WAKE_BITSET_PRIVATE, 2, 0, 0, 1 << ((r >> 24) % 4));
		break;
	case 4:                                         /* wake one, move up to two to the other word */
		__sync_add_and_fetch(w, 1);
		futex(w, FUTEX_REQUEUE_PRIVATE, 1, (const struct timespec *)2, w2, 0);
		break;
	case 5: {
		int value = *w;
		futex(w, FUTEX_CMP_REQUEUE_PRIVATE, 1, (const struct timespec *)2, w2, value);
		break;
	}
	case 6:                                         /* *w2 += 1; wake one on w, one on w2 if it was > 0 */
		futex(w, FUTEX_WAKE_OP_PRIVATE, 1, (const struct timespec *)1, w2, FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_GT, 0));
		break;
	case 7:
	case 8:
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		(*mine)++;
		break;
	case 9: {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += (long)ms * 1000000L;
		if (t.tv_nsec >= 1000000000L) { t.tv_nsec -= 1000000000L; t.tv_sec++; }
		pthread_mutex_lock(&lock);
		pthread_cond_timedwait(&cond, &lock, &t);
		counter++;
		pthread_mutex_unlock(&lock);
		(*mine)++;
		break;
	}
	case 10:
		pthread_cond_signal(&cond);
		break;
	case 11:
		pthread_cond_broadcast(&cond);
		break;
	case 12: {
		struct timespec t = after_ms(ms, 0);
		nanosleep(&t, 0);
		break;
	}
	case 13:
		sched_yield();
		break;
	case 14:
		if ((r >> 28) % 4 == 0)
			spawn_detached();
		break;
	default:
		if ((r >> 26) == 0) {                   /* rarely: pthread_exit from the middle */
			thread_ends(*mine);
			pthread_exit(0);
		}
		break;
	}
}

static void *worker(void *arg)
{
	(void)arg;
	uint32_t rng = generator(__sync_add_and_fetch(&serials, 1));
	long mine = 0;
	int actions = 1 + next(&rng) % 40;
	for (int i = 0; i < actions; i++)
		act(&rng, &mine);
	thread_ends(mine);
	return 0;
}

static int exit_code;
static uint32_t round_ms;
static void *exit_group_later(void *arg)
{
	(void)arg;
	struct timespec t = after_ms(round_ms, 0);
	nanosleep(&t, 0);
	syscall(SYS_exit_group, exit_code);
	return 0;
}

enum ending { NORMAL, EXIT_GROUP, KILL };

/* The child: create, join and detach threads until the time and the operations are done. */
static void child(enum ending ending, uint32_t min_ops)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	uint32_t rng = generator(0);
	pthread_t slot[SLOTS];
	int used[SLOTS] = { 0 };
	if (ending == EXIT_GROUP) {
		pthread_t t;
		pthread_create(&t, 0, exit_group_later, 0);
	}
	long mine = 0;
	for (uint32_t ops = 0; ending != NORMAL || ops < min_ops || elapsed_ms(&start) < (long)round_ms; ops++) {
		uint32_t r = next(&rng);
		int i = r % SLOTS;
		if (!used[i] && (r >> 8) % 3 != 0) {
			if (__sync_add_and_fetch(&live, 1) > MAX_LIVE || pthread_create(&slot[i], 0, worker, 0) != 0) {
				__sync_sub_and_fetch(&live, 1);
				continue;
			}
			used[i] = 1;
		} else if (used[i] && (r >> 8) % 5 == 0) {
			pthread_detach(slot[i]);
			used[i] = 0;
		} else if (used[i]) {
			pthread_join(slot[i], 0);
			used[i] = 0;
		} else {
			act(&rng, &mine);
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (used[i])
			pthread_join(slot[i], 0);
	/* The detached threads end on their own; wait for the last (a futex wait with a timeout). */
	for (int n; (n = live) != 0;) {
		struct timespec t = after_ms(2, 0);
		futex(&live, FUTEX_WAIT_PRIVATE, n, &t, 0, 0);
	}
	pthread_mutex_lock(&lock);
	int good = counter == counted + mine;
	pthread_mutex_unlock(&lock);
	_exit(good ? 0 : 1);
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s SEED ROUNDS MS MIN_OPS\n", argv[0]);
		return 2;
	}
	seed = (uint32_t)strtoul(argv[1], 0, 0);
	int rounds = atoi(argv[2]);
	round_ms = (uint32_t)atoi(argv[3]);
	uint32_t min_ops = (uint32_t)atoi(argv[4]);
	setvbuf(stdout, 0, _IONBF, 0);
	uint32_t rng = generator(0xffffff);
	for (int round = 1; round <= rounds; round++) {
		uint32_t r = next(&rng);
		enum ending ending = r % 4 == 0 ? KILL : r % 4 == 1 ? EXIT_GROUP : NORMAL;
		exit_code = 3 + (r >> 8) % 50;
		seed += 0x9e3779b9u;
		pid_t pid = fork();
		if (pid == 0)
			child(ending, min_ops);
		if (ending == KILL) {
			struct timespec t = after_ms(round_ms, 0);
			nanosleep(&t, 0);
			kill(pid, SIGKILL);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid) {
			printf("round %d: waitpid failed\n", round);
			return 1;
		}
		const char *name = ending == KILL ? "SIGKILL" : ending == EXIT_GROUP ? "exit_group" : "normal";
		if (WIFEXITED(status))
			printf("round %d: %s: exited %d\n", round, name, WEXITSTATUS(status));
		else
			printf("round %d: %s: killed by signal %d\n", round, name, WTERMSIG(status));
	}
	return 0;
}
