// String instructions: MOVS CMPS STOS LODS SCAS in every width, alone and under REP/REPE/REPNE,
// forwards and backwards (DF), with 32-bit and 16-bit (0x67: SI, DI, CX) addressing, and DS/ES/SS
// overrides on the source. Counts include 0 (nothing happens, no flags change).

import { type Case, type Random } from '../case.ts';
import { DATA_SIZE, DF, SCRATCH_BASE } from '../layout.ts';
import { reg, repeat, sfx, SIZES, type Size, Draft } from './build.ts';

type Op = 'movs' | 'cmps' | 'stos' | 'lods' | 'scas';
const OPS: readonly Op[] = ['movs', 'cmps', 'stos', 'lods', 'scas'];
const usesSource = (op: Op): boolean => op === 'movs' || op === 'cmps' || op === 'lods';

/** Place (E)SI/(E)DI so that `count` elements of `width` bytes fit in the data area in the direction DF says. */
function pointer(d: Draft, name: 'esi' | 'edi', span: number, backwards: boolean, addr16: boolean): number {
  const offset = backwards ? span + d.r.below(DATA_SIZE - 2 * span) : d.r.below(DATA_SIZE - 2 * span);
  const address = SCRATCH_BASE + offset;
  d.initial[name] = addr16 ? ((d.r.u32() & 0xffff0000) | address) >>> 0 : address;
  return offset;
}

function stringCase(d: Draft, op: Op, size: Size, prefix: '' | 'rep' | 'repe' | 'repne', i: number): Case {
  const w = size / 8;
  const backwards = d.r.chance(0.4);
  const addr16 = d.r.chance(0.25);
  const count = prefix === '' ? 1 : d.r.pick([0, 1, 2, 3, d.r.below(24)]);
  const span = Math.max(count, 1) * w;
  if (backwards) d.initial.eflags |= DF;
  const si = pointer(d, 'esi', span, backwards, addr16);
  const di = pointer(d, 'edi', span, backwards, addr16);
  // ECX: with REP only CX counts under 0x67, so the upper half is garbage to be left alone.
  d.initial.ecx = prefix === '' ? d.r.u32() : addr16 ? ((d.r.u32() & 0xffff0000) | count) >>> 0 : count;
  const acc = d.r.u32();
  d.set(0, size, acc);
  // Make comparisons run for a while: the destination starts as a copy of the source (CMPS), or
  // filled with the accumulator's value (SCAS), up to a random point.
  const same = d.r.below(count + 1);
  for (let e = 0; e < same; e++) {
    const t = di + (backwards ? -e : e) * w;
    const src = si + (backwards ? -e : e) * w;
    for (let j = 0; j < w; j++) {
      if (op === 'cmps') d.scratch[t + j] = d.scratch[src + j]!;
      if (op === 'scas') d.scratch[t + j] = (acc >>> (8 * j)) & 0xff;
    }
  }
  const override = usesSource(op) && d.r.chance(0.3) ? d.r.pick(['%es:', '%ss:', '%ds:']) : '%ds:';
  const [sReg, dReg] = addr16 ? ['%si', '%di'] : ['%esi', '%edi'];
  const source = `${override}(${sReg})`;
  const destination = `%es:(${dReg})`;
  const accumulator = reg(0, size);
  const operands = {
    movs: `${source}, ${destination}`,
    cmps: `${destination}, ${source}`,
    stos: `${accumulator}, ${destination}`,
    lods: `${source}, ${accumulator}`,
    scas: `${destination}, ${accumulator}`,
  }[op];
  const text = `${prefix ? `${prefix} ` : ''}${op}${sfx(size)} ${operands}`;
  return d.finish(`string/${prefix ? `${prefix} ` : ''}${op}${sfx(size)}${backwards ? ' DF=1' : ''}${addr16 ? ' addr16' : ''}#${i}`, text);
}

export function generateStrings(r: Random): Case[] {
  const out: Case[] = [];
  for (const op of OPS) {
    const prefixes: Array<'' | 'rep' | 'repe' | 'repne'> = op === 'cmps' || op === 'scas' ? ['', 'repe', 'repne'] : ['', 'rep'];
    for (const size of SIZES) {
      for (const prefix of prefixes) out.push(...repeat(r, prefix === '' ? 40 : 70, (d, i) => stringCase(d, op, size, prefix, i)));
    }
  }
  return out;
}
