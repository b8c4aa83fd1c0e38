/* Memory accounted against the machine's RAM (run with a small --mem): a request bigger than the
 * machine (brk, mmap, malloc) fails at once with ENOMEM, as Linux's heuristic overcommit refuses
 * one; a child that touches page after page until no frame is left is killed (the OOM killer's
 * SIGKILL), and its frames come back: the parent then gets and touches memory again. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	size_t big = (size_t)atoi(argc > 1 ? argv[1] : "64") << 20;   /* more than the machine has */
	errno = 0;
	void *heap = sbrk(big);
	printf("sbrk of more than the RAM: %d %s\n", heap == (void *)-1, errno == ENOMEM ? "ENOMEM" : "-");
	errno = 0;
	void *area = mmap(0, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap of more than the RAM: %d %s\n", area == MAP_FAILED, errno == ENOMEM ? "ENOMEM" : "-");
	errno = 0;
	void *block = malloc(big);
	printf("malloc of more than the RAM: %d %s\n", block == 0, errno == ENOMEM ? "ENOMEM" : "-");
	for (int round = 0; round < 2; round++) {
		pid_t child = fork();
		if (child == 0) {
			for (;;) {
				char *p = malloc(1 << 20);
				if (p == 0) _exit(2);                 /* not expected: every request is small */
				memset(p, 1, 1 << 20);
			}
		}
		int status;
		waitpid(child, &status, 0);
		printf("a child touching 1 MiB after 1 MiB: killed by SIGKILL: %d\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	char *again = malloc(big / 8);
	memset(again, 2, big / 8);
	printf("then %zu MiB malloc'ed and touched: %d\n", big / 8 >> 20, again != 0 && again[big / 8 - 1] == 2);
	return 0;
}
