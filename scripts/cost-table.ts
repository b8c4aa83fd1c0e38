// npm run cost-table [-- --write]: the cycle model, printed for students.
//   1. sysbench on all seven CPU models (the booted kernel, modelled cycles per getppid), next to
//      seed 003's Table 2 — the table docs/labs/cost.md shows;
//   2. each door's cost class by class on each chip (the recorded getppid path,
//      vm/cpu/cycles/derive-transitions.ts, priced by that chip's table);
//   3. every price of every model with its source.
// With --write, (1) replaces the table between the markers in docs/labs/cost.md and (2)+(3) become
// docs/labs/cycle-model.md. The runs are on the modelled clock (vm/machine/clock.ts): modelled cycles,
// and where the timer interrupts land, do not depend on the host, so anyone gets the same table.
//
// With --path, it records (2)'s input instead: how many ops of each cost class one getppid() runs
// through each door, measured on the running kernel. For each class in turn sysbench runs on a probe
// CPU model (the Athlon XP with that class priced 100 cycles and every other class 0), so its
// "TSC ticks/call" is 100 x the class's count per call. Paste the result over GETPPID_PATH in
// vm/cpu/cycles/derive-transitions.ts after a change to the system call path (entry.S, the vsyscall
// stubs, sysbench): test/kernel/cycles.test.ts fails until you do.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../kernel/boot.ts';
import { loadKernelImage } from '../kernel/locate.ts';
import { cpuModels } from '../vm/cpu/models.ts';
import { cycleModelMarkdown } from '../vm/cpu/cycles/markdown.ts';
import { COST_CLASS_NAMES, cost, type CostClass, type CostTable } from '../vm/cpu/cycles/costs.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SYSBENCH = root + 'build/userland/sysbench.elf';
const CALLS = '20000';
const SEED_TABLE_2: Record<string, string> = { 'athlon-xp': '277 / 169 (Athlon XP 1600+)', pentium4: '1152 / 442 (P4 Northwood 2.8 GHz)' };

function sysbench(cpu: string, calls = CALLS): { int80: number; vsyscall: number; stub: string } | string {
  const out: Buffer[] = [];
  const log: string[] = [];
  const result = runProgram({
    kernel: loadKernelImage(), cpu, clock: 'modelled',
    program: { path: SYSBENCH, image: new Uint8Array(readFileSync(SYSBENCH)), argv: [SYSBENCH, calls], envp: [] },
    write: (_fd, bytes) => { out.push(Buffer.from(bytes)); },
    log: (line) => log.push(line),
  });
  const stub = /with the (sysenter|int \$0x80) stub/.exec(log.join('\n'))?.[1] ?? '?';
  const ticks = [...Buffer.concat(out).toString().matchAll(/(\d+) TSC ticks\/call/g)].map((m) => Number(m[1]));
  if (ticks.length === 2) return { int80: ticks[0]!, vsyscall: ticks[1]!, stub };
  return result.kind === 'exit' && 'signal' in result.status ? `no TSC (RDTSC raises #UD: killed by signal ${result.status.signal})` : 'sysbench gave no figures';
}

function sysbenchTable(): string {
  const rows = ['| CPU model (`--cpu`) | the stub in the vsyscall page | int $0x80 (cycles/getppid) | __kernel_vsyscall | ratio | seed 003, Table 2 |', '|---|---|---:|---:|---:|---|'];
  for (const name of Object.keys(cpuModels)) {
    const r = sysbench(name);
    if (typeof r === 'string') rows.push(`| ${name} | int $0x80 | — | — | — | ${r} |`);
    else rows.push(`| ${name} | ${r.stub} | ${r.int80} | ${r.vsyscall} | ${(r.int80 / r.vsyscall).toFixed(2)} | ${SEED_TABLE_2[name] ?? ''} |`);
  }
  return rows.join('\n') + `\n\nMade by \`npm run cost-table\` (sysbench ${CALLS} on the modelled clock: modelled cycles, the same on every host).\n`;
}

/** Ops of each class per getppid(), each door, counted by probe models (see the file comment). */
function recordPath(): Record<'int80' | 'sysenter', Partial<Record<CostClass, number>>> {
  const path = { int80: {} as Partial<Record<CostClass, number>>, sysenter: {} as Partial<Record<CostClass, number>> };
  const base = cpuModels['athlon-xp']!;
  for (const probed of COST_CLASS_NAMES) {
    const costs = Object.fromEntries(COST_CLASS_NAMES.map((c) => [c, cost(c === probed ? 100 : 0, 'probe')])) as CostTable['costs'];
    cpuModels['cost-probe'] = { ...base, name: 'cost-probe', costs: { chip: 'probe', costs } };
    const r = sysbench('cost-probe', '2000');
    if (typeof r === 'string') throw new Error(`sysbench on the probe model: ${r}`);
    if (r.stub !== 'sysenter') throw new Error(`the probe model used the ${r.stub} stub`);
    // Whole ops per call: each timed round's fixed part (the clock_gettime inside it) adds a hundredth or so.
    const count = (ticks: number) => Math.round(ticks / 100);
    if (r.int80 !== 0) path.int80[probed] = count(r.int80);
    if (r.vsyscall !== 0) path.sysenter[probed] = count(r.vsyscall);
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  delete cpuModels['cost-probe'];
  return path;
}

if (process.argv.includes('--path')) {
  const path = recordPath();
  const line = (p: Partial<Record<CostClass, number>>) => Object.entries(p).map(([c, n]) => `${c}: ${n}`).join(', ');
  process.stdout.write(`export const GETPPID_PATH = {\n  int80: { ${line(path.int80)} },\n  sysenter: { ${line(path.sysenter)} },\n};\n`);
  process.exit(0);
}

const table = sysbenchTable();
const model = cycleModelMarkdown();
if (process.argv.includes('--write')) {
  const cost = root + 'docs/labs/cost.md';
  const text = readFileSync(cost, 'utf8');
  const begin = '<!-- cost-table:begin -->\n';
  const end = '<!-- cost-table:end -->';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${cost}: no ${begin.trim()} ... ${end} markers`);
  writeFileSync(cost, text.slice(0, a + begin.length) + table + text.slice(b));
  writeFileSync(root + 'docs/labs/cycle-model.md', model);
  process.stdout.write('wrote docs/labs/cost.md (the table) and docs/labs/cycle-model.md\n');
} else {
  process.stdout.write(table + '\n' + model);
}
