// The ring-3 judge's path excuse (test/fuzz/ring3/path-excuse.ts): a difference from the host CPU is
// excused only when gate86's own path through the case read a flag the SDM leaves undefined, or ran
// an instruction whose answer is the machine's and kernel's choice — and never otherwise.

import test from 'ava';
import { pathExcuse } from './ring3/path-excuse.ts';
import type { Ring3Case } from './ring3/case.ts';
import { DATA_ADDR, DATA_SIZE } from './ring3/layout.ts';

const ring3 = (code: number[], eflags = 0x202): Ring3Case => ({
  kind: 'bytes', code: Uint8Array.from(code), data: new Uint8Array(DATA_SIZE), compareExitCode: false, environment: '',
  regs: { eax: 0, ecx: 0, edx: 0, ebx: 0, esp: DATA_ADDR + 0x800, ebp: 0, esi: 0, edi: 0, eflags },
});

test('AAA then JNS: the branch reads SF, which AAA left undefined', (t) => {
  t.is(pathExcuse(ring3([0x37, 0x79, 0x00]), 'pentium3'), 'a flag the SDM leaves undefined is read: jns reads S, which aaa left undefined');
});

test('AAA, CMP, JNS: the CMP defines SF again, so nothing is excused', (t) => {
  t.is(pathExcuse(ring3([0x37, 0x39, 0xc0, 0x79, 0x00]), 'pentium3'), null);
});

test('a shift by a count that masks to 0 leaves the flags as they were: ADC after it reads a defined CF', (t) => {
  // shl $32, %eax (count masks to 0) ; adc %eax, %eax
  t.is(pathExcuse(ring3([0xc1, 0xe0, 0x20, 0x11, 0xc0]), 'pentium3'), null);
  // shl $3, %eax leaves OF undefined (count not 1); jo reads it
  t.regex(pathExcuse(ring3([0xc1, 0xe0, 0x03, 0x70, 0x00]), 'pentium3') ?? '', /jo reads O, which shl left undefined/);
});

test('the flag read is on the path gate86 takes: an undefined flag behind a taken jump is not read', (t) => {
  // jmp +3 ; aaa ; jns +0 (skipped: jmp lands after both) ; nop
  t.is(pathExcuse(ring3([0xeb, 0x03, 0x37, 0x79, 0x00, 0x90]), 'pentium3'), null);
});

test('a segment register load is the machine\'s and kernel\'s choice (Linux 2.6\'s GDT is not a 64-bit host\'s)', (t) => {
  // push $0x20 ; pop %es
  t.regex(pathExcuse(ring3([0x6a, 0x20, 0x07]), 'pentium3') ?? '', /^the path runs pop-sreg/);
  t.regex(pathExcuse(ring3([0x0f, 0xa2]), 'pentium3') ?? '', /^the path runs cpuid/);
});

test('a fault ends the path: what would come after it is not looked at', (t) => {
  // mov (0), %eax faults (page not mapped) before the AAA/JNS
  t.is(pathExcuse(ring3([0xa1, 0, 0, 0, 0, 0x37, 0x79, 0x00]), 'pentium3'), null);
});
