/* The host CPU's x87 as an oracle for the softfloat core (test/softfloat/softfloat.test.ts).
 *
 * Reads records from stdin: u16 operation, u16 control word, then two 80-bit operands A and B.
 * For each, from a fresh FNINIT state it loads the control word and the operands with FLD m80
 * (which raises nothing but stack faults), runs one instruction, and writes the 108-byte FNSAVE
 * image: the status word, the tag word and ST(0)..ST(7). FNSAVE does not wait, so an unmasked
 * exception stays pending in the image instead of being delivered. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

struct input { uint16_t op, cw; uint8_t a[10], b[10]; } __attribute__((packed));

#define TWO(insn) asm volatile("fninit\n fldcw %2\n fldt %1\n fldt %0\n" insn "\n fnsave %3" \
    :: "m"(in->a), "m"(in->b), "m"(in->cw), "m"(*out) : "memory")
#define ONE(insn) asm volatile("fninit\n fldcw %1\n fldt %0\n" insn "\n fnsave %2" \
    :: "m"(in->a), "m"(in->cw), "m"(*out) : "memory")

static void run(const struct input *in, uint8_t *out, uint8_t *mem) {
  switch (in->op) {
  case 0: TWO("fadd %%st(1),%%st"); break;   /* ST0 = A + B */
  case 1: TWO("fsub %%st(1),%%st"); break;   /* ST0 = A - B */
  case 2: TWO("fmul %%st(1),%%st"); break;
  case 3: TWO("fdiv %%st(1),%%st"); break;   /* ST0 = A / B */
  case 4: ONE("fsqrt"); break;
  case 5: ONE("frndint"); break;
  case 6: TWO("fcom %%st(1)"); break;        /* compare A with B: C0 C2 C3 */
  case 7: TWO("fucom %%st(1)"); break;
  /* Stores: the converted value goes to `mem`, then it is loaded back as ST0 by the TS side. */
  case 8: asm volatile("fninit\n fldcw %1\n fldt %0\n fsts %3\n fnsave %2" :: "m"(in->a), "m"(in->cw), "m"(*out), "m"(*(float *)mem) : "memory"); break;
  case 9: asm volatile("fninit\n fldcw %1\n fldt %0\n fstl %3\n fnsave %2" :: "m"(in->a), "m"(in->cw), "m"(*out), "m"(*(double *)mem) : "memory"); break;
  case 10: asm volatile("fninit\n fldcw %1\n fldt %0\n fists %3\n fnsave %2" :: "m"(in->a), "m"(in->cw), "m"(*out), "m"(*(int16_t *)mem) : "memory"); break;
  case 11: asm volatile("fninit\n fldcw %1\n fldt %0\n fistl %3\n fnsave %2" :: "m"(in->a), "m"(in->cw), "m"(*out), "m"(*(int32_t *)mem) : "memory"); break;
  case 12: asm volatile("fninit\n fldcw %1\n fldt %0\n fistpll %3\n fnsave %2" :: "m"(in->a), "m"(in->cw), "m"(*out), "m"(*(int64_t *)mem) : "memory"); break;
  /* Loads of the low 4 or 8 bytes of A as m32real / m64real. */
  case 13: asm volatile("fninit\n fldcw %1\n flds %0\n fnsave %2" :: "m"(*(float *)in->a), "m"(in->cw), "m"(*out) : "memory"); break;
  case 14: asm volatile("fninit\n fldcw %1\n fldl %0\n fnsave %2" :: "m"(*(double *)in->a), "m"(in->cw), "m"(*out) : "memory"); break;
  }
}

int main(void) {
  static struct input in;
  static uint8_t out[108 + 8];
  for (;;) {
    size_t got = 0;
    while (got < sizeof in) {
      ssize_t n = read(0, (char *)&in + got, sizeof in - got);
      if (n <= 0) return got == 0 ? 0 : 1;
      got += n;
    }
    uint8_t mem[8];
    memset(mem, 0, sizeof mem);
    run(&in, out, mem);
    memcpy(out + 108, mem, 8);
    size_t put = 0;
    while (put < sizeof out) {
      ssize_t n = write(1, out + put, sizeof out - put);
      if (n <= 0) return 1;
      put += n;
    }
  }
}
