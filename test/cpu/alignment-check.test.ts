// Alignment checking (SDM Vol. 3A 6.15, "Interrupt 17—Alignment Check Exception"): with CR0.AM and
// EFLAGS.AC set, a data reference at CPL 3 whose address is not a multiple of its size is #AC(0), a
// fault (EIP at the instruction, nothing written). Not at CPL 0, not with AM or AC clear, never for
// byte accesses; pushes count (they are data references at CPL 3). Run with the JIT and without.

import test from 'ava';
import { runCode, CODE } from './helpers.ts';
import { CR0_AM } from '../../vm/cpu/cpu.ts';
import { AC } from '../../vm/cpu/flags.ts';
import type { FlatMachine } from '../../vm/cpu/flat-machine.ts';

const AC_VECTOR = 17, GP_VECTOR = 13, HLT = 0xf4;
const DATA = 0x3000;

function withAm(m: FlatMachine): void {
  m.cpu.cr[0] = m.cpu.cr[0]! | CR0_AM;
  m.cpu.updateAlignmentCheck();
}

/**
 * How a run that passed its access ends: at CPL 3 the HLT after it is #GP(0) (it is privileged),
 * at CPL 0 it halts.
 */
function passed(bytes: readonly number[], cpl: 0 | 3 = 3) {
  return cpl === 0 ? { kind: 'hlt' } : { kind: 'exception', vector: GP_VECTOR, errorCode: 0, eip: CODE + bytes.length };
}

/** Run `bytes` then HLT at CPL 3 with EBX = address; AC and AM as given. */
function access(bytes: number[], address: number, options: { ac?: boolean; am?: boolean; cpl?: 0 | 3 } = {}) {
  return runCode([...bytes, HLT], {
    cpl: options.cpl ?? 3,
    registers: { ebx: address, eax: 0x11223344, eflags: 0x202 | (options.ac === false ? 0 : AC) },
    setup: (m) => { if (options.am !== false) withAm(m); },
  });
}

const LOAD32 = [0x8b, 0x03];        // mov (%ebx),%eax
const LOAD16 = [0x66, 0x8b, 0x03];  // mov (%ebx),%ax
const LOAD8 = [0x8a, 0x03];         // mov (%ebx),%al
const STORE32 = [0x89, 0x03];       // mov %eax,(%ebx)
const ADD32 = [0x01, 0x03];         // add %eax,(%ebx): read-modify-write
const FLD64 = [0xdd, 0x03];         // fldl (%ebx): an m64 is 8-aligned

test('a misaligned dword load, word load, store and read-modify-write at CPL 3 with AM and AC: #AC(0) at the instruction', (t) => {
  for (const [bytes, address] of [[LOAD32, DATA + 2], [LOAD16, DATA + 1], [STORE32, DATA + 1], [ADD32, DATA + 3]] as const) {
    const r = access([...bytes], address);
    t.deepEqual(r.stop, { kind: 'exception', vector: AC_VECTOR, errorCode: 0, eip: CODE }, bytes.join(' '));
  }
  const stored = access(STORE32, DATA + 1);
  t.is(stored.machine.cpu.readLinear32(DATA), 0, 'nothing written');
});

test('no #AC for aligned accesses, bytes, at CPL 0, or with CR0.AM or EFLAGS.AC clear', (t) => {
  t.like(access(LOAD32, DATA + 4).stop, passed(LOAD32));
  t.like(access(LOAD16, DATA + 2).stop, passed(LOAD16));
  t.like(access(LOAD8, DATA + 3).stop, passed(LOAD8));
  t.like(access(LOAD32, DATA + 2, { cpl: 0 }).stop, passed(LOAD32, 0));
  t.like(access(LOAD32, DATA + 2, { am: false }).stop, passed(LOAD32));
  t.like(access(LOAD32, DATA + 2, { ac: false }).stop, passed(LOAD32));
});

test('an x87 m64 load needs 8-byte alignment; a push with a misaligned ESP is checked too', (t) => {
  t.like(access(FLD64, DATA + 4).stop, { kind: 'exception', vector: AC_VECTOR });
  t.like(access(FLD64, DATA + 8).stop, passed(FLD64));
  const push = runCode([0x50, HLT], { cpl: 3, registers: { esp: 0x80002, eflags: 0x202 | AC }, setup: withAm });
  t.like(push.stop, { kind: 'exception', vector: AC_VECTOR, eip: CODE });
});

test('POPF turning AC on and off takes effect at the next instruction, in a block the JIT compiled and in the interpreter', (t) => {
  // L: mov (%ebx),%eax (EBX misaligned) ; dec %ecx ; jnz L   — 300 times without AC, so the loop is compiled
  // pushf ; orl $AC,(%esp) ; popf ; mov (%ebx),%eax ; hlt
  const loop = [0x8b, 0x03, 0x49, 0x75, 0xfb];
  const setAc = [0x9c, 0x81, 0x0c, 0x24, 0x00, 0x00, 0x04, 0x00, 0x9d];
  const code = [...loop, ...setAc, 0x8b, 0x03, HLT];
  for (const jit of [true, false]) {
    const r = runCode(code, { cpl: 3, registers: { ebx: DATA + 1, ecx: 300, eflags: 0x202 }, setup: (m) => { withAm(m); if (!jit) m.cpu.jitThreshold = 0; } });
    t.deepEqual(r.stop, { kind: 'exception', vector: AC_VECTOR, errorCode: 0, eip: CODE + loop.length + setAc.length }, jit ? 'JIT' : 'interpreter');
    t.is(r.regs.ecx, 0);
  }
});
