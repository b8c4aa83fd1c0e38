/* Odds and ends compilers turn into less common instructions: setcc/cmov, bit fields, volatile, alloca,
   a computed goto, recursion, 16-bit and 8-bit arithmetic, switch with sparse cases. */
struct flags { unsigned a : 3, b : 5, c : 1, d : 7; };
unsigned pack(unsigned a, unsigned b, unsigned c) { struct flags f = { a, b, c, 0 }; return *(unsigned *)&f; }
unsigned get_b(struct flags f) { return f.b; }
int gt(int a, int b) { return a > b; }
int ult(unsigned a, unsigned b) { return a < b; }
int max3(int a, int b, int c) { int m = a > b ? a : b; return m > c ? m : c; }
short add16(short a, short b) { return (short)(a + b); }
unsigned short mul16(unsigned short a, unsigned short b) { return (unsigned short)(a * b); }
signed char div8(signed char a, signed char b) { return (signed char)(a / b); }
int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int ackermann(int m, int n) { if (!m) return n + 1; if (!n) return ackermann(m - 1, 1); return ackermann(m - 1, ackermann(m, n - 1)); }
int sparse(int x) {
  switch (x) { case 1: return 10; case 100: return 20; case 1000: return 30; case 10000: return 40; case -7: return 50; default: return 0; }
}
int dispatch(int x) {
  static void *labels[] = { &&l0, &&l1, &&l2 };
  goto *labels[x % 3];
l0: return x * 3;
l1: return x + 11;
l2: return x ^ 0x55;
}
int use_alloca(int n) { volatile char *p = __builtin_alloca((unsigned)n); for (int i = 0; i < n; i++) p[i] = (char)i; return p[n / 2]; }
volatile unsigned char port_shadow;
void spin(int n) { while (n--) port_shadow++; }
long double_it(long x) { return x * 2; }
int neg_mod(int a) { return -a % 4; }
unsigned char lut(unsigned char i) { static const unsigned char t[] = { 3, 1, 4, 1, 5, 9, 2, 6 }; return t[i & 7]; }

volatile int sink;
void _start(void) {
  struct flags f = { 1, 2, 1, 3 };
  sink = (int)pack(1, 2, 1) + (int)get_b(f) + gt(sink, 2) + ult((unsigned)sink, 9) + max3(sink, 1, 2) + add16((short)sink, 3)
       + mul16((unsigned short)sink, 7) + div8((signed char)sink, 3) + fib(10) + ackermann(2, 2) + sparse(sink) + dispatch(sink)
       + use_alloca(9) + (int)double_it(sink) + neg_mod(sink) + lut((unsigned char)sink);
  spin(3);
  for (;;) {}
}
