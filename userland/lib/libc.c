/* The tiny libc: wrappers that turn -errno into errno, and a printf with %d %u %x %s %c %p %%. */
#include "libc.h"
#include <stdarg.h>

int errno;

static long check(long result)
{
	if ((unsigned long)result >= (unsigned long)-4095) {
		errno = -result;
		return -1;
	}
	return result;
}

void exit(int status)
{
	for (;;)
		__syscall(__NR_exit_group, status);
}

ssize_t write(int fd, const void *buffer, size_t count) { return check(__syscall(__NR_write, fd, buffer, count)); }
int getuid(void) { return __syscall(__NR_getuid); }
int getpid(void) { return __syscall(__NR_getpid); }
int getppid(void) { return __syscall(__NR_getppid); }
int clock_gettime(int clock, struct timespec *ts) { return check(__syscall(__NR_clock_gettime, clock, ts)); }

unsigned long getauxval(unsigned long type)
{
	for (unsigned long *a = __auxv; a && a[0] != 0; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* printf collects its output in a buffer and writes it with one system call. */
struct out { char buffer[512]; size_t length; };

static void put(struct out *o, char c)
{
	if (o->length == sizeof o->buffer) {
		write(1, o->buffer, o->length);
		o->length = 0;
	}
	o->buffer[o->length++] = c;
}

static void put_number(struct out *o, unsigned long value, unsigned base, int negative, int width, char pad)
{
	char digits[16];
	int n = 0;
	do {
		digits[n++] = "0123456789abcdef"[value % base];
		value /= base;
	} while (value);
	if (negative)
		digits[n++] = '-';
	while (width-- > n)
		put(o, pad);
	while (n)
		put(o, digits[--n]);
}

int printf(const char *format, ...)
{
	struct out o;
	va_list ap;
	o.length = 0;
	va_start(ap, format);
	for (const char *p = format; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		char pad = ' ';
		int width = 0;
		if (*++p == '0')
			pad = '0';
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		switch (*p) {
		case 'd': {
			long v = va_arg(ap, long);
			put_number(&o, v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0, width, pad);
			break;
		}
		case 'u': put_number(&o, va_arg(ap, unsigned long), 10, 0, width, pad); break;
		case 'x': put_number(&o, va_arg(ap, unsigned long), 16, 0, width, pad); break;
		case 'p': put(&o, '0'); put(&o, 'x'); put_number(&o, (unsigned long)va_arg(ap, void *), 16, 0, 8, '0'); break;
		case 'c': put(&o, (char)va_arg(ap, int)); break;
		case 's': for (const char *s = va_arg(ap, const char *); *s; s++) put(&o, *s); break;
		case '%': put(&o, '%'); break;
		default: put(&o, '%'); put(&o, *p); break;
		}
	}
	va_end(ap);
	if (o.length)
		write(1, o.buffer, o.length);
	return 0;
}

/*
 * 64-bit division: i386 has no instruction for it, so gcc calls these (libgcc's names). A program
 * built with -nostdlib has no libgcc; shift-and-subtract long division is enough here.
 */
unsigned long long __udivmoddi4(unsigned long long n, unsigned long long d, unsigned long long *remainder)
{
	unsigned long long q = 0, r = 0;
	for (int bit = 63; bit >= 0; bit--) {
		r = (r << 1) | ((n >> bit) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ULL << bit;
		}
	}
	if (remainder)
		*remainder = r;
	return q;
}

unsigned long long __udivdi3(unsigned long long n, unsigned long long d) { return __udivmoddi4(n, d, 0); }

unsigned long long __umoddi3(unsigned long long n, unsigned long long d)
{
	unsigned long long r;
	__udivmoddi4(n, d, &r);
	return r;
}

long long __divdi3(long long n, long long d)
{
	int negative = (n < 0) != (d < 0);
	unsigned long long q = __udivmoddi4(n < 0 ? -(unsigned long long)n : n, d < 0 ? -(unsigned long long)d : d, 0);
	return negative ? -(long long)q : (long long)q;
}
