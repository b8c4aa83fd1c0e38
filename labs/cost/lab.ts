// Lab "cost": measure int $0x80 against sysenter with RDTSC on every CPU model, and explain the
// Pentium 4 in writing. The machine's TSC counts the cycle model's cycles (vm/cpu/cycles/), so the
// figures are the model's, the same on every host: the grader compares them with sysbench's.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { check, fail, pass, verdict, type CheckResult, type LabContext, type LabDefinition } from '../lab.ts';
import { ANSWERS_MD, COSTLAB_C } from './files.ts';
import { cpuModels } from '../../vm/cpu/models.ts';

const PROGRAM = 'build/userland/costlab.elf';
const TOLERANCE = 0.15;

async function figures(ctx: LabContext, cpu: string, program: string, args: string[] = []): Promise<{ int80: number; vsyscall: number } | 'no TSC' | string> {
  const r = await ctx.run({ cpu, program, args });
  if (/^no TSC$/m.test(r.stdout)) return 'no TSC';
  const int80 = /^int \$0x80: (\d+) cycles per getppid$/m.exec(r.stdout) ?? /^int \$0x80 +: \d+ calls, (\d+) TSC ticks\/call/m.exec(r.stdout);
  const vsyscall = /^__kernel_vsyscall: (\d+) cycles per getppid$/m.exec(r.stdout) ?? /^__kernel_vsyscall : \d+ calls, (\d+) TSC ticks\/call/m.exec(r.stdout);
  if (int80 === null || vsyscall === null) return `${program} on ${cpu} printed (status ${r.status}):\n${r.stdout.trimEnd() || '(nothing)'}${r.stderr ? `\n${r.stderr.trimEnd()}` : ''}`;
  return { int80: Number(int80[1]), vsyscall: Number(vsyscall[1]) };
}

const close = (a: number, b: number) => Math.abs(a - b) <= b * TOLERANCE;

async function measured(ctx: LabContext, cpu: string): Promise<CheckResult> {
  if (!existsSync(join(ctx.dir, PROGRAM))) return fail(`${PROGRAM} was not built`);
  const ours = await figures(ctx, cpu, PROGRAM);
  if (cpu === '486') return verdict(ours === 'no TSC', typeof ours === 'string' ? ours : `it printed figures: ${ours.int80}, ${ours.vsyscall} — but the 486 has no TSC`);
  if (typeof ours === 'string') return fail(ours === 'no TSC' ? `it printed "no TSC", but the ${cpu} has one` : ours);
  const model = await figures(ctx, cpu, 'build/userland/sysbench.elf', ['20000']);
  if (typeof model === 'string') return fail(`sysbench (the reference) did not give figures: ${model}`);
  return verdict(close(ours.int80, model.int80) && close(ours.vsyscall, model.vsyscall),
    `yours: int $0x80 ${ours.int80}, __kernel_vsyscall ${ours.vsyscall}; sysbench: ${model.int80}, ${model.vsyscall} (each within 15%)`);
}

/** Each question of answers/cost.md has an answer of a few sentences (not graded for content). */
function answered(text: string | null): CheckResult {
  if (text === null) return fail('answers/cost.md is missing');
  const sections = text.split(/^## /m).slice(1);
  if (sections.length < 4) return fail(`answers/cost.md has ${sections.length} questions, not 4`);
  const short = sections.map((s, i) => ({ i: i + 1, words: s.replace(/^.*\n/, '').replace('(your answer)', '').split(/\s+/).filter((w) => w.length > 0).length }))
    .filter((s) => s.words < 25);
  return short.length === 0 ? pass() : fail(short.map((s) => `question ${s.i}: ${s.words} words`).join('\n'));
}

export const costLab: LabDefinition = {
  name: 'cost',
  title: 'What a system call costs: int $0x80 against sysenter on seven CPUs',
  summary: 'measure getppid through both doors with RDTSC on every CPU model; explain the Pentium 4 in writing',
  handout: 'docs/labs/cost.md',
  touches: ['userland/costlab.c', 'answers/cost.md'],
  starter: [{ file: 'userland/costlab.c', text: COSTLAB_C }, { file: 'answers/cost.md', text: ANSWERS_MD }],
  hints: [
    'RDTSC puts the TSC in EDX:EAX: static unsigned long long rdtsc(void) { unsigned lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((unsigned long long)hi << 32) | lo; }',
    'The two doors: __syscall_int80(__NR_getppid, 0, 0, 0) and __syscall(__NR_getppid) (userland/lib). userland/sysbench.c does the same measurement: read it.',
    'CPUID leaf 1 returns the feature bits in EDX: __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1)); TSC is bit 4. Test it before the first RDTSC (a 486 raises #UD).',
    'Warm up with a few thousand calls through each door before timing, and divide the cycles by the number of calls. The figures are modelled cycles: the same on every host.',
    'For the answers: docs/labs/cycle-model.md prints every price the model uses, and what each door costs class by class on each chip.',
  ],
  checks: [
    check('userland/costlab.c was built into build/userland/costlab.elf', 'keep the file name; every userland/*.c is a program',
      async (ctx) => verdict(existsSync(join(ctx.dir, PROGRAM)), `${PROGRAM} is missing`)),
    ...Object.keys(cpuModels).map((cpu) => check(
      cpu === '486' ? '486: no TSC, so the program says "no TSC" instead of dying on RDTSC' : `${cpu}: both figures printed, each within 15% of sysbench's`,
      cpu === '486' ? 'check CPUID leaf 1 EDX bit 4 first and print exactly "no TSC"' : 'print "int $0x80: N cycles per getppid" and "__kernel_vsyscall: M cycles per getppid", N and M the TSC difference divided by the calls',
      (ctx) => measured(ctx, cpu))),
    check('answers/cost.md: every question has an answer of a few sentences (25 words or more; your teacher reads them)',
      'write under each heading of answers/cost.md, replacing "(your answer)"',
      async (ctx) => answered(ctx.read('answers/cost.md'))),
  ],
};
