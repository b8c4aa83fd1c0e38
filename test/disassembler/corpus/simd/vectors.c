/* SIMD corpus for the disassembler and assembler tests: scalar float and double code as gcc writes
 * it with -mfpmath=sse, vectorised loops, and the MMX/SSE/SSE2 intrinsics. Built with -msse and
 * -msse2 (and -mno-80387, so no x87 instruction appears: those are another corpus's). No function
 * returns a float: the i386 ABI would return it in st(0). */
#include <xmmintrin.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

void scalar_float(float *out, const float *in, int n, int k) {
  for (int i = 0; i < n; i++) {
    float x = in[i];
    float y = x * 1.5f + (float)k;
    if (y < 0.0f) y = -y;
    out[i] = y > 100.0f ? 100.0f : y / (x != 0.0f ? x : 1.0f);
    out[n + i] = __builtin_sqrtf(y) - (float)(int)x;
  }
}

void minmax(float *out, const float *a, const float *b, int n) {
  for (int i = 0; i < n; i++) {
    out[i] = a[i] < b[i] ? a[i] : b[i];
    out[n + i] = a[i] > b[i] ? a[i] : b[i];
  }
}

int count_unordered(const float *a, int n) {
  int c = 0;
  for (int i = 0; i < n; i++) c += __builtin_isunordered(a[i], 0.0f) + (a[i] >= 2.0f) + (a[i] == a[n - 1 - i]);
  return c;
}

void dot4(float *out, const float *a, const float *b) {
  __m128 x = _mm_loadu_ps(a), y = _mm_load_ps(b);
  __m128 p = _mm_mul_ps(x, y);
  __m128 s = _mm_add_ps(p, _mm_shuffle_ps(p, p, _MM_SHUFFLE(2, 3, 0, 1)));
  s = _mm_add_ss(s, _mm_movehl_ps(s, s));
  s = _mm_max_ps(_mm_min_ps(s, _mm_set1_ps(1e6f)), _mm_setzero_ps());
  s = _mm_or_ps(_mm_and_ps(s, _mm_cmplt_ps(s, y)), _mm_andnot_ps(x, _mm_cmpnle_ps(x, y)));
  s = _mm_xor_ps(_mm_unpacklo_ps(s, x), _mm_unpackhi_ps(y, s));
  s = _mm_sqrt_ps(_mm_div_ps(s, _mm_rcp_ps(_mm_rsqrt_ps(x))));
  _mm_storeu_ps(out, s);
  _mm_store_ss(out + 4, _mm_cmpord_ss(s, x));
  _mm_storel_pi((__m64 *)(out + 5), s);
  _mm_storeh_pi((__m64 *)(out + 7), _mm_loadh_pi(s, (const __m64 *)a));
  _mm_stream_ps(out + 12, _mm_movelh_ps(s, x));
  out[9] = (float)_mm_movemask_ps(s) + (float)_mm_comilt_ss(s, x) + (float)_mm_ucomige_ss(x, s);
  out[10] = (float)_mm_cvtss_si32(s) + (float)_mm_cvttss_si32(x);
  _mm_sfence();
  _mm_setcsr(_mm_getcsr() | 0x8000);
  _mm_prefetch((const char *)a, _MM_HINT_NTA);
}

void mmx(__m64 *out, const __m64 *a, const __m64 *b, int k) {
  __m64 x = _mm_add_pi8(a[0], b[0]);
  x = _mm_subs_pu16(_mm_adds_pi16(x, b[1]), a[1]);
  x = _mm_madd_pi16(_mm_mullo_pi16(x, a[2]), _mm_mulhi_pi16(x, b[2]));
  x = _mm_packs_pi32(_mm_sra_pi32(x, a[3]), _mm_slli_pi16(x, 3));
  x = _mm_unpackhi_pi8(_mm_cmpeq_pi8(x, a[4]), _mm_cmpgt_pi16(x, b[4]));
  x = _mm_xor_si64(_mm_andnot_si64(x, a[5]), _mm_or_si64(x, _mm_srli_si64(b[5], 7)));
  x = _mm_avg_pu8(_mm_max_pu8(x, a[6]), _mm_min_pi16(x, b[6]));
  x = _mm_insert_pi16(_mm_shuffle_pi16(x, 0x1b), k, 2);
  x = _mm_sad_pu8(_mm_mulhi_pu16(x, a[7]), b[7]);
  out[0] = x;
  out[1] = _mm_cvtps_pi32(_mm_cvtpi32_ps(_mm_setzero_ps(), x));
  _mm_stream_pi(out + 2, _mm_cvtsi32_si64(_mm_extract_pi16(x, 1) + _mm_movemask_pi8(x)));
  _mm_maskmove_si64(x, a[0], (char *)out);
  _mm_empty();
}

#ifdef __SSE2__
void scalar_double(double *out, const double *in, const int *iv, int n) {
  for (int i = 0; i < n; i++) {
    double x = in[i] * 0.25 - (double)iv[i];
    float f = (float)x;
    out[i] = x < 0.0 ? __builtin_sqrt(-x) : (double)f / 3.0;
    out[n + i] = (double)(int)(x + 0.5) + (x > 2.0 ? x : 2.0);
  }
}

void vector_int(int *out, const int *a, const short *s, const unsigned char *b, int n) {
  for (int i = 0; i < n; i++) out[i] = a[i] * 3 + (s[i] >> 2) - b[i];
}

void sse2(double *d, __m128i *v, const __m128i *w, int k) {
  __m128d x = _mm_loadu_pd(d), y = _mm_load_pd(d + 2);
  x = _mm_add_pd(_mm_mul_pd(x, y), _mm_shuffle_pd(x, y, 1));
  x = _mm_min_sd(_mm_max_pd(x, _mm_sqrt_pd(y)), _mm_div_sd(x, y));
  x = _mm_or_pd(_mm_and_pd(x, _mm_cmple_pd(x, y)), _mm_xor_pd(_mm_andnot_pd(y, x), _mm_cmpneq_sd(x, y)));
  x = _mm_unpackhi_pd(_mm_unpacklo_pd(x, y), _mm_loadl_pd(x, d + 4));
  _mm_storeu_pd(d, _mm_cvtps_pd(_mm_cvtpd_ps(x)));
  _mm_store_sd(d + 5, _mm_cvtss_sd(x, _mm_cvtsd_ss(_mm_setzero_ps(), y)));
  _mm_storeh_pd(d + 6, _mm_loadh_pd(x, d + 7));
  _mm_stream_pd(d + 8, x);
  d[10] = (double)_mm_movemask_pd(x) + (double)_mm_comigt_sd(x, y) + (double)_mm_ucomineq_sd(x, y)
        + (double)_mm_cvtsd_si32(x) + (double)_mm_cvttsd_si32(y);
  __m128i a = _mm_loadu_si128(w), b = _mm_load_si128(w + 1);
  a = _mm_add_epi8(a, _mm_adds_epu8(b, a));
  a = _mm_sub_epi64(_mm_add_epi64(a, b), _mm_mul_epu32(a, b));
  a = _mm_madd_epi16(_mm_mulhi_epu16(a, b), _mm_mullo_epi16(a, b));
  a = _mm_packus_epi16(_mm_packs_epi32(a, b), _mm_packs_epi16(b, a));
  a = _mm_unpacklo_epi64(_mm_unpackhi_epi32(a, b), _mm_unpacklo_epi8(b, a));
  a = _mm_shufflehi_epi16(_mm_shufflelo_epi16(_mm_shuffle_epi32(a, 0x4e), 0xb1), 0x1b);
  a = _mm_srli_si128(_mm_slli_si128(a, 3), 5);
  a = _mm_sra_epi16(_mm_srai_epi32(_mm_sll_epi64(a, b), 7), b);
  a = _mm_sad_epu8(_mm_avg_epu16(_mm_max_epi16(a, b), _mm_min_epu8(a, b)), b);
  a = _mm_cmpgt_epi32(_mm_cmpeq_epi16(a, b), _mm_andnot_si128(a, _mm_xor_si128(a, b)));
  a = _mm_insert_epi16(a, _mm_extract_epi16(b, 3) + _mm_movemask_epi8(a), 5);
  v[0] = _mm_add_epi32(a, _mm_cvtpd_epi32(x));
  v[1] = _mm_sub_epi16(_mm_cvttpd_epi32(y), _mm_cvtps_epi32(_mm_cvtepi32_ps(a)));
  v[2] = _mm_cvttps_epi32(_mm_castpd_ps(_mm_cvtepi32_pd(a)));
  _mm_storel_epi64(v + 3, _mm_move_epi64(_mm_cvtsi32_si128(k + _mm_cvtsi128_si32(a))));
  _mm_stream_si128(v + 4, a);
  _mm_stream_si32((int *)(v + 5), k);
  _mm_maskmoveu_si128(a, b, (char *)(v + 6));
  _mm_storeu_si128(v + 7, _mm_movpi64_epi64(_mm_movepi64_pi64(a)));
  _mm_store_sd(d + 11, _mm_cvtpi32_pd(_mm_cvttpd_pi32(x)));
  _mm_store_sd(d + 12, _mm_cvtsi32_sd(x, k));
  _mm_clflush(d);
  _mm_lfence();
  _mm_mfence();
  _mm_pause();
}
#endif
