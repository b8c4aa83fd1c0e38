/* 64-bit arithmetic helpers on a 32-bit machine: add/sub with carry, shifts, multiply, division by shift-subtract. */
typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int u32;

u64 add64(u64 a, u64 b) { return a + b; }
u64 sub64(u64 a, u64 b) { return a - b; }
s64 neg64(s64 a) { return -a; }
u64 shl64(u64 a, int n) { return a << (n & 63); }
u64 shr64(u64 a, int n) { return a >> (n & 63); }
s64 sar64(s64 a, int n) { return a >> (n & 63); }
u64 mul64(u64 a, u64 b) { return a * b; }
u64 mul32x32(u32 a, u32 b) { return (u64)a * b; }
int cmp64(s64 a, s64 b) { return a < b ? -1 : a > b; }
int ucmp64(u64 a, u64 b) { return a < b ? -1 : a > b; }

u64 udivmod64(u64 n, u64 d, u64 *rem) {
  u64 q = 0, r = 0;
  if (d == 0) { *rem = n; return ~0ull; }
  for (int i = 63; i >= 0; i--) {
    r = (r << 1) | ((n >> i) & 1);
    if (r >= d) { r -= d; q |= 1ull << i; }
  }
  *rem = r;
  return q;
}

s64 sdiv64(s64 n, s64 d) {
  int neg = (n < 0) != (d < 0);
  u64 r, q = udivmod64(n < 0 ? -(u64)n : (u64)n, d < 0 ? -(u64)d : (u64)d, &r);
  return neg ? -(s64)q : (s64)q;
}

u64 isqrt64(u64 x) {
  u64 r = 0, bit = 1ull << 62;
  while (bit > x) bit >>= 2;
  while (bit) { if (x >= r + bit) { x -= r + bit; r = (r >> 1) + bit; } else r >>= 1; bit >>= 2; }
  return r;
}

u32 div_by_const(u32 x) { return x / 7 + x / 10 + x % 3; }
int sdiv_by_const(int x) { return x / 7 + x / 16 + x % 5; }
u64 bswap64(u64 x) { return __builtin_bswap64(x); }
int ffs64(u64 x) { if (!x) return 0; int n = 1; while (!(x & 1)) { x >>= 1; n++; } return n; }

volatile u64 sink;
void _start(void) {
  u64 r;
  sink = add64(sink, 3) ^ sub64(sink, 7) ^ (u64)neg64((s64)sink) ^ shl64(sink, 9) ^ shr64(sink, 40) ^ (u64)sar64((s64)sink, 33)
       ^ mul64(sink, 0x123456789ull) ^ mul32x32((u32)sink, 77) ^ (u64)cmp64(1, (s64)sink) ^ (u64)ucmp64(2, sink)
       ^ udivmod64(sink, 12345, &r) ^ r ^ (u64)sdiv64((s64)sink, -99) ^ isqrt64(sink) ^ div_by_const((u32)sink)
       ^ (u64)sdiv_by_const((int)sink) ^ bswap64(sink) ^ (u64)ffs64(sink);
  for (;;) {}
}
