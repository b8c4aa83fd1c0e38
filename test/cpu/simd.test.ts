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
