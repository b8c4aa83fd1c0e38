/* A static glibc program that uses the SIMD units the way compiled code does: SSE2 integer vectors
 * and MMX through the intrinsics, CPUID's feature bits and MXCSR. Its output must be the same
 * natively and under gate86 (whose kernel turns on CR4.OSFXSR and OSXMMEXCPT as Linux does). */
#include <emmintrin.h>
#include <mmintrin.h>
#include <stdio.h>
#include <string.h>

static unsigned checksum(const unsigned char *p, int n) {
  unsigned h = 2166136261u;
  for (int i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

int main(void) {
  unsigned eax, ebx, ecx, edx;
  __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1));
  printf("cpuid: mmx %u fxsr %u sse %u sse2 %u\n", (edx >> 23) & 1, (edx >> 24) & 1, (edx >> 25) & 1, (edx >> 26) & 1);
  printf("mxcsr at start: %#x\n", _mm_getcsr());

  /* SSE2 integer arithmetic on a table; glibc's own SSE2 memcpy/memset/strlen run here too. */
  static unsigned char data[4096] __attribute__((aligned(16)));
  for (int i = 0; i < 4096; i++) data[i] = (unsigned char)(i * 37 + (i >> 5));
  __m128i acc = _mm_setzero_si128(), sad = _mm_setzero_si128();
  for (int i = 0; i < 4096; i += 16) {
    __m128i v = _mm_load_si128((const __m128i *)(data + i));
    acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_unpacklo_epi8(v, _mm_setzero_si128()), _mm_set1_epi16(3)));
    sad = _mm_add_epi64(sad, _mm_sad_epu8(v, _mm_set1_epi8((char)0x80)));
    _mm_store_si128((__m128i *)(data + i), _mm_shuffle_epi32(_mm_subs_epu8(v, _mm_set1_epi8(7)), 0x1b));
  }
  int lanes[4];
  _mm_storeu_si128((__m128i *)lanes, acc);
  printf("madd: %d %d %d %d sad: %llu\n", lanes[0], lanes[1], lanes[2], lanes[3],
         (unsigned long long)_mm_cvtsi128_si32(sad) + (unsigned long long)_mm_cvtsi128_si32(_mm_srli_si128(sad, 8)));
  printf("table checksum %08x, strlen %zu\n", checksum(data, 4096), strlen("the SIMD unit under the gate86 kernel"));

  /* MMX, then EMMS. */
  __m64 m = _mm_set_pi16(1000, -2000, 30000, -32768);
  m = _mm_adds_pi16(m, _mm_set_pi16(30000, -30000, 5000, -1));
  printf("mmx: %08x%08x\n", (unsigned)_mm_cvtsi64_si32(_mm_srli_si64(m, 32)), (unsigned)_mm_cvtsi64_si32(m));
  _mm_empty();

  _mm_setcsr(0x7f80);
  printf("mxcsr after ldmxcsr: %#x\n", _mm_getcsr());
  return 0;
}
