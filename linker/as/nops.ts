// The padding gas puts in code sections for .align/.p2align without a fill value.
//
// binutils 2.40 for plain i386 (no -march with NOPL) fills with the longest of its 32-bit NOP
// patterns first — up to the 7-byte `lea 0x0(%esi,%eiz,1),%esi` — and the remainder last. When the
// padding is long enough to need more than two 7-byte NOPs (21 bytes or more), it first emits a
// jump over the padding, so the CPU does not execute a long run of NOPs.

/** gas's 32-bit NOP patterns, by length 1..7. */
const PATTERNS: number[][] = [
  [0x90], // nop
  [0x66, 0x90], // xchg %ax,%ax
  [0x8d, 0x76, 0x00], // lea 0x0(%esi),%esi
  [0x8d, 0x74, 0x26, 0x00], // lea 0x0(%esi,%eiz,1),%esi
  [0x8d, 0x74, 0x26, 0x00, 0x90], // lea 0x0(%esi,%eiz,1),%esi ; nop
  [0x8d, 0xb6, 0x00, 0x00, 0x00, 0x00], // lea 0x0(%esi),%esi with disp32
  [0x8d, 0xb4, 0x26, 0x00, 0x00, 0x00, 0x00], // lea 0x0(%esi,%eiz,1),%esi with disp32
];
const LONGEST = PATTERNS.length;
/** More NOPs of the longest kind than this, and gas jumps over the padding instead. */
const MAX_NOPS = 2;

export function nopFill(count: number): number[] {
  const out: number[] = [];
  let n = count;
  if (Math.floor(n / LONGEST) > MAX_NOPS) {
    const disp = n - 2;
    if (disp <= 127) {
      out.push(0xeb, disp);
      n = disp;
    } else {
      n -= 5;
      out.push(0xe9, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
    }
  }
  const last = n % LONGEST;
  for (let i = 0; i < n - last; i += LONGEST) out.push(...PATTERNS[LONGEST - 1]!);
  if (last) out.push(...PATTERNS[last - 1]!);
  return out;
}
