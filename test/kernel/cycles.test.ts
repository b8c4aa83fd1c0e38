// The cycle model on the booted kernel: sysbench's cycles per getppid() on each CPU model against
// seed 003's tables (docs/labs/cost.md). Modelled cycles do not depend on the host's speed, and on
// the modelled clock (vm/machine/clock.ts) neither does where a timer interrupt lands: every figure
// here is exact, the same on every host.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUserland } from '../../userland/build-userland.ts';
import { toolVersion } from '../support/i386-oracle.ts';
import { root, runOnGate86 } from './support.ts';
import { GETPPID_PATH } from '../../vm/cpu/cycles/derive-transitions.ts';
import { cpuModels } from '../../vm/cpu/models.ts';
import type { CostClass } from '../../vm/cpu/cycles/costs.ts';

toolVersion('gcc');
const built = buildUserland(root, mkdtempSync(join(tmpdir(), 'gate86-cycles-')));

/** sysbench's two figures: TSC ticks per call through int $0x80 and through __kernel_vsyscall. */
function sysbench(cpu: string, tsc?: 'instructions'): { int80: number; vsyscall: number } {
  // Untraced, as the seeds measured: a traced call (TIF_SYSCALL_TRACE, --trace syscall) takes the
  // slow exit through iret on every door, as under strace on Linux.
  const run = runOnGate86(built.programs['sysbench']!, ['2000'], { cpu, clock: 'modelled', traceSyscalls: false, ...(tsc ? { tsc } : {}) });
  const ticks = [...run.stdout.toString().matchAll(/(\d+) TSC ticks\/call/g)].map((m) => Number(m[1]));
  if (ticks.length !== 2) throw new Error(`sysbench on ${cpu}: ${run.stdout.toString()}`);
  return { int80: ticks[0]!, vsyscall: ticks[1]! };
}

const within = (value: number, target: number, tolerance: number) => Math.abs(value - target) <= target * tolerance;

test('seed 003 Table 2: sysbench on athlon-xp gives 277 and 169 cycles per getppid, within 15%', (t) => {
  const r = sysbench('athlon-xp');
  t.true(within(r.int80, 277, 0.15), `int $0x80: ${r.int80}`);
  t.true(within(r.vsyscall, 169, 0.15), `sysenter: ${r.vsyscall}`);
});

test('seed 003 Table 2: sysbench on pentium4 gives 1152 and 442 cycles per getppid, within 15%', (t) => {
  const r = sysbench('pentium4');
  t.true(within(r.int80, 1152, 0.15), `int $0x80: ${r.int80}`);
  t.true(within(r.vsyscall, 442, 0.15), `sysenter: ${r.vsyscall}`);
});

test('seed 003 Table 1 shape on pentium3: int $0x80 costs 1.47x-1.78x sysenter (total and user-mode ratios), 15% either side', (t) => {
  const r = sysbench('pentium3');
  const ratio = r.int80 / r.vsyscall;
  t.true(ratio >= 1.47 * 0.85 && ratio <= 1.78 * 1.15, `int80 ${r.int80} / sysenter ${r.vsyscall} = ${ratio.toFixed(2)}`);
});

test('on pentium-pro both loops go through int $0x80 (the stub), so they cost about the same', (t) => {
  const r = sysbench('pentium-pro');
  t.true(within(r.vsyscall, r.int80, 0.1), `${r.int80} vs ${r.vsyscall}`);
});

const opsPerCall = (door: keyof typeof GETPPID_PATH) => Object.values(GETPPID_PATH[door]).reduce((a, b) => a + b, 0);

test('--tsc instructions keeps the old count: one tick per instruction on the getppid path of each door', (t) => {
  t.deepEqual(sysbench('athlon-xp', 'instructions'), { int80: opsPerCall('int80'), vsyscall: opsPerCall('sysenter') },
    'the system call path changed: record it with `npm run cost-table -- --path` and update GETPPID_PATH (vm/cpu/cycles/derive-transitions.ts)');
});

/** What one call through `door` costs on `cpu` by the model's own arithmetic: the recorded path, priced. */
function priced(cpu: string, door: keyof typeof GETPPID_PATH): number {
  const costs = cpuModels[cpu]!.costs.costs;
  return Object.entries(GETPPID_PATH[door]).reduce((sum, [cls, n]) => sum + n * costs[cls as CostClass].cycles, 0);
}

test('the derived transitions reproduce Table 2 on athlon-xp and pentium4 by construction (the recorded path, priced)', (t) => {
  t.is(Math.round(priced('athlon-xp', 'int80')), 277);
  t.is(Math.round(priced('athlon-xp', 'sysenter')), 169);
  t.is(Math.round(priced('pentium4', 'int80')), 1152);
  t.is(Math.round(priced('pentium4', 'sysenter')), 442);
});

test('the running kernel costs what the recorded path prices, on every model with a TSC (GETPPID_PATH is the kernel\'s path)', (t) => {
  const why = 'GETPPID_PATH is stale: `npm run cost-table -- --path`, paste into vm/cpu/cycles/derive-transitions.ts';
  for (const cpu of ['pentium3', 'pentium4', 'athlon-xp']) {
    const r = sysbench(cpu);
    for (const [door, measured] of [['int80', r.int80], ['sysenter', r.vsyscall]] as const) {
      const expected = priced(cpu, door);
      // A timed round also holds its fixed part (the clock_gettime after the first RDTSC, the loop's
      // entry and exit): spread over 2000 calls, under a cycle per call. sysbench prints whole cycles.
      t.true(measured >= Math.floor(expected) && measured <= expected + 1, `${cpu} ${door}: ran ${measured}, the path prices ${expected.toFixed(2)}: ${why}`);
    }
  }
});
