// The SIMD unit's architectural rules, each on a FlatMachine: which models have which instructions
// (and say so in CPUID), the CR0/CR4 checks (#UD, #NM), the x87 aliasing of the MMX registers,
// MXCSR loads, and the alignment #GP of the aligned forms. The lane arithmetic itself is compared
// with the host CPU by the differential suite (test/differential/generators/simd.ts).

import test from 'ava';
import { assemble } from '../../linker/as/index.ts';
import { readElf } from '../../vm/elf/reader.ts';
import { CR0_EM, CR0_TS, CR4_OSFXSR } from '../../vm/cpu/cpu.ts';
import { cpuid, cpuModels } from '../../vm/cpu/models.ts';
import { CODE, runCode, type Run } from './helpers.ts';

const UD = 6, NM = 7, GP = 13;
const DATA = 0x4000; // 16-byte aligned scratch

/** Assemble AT&T text with gate86's assembler and return the .text bytes. */
function code(text: string): number[] {
  const object = assemble('t.s', `\t.text\n${text}\n\thlt\n`, { includeDirs: [], defines: new Map(), readFile: () => '' });
  return Array.from(readElf(object).sections.find((s) => s.name === '.text')!.data);
}

/** Run on the Pentium 4 (SSE2) unless the options name another model. */
function run(text: string, options: Parameters<typeof runCode>[1] = {}): Run {
  return runCode(code(text), { model: 'pentium4', ...options });
}

function xmm(r: Run, n: number): number[] {
  return Array.from(r.machine.cpu.fpu.xmm.subarray(4 * n, 4 * n + 4));
}

function mmx(r: Run, n: number): [number, number] {
  return [r.machine.cpu.fpu.significandLow[n]!, r.machine.cpu.fpu.significandHigh[n]!];
}

test('CPUID: MMX from the Pentium II, FXSR and SSE from the Pentium III and Athlon XP, SSE2 and CLFSH on the Pentium 4', (t) => {
  const out = new Int32Array(4);
  const bits = (name: string): string[] => {
    cpuid(cpuModels[name]!, 1, out);
    const edx = out[3]!;
    return ([[19, 'clfsh'], [23, 'mmx'], [24, 'fxsr'], [25, 'sse'], [26, 'sse2']] as const).filter(([b]) => (edx >> b) & 1).map(([, n]) => n);
  };
  t.deepEqual(bits('486'), []);
  t.deepEqual(bits('pentium'), []);
  t.deepEqual(bits('pentium-pro'), []);
  t.deepEqual(bits('pentium2'), ['mmx']);
  t.deepEqual(bits('pentium3'), ['mmx', 'fxsr', 'sse']);
  t.deepEqual(bits('pentium4'), ['clfsh', 'mmx', 'fxsr', 'sse', 'sse2']);
  cpuid(cpuModels['pentium4']!, 1, out);
  t.is((out[1]! >> 8) & 0xff, 8, 'CLFLUSH line size 64 bytes');
  t.deepEqual(bits('athlon-xp'), ['mmx', 'fxsr', 'sse']);
  cpuid(cpuModels['athlon-xp']!, 0x80000001, out);
  t.is((out[3]! >>> 22) & 1, 1, 'AMD MMX extensions');
  t.is(out[3]! >>> 30, 0, '3DNow! and its extensions stay clear');
});

test('an instruction the model lacks is #UD on that model: paddb before the Pentium II, andps before the Pentium III, andpd and paddq %mm before the Pentium 4', (t) => {
  const outcome = (text: string, model: string): string => {
    const r = run(text, { model });
    return r.stop.kind === 'exception' ? `#${r.stop.vector}` : r.stop.kind;
  };
  for (const model of ['486', 'pentium', 'pentium-pro']) t.is(outcome('paddb %mm1,%mm0', model), `#${UD}`, model);
  t.is(outcome('paddb %mm1,%mm0', 'pentium2'), 'hlt');
  t.is(outcome('andps %xmm1,%xmm0', 'pentium2'), `#${UD}`);
  t.is(outcome('pavgb %mm1,%mm0', 'pentium2'), `#${UD}`, 'the integer SSE additions on MMX registers came with SSE');
  for (const model of ['pentium3', 'athlon-xp']) {
    t.is(outcome('andps %xmm1,%xmm0', model), 'hlt', model);
    t.is(outcome('pavgb %mm1,%mm0', model), 'hlt', model);
    t.is(outcome('andpd %xmm1,%xmm0', model), `#${UD}`, model);
    t.is(outcome('paddb %xmm1,%xmm0', model), `#${UD}`, model);
    t.is(outcome('paddq %mm1,%mm0', model), `#${UD}`, model);
    t.is(outcome('clflush (%eax)', model), `#${UD}`, model);
    t.is(outcome('mfence', model), `#${UD}`, model);
    t.is(outcome('sfence', model), 'hlt', model);
  }
  for (const text of ['andpd %xmm1,%xmm0', 'paddq %mm1,%mm0', 'paddq %xmm1,%xmm0', 'clflush (%eax)', 'lfence', 'mfence']) {
    t.is(outcome(text, 'pentium4'), 'hlt', text);
  }
});

test('CR0.EM makes MMX and SSE #UD, CR4.OSFXSR clear makes SSE #UD (not MMX), CR0.TS makes both #NM', (t) => {
  const stop = (text: string, setup: (cr: Int32Array) => void): string => {
    const r = run(text, { setup: (m) => setup(m.cpu.cr) });
    return r.stop.kind === 'exception' ? `#${r.stop.vector}` : r.stop.kind;
  };
  t.is(stop('paddb %mm1,%mm0', (cr) => { cr[0] |= CR0_EM; }), `#${UD}`);
  t.is(stop('andps %xmm1,%xmm0', (cr) => { cr[0] |= CR0_EM; }), `#${UD}`);
  t.is(stop('andps %xmm1,%xmm0', (cr) => { cr[4] &= ~CR4_OSFXSR; }), `#${UD}`);
  t.is(stop('ldmxcsr (%eax)', (cr) => { cr[4] &= ~CR4_OSFXSR; }), `#${UD}`);
  t.is(stop('paddb %mm1,%mm0', (cr) => { cr[4] &= ~CR4_OSFXSR; }), 'hlt');
  t.is(stop('pavgb %mm1,%mm0', (cr) => { cr[4] &= ~CR4_OSFXSR; }), 'hlt', 'the MMX-register forms of SSE need no OSFXSR');
  t.is(stop('cvtpi2ps %mm1,%xmm0', (cr) => { cr[4] &= ~CR4_OSFXSR; }), `#${UD}`);
  t.is(stop('paddb %mm1,%mm0', (cr) => { cr[0] |= CR0_TS; }), `#${NM}`);
  t.is(stop('movaps %xmm1,%xmm0', (cr) => { cr[0] |= CR0_TS; }), `#${NM}`);
  t.is(stop('emms', (cr) => { cr[0] |= CR0_TS; }), `#${NM}`);
  t.is(stop('sfence', (cr) => { cr[0] |= CR0_TS | CR0_EM; }), 'hlt', 'the fences depend on neither');
});

test('MMX registers are the x87 significands: a write sets the exponent field to all ones, any MMX instruction sets TOP 0 and all tags valid, EMMS empties them', (t) => {
  const r = run('movd %eax,%mm3\n\tpaddd %mm3,%mm3', { registers: { eax: 0x40000001 }, setup: (m) => { m.cpu.fpu.top = 5; m.cpu.fpu.validRegisters = 0; } });
  t.is(r.stop.kind, 'hlt');
  t.deepEqual(mmx(r, 3), [0x80000002, 0]);
  t.is(r.machine.cpu.fpu.signExponent[3], 0xffff);
  t.is(r.machine.cpu.fpu.signExponent[2], 0, 'a register no instruction wrote keeps its exponent');
  t.is(r.machine.cpu.fpu.top, 0);
  t.is(r.machine.cpu.fpu.validRegisters, 0xff);
  const e = run('movd %eax,%mm0\n\temms', { registers: { eax: 7 } });
  t.is(e.machine.cpu.fpu.validRegisters, 0);
  t.deepEqual(mmx(e, 0), [7, 0], 'EMMS leaves the contents');
});

test('the aligned 16-byte forms raise #GP(0) on a misaligned operand; the unaligned ones and the 8-byte forms do not', (t) => {
  const stop = (text: string, address: number): string => {
    const r = run(text, { registers: { eax: address } });
    return r.stop.kind === 'exception' ? `#${r.stop.vector}(${r.stop.errorCode})@${r.stop.eip - CODE}` : r.stop.kind;
  };
  t.is(stop('movaps (%eax),%xmm0', DATA + 8), `#${GP}(0)@0`);
  t.is(stop('movdqa %xmm0,(%eax)', DATA + 4), `#${GP}(0)@0`);
  t.is(stop('paddd (%eax),%xmm0', DATA + 1), `#${GP}(0)@0`);
  t.is(stop('movntdq %xmm0,(%eax)', DATA + 8), `#${GP}(0)@0`);
  t.is(stop('movaps (%eax),%xmm0', DATA + 16), 'hlt');
  t.is(stop('movups (%eax),%xmm0', DATA + 1), 'hlt');
  t.is(stop('movdqu %xmm0,(%eax)', DATA + 3), 'hlt');
  t.is(stop('movlps (%eax),%xmm0', DATA + 4), 'hlt');
  t.is(stop('movq (%eax),%mm0', DATA + 3), 'hlt');
  t.is(stop('paddd (%eax),%mm0', DATA + 3), 'hlt');
});

test('moves: MOVSS/MOVSD from memory clear the rest, between registers keep it; MOVQ to XMM clears the high half; MOVLPS/MOVHPS keep the other half', (t) => {
  const setup = (m: { cpu: { fpu: { xmm: Uint32Array } }; memory: Uint8Array }): void => {
    m.cpu.fpu.xmm.set([1, 2, 3, 4], 0);
    m.cpu.fpu.xmm.set([5, 6, 7, 8], 4);
    new DataView(m.memory.buffer).setUint32(DATA, 0x11, true);
    new DataView(m.memory.buffer).setUint32(DATA + 4, 0x22, true);
  };
  const regs = { eax: DATA };
  t.deepEqual(xmm(run('movss (%eax),%xmm0', { registers: regs, setup }), 0), [0x11, 0, 0, 0]);
  t.deepEqual(xmm(run('movss %xmm1,%xmm0', { registers: regs, setup }), 0), [5, 2, 3, 4]);
  t.deepEqual(xmm(run('movsd (%eax),%xmm0', { registers: regs, setup }), 0), [0x11, 0x22, 0, 0]);
  t.deepEqual(xmm(run('movsd %xmm1,%xmm0', { registers: regs, setup }), 0), [5, 6, 3, 4]);
  t.deepEqual(xmm(run('movq %xmm1,%xmm0', { registers: regs, setup }), 0), [5, 6, 0, 0]);
  t.deepEqual(xmm(run('movlps (%eax),%xmm0', { registers: regs, setup }), 0), [0x11, 0x22, 3, 4]);
  t.deepEqual(xmm(run('movhps (%eax),%xmm0', { registers: regs, setup }), 0), [1, 2, 0x11, 0x22]);
  t.deepEqual(xmm(run('movhlps %xmm1,%xmm0', { registers: regs, setup }), 0), [7, 8, 3, 4]);
  t.deepEqual(xmm(run('movlhps %xmm1,%xmm0', { registers: regs, setup }), 0), [1, 2, 5, 6]);
  t.deepEqual(xmm(run('movd %eax,%xmm0', { registers: regs, setup }), 0), [DATA, 0, 0, 0]);
  t.deepEqual(xmm(run('shufps $0x1b,%xmm1,%xmm0', { registers: regs, setup }), 0), [4, 3, 6, 5]);
});

test('LDMXCSR: #GP(0) for reserved bits, and DAZ is reserved on the Pentium III but not on the Pentium 4', (t) => {
  const load = (value: number, model: string): string => {
    const r = run('ldmxcsr (%eax)\n\tstmxcsr 4(%eax)', { model, registers: { eax: DATA }, setup: (m) => new DataView(m.memory.buffer).setUint32(DATA, value, true) });
    if (r.stop.kind === 'exception') return `#${r.stop.vector}`;
    return `0x${new DataView(r.machine.memory.buffer).getUint32(DATA + 4, true).toString(16)}`;
  };
  t.is(load(0x1f80 | 0x6000, 'pentium3'), '0x7f80');
  t.is(load(0x1fc0, 'pentium3'), `#${GP}`);
  t.is(load(0x1fc0, 'pentium4'), '0x1fc0');
  t.is(load(0x10000, 'pentium4'), `#${GP}`);
});

// --- Floating point ------------------------------------------------------------------------------
// MXCSR after an unmasked SIMD exception is what the differential record cannot show (the oracle's
// signal handler starts from a clean FPU state): these expectations were read from the host CPU (an
// Intel Xeon) through the signal frame's FXSAVE image, with ADDPS (%eax),%xmm0 on the same inputs.

function addps(mxcsr: number, a: [number, number], b: [number, number], cr4Clear = 0): { stop: string; mxcsr: number; dest: number[] } {
  const r = run('ldmxcsr 0x20(%eax)\n\tmovaps 0x40(%eax),%xmm0\n\taddps (%eax),%xmm0\n\tmovaps %xmm0,0x40(%eax)', {
    registers: { eax: DATA },
    setup: (m) => {
      const v = new DataView(m.memory.buffer);
      [b[0], b[1], 0x3f800000, 0x3f800000].forEach((x, i) => v.setUint32(DATA + 4 * i, x, true));
      [a[0], a[1], 0x3f800000, 0x3f800000].forEach((x, i) => v.setUint32(DATA + 0x40 + 4 * i, x, true));
      v.setUint32(DATA + 0x20, mxcsr, true);
      m.cpu.cr[4] &= ~cr4Clear;
    },
  });
  const stop = r.stop.kind === 'exception' ? `#${r.stop.vector}@${r.stop.eip - CODE}` : r.stop.kind;
  return { stop, mxcsr: r.machine.cpu.fpu.mxcsr, dest: xmm(r, 0).slice(0, 2) };
}

test('an unmasked pre-computation exception (IE, DE, ZE) in any element: only the pre-computation flags are set, nothing is written, #XM', (t) => {
  const XM = 19;
  const snanPlusOverflow = addps(0x1f00, [0x7f800001, 0x7f7fffff], [0x3f800000, 0x7f7fffff]);
  t.like(snanPlusOverflow, { mxcsr: 0x1f01, dest: [0x7f800001, 0x7f7fffff] });
  t.regex(snanPlusOverflow.stop, new RegExp(`^#${XM}@`));
  t.is(addps(0x0000, [0x7f800001, 0x7f7fffff], [0x3f800000, 0x7f7fffff]).mxcsr, 0x0001, 'IE alone although OE would follow');
  t.is(addps(0x1e80, [0x00000001, 0x3f800001], [0x3f800000, 0x33800000]).mxcsr, 0x1e82, 'DE alone although PE would follow');
  t.is(addps(0x1e80, [0x7f800001, 0x00000001], [0x3f800000, 0x3f800000]).mxcsr, 0x1e83, 'IE (masked) and DE (unmasked), both pre-computation');
});

test('an unmasked post-computation exception (OE, UE, PE): every flag of every element is set, nothing is written, #XM; masked ones write', (t) => {
  t.like(addps(0x0f80, [0x3f800000, 0x3f800001], [0x3f800000, 0x33800000]), { mxcsr: 0x0fa0, dest: [0x3f800000, 0x3f800001] });
  t.like(addps(0x1780, [0x00800000, 0x3f800000], [0x80400000, 0x3f800000]), { mxcsr: 0x1792, dest: [0x00800000, 0x3f800000] }, 'UE for an exact tiny result, with the masked DE');
  const masked = addps(0x1d80, [0x7f800001, 0x7f7fffff], [0x3f800000, 0x7f7fffff]);
  t.like(masked, { stop: 'hlt', mxcsr: 0x1da9, dest: [0x7fc00001, 0x7f800000] }, 'masked: the quieted NaN and +infinity, IE OE PE');
});

test('with CR4.OSXMMEXCPT clear an unmasked SIMD exception is #UD instead of #XM', (t) => {
  t.regex(addps(0x1f00, [0x7f800001, 0], [0, 0], 0x400).stop, /^#6@/);
  t.regex(addps(0x1f00, [0x7f800001, 0], [0, 0]).stop, /^#19@/);
});

test('CVTPI2PS from an MMX register makes the x87-to-MMX transition, from memory it does not (SDM CVTPI2PS)', (t) => {
  const from = (text: string): { top: number; valid: number } => {
    const r = run(text, { registers: { eax: DATA }, setup: (m) => { m.cpu.fpu.top = 3; m.cpu.fpu.validRegisters = 1; } });
    return { top: r.machine.cpu.fpu.top, valid: r.machine.cpu.fpu.validRegisters };
  };
  t.deepEqual(from('cvtpi2ps (%eax),%xmm0'), { top: 3, valid: 1 });
  t.deepEqual(from('cvtpi2ps %mm1,%xmm0'), { top: 0, valid: 0xff });
  t.deepEqual(from('cvtps2pi (%eax),%mm1'), { top: 0, valid: 0xff }, 'an MMX destination always transitions');
});

test('an unmasked overflow or underflow reports PE exactly when the result rounded to the format\'s precision (exponent unbounded) is inexact; SSE has no exponent wrap (host CPU)', (t) => {
  const cvt = (mxcsr: number, lo: number, hi: number): number => {
    const r = run('ldmxcsr 0x20(%eax)\n\tcvtsd2ss (%eax),%xmm0', {
      registers: { eax: DATA },
      setup: (m) => {
        const v = new DataView(m.memory.buffer);
        v.setUint32(DATA, lo, true);
        v.setUint32(DATA + 4, hi, true);
        v.setUint32(DATA + 0x20, mxcsr, true);
      },
    });
    t.like(r.stop, { kind: 'exception', vector: 19 });
    return r.machine.cpu.fpu.mxcsr;
  };
  // Values and MXCSR images as the host printed them (CVTSD2SS with UE unmasked, FTZ on or off).
  t.is(cvt(0xb780, 0x00000000, 0x80100000), 0xb790, '-2^-1022: tiny and exact at 24 bits: UE alone, far below any wrap');
  t.is(cvt(0x1780, 0x00000000, 0x38000000), 0x1790, '2^-127: UE alone');
  t.is(cvt(0x1780, 0x1b4b06d4, 0x880d6e45), 0x17b0, 'an inexact tiny value: UE and PE');
  t.is(cvt(0x5300, 0x12345678, 0x38012345), 0x5330, 'UE and PE with PE masked too');
  t.is(addps(0x1b80, [0x7f7fffff, 0x3f800000], [0x7f7fffff, 0x3f800000]).mxcsr, 0x1b88, 'OE for 2 * max, exact at 24 bits: no PE');
});
