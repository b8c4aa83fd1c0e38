/* A signal handler that changes the interrupted code's x87 state through the signal frame's
 * _fpstate, and the state sigreturn then puts back. It writes ST(0) and the control word into the
 * frame's FNSAVE part, which every kernel restores on a processor without FXSR (magic 0xffff: the
 * 486, the Pentium, the Pentium Pro; Linux 2.6's restore_i387_fsave) and today's Linux restores the
 * x87 state from on any processor (fpu/signal.c converts the 32-bit frame's FNSAVE header); where the
 * frame also has an FXSAVE part (magic 0x0000), into that part too, which is the one Linux 2.6's
 * restore_i387_fxsave reads. So the program must then compute with 2.5 and round as the new control
 * word says on every model and either kernel. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

/* struct _fpstate (asm/sigcontext.h, i386): the FNSAVE part, status, magic, then the FXSAVE image. */
#define FP_CW 0
#define FP_ST0 28
#define FP_MAGIC 110
#define FX_CW (112 + 0)
#define FX_ST0 (112 + 32)

static const unsigned char two_and_a_half[10] = { 0, 0, 0, 0, 0, 0, 0, 0xa0, 0x00, 0x40 }; /* 2.5 */
static int magic = -1;

static void handler(int sig, siginfo_t *info, void *context) {
  (void)sig; (void)info;
  unsigned char *fp = (unsigned char *)((ucontext_t *)context)->uc_mcontext.fpregs;
  if (fp == NULL) return;
  magic = fp[FP_MAGIC] | (fp[FP_MAGIC + 1] << 8);
  /* Round toward +infinity (RC = 10), all exceptions masked, 64-bit precision: 0x0b7f. */
  const unsigned short cw = 0x0b7f;
  memcpy(fp + FP_ST0, two_and_a_half, 10);
  memcpy(fp + FP_CW, &cw, 2);
  if (magic == 0) {
    memcpy(fp + FX_ST0, two_and_a_half, 10);
    memcpy(fp + FX_CW, &cw, 2);
  }
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  double result;
  int rounded;
  /* ST(0) = 1.0 across the signal; after it, ST(0) + 0.25 rounded to an integer by FISTP under the
   * control word of the moment: 2.75 up is 3 with the handler's RC, 3 under round-to-nearest too,
   * so the control word is checked by 2.5 itself: FIST of 2.5 gives 3 rounding up, 2 to nearest. */
  __asm__ volatile("fninit; fld1" ::: "memory");
  kill(getpid(), SIGUSR1);
  __asm__ volatile("fistl %1; fstpl %0" : "=m"(result), "=m"(rounded) :: "memory");
  printf("frame's FPU part: %s\n", magic == 0xffff ? "FNSAVE only" : magic == 0 ? "FXSAVE" : "none");
  printf("ST(0) after the handler: %g\n", result);
  printf("FIST of it under the handler's control word: %d\n", rounded);
  return 0;
}
