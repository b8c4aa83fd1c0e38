// What the fuzzers found in other rooms, each pinned by a test named after it (issue 14: "write a
// failing test that names it"). Fixed ones stay as regression tests.

import test from 'ava';
import { buildTestProgram, runOnGate86 } from '../kernel/support.ts';
import { runI386Elf } from '../support/i386-oracle.ts';

test('read(2) into a freshly mmapped page fills it (fs/threads seam: writableSpan saw a not-yet-present page as unwritable and returned EFAULT; found by the ring-3 fuzzer\'s runner)', (t) => {
  const program = buildTestProgram('read-fresh-page', {}, 'test/fuzz/programs');
  const native = runI386Elf(program, [], { stdin: 'hello\n' });
  let given = false;
  const r = runOnGate86(program, [], { input: () => (given ? 'end' : ((given = true), new TextEncoder().encode('hello\n'))) });
  t.is(r.stdout.toString(), native.stdout.toString());
  t.is(r.stdout.toString(), 'hello\n');
  t.is(r.status, native.status);
});
