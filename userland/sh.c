/*
 * sh: gate86's own small shell, for `gate86 boot` when no busybox is at hand. One line at a time:
 *
 *   words         split at blanks; '...' and "..." quote; $VAR and $? expand (not inside '...')
 *   a | b | c     a pipeline: each command a child, joined by pipe(2); a ; b runs one after the other
 *   < f  > f  >> f  2> f  2>&1     redirections, with open(2) and dup2(2)
 *   cmd &         in the background: the shell prints its pid and does not wait
 *   cd DIR, exit [N], !!          built in; !! runs the previous line again (a history of one)
 *   echo ARGS, cat [FILES]        built in (in the child), so that a machine without busybox has them
 *
 * With a terminal on fd 0 it does job control as shells do: each job in its own process group
 * (setpgid), handed the terminal while it runs (TIOCSPGRP), so ^C and ^Z reach the job and not the
 * shell; wait4 with WUNTRACED notices a stopped job. Without a terminal it just runs the lines it
 * reads until end of file. Programs are looked up as given, then in /bin and /usr/bin.
 */
#include "lib/libc.h"


#define O_RDONLY	0
#define O_WRONLY	1
#define O_CREAT		0100
#define O_TRUNC		01000
#define O_APPEND	02000
#define TCGETS		0x5401
#define TIOCSPGRP	0x5410
#define WNOHANG		1
#define WUNTRACED	2
#define SIGINT		2
#define SIGQUIT		3
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22

#define LINE_MAX	1024
#define MAX_WORDS	64
#define MAX_COMMANDS	8

static char **environment;
static int interactive;
static int last_status;
static char previous[LINE_MAX];

static void say(const char *s) { write(2, s, strlen(s)); }

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* rt_sigaction(sig, {handler, flags, restorer, mask}, 0, 8): SIG_DFL is 0, SIG_IGN 1. */
static void set_signal(int sig, long handler)
{
	long action[5] = { handler, 0, 0, 0, 0 };
	__syscall(__NR_rt_sigaction, sig, action, 0, 8);
}

static const int job_signals[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };

static void job_signals_to(long handler)
{
	for (unsigned i = 0; i < sizeof job_signals / sizeof job_signals[0]; i++)
		set_signal(job_signals[i], handler);
}

/* Read one line from fd 0 (without the newline); -1 at end of file with nothing read. */
static int read_line(char *line)
{
	int n = 0;
	for (;;) {
		char c;
		long r = __syscall(__NR_read, 0, &c, 1);
		if (r <= 0)
			return n > 0 ? n : -1;
		if (c == '\n')
			break;
		if (n < LINE_MAX - 1)
			line[n++] = c;
	}
	line[n] = 0;
	return n;
}

static const char *variable(const char *name, int length)
{
	static char status[12];
	if (length == 1 && name[0] == '?') {
		int v = last_status, i = sizeof status - 1;
		status[i] = 0;
		do status[--i] = '0' + v % 10; while ((v /= 10) && i > 0);
		return status + i;
	}
	for (char **e = environment; *e; e++) {
		int i = 0;
		while (i < length && (*e)[i] == name[i])
			i++;
		if (i == length && (*e)[i] == '=')
			return *e + i + 1;
	}
	return "";
}

/*
 * Split `line` into words in `storage` (quotes removed, variables expanded). Operators | < > >> 2>
 * 2>&1 & are words of their own. Returns the number of words, -1 on a syntax error.
 */
static int split(const char *line, char *storage, char **words)
{
	int count = 0;
	char *out = storage;
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			break;
		if (count == MAX_WORDS - 1)
			return -1;
		words[count++] = out;
		if (*p == '|' || *p == '&' || *p == '<' || *p == '>' || (p[0] == '2' && p[1] == '>')) {
			if (p[0] == '2' && p[1] == '>' && p[2] == '&' && p[3] == '1') { *out++ = '2'; *out++ = '>'; *out++ = '&'; *out++ = '1'; p += 4; }
			else if (p[0] == '2') { *out++ = '2'; *out++ = '>'; p += 2; }
			else if (p[0] == '>' && p[1] == '>') { *out++ = '>'; *out++ = '>'; p += 2; }
			else *out++ = *p++;
			*out++ = 0;
			continue;
		}
		while (*p && *p != ' ' && *p != '\t' && *p != '|' && *p != '&' && *p != '<' && *p != '>') {
			char quote = 0;
			if (*p == '\'' || *p == '"')
				quote = *p++;
			while (*p && (quote ? *p != quote : (*p != ' ' && *p != '\t' && *p != '|' && *p != '&' && *p != '<' && *p != '>' && *p != '\'' && *p != '"'))) {
				if (*p == '$' && quote != '\'' && (p[1] == '?' || (p[1] >= 'A' && p[1] <= 'Z') || (p[1] >= 'a' && p[1] <= 'z') || p[1] == '_')) {
					const char *name = ++p;
					int length = 1;
					if (*p != '?')
						while ((p[length] >= 'A' && p[length] <= 'Z') || (p[length] >= 'a' && p[length] <= 'z') || (p[length] >= '0' && p[length] <= '9') || p[length] == '_')
							length++;
					for (const char *v = variable(name, length); *v; )
						*out++ = *v++;
					p += length;
					continue;
				}
				*out++ = *p++;
			}
			if (quote) {
				if (*p != quote)
					return -1;
				p++;
			}
		}
		*out++ = 0;
	}
	words[count] = 0;
	return count;
}

struct command {
	char *argv[MAX_WORDS];
	int argc;
	char *in, *out, *err;
	int append, err_to_out;
};

/* The child's side: redirections, then exec (as given, then in /bin and /usr/bin). */
static void run_child(struct command *c)
{
	job_signals_to(0);
	if (c->in) {
		long fd = __syscall(__NR_open, c->in, O_RDONLY, 0);
		if (fd < 0) { say("sh: cannot open "); say(c->in); say("\n"); exit(1); }
		__syscall(__NR_dup2, fd, 0);
		__syscall(__NR_close, fd);
	}
	if (c->out) {
		long fd = __syscall(__NR_open, c->out, O_WRONLY | O_CREAT | (c->append ? O_APPEND : O_TRUNC), 0666);
		if (fd < 0) { say("sh: cannot create "); say(c->out); say("\n"); exit(1); }
		__syscall(__NR_dup2, fd, 1);
		__syscall(__NR_close, fd);
	}
	if (c->err) {
		long fd = __syscall(__NR_open, c->err, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd < 0) { say("sh: cannot create "); say(c->err); say("\n"); exit(1); }
		__syscall(__NR_dup2, fd, 2);
		__syscall(__NR_close, fd);
	}
	if (c->err_to_out)
		__syscall(__NR_dup2, 1, 2);
	const char *name = c->argv[0];
	if (streq(name, "echo")) {
		for (int i = 1; c->argv[i]; i++) {
			if (i > 1) write(1, " ", 1);
			write(1, c->argv[i], strlen(c->argv[i]));
		}
		write(1, "\n", 1);
		exit(0);
	}
	if (streq(name, "cat")) {
		int status = 0;
		for (int i = 1; i == 1 || c->argv[i]; i++) {
			long fd = c->argv[i] ? __syscall(__NR_open, c->argv[i], O_RDONLY, 0) : 0;
			if (fd < 0) { say("cat: can't open "); say(c->argv[i]); say("\n"); status = 1; continue; }
			char buffer[4096];
			long n;
			while ((n = __syscall(__NR_read, fd, buffer, sizeof buffer)) > 0)
				write(1, buffer, n);
			if (!c->argv[i])
				break;
		}
		exit(status);
	}
	int slash = 0;
	for (const char *p = name; *p; p++)
		slash |= *p == '/';
	if (slash) {
		__syscall(__NR_execve, name, c->argv, environment);
	} else {
		static const char *const dirs[] = { "/bin/", "/usr/bin/", "/sbin/" };
		for (unsigned d = 0; d < 3; d++) {
			char path[256];
			int n = 0;
			for (const char *p = dirs[d]; *p; p++) path[n++] = *p;
			for (const char *p = name; *p && n < 255; p++) path[n++] = *p;
			path[n] = 0;
			__syscall(__NR_execve, path, c->argv, environment);
		}
	}
	say("sh: ");
	say(name);
	say(": not found\n");
	exit(127);
}

/* Parse words into commands; returns how many, 0 for an empty line, -1 for a syntax error. */
static int parse(char **words, struct command *commands, int *background)
{
	int n = 0;
	struct command *c = &commands[0];
	*background = 0;
	c->argc = 0;
	c->in = c->out = c->err = 0;
	c->append = c->err_to_out = 0;
	for (int i = 0; words[i]; i++) {
		char *w = words[i];
		if (streq(w, "|")) {
			if (c->argc == 0 || ++n == MAX_COMMANDS)
				return -1;
			c->argv[c->argc] = 0;
			c = &commands[n];
			c->argc = 0;
			c->in = c->out = c->err = 0;
			c->append = c->err_to_out = 0;
		} else if (streq(w, "&")) {
			if (words[i + 1])
				return -1;
			*background = 1;
		} else if (streq(w, "<") || streq(w, ">") || streq(w, ">>") || streq(w, "2>")) {
			char *file = words[++i];
			if (!file)
				return -1;
			if (w[0] == '<') c->in = file;
			else if (w[0] == '2') c->err = file;
			else { c->out = file; c->append = w[1] == '>'; }
		} else if (streq(w, "2>&1")) {
			c->err_to_out = 1;
		} else if (c->argc < MAX_WORDS - 1) {
			c->argv[c->argc++] = w;
		}
	}
	c->argv[c->argc] = 0;
	if (c->argc == 0)
		return n == 0 && !*background ? 0 : -1;
	return n + 1;
}

/* Hand the terminal to a process group (the job, or the shell again). */
static void give_terminal(long group)
{
	if (interactive)
		__syscall(__NR_ioctl, 0, TIOCSPGRP, &group);
}

static void run_line(char *line)
{
	static char storage[LINE_MAX * 4];
	char *words[MAX_WORDS];
	struct command commands[MAX_COMMANDS];
	int background;
	int count = split(line, storage, words);
	int n = count < 0 ? -1 : parse(words, commands, &background);
	if (n < 0) {
		say("sh: syntax error\n");
		last_status = 2;
		return;
	}
	if (n == 0)
		return;
	if (n == 1 && streq(commands[0].argv[0], "cd")) {
		const char *dir = commands[0].argv[1] ? commands[0].argv[1] : variable("HOME", 4);
		long r = __syscall(__NR_chdir, *dir ? dir : "/");
		if (r < 0) { say("sh: cd: can't cd to "); say(dir); say("\n"); }
		last_status = r < 0;
		return;
	}
	if (n == 1 && streq(commands[0].argv[0], "exit")) {
		int status = 0;
		for (const char *p = commands[0].argv[1]; p && *p; p++)
			status = status * 10 + (*p - '0');
		exit(commands[0].argv[1] ? status : last_status);
	}
	long pids[MAX_COMMANDS];
	long group = 0;
	int input = -1;
	for (int i = 0; i < n; i++) {
		int fds[2] = { -1, -1 };
		if (i < n - 1 && __syscall(__NR_pipe, fds) < 0) {
			say("sh: can't create pipe\n");
			return;
		}
		long pid = __syscall(__NR_fork);
		if (pid == 0) {
			if (interactive) {
				long me = getpid();
				__syscall(__NR_setpgid, 0, group ? group : me);
				if (!background && !group)
					give_terminal(me);
			}
			if (input >= 0) { __syscall(__NR_dup2, input, 0); __syscall(__NR_close, input); }
			if (fds[1] >= 0) { __syscall(__NR_dup2, fds[1], 1); __syscall(__NR_close, fds[1]); __syscall(__NR_close, fds[0]); }
			run_child(&commands[i]);
		}
		if (pid < 0) {
			say("sh: can't fork\n");
			return;
		}
		if (!group)
			group = pid;
		if (interactive)
			__syscall(__NR_setpgid, pid, group);
		pids[i] = pid;
		if (input >= 0) __syscall(__NR_close, input);
		if (fds[1] >= 0) __syscall(__NR_close, fds[1]);
		input = fds[0];
	}
	if (background) {
		printf("[%d]\n", (int)group);
		return;
	}
	if (interactive)
		give_terminal(group);
	for (int i = 0; i < n; i++) {
		int status = 0;
		if (__syscall(__NR_wait4, pids[i], &status, WUNTRACED, 0) != pids[i])
			continue;
		if ((status & 0xff) == 0x7f) {
			printf("\n[%d] stopped\n", (int)group);
			last_status = 128 + ((status >> 8) & 0xff);
		} else if ((status & 0x7f) != 0) {
			last_status = 128 + (status & 0x7f);
			if ((status & 0x7f) == SIGINT) write(1, "\n", 1);
		} else {
			last_status = (status >> 8) & 0xff;
		}
	}
	if (interactive)
		give_terminal(__syscall(__NR_getpgrp));
}

/* Background jobs that have ended since the last prompt. */
static void reap(void)
{
	int status;
	long pid;
	while ((pid = __syscall(__NR_wait4, -1, &status, WNOHANG, 0)) > 0)
		if (interactive)
			printf("[%d] done\n", (int)pid);
}

int main(int argc, char **argv, char **envp)
{
	char termios[64];
	char line[LINE_MAX];
	(void)argc;
	(void)argv;
	environment = envp;
	interactive = __syscall(__NR_ioctl, 0, TCGETS, termios) == 0;
	if (interactive) {
		job_signals_to(1);
		__syscall(__NR_setpgid, 0, 0);
		give_terminal(getpid());
	}
	for (;;) {
		reap();
		if (interactive) {
			char cwd[256];
			if (__syscall(__NR_getcwd, cwd, sizeof cwd) > 0)
				printf("%s $ ", cwd);
			else
				printf("$ ");
		}
		if (read_line(line) < 0)
			break;
		char *p = line;
		while (*p == ' ')
			p++;
		if (p[0] == '!' && p[1] == '!') {
			if (!previous[0]) { say("sh: !!: no previous line\n"); continue; }
			int i = 0;
			for (; previous[i]; i++) line[i] = previous[i];
			line[i] = 0;
			printf("%s\n", line);
		}
		int i = 0;
		for (; line[i]; i++) previous[i] = line[i];
		previous[i] = 0;
		/* a ; b: one after the other (a ';' inside quotes is a character) */
		char quote = 0, *start = line;
		for (char *q = line; ; q++) {
			if (quote) { if (*q == quote) quote = 0; else if (!*q) break; continue; }
			if (*q == '\'' || *q == '"') { quote = *q; continue; }
			if (*q == ';' || !*q) {
				char end = *q;
				*q = 0;
				run_line(start);
				if (!end)
					break;
				start = q + 1;
			}
		}
		if (quote)
			run_line(start);
	}
	if (interactive)
		write(1, "\n", 1);
	return last_status;
}
