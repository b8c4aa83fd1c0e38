// npm run differential:jit: the forced-JIT differential run (test/differential/forced-jit.test.ts:
// every block compiled before it first runs, threshold 1, then traces at threshold 2) on every
// i386 oracle this host has, one after the other — the host CPU where it runs i386 code, and
// qemu-i386 — instead of the default suite's strongest oracle alone. Opt-in because it runs the
// ~114,000 cases once per oracle; it prints each run's case and mismatch counts (ava's logs) and
// exits non-zero if any run had a mismatch. Extra arguments go to ava (e.g. --match='*alu*').
// GATE86_DIFF_JIT_SEEDS picks other seeds, as for the test itself.

import { spawnSync } from 'node:child_process';
import { availableOracles } from '../test/support/i386-oracle.ts';

const oracles = availableOracles().map((o) => (o === 'qemu-i386' ? 'qemu' : 'native'));
let failed = false;
for (const oracle of oracles) {
  console.log(`\n=== forced JIT differential run, GATE86_ORACLE=${oracle} ===`);
  const r = spawnSync('npx', ['ava', '--verbose', 'test/differential/forced-jit.test.ts', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, GATE86_ORACLE: oracle },
  });
  if (r.status !== 0) failed = true;
}
console.log(`\nforced JIT differential run on ${oracles.join(' and ')}: ${failed ? 'FAILED (see above)' : 'every run passed, 0 mismatches'}`);
process.exitCode = failed ? 1 : 0;
