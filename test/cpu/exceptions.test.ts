// Exceptions raised by integer instructions: #DE, #UD, #BR, the 15-byte limit, software interrupts,
// and the rule that a fault leaves EIP at the faulting instruction with its registers unchanged.

import test from 'ava';
import { runCode, CODE } from './helpers.ts';

const DE = 0, BP = 3, OF = 4, BR = 5, UD = 6, GP = 13;

test('DIV by zero raises #DE at the DIV, registers untouched', (t) => {
  // xor %ecx,%ecx ; div %ecx
  const r = runCode([0x31, 0xc9, 0xf7, 0xf1], { registers: { eax: 1234, edx: 0 } });
  t.deepEqual(r.stop, { kind: 'exception', vector: DE, errorCode: null, eip: CODE + 2 });
  t.is(r.regs.eax, 1234);
  t.is(r.machine.instructionsExecuted, 1);
});

test('DIV whose quotient does not fit raises #DE (32, 16 and 8 bits)', (t) => {
  // div %ecx with EDX:EAX = 1:0 and ECX = 1 -> quotient 2^32
  t.like(runCode([0xf7, 0xf1], { registers: { eax: 0, edx: 1, ecx: 1 } }).stop, { kind: 'exception', vector: DE });
  // div %cx with DX:AX = 0x0001:0000, CX = 1
  t.like(runCode([0x66, 0xf7, 0xf1], { registers: { eax: 0, edx: 1, ecx: 1 } }).stop, { kind: 'exception', vector: DE });
  // div %cl with AX = 0x100, CL = 1
  t.like(runCode([0xf6, 0xf1], { registers: { eax: 0x100, ecx: 1 } }).stop, { kind: 'exception', vector: DE });
  // but AX = 0xff, CL = 1 fits
  const ok = runCode([0xf6, 0xf1, 0xf4], { registers: { eax: 0xff, ecx: 1 } });
  t.is(ok.stop.kind, 'hlt');
  t.is(ok.regs.eax & 0xffff, 0x00ff);
});

test('IDIV of the most negative value by -1 raises #DE', (t) => {
  // idiv %cl with AX = -32768, CL = -1 -> +32768 does not fit in AL
  t.like(runCode([0xf6, 0xf9], { registers: { eax: 0x8000, ecx: 0xff } }).stop, { kind: 'exception', vector: DE });
  // idiv %ecx with EDX:EAX = -2^63, ECX = -1
  t.like(runCode([0xf7, 0xf9], { registers: { eax: 0, edx: 0x80000000, ecx: 0xffffffff } }).stop, { kind: 'exception', vector: DE });
  // idiv %ecx: -7 / 2 = -3 remainder -1 (truncation toward zero)
  const r = runCode([0xf7, 0xf9, 0xf4], { registers: { eax: 0xfffffff9, edx: 0xffffffff, ecx: 2 } });
  t.is(r.regs.eax, 0xfffffffd);
  t.is(r.regs.edx, 0xffffffff);
});

test('AAM 0 raises #DE; AAM 10 splits AL', (t) => {
  t.like(runCode([0xd4, 0x00], { registers: { eax: 77 } }).stop, { kind: 'exception', vector: DE, eip: CODE });
  const r = runCode([0xd4, 0x0a, 0xf4], { registers: { eax: 77 } });
  t.is(r.regs.eax & 0xffff, 0x0707);
});

test('undefined opcodes and UD2 raise #UD at the instruction', (t) => {
  t.deepEqual(runCode([0x90, 0x0f, 0x0b]).stop, { kind: 'exception', vector: UD, errorCode: null, eip: CODE + 1 }); // nop ; ud2
  t.like(runCode([0x0f, 0x04]).stop, { kind: 'exception', vector: UD, eip: CODE }); // 0F 04: no such opcode
  t.like(runCode([0xd6]).stop, { kind: 'exception', vector: UD, eip: CODE }); // D6 (SALC) is not in the table
  t.like(runCode([0x8d, 0xc0]).stop, { kind: 'exception', vector: UD }); // lea with a register operand
  t.like(runCode([0x0f, 0xc7, 0xc8]).stop, { kind: 'exception', vector: UD }); // cmpxchg8b with a register operand
});

test('LOCK is #UD on non-lockable forms and register destinations, legal on memory RMW', (t) => {
  t.like(runCode([0xf0, 0x01, 0xc0]).stop, { kind: 'exception', vector: UD }); // lock add %eax,%eax
  t.like(runCode([0xf0, 0x8b, 0x00]).stop, { kind: 'exception', vector: UD }); // lock mov (%eax),%eax
  t.like(runCode([0xf0, 0x90]).stop, { kind: 'exception', vector: UD }); // lock nop
  t.like(runCode([0xf0, 0x87, 0xc3]).stop, { kind: 'exception', vector: UD }); // lock xchg %eax,%ebx
  t.like(runCode([0xf0, 0x39, 0x00]).stop, { kind: 'exception', vector: UD }); // lock cmp (not lockable)
  // lock addl $1,0x2000 ; lock xchg %eax,0x2000 ; hlt
  const r = runCode([0xf0, 0x83, 0x05, ...[0x00, 0x20, 0, 0], 0x01, 0xf0, 0x87, 0x05, 0x00, 0x20, 0, 0, 0xf4], { registers: { eax: 9 } });
  t.is(r.stop.kind, 'hlt');
  t.is(r.regs.eax, 1);
  t.is(r.machine.memory[0x2000], 9);
});

test('an instruction longer than 15 bytes raises #GP(0); 15 bytes is fine', (t) => {
  const fifteen = [...Array<number>(14).fill(0x66), 0x90, 0xf4]; // 14 prefixes + nop = 15 bytes
  const ok = runCode(fifteen);
  t.deepEqual(ok.stop, { kind: 'hlt', eip: CODE + 16 });
  const sixteen = [...Array<number>(15).fill(0x66), 0x90];
  t.deepEqual(runCode(sixteen).stop, { kind: 'exception', vector: GP, errorCode: 0, eip: CODE });
  // Too long because of the operands: 12 prefixes + mov $imm32, disp32(%eax) = 12 + 10
  const long = [...Array<number>(12).fill(0x3e), 0xc7, 0x80, 0, 0, 0, 0, 1, 2, 3, 4];
  t.like(runCode(long).stop, { kind: 'exception', vector: GP, errorCode: 0 });
});

test('INT n stops with the vector and EIP after it; run() resumes there', (t) => {
  // mov $1,%eax ; int $0x80 ; mov $2,%eax ; hlt
  const r = runCode([0xb8, ...[1, 0, 0, 0], 0xcd, 0x80, 0xb8, 2, 0, 0, 0, 0xf4]);
  t.deepEqual(r.stop, { kind: 'interrupt', vector: 0x80, eip: CODE + 7 });
  t.is(r.regs.eax, 1);
  t.deepEqual(r.machine.run(100), { kind: 'hlt', eip: CODE + 13 });
  t.is(r.machine.registers().eax, 2);
});

test('INT3, INTO with OF set, BOUND out of range', (t) => {
  t.deepEqual(runCode([0xcc]).stop, { kind: 'interrupt', vector: BP, eip: CODE + 1 });
  // mov $0x7fffffff,%eax ; inc %eax (OF=1) ; into
  t.deepEqual(runCode([0xb8, 0xff, 0xff, 0xff, 0x7f, 0x40, 0xce]).stop, { kind: 'interrupt', vector: OF, eip: CODE + 7 });
  // into with OF clear falls through to hlt
  t.is(runCode([0xce, 0xf4]).stop.kind, 'hlt');
  // bound %eax,0x2000 with bounds [10, 20] at 0x2000
  const bounds = (m: { load(a: number, b: Uint8Array): void }) => m.load(0x2000, new Uint8Array([10, 0, 0, 0, 20, 0, 0, 0]));
  t.deepEqual(runCode([0x62, 0x05, 0x00, 0x20, 0, 0], { registers: { eax: 21 }, setup: bounds }).stop, { kind: 'exception', vector: BR, errorCode: null, eip: CODE });
  t.is(runCode([0x62, 0x05, 0x00, 0x20, 0, 0, 0xf4], { registers: { eax: 20 }, setup: bounds }).stop.kind, 'hlt');
});

test('HLT at CPL 3 raises #GP(0)', (t) => {
  t.deepEqual(runCode([0xf4], { cpl: 3 }).stop, { kind: 'exception', vector: GP, errorCode: 0, eip: CODE });
});

test('system operations nobody registered raise #UD and are counted', (t) => {
  // in (%dx),%al ; (never reached)
  const r = runCode([0xec]);
  t.like(r.stop, { kind: 'exception', vector: UD, eip: CODE });
  t.is(r.machine.cpu.unimplemented.get('in'), 1);
});

test('RDPMC: #GP(0) at CPL 3 (CR4.PCE cannot be set: no counters are modelled); at CPL 0 the read is #UD and counted as unimplemented', (t) => {
  t.deepEqual(runCode([0x0f, 0x33], { cpl: 3, model: 'pentium3' }).stop, { kind: 'exception', vector: GP, errorCode: 0, eip: CODE });
  const r = runCode([0x0f, 0x33], { model: 'pentium3' });
  t.like(r.stop, { kind: 'exception', vector: UD, eip: CODE });
  t.is(r.machine.cpu.unimplemented.get('rdpmc'), 1);
  t.like(runCode([0x0f, 0x33], { model: 'pentium' }).stop, { kind: 'exception', vector: UD });
});

test('instructions newer than the CPU model raise #UD (CMOV on a 486, RDTSC on a 486)', (t) => {
  // cmove %ebx,%eax ; hlt
  t.like(runCode([0x0f, 0x44, 0xc3, 0xf4], { model: '486' }).stop, { kind: 'exception', vector: UD });
  t.is(runCode([0x0f, 0x44, 0xc3, 0xf4], { model: 'pentium3' }).stop.kind, 'hlt');
  t.like(runCode([0x0f, 0x31], { model: '486' }).stop, { kind: 'exception', vector: UD });
});

test('EFLAGS.TF: a single-step #DB after each instruction once POPF has set it', (t) => {
  // pushf ; orl $0x100,(%esp) ; popf ; nop ; nop ; hlt
  const r = runCode([0x9c, 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9d, 0x90, 0x90, 0xf4]);
  t.deepEqual(r.stop, { kind: 'exception', vector: 1, errorCode: null, eip: CODE + 10 });
  t.is(r.machine.cpu.dr[6]! & 0x4000, 0x4000, 'DR6.BS');
  t.is(r.machine.instructionsExecuted, 4);
  t.deepEqual(r.machine.run(100), { kind: 'exception', vector: 1, errorCode: null, eip: CODE + 11 });
});

test('breakpoints on linear addresses stop before the instruction, even mid-block, and resume past it', async (t) => {
  const { StopKind } = await import('../../vm/cpu/cpu.ts');
  const { runCpu } = await import('../../vm/cpu/run.ts');
  // mov $5,%ecx ; L: inc %eax ; dec %ecx ; jnz L ; hlt
  const r = runCode([0xb9, 5, 0, 0, 0, 0x40, 0x49, 0x75, 0xfc, 0xf4], { limit: 0 });
  const cpu = r.machine.cpu;
  cpu.setBreakpoint(CODE + 6); // the DEC, in the middle of the loop's block
  let hits = 0;
  for (;;) {
    const kind = runCpu(cpu, 1000);
    if (kind !== StopKind.Breakpoint) {
      t.is(kind, StopKind.Halt);
      break;
    }
    t.is(cpu.eip, CODE + 6);
    hits++;
    t.is(r.machine.registers().eax, hits, 'the INC before it has run, the DEC not yet');
  }
  t.is(hits, 5);
  t.is(r.machine.registers().ecx, 0);
});

test('EFLAGS.RF: set in the image a fault pushes on P6 and later, cleared once the next instruction completes (SDM Vol. 3B 17.3.1.1)', (t) => {
  const RF = 1 << 16;
  // ud2 faults: the image has RF on pentium3, not on the Pentium; EFLAGS itself is untouched.
  const p6 = runCode([0x0f, 0x0b], { model: 'pentium3' });
  t.is(p6.machine.pushedEflags & RF, RF);
  t.is(p6.regs.eflags & RF, 0);
  t.is(runCode([0x0f, 0x0b], { model: 'pentium' }).machine.pushedEflags & RF, 0);
  // With RF set (as an IRET back to a faulting instruction leaves it), one instruction runs, then RF is clear.
  const resumed = runCode([0x90, 0x90, 0xf4], { registers: { eflags: 0x202 | RF }, limit: 1 }); // nop; nop; hlt
  t.deepEqual(resumed.stop, { kind: 'limit' });
  t.is(resumed.regs.eip, CODE + 1);
  t.is(resumed.regs.eflags & RF, 0);
  // A trap (INT3) pushes RF clear even when RF was set as the instruction began.
  t.is(runCode([0xcc], { registers: { eflags: 0x202 | RF } }).machine.pushedEflags & RF, 0);
});
