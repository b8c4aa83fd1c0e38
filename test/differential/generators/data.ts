// Data movement and the small instructions: MOV (every form), MOVZX/MOVSX, LEA (32- and 16-bit
// addressing), XCHG, BSWAP, XADD, CMPXCHG, CMPXCHG8B, CBW/CWDE/CWD/CDQ, LAHF/SAHF, XLAT,
// CLC/STC/CMC/CLD/STD, the NOP forms, and the decimal adjustments DAA/DAS/AAA/AAS.

import { operandValue, type Case, type Random } from '../case.ts';
import { AF, CF, DATA_SIZE, SCRATCH_BASE } from '../layout.ts';
import { bytes, imm, modrmReg, osPrefix, reg, repeat, sfx, SIZES, V_SIZES, type Size, Draft } from './build.ts';

function movCases(r: Random): Case[] {
  const out: Case[] = [];
  for (const s of SIZES) {
    const w = s / 8;
    const forms: Array<[string, (d: Draft, i: number) => string]> = [
      ['reg,reg', (d) => { const a = d.register(s); const b = d.register(s); d.randomize(a, s); return `mov${sfx(s)} ${reg(a, s)}, ${reg(b, s)}`; }],
      ['reg,reg load', (d) => { const a = d.register(s); const b = d.register(s); d.randomize(a, s); return `{load} mov${sfx(s)} ${reg(a, s)}, ${reg(b, s)}`; }],
      ['reg,mem', (d) => { const m = d.memory(w); const a = d.register(s); d.randomize(a, s); return `mov${sfx(s)} ${reg(a, s)}, ${m.text}`; }],
      ['mem,reg', (d) => { const m = d.memory(w); const a = d.register(s); return `mov${sfx(s)} ${m.text}, ${reg(a, s)}`; }],
      // A0-A3: the accumulator and an absolute offset (moffs), also with a 16-bit address
      ['moffs,acc', (d) => { const a = SCRATCH_BASE + d.r.below(DATA_SIZE - w); return `${d.r.chance(0.3) ? 'addr16 ' : ''}mov${sfx(s)} 0x${a.toString(16)}, ${reg(0, s)}`; }],
      ['acc,moffs', (d) => { d.randomize(0, s); const a = SCRATCH_BASE + d.r.below(DATA_SIZE - w); return `${d.r.chance(0.3) ? 'addr16 ' : ''}mov${sfx(s)} ${reg(0, s)}, 0x${a.toString(16)}`; }],
      // B0+r / B8+r, on every register in turn (ESP too: here it is only a value)
      ['imm,reg', (d, i) => { const a = i % 8; return `mov${sfx(s)} ${imm(operandValue(d.r, s), s)}, ${reg(a, s)}`; }],
      // C6/C7 /0 on memory, and on a register (written as bytes: `as` prefers B0+r/B8+r)
      ['imm,mem', (d) => { const m = d.memory(w); return `mov${sfx(s)} ${imm(operandValue(d.r, s), s)}, ${m.text}`; }],
      ['c6/c7 reg', (d) => {
        const a = d.register(s); const v = operandValue(d.r, 32);
        return bytes(...osPrefix(s), s === 8 ? 0xc6 : 0xc7, modrmReg(0, a), ...[v, v >> 8, v >> 16, v >> 24].slice(0, w));
      }],
    ];
    for (const [name, f] of forms) out.push(...repeat(r, 25, (d, i) => d.finish(`data/mov${sfx(s)} ${name}#${i}`, f(d, i))));
  }
  // MOVZX/MOVSX: byte->word, byte->dword, word->dword, from a register or memory
  for (const op of ['movz', 'movs']) {
    for (const [from, to] of [[8, 16], [8, 32], [16, 32]] as Array<[Size, Size]>) {
      for (const useMemory of [false, true]) {
        out.push(...repeat(r, 30, (d, i) => {
          const src = useMemory ? d.memory(from / 8).text : (() => { const a = d.register(from); d.randomize(a, from); return reg(a, from); })();
          const dst = d.register(to);
          return d.finish(`data/${op}x ${from}->${to} ${useMemory ? 'mem' : 'reg'}#${i}`, `${op}${sfx(from)}${sfx(to)} ${src}, ${reg(dst, to)}`);
        }));
      }
    }
  }
  return out;
}

/** LEA never touches memory: any base, index, scale and displacement, registers fully random. */
function leaCases(r: Random): Case[] {
  const out: Case[] = [];
  const r32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
  for (const size of V_SIZES) {
    out.push(...repeat(r, 120, (d, i) => {
      const base = d.r.chance(0.85) ? d.r.pick(r32) : '';
      const index = d.r.chance(0.6) ? d.r.pick(r32.filter((x) => x !== 'esp')) : '';
      const scale = d.r.pick([1, 2, 4, 8]);
      const disp = d.r.pick([0, d.r.below(256) - 128, d.r.u32() | 0]);
      const dst = d.register(size);
      const address = index ? `(${base ? `%${base}` : ''},%${index},${scale})` : base ? `(%${base})` : '';
      const text = address === '' ? `0x${(disp >>> 0).toString(16)}` : `${disp === 0 ? '' : disp}${address}`;
      return d.finish(`data/lea${sfx(size)} 32-bit address#${i}`, `lea${sfx(size)} ${text}, ${reg(dst, size)}`);
    }));
    // 16-bit addressing (0x67): the sum wraps at 64 KiB.
    out.push(...repeat(r, 60, (d, i) => {
      const pair = d.r.pick(['%bx,%si', '%bx,%di', '%bp,%si', '%bp,%di', '%si', '%di', '%bp', '%bx', '']);
      const disp = d.r.pick([0, d.r.below(256) - 128, d.r.below(0x10000) - 0x8000]);
      const dst = d.register(size);
      const text = pair === '' ? `0x${(disp & 0xffff).toString(16)}` : `${disp === 0 ? '' : disp}(${pair})`;
      return d.finish(`data/lea${sfx(size)} 16-bit address#${i}`, `lea${sfx(size)} ${text}, ${reg(dst, size)}`);
    }));
  }
  return out;
}

function exchangeCases(r: Random): Case[] {
  const out: Case[] = [];
  for (const s of SIZES) {
    // 86/87 register-register (with {load} to get the other ModRM order) and with memory (implicitly locked)
    out.push(...repeat(r, 30, (d, i) => { const a = d.register(s); const b = d.register(s); d.randomize(a, s); d.randomize(b, s); return d.finish(`data/xchg${sfx(s)} reg,reg#${i}`, `${d.r.chance(0.5) ? '{load} ' : ''}xchg${sfx(s)} ${reg(a, s)}, ${reg(b, s)}`); }));
    out.push(...repeat(r, 30, (d, i) => { const m = d.memory(s / 8); const a = d.register(s); d.randomize(a, s); return d.finish(`data/xchg${sfx(s)} reg,mem#${i}`, `${d.r.chance(0.3) ? 'lock ' : ''}xchg${sfx(s)} ${reg(a, s)}, ${m.text}`); }));
    // XADD, CMPXCHG
    out.push(...repeat(r, 40, (d, i) => { const a = d.register(s); const b = d.register(s); d.randomize(a, s); d.randomize(b, s); return d.finish(`data/xadd${sfx(s)} reg,reg#${i}`, `xadd${sfx(s)} ${reg(a, s)}, ${reg(b, s)}`); }));
    out.push(...repeat(r, 40, (d, i) => { const m = d.memory(s / 8); const a = d.register(s); d.randomize(a, s); return d.finish(`data/xadd${sfx(s)} reg,mem#${i}`, `${d.r.chance(0.3) ? 'lock ' : ''}xadd${sfx(s)} ${reg(a, s)}, ${m.text}`); }));
    for (const useMemory of [false, true]) {
      out.push(...repeat(r, 60, (d, i) => {
        // Half the time the accumulator equals the destination: the exchange happens.
        d.pinned.push('eax');
        const value = operandValue(d.r, s);
        const equal = d.r.chance(0.5);
        const dst = useMemory ? d.memory(s / 8, { value }).text : (() => { const a = d.register(s, [0, 4]); d.set(a, s, value); return reg(a, s); })();
        const src = d.register(s, [0, 4]); d.randomize(src, s);
        if (equal) d.set(0, s, value); else d.randomize(0, s);
        const lock = useMemory && d.r.chance(0.3) ? 'lock ' : '';
        return d.finish(`data/cmpxchg${sfx(s)} ${useMemory ? 'mem' : 'reg'}${equal ? ' equal' : ''}#${i}`, `${lock}cmpxchg${sfx(s)} ${reg(src, s)}, ${dst}`);
      }));
    }
  }
  // 90+r: xchg with the accumulator (90 itself is NOP)
  for (let a = 1; a < 8; a++) {
    out.push(...repeat(r, 12, (d, i) => { const s = d.r.pick(V_SIZES); d.randomize(0, s); if (a !== 4) d.randomize(a, s); return d.finish(`data/xchg${sfx(s)} acc,${reg(a, s)}#${i}`, `xchg${sfx(s)} ${reg(a, s)}, ${reg(0, s)}`); }));
  }
  // CMPXCHG8B: EDX:EAX against the quadword, ECX:EBX stored when equal
  out.push(...repeat(r, 100, (d, i) => {
    d.pinned.push('eax', 'edx', 'ecx', 'ebx');
    const m = d.memory(8, { allow16: d.r.chance(0.5) });
    const equal = d.r.chance(0.5);
    const offset = m.address - SCRATCH_BASE;
    const lo = d.scratch[offset]! | (d.scratch[offset + 1]! << 8) | (d.scratch[offset + 2]! << 16) | (d.scratch[offset + 3]! << 24);
    const hi = d.scratch[offset + 4]! | (d.scratch[offset + 5]! << 8) | (d.scratch[offset + 6]! << 16) | (d.scratch[offset + 7]! << 24);
    if (equal) { d.initial.eax = lo >>> 0; d.initial.edx = d.r.chance(0.9) ? hi >>> 0 : (hi ^ 1) >>> 0; }
    return d.finish(`data/cmpxchg8b${equal ? ' equal' : ''}#${i}`, `${d.r.chance(0.3) ? 'lock ' : ''}cmpxchg8b ${m.text}`);
  }));
  // BSWAP on every register (0F C8+r), ESP included: it is only a value here
  for (let n = 0; n < 8; n++) out.push(...repeat(r, 12, (d, i) => d.finish(`data/bswap ${reg(n, 32)}#${i}`, `bswap ${reg(n, 32)}`)));
  return out;
}

function smallCases(r: Random): Case[] {
  const out: Case[] = [];
  for (const op of ['cbtw', 'cwtl', 'cwtd', 'cltd']) out.push(...repeat(r, 50, (d, i) => { d.randomize(0, 32); return d.finish(`data/${op}#${i}`, op); }));
  for (const op of ['lahf', 'sahf', 'clc', 'stc', 'cmc', 'cld', 'std']) {
    out.push(...repeat(r, 40, (d, i) => { d.randomize(0, 32); if (d.r.chance(0.5)) d.initial.eflags |= 0x400; return d.finish(`data/${op}#${i}`, op); }));
  }
  // XLAT: AL = [EBX + AL] (or [BX + AL] with 0x67), with a segment override sometimes
  out.push(...repeat(r, 80, (d, i) => {
    const addr16 = d.r.chance(0.25);
    const table = SCRATCH_BASE + d.r.below(256);
    d.initial.ebx = addr16 ? ((d.r.u32() & 0xffff0000) | table) >>> 0 : table;
    d.randomize(0, 8);
    const seg = d.r.pick(['', '', '%es:', '%ss:', '%ds:']);
    return d.finish(`data/xlat${addr16 ? ' addr16' : ''}#${i}`, `${addr16 ? 'addr16 ' : ''}xlat ${seg}(%${addr16 ? 'bx' : 'ebx'})`);
  }));
  // NOP forms: 90, 0F 1F /0 (no memory access), PAUSE (F3 90)
  out.push(...repeat(r, 20, (d, i) => d.finish(`data/nop#${i}`, 'nop')));
  out.push(...repeat(r, 30, (d, i) => { const s = d.r.pick(V_SIZES); return d.finish(`data/nop${sfx(s)} 0f1f#${i}`, `nop${sfx(s)} ${d.r.pick(['(%eax)', '0(%eax,%eax,1)', '0x12345678(%ebx)', '%ecx'].map((t) => (t === '%ecx' && s === 16 ? '%cx' : t)))}`); }));
  out.push(...repeat(r, 10, (d, i) => d.finish(`data/pause#${i}`, 'pause')));
  // The P6 hint space 0F 18-0F 1F executes as NOP (prefetches and ENDBR32 included), whatever the
  // ModRM says; the address is never used, so it may point anywhere.
  for (const second of [0x18, 0x19, 0x1d, 0x1e, 0x1f]) {
    for (let digit = 0; digit < 8; digit++) {
      out.push(...repeat(r, 2, (d, i) => {
        // 0F 18 with a register operand is not generated: qemu-i386 raises #UD for /0-/3 there (caveats.ts).
        const mod = second === 0x18 ? d.r.below(3) : d.r.below(4);
        const rm = d.r.below(8);
        const modrm = (mod << 6) | (digit << 3) | rm;
        const extra = mod === 3 ? [] : [...(rm === 4 ? [d.r.below(256) & ~7] : []), ...(mod === 1 ? [d.r.below(256)] : mod === 2 || (mod === 0 && rm === 5) ? [1, 2, 3, 4] : [])];
        return d.finish(`data/hint nop 0f ${second.toString(16)} /${digit}#${i}`, bytes(...osPrefix(d.r.pick(V_SIZES)), 0x0f, second, modrm, ...extra));
      }));
    }
  }
  out.push(...repeat(r, 10, (d, i) => d.finish(`data/endbr32#${i}`, 'endbr32')));
  out.push(...repeat(r, 5, (d, i) => d.finish(`data/endbr64#${i}`, bytes(0xf3, 0x0f, 0x1e, 0xfa))));
  // DAA/DAS/AAA/AAS: every AL with AF and CF both ways
  for (const op of ['daa', 'das', 'aaa', 'aas']) {
    out.push(...repeat(r, 150, (d, i) => {
      d.randomize(0, 16);
      d.initial.eflags = (d.initial.eflags & ~(AF | CF)) | (d.r.chance(0.5) ? AF : 0) | (d.r.chance(0.5) ? CF : 0);
      return d.finish(`data/${op}#${i}`, op);
    }));
  }
  return out;
}

export function generateData(r: Random): Case[] {
  return [...movCases(r), ...leaCases(r), ...exchangeCases(r), ...smallCases(r)];
}
