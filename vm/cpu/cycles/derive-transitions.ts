// Deriving the privileged transitions of the chips nobody measured them on one by one, from what
// was measured: seed 003's Table 2 (cycles per getppid() through each door) minus the priced rest
// of each door. Used by the Athlon XP and Pentium 4 tables; docs/labs/cycle-model.md walks through it.
//
// 1. The getppid path of gate86's sysbench, per call, by class (recorded from the running machine
//    with `npm run cost-table -- --path`; GETPPID_PATH below). Priced with a chip's own table, the
//    classes other than the transitions are `rest`: what the door costs besides them.
// 2. Table 2 minus rest is what the transitions of that door cost together:
//      int $0x80 door:  INT (inner) + IRET (outer) + 4 segment loads   (MOV DS/ES, POP DS/ES)
//      sysenter door:   SYSENTER + SYSEXIT + 2 segment loads            (MOV DS/ES)
// 3. Two equations, five unknowns: the rest of the split follows the one chip whose transitions Intel
//    did publish, the 486 (i486.ts): IRET to an outer ring = 36/71 of INT to an inner ring, a segment
//    load = 9/71 of it. SYSENTER and SYSEXIT, which the 486 does not have, split their sum evenly.
//    The same ratios give the variants sysbench does not exercise (same-ring INT and IRET, far
//    transfers, task switches).
// So on these two chips the Table 2 figures are reproduced by construction; what the model adds is
// where the cycles go (rerun on another chip's table, the same path gives that chip's figures).

import type { CostClass } from './costs.ts';
import { i486Costs } from './tables/i486.ts';

/** Per call of sysbench's timed loops, each door: how many ops of each class (see the file comment). */
export const GETPPID_PATH: Record<'int80' | 'sysenter', Partial<Record<CostClass, number>>> = {
  int80: {
    alu: 12, aluLoad: 1, branch: 6, push: 15, call: 1, load: 5, pop: 8, return: 2, direction: 1, callIndirect: 1, store: 1,
    interruptFlag: 1, service: 1, segmentLoad: 4, interruptInner: 1, iretOuter: 1,
  },
  sysenter: {
    alu: 15, aluLoad: 1, branch: 7, push: 22, pushFlags: 1, call: 1, load: 12, callIndirect: 2, pop: 7, return: 3, direction: 1,
    store: 1, interruptFlag: 3, service: 1, segmentLoad: 2, sysenter: 1, sysexit: 1,
  },
};

const TRANSITIONS: ReadonlySet<CostClass> = new Set(['segmentLoad', 'interruptInner', 'iretOuter', 'sysenter', 'sysexit']);

/** What a door costs besides its transitions, with these prices. */
export function restOfDoor(door: keyof typeof GETPPID_PATH, prices: Partial<Record<CostClass, number>>): number {
  let sum = 0;
  for (const [cls, count] of Object.entries(GETPPID_PATH[door]) as [CostClass, number][]) {
    if (!TRANSITIONS.has(cls)) sum += count * (prices[cls] ?? NaN);
  }
  return sum;
}

export type DerivedTransitions = Record<'interruptInner' | 'interruptSame' | 'iretOuter' | 'iretSame' | 'segmentLoad' |
  'farTransfer' | 'taskSwitch' | 'sysenter' | 'sysexit', number>;

const c486 = (name: CostClass) => i486Costs.costs[name].cycles;

/** Solve the two doors' equations for one chip (cycles, rounded to hundredths). */
export function deriveTransitions(table2: { int80: number; sysenter: number }, prices: Partial<Record<CostClass, number>>): DerivedTransitions {
  const int = c486('interruptInner');
  const perInt = { iretOuter: c486('iretOuter') / int, segmentLoad: c486('segmentLoad') / int };
  const int80Sum = table2.int80 - restOfDoor('int80', prices);
  const interruptInner = int80Sum / (1 + perInt.iretOuter + 4 * perInt.segmentLoad);
  const segmentLoad = interruptInner * perInt.segmentLoad;
  const fastPair = table2.sysenter - restOfDoor('sysenter', prices) - 2 * segmentLoad;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    interruptInner: round(interruptInner),
    interruptSame: round(interruptInner * c486('interruptSame') / int),
    iretOuter: round(interruptInner * perInt.iretOuter),
    iretSame: round(interruptInner * perInt.iretOuter * c486('iretSame') / c486('iretOuter')),
    segmentLoad: round(segmentLoad),
    farTransfer: round(interruptInner * c486('farTransfer') / int),
    taskSwitch: round(interruptInner * c486('taskSwitch') / int),
    sysenter: round(fastPair / 2),
    sysexit: round(fastPair / 2),
  };
}
