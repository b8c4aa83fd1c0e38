/* Every x87 instruction gcc can be made to write: the transcendentals, FPREM, FSCALE, FXTRACT,
 * the BCD and integer forms, the environment and state images, control/status words, FCMOVcc,
 * the stack operations — through inline assembly where gcc never picks them itself. */

typedef struct { unsigned char bytes[10]; } bcd80;
struct env32 { unsigned short cw, r0, sw, r1, tw, r2; unsigned ip; unsigned short cs, op; unsigned dp, ds; };

long double x_sin(long double x) { long double r; __asm__("fsin" : "=t"(r) : "0"(x)); return r; }
long double x_cos(long double x) { long double r; __asm__("fcos" : "=t"(r) : "0"(x)); return r; }
long double x_tan(long double x) { long double r, one; __asm__("fptan" : "=t"(one), "=u"(r) : "0"(x)); return r / one; }
void x_sincos(long double x, long double *s, long double *c) { __asm__("fsincos" : "=t"(*c), "=u"(*s) : "0"(x)); }
long double x_atan2(long double y, long double x) { long double r; __asm__("fpatan" : "=t"(r) : "0"(x), "u"(y) : "st(1)"); return r; }
long double x_exp2m1(long double x) { long double r; __asm__("f2xm1" : "=t"(r) : "0"(x)); return r; }
long double x_ylog2x(long double y, long double x) { long double r; __asm__("fyl2x" : "=t"(r) : "0"(x), "u"(y) : "st(1)"); return r; }
long double x_ylog2xp1(long double y, long double x) { long double r; __asm__("fyl2xp1" : "=t"(r) : "0"(x), "u"(y) : "st(1)"); return r; }
long double x_scale(long double x, long double n) { long double r; __asm__("fscale" : "=t"(r) : "0"(x), "u"(n)); return r; }
long double x_rint(long double x) { long double r; __asm__("frndint" : "=t"(r) : "0"(x)); return r; }

long double x_fmod(long double x, long double y) {
  long double r;
  unsigned short sw;
  __asm__("1: fprem\n\tfnstsw %%ax\n\ttestw $0x400, %%ax\n\tjnz 1b" : "=t"(r), "=a"(sw) : "0"(x), "u"(y));
  return r;
}

long double x_remainder(long double x, long double y) {
  long double r;
  __asm__("1: fprem1\n\tfstsw %%ax\n\tsahf\n\tjp 1b" : "=t"(r) : "0"(x), "u"(y) : "eax", "cc");
  return r;
}

long double x_exponent(long double x) { long double e, m; __asm__("fxtract" : "=t"(m), "=u"(e) : "0"(x)); return e + m; }

int x_classify(long double x) {
  unsigned short sw;
  __asm__("fxam\n\tfnstsw %0" : "=a"(sw) : "t"(x));
  return sw & 0x4700;
}

int x_sign(long double x) {
  unsigned short sw;
  __asm__("ftst\n\tfstsw %0" : "=am"(sw) : "t"(x));
  return (sw >> 8) & 0x45;
}

void x_bcd(long double x, bcd80 *out) { __asm__("fbstp %0" : "=m"(*out) : "t"(x) : "st"); }
long double x_from_bcd(const bcd80 *in) { long double r; __asm__("fbld %1" : "=t"(r) : "m"(*in)); return r; }

long long x_round_ll(long double x) { long long r; __asm__("fistpll %0" : "=m"(r) : "t"(x) : "st"); return r; }
short x_round_s(long double x) { short r; __asm__("fists %0" : "=m"(r) : "t"(x)); return r; }
int x_add_int(long double x, int i, short s) {
  __asm__("fiaddl %1\n\tfisubs %2\n\tfimull %1\n\tfidivrs %2\n\tficomps %2" : "+t"(x) : "m"(i), "m"(s));
  return (int)x;
}

unsigned short x_control(unsigned short cw) {
  unsigned short old;
  __asm__ volatile("fnstcw %0\n\tfldcw %1\n\tfstcw %0" : "=m"(old) : "m"(cw));
  return old;
}

unsigned short x_status(void) {
  unsigned short sw, sw2;
  __asm__ volatile("fnstsw %0\n\tfstsw %1\n\tfnclex\n\tfclex" : "=m"(sw), "=m"(sw2));
  return sw | sw2;
}

void x_environment(struct env32 *e, unsigned char *save108, unsigned char *fx512) {
  __asm__ volatile("fnstenv %0\n\tfldenv %0\n\tfstenv %0" : "+m"(*e));
  __asm__ volatile("fnsave %0\n\tfrstor %0\n\tfsave %0\n\tfrstor %0" : "+m"(*(unsigned char (*)[108])save108));
  __asm__ volatile("fxsave %0\n\tfxrstor %0" : "+m"(*(unsigned char (*)[512])fx512));
  __asm__ volatile("fninit\n\tfinit\n\twait\n\tfwait");
}

void x_stack(void) {
  __asm__ volatile("fld1\n\tfldz\n\tfldpi\n\tfldl2e\n\tfldl2t\n\tfldlg2\n\tfldln2\n\t"
                   "fxch %%st(3)\n\tfld %%st(2)\n\tfst %%st(4)\n\tfstp %%st(1)\n\tffree %%st(5)\n\tffreep %%st(6)\n\t"
                   "fincstp\n\tfdecstp\n\tfnop\n\tfchs\n\tfabs\n\tfsqrt\n\t"
                   "fcmovb %%st(1),%%st\n\tfcmove %%st(2),%%st\n\tfcmovbe %%st(3),%%st\n\tfcmovu %%st(4),%%st\n\t"
                   "fcmovnb %%st(1),%%st\n\tfcmovne %%st(2),%%st\n\tfcmovnbe %%st(3),%%st\n\tfcmovnu %%st(4),%%st\n\t"
                   "fcom %%st(1)\n\tfcomp %%st(2)\n\tfucom %%st(3)\n\tfucomp %%st(1)\n\tfcomi %%st(1),%%st\n\t"
                   "fucomi %%st(2),%%st\n\tfcomip %%st(1),%%st\n\tfucomip %%st(1),%%st\n\tfcompp\n\tfucompp\n\t"
                   "faddp\n\tfsubp\n\tfsubrp %%st,%%st(2)\n\tfmulp %%st,%%st(3)\n\tfdivp\n\tfdivrp %%st,%%st(1)\n\t"
                   "fadd %%st(1),%%st\n\tfsub %%st,%%st(2)\n\tfsubr %%st(3),%%st\n\tfdiv %%st,%%st(1)\n\tfdivr %%st(2),%%st\n\t"
                   "fninit" ::: "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)", "cc");
}

long double x_memory(const float *f, const double *d, const long double *t, const int *i, const short *s, const long long *l) {
  long double r;
  __asm__("flds %1\n\tfadds %1\n\tfsubl %2\n\tfmull %2\n\tfdivs %1\n\tfdivrl %2\n\tfsubrs %1\n\t"
          "fcoms %1\n\tfcompl %2\n\tfldt %3\n\tfaddp\n\tfildl %4\n\tfmulp\n\tfilds %5\n\tfdivrp\n\tfildll %6\n\tfaddp\n\t"
          "ficoml %4\n\tfisubrl %4"
          : "=&t"(r) : "m"(*f), "m"(*d), "m"(*t), "m"(*i), "m"(*s), "m"(*l) : "cc");
  return r;
}

void x_stores(long double x, float *f, double *d, long double *t, int *i, short *s) {
  __asm__("fsts %0\n\tfstl %1\n\tfld %%st(0)\n\tfstpt %2\n\tfistl %3\n\tfld %%st(0)\n\tfistps %4\n\tfld %%st(0)\n\tfstps %0\n\tfld %%st(0)\n\tfstpl %1\n\tfld %%st(0)\n\tfistpl %3"
          : "=m"(*f), "=m"(*d), "=m"(*t), "=m"(*i), "=m"(*s) : "t"(x));
}

void _start(void) {
  static volatile long double sink;
  long double s, c;
  bcd80 b;
  struct env32 e;
  static unsigned char save[108], fx[512] __attribute__((aligned(16)));
  float f = 1; double d = 2; long double t = 3; int i = 4; short sh = 5; long long l = 6;
  x_sincos(1, &s, &c);
  x_bcd(12345, &b);
  x_environment(&e, save, fx);
  x_stack();
  x_stores(7, &f, &d, &t, &i, &sh);
  sink = x_sin(1) + x_cos(1) + x_tan(1) + s + c + x_atan2(1, 2) + x_exp2m1(0.5L) + x_ylog2x(1, 8) + x_ylog2xp1(1, 0.25L)
       + x_scale(1, 4) + x_rint(2.5L) + x_fmod(7, 3) + x_remainder(7, 3) + x_exponent(10) + x_classify(1) + x_sign(-1)
       + x_from_bcd(&b) + x_round_ll(1e12L) + x_round_s(9) + x_add_int(1, 2, 3) + x_control(0x37f) + x_status()
       + x_memory(&f, &d, &t, &i, &sh, &l);
  for (;;) {}
}
