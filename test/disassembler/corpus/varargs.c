/* Varargs: a tiny printf into a buffer, sums of variable argument lists, a struct passed by value. */
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)

static char *put_unsigned(char *out, unsigned v, unsigned base) {
  char tmp[16]; int n = 0;
  do { tmp[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
  while (n) *out++ = tmp[--n];
  return out;
}

int my_sprintf(char *out, const char *fmt, ...) {
  va_list ap; char *start = out;
  va_start(ap, fmt);
  for (; *fmt; fmt++) {
    if (*fmt != '%') { *out++ = *fmt; continue; }
    switch (*++fmt) {
      case 'd': { int v = va_arg(ap, int); if (v < 0) { *out++ = '-'; v = -v; } out = put_unsigned(out, (unsigned)v, 10); break; }
      case 'u': out = put_unsigned(out, va_arg(ap, unsigned), 10); break;
      case 'x': out = put_unsigned(out, va_arg(ap, unsigned), 16); break;
      case 'c': *out++ = (char)va_arg(ap, int); break;
      case 's': { const char *s = va_arg(ap, const char *); while (*s) *out++ = *s++; break; }
      case '%': *out++ = '%'; break;
      default: *out++ = '?'; break;
    }
  }
  va_end(ap);
  *out = 0;
  return (int)(out - start);
}

int sum(int count, ...) { va_list ap; int s = 0; va_start(ap, count); while (count--) s += va_arg(ap, int); va_end(ap); return s; }
long long sum64(int count, ...) { va_list ap; long long s = 0; va_start(ap, count); while (count--) s += va_arg(ap, long long); va_end(ap); return s; }

struct point { short x, y; char tag; };
int manhattan(struct point a, struct point b) { int dx = a.x - b.x, dy = a.y - b.y; return (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy) + a.tag - b.tag; }

char out[256];
volatile int sink;
void _start(void) {
  struct point a = { 1, 2, 'a' }, b = { -5, 7, 'b' };
  sink = my_sprintf(out, "%d %u %x %c %s %%", -42, 42u, 0xbeefu, 'z', "str") + sum(4, 1, 2, 3, 4) + (int)sum64(2, 1ll, 2ll) + manhattan(a, b);
  for (;;) {}
}
