/* Floating point as gcc -msse2 -mfpmath=sse (or -msse) compiles it: every double/float operation in
 * this file is an SSE instruction — or, built with -mfpmath=387, an x87 one; long double is always
 * the x87's. glibc's own printf/strtod/libm code is the same as in any static build. Prints a table
 * that must be identical natively and under gate86. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static volatile double inputs[] = { 0.0, -0.0, 1.0, -1.5, 0.1, 1e-310, 3.141592653589793, 2.718281828459045,
  1e300, -1e-300, 123456789.125, 0.3333333333333333, 65504.0, 1.0 / 3.0, 4.9406564584124654e-324 };
static volatile float singles[] = { 0.0f, 1.0f, -2.5f, 0.1f, 1e-40f, 3.4028235e38f, 16777217.0f, 0.33333334f };

int main(void) {
  for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    double x = inputs[i];
    printf("%-24.17g %f %e %g %a\n", x, x, x, x, x);
    printf("  sq %.17g sum %.17g div %.17g sqrt %.17g\n", x * x, x + 0.1, x / 7.0, sqrt(fabs(x)));
    printf("  int %d round-trip %s\n", (int)(x > 2e9 || x < -2e9 ? 0 : x), strtod("0.1", 0) + x == 0.1 + x ? "same" : "differs");
  }
  for (unsigned i = 0; i < sizeof singles / sizeof singles[0]; i++) {
    float f = singles[i];
    printf("%.9g %a %.9g %.9g %d\n", f, f, f * 3.0f, f / 3.0f, (int)(f > 2e9f ? 0 : f));
  }
  printf("sin %.17g cos %.17g tan %.17g exp %.17g log %.17g pow %.17g fmod %.17g\n",
         sin(0.5), cos(0.5), tan(0.5), exp(1.5), log(10.0), pow(2.0, 0.5), fmod(10.0, 3.0));
  const char *texts[] = { "1e23", "2.2250738585072011e-308", "0x1.fffffffffffffp+1023", "4.9e-324", "123.456", "-0" };
  for (unsigned i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    double d = strtod(texts[i], 0);
    char back[64];
    snprintf(back, sizeof back, "%.17g", d);
    printf("strtod %s -> %a -> %s -> %s\n", texts[i], d, back, strtod(back, 0) == d ? "same" : "DIFFERENT");
  }
  /* long double is the x87's 80-bit format in every build. */
  static volatile long double wide[] = { 1.0L / 3.0L, 1e4000L, -0x1.23456789abcdef0p-16400L, 3.14159265358979323846264338327950288L };
  for (unsigned i = 0; i < sizeof wide / sizeof wide[0]; i++) {
    long double w = wide[i];
    printf("long double %.21Lg %La %Le sq %.21Lg sqrtl %.21Lg\n", w, w, w, w * w, sqrtl(fabsl(w)));
  }
  printf("sinl %.21Lg expl %.21Lg logl %.21Lg powl %.21Lg strtold %La\n", sinl(0.5L), expl(1.5L), logl(10.0L), powl(2.0L, 0.5L), strtold("0.1", 0));
  return 0;
}
