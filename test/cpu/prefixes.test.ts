// Prefix corner cases: operand/address size (66/67) in every combination, repeated and overriding
// segment prefixes, REP on instructions that are not strings, PAUSE, 16-bit branch targets.

import test from 'ava';
import { runCode, CODE, le32 } from './helpers.ts';
import { FS, GS, SS, SEG_PRESENT, SEG_NOT_SYSTEM, SEG_READ_WRITE, SEG_BIG, SEG_ACCESSED } from '../../vm/cpu/cpu.ts';

const DATA = SEG_PRESENT | SEG_NOT_SYSTEM | SEG_READ_WRITE | SEG_BIG | SEG_ACCESSED;

test('66: 16-bit operands keep the upper half of the register', (t) => {
  // mov $0x1234,%ax ; add $0xffff,%ax (carries out of 16 bits only) ; hlt
  const r = runCode([0x66, 0xb8, 0x34, 0x12, 0x66, 0x05, 0xff, 0xff, 0xf4], { registers: { eax: 0xabcd0000 } });
  t.is(r.regs.eax, 0xabcd1233);
  t.is(r.regs.eflags & 1, 1, 'CF from bit 16');
});

test('67: 16-bit addressing uses BX+SI and wraps at 64 KiB', (t) => {
  // mov (%bx,%si),%eax with 67 prefix: BX = 0xfff0, SI = 0x0020 -> address 0x0010
  const r = runCode([0x67, 0x8b, 0x00, 0xf4], {
    registers: { ebx: 0x1234fff0, esi: 0x00000020 },
    setup: (m) => m.load(0x10, new Uint8Array(le32(0xcafebabe))),
  });
  t.is(r.regs.eax, 0xcafebabe);
});

test('66 67 together: 16-bit operand at a 16-bit address; [BP+disp] defaults to SS', (t) => {
  // mov 0x4(%bp),%ax  (66 67 8b 46 04)
  const r = runCode([0x66, 0x67, 0x8b, 0x46, 0x04, 0xf4], {
    registers: { ebp: 0xffff0100, eax: 0x11110000 },
    setup: (m) => m.load(0x104, new Uint8Array([0x78, 0x56])),
  });
  t.is(r.regs.eax, 0x11115678);
});

test('the last of several segment prefixes wins', (t) => {
  const setup = (m: import('../../vm/cpu/flat-machine.ts').FlatMachine) => {
    m.cpu.loadSegmentCache(FS, 0x7b, 0x10000, 0xffff, DATA);
    m.cpu.loadSegmentCache(GS, 0x7b, 0x20000, 0xffff, DATA);
    m.load(0x10000, new Uint8Array(le32(0xf5f5f5f5)));
    m.load(0x20000, new Uint8Array(le32(0x65656565)));
    m.load(0x00000, new Uint8Array(le32(0x3e3e3e3e)));
  };
  // es fs mov (%ebx),%eax -> FS ; fs gs -> GS ; gs ds -> DS
  t.is(runCode([0x26, 0x64, 0x8b, 0x03, 0xf4], { setup }).regs.eax, 0xf5f5f5f5);
  t.is(runCode([0x64, 0x65, 0x8b, 0x03, 0xf4], { setup }).regs.eax, 0x65656565);
  t.is(runCode([0x65, 0x3e, 0x8b, 0x03, 0xf4], { setup }).regs.eax, 0x3e3e3e3e);
});

test('a segment limit is enforced: #GP(0) past it, #SS(0) for the stack segment', (t) => {
  const setup = (m: import('../../vm/cpu/flat-machine.ts').FlatMachine) => m.cpu.loadSegmentCache(FS, 0x7b, 0x10000, 0xfff, DATA);
  // mov %fs:0xffe,%eax: bytes 0xffe..0x1001 cross the limit 0xfff
  t.like(runCode([0x64, 0xa1, ...le32(0xffe)], { setup }).stop, { kind: 'exception', vector: 13, errorCode: 0, eip: CODE });
  t.is(runCode([0x64, 0xa1, ...le32(0xffc), 0xf4], { setup }).stop.kind, 'hlt');
  // push %eax with SS limited to 0xfff and ESP = 0x2000: #SS(0)
  const stack = (m: import('../../vm/cpu/flat-machine.ts').FlatMachine) => m.cpu.loadSegmentCache(SS, 0x7b, 0, 0xfff, DATA);
  t.like(runCode([0x50], { setup: stack, registers: { esp: 0x2000 } }).stop, { kind: 'exception', vector: 12, errorCode: 0, eip: CODE });
});

test('REP and REPNE on a non-string instruction are ignored; F3 90 is PAUSE', (t) => {
  // rep add %ebx,%eax ; repne inc %eax ; pause ; hlt
  const r = runCode([0xf3, 0x01, 0xd8, 0xf2, 0x40, 0xf3, 0x90, 0xf4], { registers: { eax: 1, ebx: 2, ecx: 5 } });
  t.is(r.regs.eax, 4);
  t.is(r.regs.ecx, 5);
});

test('REP MOVSB copies ECX bytes, and with 67 uses CX/SI/DI', (t) => {
  const setup = (m: import('../../vm/cpu/flat-machine.ts').FlatMachine) => m.load(0x3000, new TextEncoder().encode('hello, world'));
  const r = runCode([0xf3, 0xa4, 0xf4], { registers: { ecx: 12, esi: 0x3000, edi: 0x4000 }, setup });
  t.is(new TextDecoder().decode(r.machine.memory.slice(0x4000, 0x400c)), 'hello, world');
  t.is(r.regs.ecx, 0);
  t.is(r.regs.esi, 0x300c);
  // 67 f3 a4: CX = 3 (upper ECX ignored and kept), SI/DI 16-bit
  const r16 = runCode([0x67, 0xf3, 0xa4, 0xf4], { registers: { ecx: 0xabcd0003, esi: 0x77773000, edi: 0x88884000 }, setup });
  t.is(r16.regs.ecx, 0xabcd0000);
  t.is(r16.regs.esi, 0x77773003);
  t.is(r16.regs.edi, 0x88884003);
  t.is(new TextDecoder().decode(r16.machine.memory.slice(0x4000, 0x4003)), 'hel');
});

test('REPNE SCASB stops at the match; REPE CMPSB stops at the first difference', (t) => {
  const setup = (m: import('../../vm/cpu/flat-machine.ts').FlatMachine) => {
    m.load(0x3000, new TextEncoder().encode('abcdef\0'));
    m.load(0x4000, new TextEncoder().encode('abcxef\0'));
  };
  // repnz scasb with AL = 0: strlen
  const scan = runCode([0xf2, 0xae, 0xf4], { registers: { eax: 0, ecx: 0xffffffff, edi: 0x3000 }, setup });
  t.is(scan.regs.edi, 0x3007);
  t.is(~scan.regs.ecx - 1 >>> 0, 6);
  // repz cmpsb
  const cmp = runCode([0xf3, 0xa6, 0xf4], { registers: { ecx: 7, esi: 0x3000, edi: 0x4000 }, setup });
  t.is(cmp.regs.esi, 0x3004);
  t.is(cmp.regs.ecx, 3);
  t.is(cmp.regs.eflags & 0x40, 0, 'ZF clear: strings differ');
});

test('66 on a near jump truncates EIP to 16 bits', (t) => {
  // jmpw .+0x10 (66 e9 rel16): target = (next & 0xffff); the code at 0x1000 -> next 0x1004 -> 0x1014 fits
  const r = runCode([0x66, 0xe9, 0x10, 0x00], { limit: 1 });
  t.is(r.regs.eip, 0x1014);
  // jmpw back past zero wraps within 64 KiB: rel16 = -0x2000 from 0x1004 -> 0xf004
  const wrap = runCode([0x66, 0xe9, 0x00, 0xe0], { limit: 1 });
  t.is(wrap.regs.eip, 0xf004);
});

test('LOOP with 67 counts CX; JECXZ with 67 tests CX', (t) => {
  // L: loopw L (67 e2 fd) ; hlt   -- runs CX times
  const r = runCode([0x67, 0xe2, 0xfd, 0xf4], { registers: { ecx: 0x10000 + 5 } });
  t.is(r.regs.ecx, 0x10000);
  t.is(r.machine.instructionsExecuted, 6);
  // jcxz over a ud2 when CX = 0 but ECX != 0
  t.is(runCode([0x67, 0xe3, 0x02, 0x0f, 0x0b, 0xf4], { registers: { ecx: 0x10000 } }).stop.kind, 'hlt');
});

test('CPUID reports the model: vendor, signature, SEP and brand string', (t) => {
  const words = (a: number[]) => String.fromCharCode(...a.flatMap((w) => le32(w)));
  const p3 = runCode([0x0f, 0xa2, 0xf4], { registers: { eax: 0 } }).regs;
  t.is(words([p3.ebx, p3.edx, p3.ecx]), 'GenuineIntel');
  const sig = runCode([0x0f, 0xa2, 0xf4], { registers: { eax: 1 } }).regs;
  t.is(sig.eax, 0x672);
  t.is((sig.edx >>> 11) & 1, 1, 'SEP');
  t.is(sig.edx & 1, 1, 'FPU: the on-chip x87 (vm/cpu/fpu)');
  const p5 = runCode([0x0f, 0xa2, 0xf4], { registers: { eax: 1 }, model: 'pentium' }).regs;
  t.is((p5.edx >>> 11) & 1, 0, 'the Pentium has no SEP');
  const ppro = runCode([0x0f, 0xa2, 0xf4], { registers: { eax: 1 }, model: 'pentium-pro' }).regs;
  t.is(ppro.eax, 0x619);
  const p4 = runCode([0x0f, 0xa2, 0xf4], { registers: { eax: 1 }, model: 'pentium4' }).regs;
  t.is((p4.eax >>> 8) & 0xf, 15);
  const amd = runCode([0x0f, 0xa2, 0xf4], { registers: { eax: 0x80000001 }, model: 'athlon-xp' }).regs;
  t.is((amd.edx >>> 11) & 1, 1, 'SYSCALL');
  let brand = '';
  for (let leaf = 0x80000002; leaf <= 0x80000004; leaf++) {
    const b = runCode([0x0f, 0xa2, 0xf4], { registers: { eax: leaf }, model: 'athlon-xp' }).regs;
    brand += words([b.eax, b.ebx, b.ecx, b.edx]);
  }
  t.is(brand.replace(/\0+$/, ''), 'AMD Athlon(tm) XP 2200+');
});

test('RDTSC counts up', (t) => {
  // rdtsc ; mov %eax,%esi ; nop ; nop ; rdtsc ; hlt
  const r = runCode([0x0f, 0x31, 0x89, 0xc6, 0x90, 0x90, 0x0f, 0x31, 0xf4]);
  t.true(r.regs.eax > r.regs.esi);
});

test('a long REP STOSB yields to the run loop and resumes where it stopped', (t) => {
  // rep stosb with ECX = 200000 ; hlt
  const r = runCode([0xf3, 0xaa, 0xf4], { registers: { eax: 0x5a, ecx: 200_000, edi: 0x100000 }, limit: 1 });
  t.deepEqual(r.stop, { kind: 'limit' });
  t.is(r.regs.eip, CODE, 'EIP still at the REP');
  t.true(r.regs.ecx > 0 && r.regs.ecx < 200_000);
  t.is(r.regs.edi, 0x100000 + (200_000 - r.regs.ecx));
  const rest = r.machine.run(1000);
  t.is(rest.kind, 'hlt');
  t.is(r.machine.registers().ecx, 0);
  t.is(r.machine.memory[0x100000 + 199_999], 0x5a);
  t.is(r.machine.memory[0x100000 + 200_000], 0);
});

test('REP MOVSB onto an overlapping later destination replicates bytes, as the element loop does', (t) => {
  // rep movsb with ESI = 0x3000, EDI = 0x3001, ECX = 100: the first byte spreads forward
  const setup = (m: import('../../vm/cpu/flat-machine.ts').FlatMachine) => m.load(0x3000, new Uint8Array([7, 1, 2, 3]));
  const r = runCode([0xf3, 0xa4, 0xf4], { registers: { ecx: 100, esi: 0x3000, edi: 0x3001 }, setup });
  t.deepEqual([...r.machine.memory.slice(0x3000, 0x3000 + 101)], Array<number>(101).fill(7));
  // and a backward overlap (EDI < ESI) is an ordinary move
  const back = runCode([0xf3, 0xa5, 0xf4], { registers: { ecx: 2, esi: 0x3004, edi: 0x3000 }, setup: (m) => m.load(0x3000, new Uint8Array([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8])) });
  t.deepEqual([...back.machine.memory.slice(0x3000, 0x300c)], [1, 2, 3, 4, 5, 6, 7, 8, 5, 6, 7, 8]);
});

test('REP MOVSD across page boundaries and REP STOSD fill whole pages', (t) => {
  const source = new Uint8Array(0x3000).map((_, i) => (i * 7) & 0xff);
  const r = runCode([0xf3, 0xa5, 0xf3, 0xab, 0xf4], {
    registers: { ecx: 0x2ff0 / 4, esi: 0x10008, edi: 0x20004, eax: 0x01020304 },
    setup: (m) => {
      m.load(0x10008, source.subarray(0, 0x2ff0));
      m.setRegisters({});
    },
  });
  t.deepEqual(r.machine.memory.slice(0x20004, 0x20004 + 0x2ff0), source.subarray(0, 0x2ff0));
  // the STOSD ran with ECX = 0 after the MOVSD: nothing more was written
  t.is(r.machine.memory[0x20004 + 0x2ff0], 0);
  t.is(r.regs.edi, 0x20004 + 0x2ff0);
  const fill = runCode([0xf3, 0xab, 0xf4], { registers: { ecx: 0x1801, edi: 0x40000, eax: 0xa1b2c3d4 } });
  t.is(fill.regs.ecx, 0);
  t.is(fill.regs.edi, 0x40000 + 0x1801 * 4);
  const view = new DataView(fill.machine.memory.buffer);
  t.is(view.getUint32(0x40000 + 0x1800 * 4, true), 0xa1b2c3d4);
  t.is(view.getUint32(0x40000 + 0x1801 * 4, true), 0);
});
