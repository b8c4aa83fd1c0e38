/* Bit tricks: population count, bit reversal, rotates, byte swaps, leading/trailing zeros, parity. */
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

int popcount(u32 x) { x = x - ((x >> 1) & 0x55555555u); x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u); return (int)((((x + (x >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24); }
u32 reverse_bits(u32 x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  return __builtin_bswap32(x);
}
u32 rotl(u32 x, int n) { return (x << (n & 31)) | (x >> (-n & 31)); }
u32 rotr(u32 x, int n) { return (x >> (n & 31)) | (x << (-n & 31)); }
u16 rotl16(u16 x, int n) { return (u16)((x << (n & 15)) | (x >> (-n & 15))); }
u8 rotl8(u8 x) { return (u8)((x << 3) | (x >> 5)); }
u16 bswap16(u16 x) { return __builtin_bswap16(x); }
int clz(u32 x) { return x ? __builtin_clz(x) : 32; }
int ctz(u32 x) { return x ? __builtin_ctz(x) : 32; }
int parity(u32 x) { return __builtin_parity(x); }
int is_pow2(u32 x) { return x && !(x & (x - 1)); }
u32 next_pow2(u32 x) { x--; x |= x >> 1; x |= x >> 2; x |= x >> 4; x |= x >> 8; x |= x >> 16; return x + 1; }
int sign(int x) { return (x > 0) - (x < 0); }
int abs_branchless(int x) { int m = x >> 31; return (x ^ m) - m; }
int min_branchless(int a, int b) { return b ^ ((a ^ b) & -(a < b)); }
u32 set_bit(u32 *w, int n) { return *w |= 1u << n; }
int test_bit(const u32 *w, int n) { return (w[n >> 5] >> (n & 31)) & 1; }
u32 extract(u32 x, int lo, int width) { return (x >> lo) & ((1u << width) - 1); }
signed char sat8(int v) { return (signed char)(v > 127 ? 127 : v < -128 ? -128 : v); }
short widen(signed char c, unsigned char u) { return (short)(c * u); }
int sel(int c, int a, int b) { return c ? a : b; }
u32 gray(u32 x) { return x ^ (x >> 1); }
u32 ungray(u32 g) { for (u32 m = g >> 1; m; m >>= 1) g ^= m; return g; }
int mulhi(int a, int b) { return (int)(((long long)a * b) >> 32); }
u32 umulhi(u32 a, u32 b) { return (u32)(((unsigned long long)a * b) >> 32); }

volatile u32 sink;
void _start(void) {
  u32 w = 5;
  sink = (u32)popcount(sink) + reverse_bits(sink) + rotl(sink, 3) + rotr(sink, 5) + rotl16((u16)sink, 3) + rotl8((u8)sink)
       + bswap16((u16)sink) + (u32)clz(sink) + (u32)ctz(sink) + (u32)parity(sink) + (u32)is_pow2(sink) + next_pow2(sink)
       + (u32)sign((int)sink) + (u32)abs_branchless((int)sink) + (u32)min_branchless(1, (int)sink) + set_bit(&w, 4)
       + (u32)test_bit(&w, 2) + extract(sink, 3, 5) + (u32)sat8((int)sink) + (u32)widen((signed char)sink, (u8)sink)
       + (u32)sel((int)sink, 1, 2) + gray(sink) + ungray(sink) + (u32)mulhi(3, (int)sink) + umulhi(5, sink);
  for (;;) {}
}
