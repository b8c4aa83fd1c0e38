/* x87 code as gcc writes it with -mfpmath=387: float, double and long double arithmetic, the
 * conversions between them and the integers, compares that become fcomi/fucomi (or fnstsw/sahf),
 * fabs/fchs/fsqrt/frndint, and values passed and returned on the x87 stack. */

typedef unsigned long size_t;

/* __builtin_sqrtl calls sqrtl for the errno case; freestanding, this is it. */
long double sqrtl(long double x) { long double r; __asm__("fsqrt" : "=t"(r) : "0"(x)); return r; }

long double horner(const long double *c, int n, long double x) {
  long double r = 0.0L;
  for (int i = n - 1; i >= 0; i--) r = r * x + c[i];
  return r;
}

double mean(const double *v, size_t n) {
  double sum = 0.0;
  for (size_t i = 0; i < n; i++) sum += v[i];
  return n ? sum / (double)n : 0.0;
}

float dot(const float *a, const float *b, int n) {
  float s = 0.0f;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

long long to_integer(long double x) { return (long long)x; }
int to_int(double x) { return (int)x; }
short to_short(float x) { return (short)x; }
unsigned to_unsigned(double x) { return (unsigned)x; }
long double from_ll(long long v) { return (long double)v; }
double from_u(unsigned v) { return (double)v; }
float from_short(short v) { return v; }
double widen(float f) { return f; }
float narrow(long double x) { return (float)x; }

int compare(double a, double b) {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a == b) return 0;
  return 2; /* unordered */
}

int is_nan(long double x) { return x != x; }

long double magnitude(long double x, long double y) {
  long double ax = __builtin_fabsl(x), ay = -__builtin_fabsl(y);
  return __builtin_sqrtl(ax * ax + ay * ay);
}

double clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }
long double select_max(long double a, long double b) { return a > b ? a : b; }

long double scale(long double x, int n) {
  while (n > 0) { x *= 2.0L; n--; }
  while (n < 0) { x /= 2.0L; n++; }
  return x;
}

long double constants(int which) {
  switch (which) {
  case 0: return 0.0L;
  case 1: return 1.0L;
  case 2: return 3.14159265358979323846264338327950288L;
  case 3: return 0.69314718055994530941723212145817657L;
  default: return -2.5L;
  }
}

double reduce(const double *v, int n, int op) {
  double r = v[0];
  for (int i = 1; i < n; i++) {
    switch (op) {
    case 0: r += v[i]; break;
    case 1: r -= v[i]; break;
    case 2: r *= v[i]; break;
    case 3: r /= v[i]; break;
    default: r = v[i] - r; break;
    }
  }
  return r;
}

int fits(long double x) { return x >= -2147483648.0L && x < 2147483648.0L; }

long double mixed(int i, short s, long long l, float f, double d) {
  return i * f + s / d - l * 0.5L + (f < d ? i : s);
}

void _start(void) {
  static volatile long double sink;
  long double c[4] = { 1.0L, -0.5L, 0.25L, 0.125L };
  double v[3] = { 1.5, 2.5, -3.0 };
  float a[2] = { 1.0f, 2.0f };
  sink = horner(c, 4, 0.5L) + mean(v, 3) + dot(a, a, 2) + to_integer(1e10L) + magnitude(3, 4)
       + compare(1, 2) + clamp(5, 0, 1) + scale(1, 3) + constants(2) + reduce(v, 3, 2) + fits(1e9L)
       + mixed(1, 2, 3, 4, 5) + to_int(2.5) + to_short(3.5f) + to_unsigned(4.0) + from_ll(7) + from_u(8)
       + from_short(9) + widen(1.25f) + narrow(2.75L) + is_nan(sink) + select_max(1, 2);
  for (;;) {}
}
