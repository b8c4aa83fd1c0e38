/*
 * The integer workload of `npm run bench`: a sieve of Eratosthenes, CRC-32, a sort and string
 * operations, each reduced to a checksum that is printed, so that runs on gate86, on the i386 oracle
 * and natively can be compared for the same answer as well as for time.
 *
 * Freestanding: no libc. The only contact with the outside is write(1, ...) and exit(), through
 * sys.h (int $0x80 on i386, syscall on x86-64). Built with gcc -O2 -ffreestanding -nostdlib -static.
 */
#include "sys.h"

typedef unsigned int u32;
typedef unsigned char u8;

/* gcc may turn loops into calls to these even in freestanding code, so they must exist. */
void *memset(void *d, int c, unsigned long n) { u8 *p = d; while (n--) *p++ = (u8)c; return d; }
void *memcpy(void *d, const void *s, unsigned long n) { u8 *p = d; const u8 *q = s; while (n--) *p++ = *q++; return d; }
int memcmp(const void *a, const void *b, unsigned long n) {
  const u8 *p = a, *q = b;
  for (; n; n--, p++, q++) if (*p != *q) return *p - *q;
  return 0;
}

static void put(const char *s) { unsigned long n = 0; while (s[n]) n++; sys_write(1, s, n); }
static void put_hex(const char *label, u32 v) {
  char line[64];
  int n = 0;
  while (label[n]) { line[n] = label[n]; n++; }
  line[n++] = ' ';
  for (int i = 7; i >= 0; i--) line[n++] = "0123456789abcdef"[(v >> (i * 4)) & 15];
  line[n++] = '\n';
  line[n] = 0;
  put(line);
}

/* A small deterministic PRNG (xorshift32), so every run sorts the same numbers. */
static u32 rng = 2463534242u;
static u32 next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

#define SIEVE_N 2000000
static u8 composite[SIEVE_N];

static u32 sieve(void) {
  u32 count = 0, sum = 0;
  memset(composite, 0, sizeof composite);
  for (u32 i = 2; i < SIEVE_N; i++) {
    if (composite[i]) continue;
    count++;
    sum += i;
    for (u32 j = i + i; j < SIEVE_N; j += i) composite[j] = 1;
  }
  return count * 31 + sum;
}

static u32 crc_table[256];
static u8 crc_data[1 << 20];

static u32 crc32(void) {
  for (u32 n = 0; n < 256; n++) {
    u32 c = n;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[n] = c;
  }
  for (u32 i = 0; i < sizeof crc_data; i++) crc_data[i] = (u8)next();
  u32 crc = 0xffffffffu;
  for (int round = 0; round < 4; round++)
    for (u32 i = 0; i < sizeof crc_data; i++) crc = crc_table[(crc ^ crc_data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

#define SORT_N 200000
static u32 items[SORT_N];

/* Heapsort: in place, no recursion, the same comparisons on every machine. */
static void sift_down(u32 *a, u32 start, u32 end) {
  u32 root = start;
  while (root * 2 + 1 <= end) {
    u32 child = root * 2 + 1, swap = root;
    if (a[swap] < a[child]) swap = child;
    if (child + 1 <= end && a[swap] < a[child + 1]) swap = child + 1;
    if (swap == root) return;
    u32 t = a[root]; a[root] = a[swap]; a[swap] = t;
    root = swap;
  }
}

static u32 sort(void) {
  for (u32 i = 0; i < SORT_N; i++) items[i] = next();
  for (u32 start = SORT_N / 2; start-- > 0;) sift_down(items, start, SORT_N - 1);
  for (u32 end = SORT_N - 1; end > 0; end--) {
    u32 t = items[0]; items[0] = items[end]; items[end] = t;
    sift_down(items, 0, end - 1);
  }
  u32 h = 0;
  for (u32 i = 0; i < SORT_N; i++) {
    if (i && items[i - 1] > items[i]) return 0xbad5047; /* not sorted */
    h = h * 33 + items[i];
  }
  return h;
}

#define TEXT_N 65536
static char text[TEXT_N + 1], copy[TEXT_N + 1];

static unsigned long length(const char *s) { const char *p = s; while (*p) p++; return (unsigned long)(p - s); }
static int compare(const char *a, const char *b) { while (*a && *a == *b) a++, b++; return (u8)*a - (u8)*b; }
static const char *find(const char *hay, const char *needle) {
  for (; *hay; hay++) {
    const char *h = hay, *n = needle;
    while (*n && *h == *n) h++, n++;
    if (!*n) return hay;
  }
  return 0;
}

static u32 strings(void) {
  u32 h = 0;
  for (int round = 0; round < 8; round++) {
    for (u32 i = 0; i < TEXT_N; i++) text[i] = (char)('a' + next() % 4);
    text[TEXT_N] = 0;
    memcpy(copy, text, TEXT_N + 1);
    h = h * 31 + (u32)length(copy);
    h = h * 31 + (u32)(compare(text, copy) == 0);
    copy[TEXT_N / 2] = 'z';
    h = h * 31 + (u32)compare(text, copy);
    for (u32 i = 0; i < TEXT_N / 2; i++) { char t = copy[i]; copy[i] = copy[TEXT_N - 1 - i]; copy[TEXT_N - 1 - i] = t; }
    const char *at = find(copy, "abcdab");
    h = h * 31 + (u32)(at ? at - copy : -1);
    u32 counts[4] = {0, 0, 0, 0};
    for (const char *p = text; *p; p++) counts[*p - 'a']++;
    h = h * 31 + counts[0] * 7 + counts[1] * 5 + counts[2] * 3 + counts[3];
  }
  return h;
}

int main(void) {
  put_hex("sieve", sieve());
  put_hex("crc32", crc32());
  put_hex("sort", sort());
  put_hex("strings", strings());
  return 0;
}
