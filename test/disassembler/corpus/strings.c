/* String functions as a small libc writes them. */
typedef unsigned int size_t;

size_t my_strlen(const char *s) { const char *p = s; while (*p) p++; return (size_t)(p - s); }
char *my_strcpy(char *d, const char *s) { char *r = d; while ((*d++ = *s++)) {} return r; }
int my_strcmp(const char *a, const char *b) {
  while (*a && *a == *b) { a++; b++; }
  return (unsigned char)*a - (unsigned char)*b;
}
int my_strncmp(const char *a, const char *b, size_t n) {
  for (; n; n--, a++, b++) { if (*a != *b) return (unsigned char)*a - (unsigned char)*b; if (!*a) break; }
  return 0;
}
void *my_memset(void *d, int c, size_t n) { unsigned char *p = d; while (n--) *p++ = (unsigned char)c; return d; }
void *my_memcpy(void *d, const void *s, size_t n) {
  unsigned char *dp = d; const unsigned char *sp = s;
  while (n--) *dp++ = *sp++;
  return d;
}
void *my_memmove(void *d, const void *s, size_t n) {
  unsigned char *dp = d; const unsigned char *sp = s;
  if (dp < sp) while (n--) *dp++ = *sp++;
  else { dp += n; sp += n; while (n--) *--dp = *--sp; }
  return d;
}
char *my_strchr(const char *s, int c) { for (; *s; s++) if (*s == (char)c) return (char *)s; return c ? 0 : (char *)s; }
char *my_strrev(char *s) { size_t n = my_strlen(s); for (size_t i = 0; i < n / 2; i++) { char t = s[i]; s[i] = s[n - 1 - i]; s[n - 1 - i] = t; } return s; }
int my_atoi(const char *s) {
  int sign = 1, v = 0;
  while (*s == ' ' || *s == '\t') s++;
  if (*s == '-') { sign = -1; s++; } else if (*s == '+') s++;
  while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
  return sign * v;
}
char *my_utoa(unsigned v, char *buf, int base) {
  char tmp[33]; int i = 0;
  do { unsigned d = v % (unsigned)base; tmp[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10); v /= (unsigned)base; } while (v);
  int j = 0; while (i) buf[j++] = tmp[--i]; buf[j] = 0;
  return buf;
}
int to_upper_all(char *s) { int n = 0; for (; *s; s++) if (*s >= 'a' && *s <= 'z') { *s -= 32; n++; } return n; }

struct big { int a[40]; };
struct big copy_big(const struct big *b) { struct big r = *b; return r; }
void clear_big(struct big *b) { struct big z = {0}; *b = z; }

char buffer[128];
void _start(void) {
  my_strcpy(buffer, "hello, world");
  my_utoa((unsigned)my_atoi(" -1234") + my_strcmp(buffer, "hello"), buffer + 40, 16);
  my_memmove(buffer + 1, buffer, 20);
  to_upper_all(my_strrev(buffer));
  for (;;) {}
}
