// Segment limits, segment types and null selectors on ordinary memory accesses. QEMU's TCG does not
// check these (it ignores limits and lets a null DS through), so the oracle is the SDM itself:
// Vol. 3A 5.3 (limit checking: #GP(0), or #SS(0) for the stack; expand-down segments are valid ABOVE
// the limit), 5.4 (type checking: no writes to read-only data or code) and 3.4.2 (a null selector in
// DS/ES/FS/GS loads, but using it is #GP(0)); and 6.13: the EXT bit of an error code is set for a
// fault raised while delivering an earlier exception (QEMU never sets it).

import test from 'ava';
import { buildKernel, runGate86 } from './support/kernels.ts';

const expected = `limits test
read through a null fs
  -> vector 0d error=00000000
fs limit 0: byte at 0
  -> read
fs limit 0: dword at 0
  -> vector 0d error=00000000
fs limit 0: byte at 1
  -> vector 0d error=00000000
write through a read-only gs
  -> vector 0d error=00000000
write through cs
  -> vector 0d error=00000000
expand-down fs (limit 0xfff): read at 0x800
  -> vector 0d error=00000000
expand-down fs (limit 0xfff): read at 0x100000
  -> read
ring 3 stack segment, limit 0xfff: push at esp 0x800
  -> ok
ring 3 stack segment, limit 0xfff: push at esp 2
  -> vector 0c error=00000000
ud2 with the #UD gate not present
  -> vector 0b error=00000033
done
`;

test('limits, types and null selectors fault as the SDM says', (t) => {
  const r = runGate86(buildKernel('limits'));
  t.is(r.output, expected);
  t.is(r.status, 1);
});
