// The benchmark entry point npm run bench uses: the microloop kernel in the worker (started from
// TypeScript sources here), timed from its console output.
import test from 'ava';
import { benchmarkMicroloop } from '../../vm/machine/microloop-bench.ts';

test('benchmarkMicroloop counts the loop\'s instructions and times them from outside', async (t) => {
  const r = await benchmarkMicroloop({ iterations: 100_000 });
  t.is(r.instructions, 600_000);
  t.true(r.seconds > 0 && Number.isFinite(r.mips) && r.mips > 0);
});
