/*
 * init: the first process of `gate86 boot`, /init in the initramfs. As a distribution's init would,
 * it first mounts the kernel's file systems — /proc (procfs) and /dev (devtmpfs) — then runs each
 * argument as a command line ("PATH ARG..."): fork, execve in the child, wait4 in the parent, and
 * reports how each ended. With busybox in the initramfs it runs `busybox --install -s` (the applets'
 * links). Last, it starts /bin/sh on the console in a session of its own (setsid, the
 * console as its controlling terminal, as getty would), waits for it, and exits with the number of
 * commands that failed — which ends the machine.
 */
#include "lib/libc.h"

#define TIOCSCTTY	0x540e
#define MAX_ARGS	8

static void mount_kernel_fs(const char *type, const char *target)
{
	long r = __syscall(__NR_mount, type, target, type, 0, 0);
	if (r < 0)
		printf("init: mount -t %s %s failed: %d\n", type, target, (int)r);
}

/* fork and exec argv; in the child, first run `prepare` (the shell's session). */
static long spawn(char **argv, char **envp, void (*prepare)(void))
{
	long pid = __syscall(__NR_fork);
	if (pid == 0) {
		if (prepare)
			prepare();
		long error = __syscall(__NR_execve, argv[0], argv, envp);
		printf("init: execve %s failed: %d\n", argv[0], (int)error);
		exit(127);
	}
	return pid;
}

/* Wait for one child and say how it ended; 1 if it failed. */
static int report(long pid)
{
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
	long pid = spawn(argv, envp, 0);
	if (pid < 0) {
		printf("init: fork failed: %d\n", (int)pid);
		return 1;
	}
	return report(pid);
}

/* The shell's own session, with the console (fd 0) as its controlling terminal. */
static void console_session(void)
{
	__syscall(__NR_setsid);
	__syscall(__NR_ioctl, 0, TIOCSCTTY, 1);
}

int main(int argc, char **argv, char **envp)
{
	int failed = 0;
	mount_kernel_fs("proc", "/proc");
	mount_kernel_fs("devtmpfs", "/dev");
	for (int i = 1; i < argc; i++)
		failed += run(argv[i], envp);
	if (__syscall(__NR_access, "/bin/busybox", 1) == 0) {
		/* Every applet gets its link in /bin, /sbin, /usr/bin or /usr/sbin (what exists stays). */
		char *install[] = { "/bin/busybox", "--install", "-s", 0 };
		failed += report(spawn(install, envp, 0));
	}
	if (__syscall(__NR_access, "/bin/sh", 1) == 0) {
		char *shell[] = { "/bin/sh", 0 };
		printf("init: starting /bin/sh on the console (exit or end of input ends the machine)\n");
		long pid = spawn(shell, envp, console_session);
		if (pid > 0)
			failed += report(pid);
	}
	return failed;
}
