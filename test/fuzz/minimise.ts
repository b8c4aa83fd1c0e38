// Shrinking a failing case to a small one that fails the same way (delta debugging, greedily):
// offer simpler variants of the case, keep the first that still fails, and start again from it,
// until no variant fails. Variants are judged a batch at a time, because each judgement boots a
// machine or starts an oracle: a batch costs about as much as one.

export interface Shrinker<T> {
  /** Simpler variants of a case, the boldest first. */
  variants(c: T): T[];
  /** Which of these still fail as the original did: the index of the first, or -1. */
  firstFailing(cases: T[]): Promise<number>;
}

/** The smallest case this greedy search finds, and how many rounds it took. */
export async function minimise<T>(start: T, shrinker: Shrinker<T>, maxRounds = 200): Promise<{ result: T; rounds: number }> {
  let current = start;
  let rounds = 0;
  for (; rounds < maxRounds; rounds++) {
    const variants = shrinker.variants(current);
    if (variants.length === 0) break;
    const i = await shrinker.firstFailing(variants);
    if (i < 0) break;
    current = variants[i]!;
  }
  return { result: current, rounds };
}

/** Byte strings with one chunk cut out: halves first, then quarters, down to single bytes. */
export function withoutChunks(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let size = Math.max(1, bytes.length >> 1); size >= 1; size >>= 1) {
    for (let at = 0; at < bytes.length; at += size) {
      const cut = new Uint8Array(bytes.length - Math.min(size, bytes.length - at));
      cut.set(bytes.subarray(0, at));
      cut.set(bytes.subarray(at + size), at);
      out.push(cut);
    }
    if (size === 1) break;
  }
  return out;
}
