// Paging (#PF error codes, CR2, accessed/dirty bits, 4 MiB pages, WP), self-modifying code, and
// instructions that straddle a page boundary.

import test from 'ava';
import { runCode, CODE, le32 } from './helpers.ts';
import type { FlatMachine } from '../../vm/cpu/flat-machine.ts';
import { CR0_PG, CR0_WP, CR4_PSE } from '../../vm/cpu/cpu.ts';

const PF = 14;
const PAGE_DIRECTORY = 0x100000;
const PAGE_TABLE = 0x101000;
const P = 1, W = 2, U = 4, A = 0x20, D = 0x40, PS = 0x80;

function write32(m: FlatMachine, address: number, value: number): void {
  m.load(address, new Uint8Array(le32(value)));
}
function read32(m: FlatMachine, address: number): number {
  const b = m.memory;
  return (b[address]! | (b[address + 1]! << 8) | (b[address + 2]! << 16) | (b[address + 3]! << 24)) >>> 0;
}

/**
 * Identity-map the first 4 MiB with one page table: every page present, user, writable, except the
 * pages given in `pages` (linear page number -> PTE flags, or a whole PTE with its frame).
 */
function enablePaging(m: FlatMachine, pages: Record<number, number> = {}, cr0Extra = 0): void {
  write32(m, PAGE_DIRECTORY, PAGE_TABLE | P | W | U);
  for (let i = 0; i < 1024; i++) {
    const entry = pages[i] ?? (P | W | U);
    // An entry with a frame number is used as given; flags alone map the page to itself.
    write32(m, PAGE_TABLE + i * 4, (entry & ~0xfff) !== 0 ? entry : (i << 12) | entry);
  }
  m.cpu.cr[3] = PAGE_DIRECTORY;
  m.cpu.cr[0] = m.cpu.cr[0]! | CR0_PG | cr0Extra;
  m.cpu.flushTlb();
}

// mov 0x5000,%eax ; hlt     and     movl $7,0x5000 ; hlt
const LOAD = [0xa1, ...le32(0x5000), 0xf4];
const STORE = [0xc7, 0x05, ...le32(0x5000), ...le32(7), 0xf4];

test('#PF error codes and CR2 for each present / write / user combination', (t) => {
  const cases: { code: number[]; cpl: 0 | 3; pte: number; wp?: boolean; error: number | null }[] = [
    { code: LOAD, cpl: 0, pte: 0, error: 0 }, // not present, read, supervisor
    { code: STORE, cpl: 0, pte: 0, error: 2 }, // not present, write
    { code: LOAD, cpl: 3, pte: 0, error: 4 }, // not present, user
    { code: STORE, cpl: 3, pte: 0, error: 6 },
    { code: LOAD, cpl: 3, pte: P | W, error: 5 }, // supervisor page read from CPL 3
    { code: STORE, cpl: 3, pte: P | U, error: 7 }, // read-only user page written from CPL 3
    { code: STORE, cpl: 0, pte: P | U, error: null }, // CPL 0 may write a read-only page when WP = 0
    { code: STORE, cpl: 0, pte: P | U, wp: true, error: 3 }, // ... but not with WP = 1
    { code: LOAD, cpl: 3, pte: P | U, error: null },
  ];
  for (const c of cases) {
    const r = runCode(c.code, { cpl: c.cpl, setup: (m) => enablePaging(m, { 5: c.pte }, c.wp ? CR0_WP : 0) });
    const what = `cpl ${c.cpl} pte ${c.pte} wp ${c.wp ?? false}`;
    if (c.error === null) {
      // The access succeeded: the run ends at the HLT (which is #GP(0) at CPL 3).
      const hltAddress = CODE + c.code.length - 1;
      if (c.cpl === 0) t.deepEqual(r.stop, { kind: 'hlt', eip: hltAddress + 1 }, what);
      else t.deepEqual(r.stop, { kind: 'exception', vector: 13, errorCode: 0, eip: hltAddress }, what);
    } else {
      t.deepEqual(r.stop, { kind: 'exception', vector: PF, errorCode: c.error, eip: CODE }, what);
      t.is(r.machine.cpu.cr[2]! >>> 0, 0x5000, `CR2 ${what}`);
    }
  }
});

test('a not-present page directory entry faults too; CR2 is the exact byte address', (t) => {
  // mov 0x00c00123,%eax: directory entry 3 is empty
  const r = runCode([0xa1, ...le32(0x00c00123)], { setup: (m) => enablePaging(m) });
  t.deepEqual(r.stop, { kind: 'exception', vector: PF, errorCode: 0, eip: CODE });
  t.is(r.machine.cpu.cr[2]! >>> 0, 0x00c00123);
});

test('accessed and dirty bits are set by reads and writes', (t) => {
  const read = runCode(LOAD, { setup: (m) => enablePaging(m) });
  t.is(read.stop.kind, 'hlt');
  t.is(read32(read.machine, PAGE_TABLE + 5 * 4) & (A | D), A);
  t.is(read32(read.machine, PAGE_DIRECTORY) & A, A);
  // Read first (TLB filled without write permission), then write: the write must still set D.
  const rw = runCode([...LOAD.slice(0, 5), ...STORE], { setup: (m) => enablePaging(m) });
  t.is(rw.stop.kind, 'hlt');
  t.is(read32(rw.machine, PAGE_TABLE + 5 * 4) & (A | D), A | D);
});

test('a write that crosses into a read-only page faults before writing either page', (t) => {
  // movl $0x11223344,0x4ffe: bytes 0x4ffe-0x5001, page 5 read-only, CPL 3
  const r = runCode([0xc7, 0x05, ...le32(0x4ffe), ...le32(0x11223344)], { cpl: 3, setup: (m) => enablePaging(m, { 5: P | U }) });
  t.deepEqual(r.stop, { kind: 'exception', vector: PF, errorCode: 7, eip: CODE });
  t.is(r.machine.cpu.cr[2]! >>> 0, 0x5000);
  t.is(r.machine.memory[0x4ffe], 0, 'nothing written on the first page');
});

test('4 MiB pages with CR4.PSE translate through the directory alone', (t) => {
  const setup = (m: FlatMachine) => {
    enablePaging(m);
    write32(m, PAGE_DIRECTORY + 4 * 4, 0x00000000 | P | W | PS); // linear 16 MiB -> physical 0
    m.cpu.cr[4] = CR4_PSE;
    m.cpu.flushTlb();
    write32(m, 0x2345, 0xdeadbeef);
  };
  const r = runCode([0xa1, ...le32(0x01002345), 0xf4], { setup });
  t.is(r.regs.eax, 0xdeadbeef);
  t.is(read32(r.machine, PAGE_DIRECTORY + 16) & A, A);
});

test('INVLPG-style invalidation: a changed PTE takes effect after invalidatePage, not before', (t) => {
  const r = runCode(LOAD, { setup: (m) => enablePaging(m) });
  const m = r.machine;
  write32(m, 0x5000, 1);
  write32(m, 0x6000, 2);
  write32(m, PAGE_TABLE + 5 * 4, 0x6000 | P | W | U); // remap page 5 -> frame 6
  m.setRegisters({ eip: CODE });
  m.run(10);
  t.is(m.registers().eax, 1, 'stale TLB entry still used');
  m.cpu.invalidatePage(0x5000);
  m.setRegisters({ eip: CODE });
  m.run(10);
  t.is(m.registers().eax, 2);
});

test('self-modifying code: a store into the next instruction of the same block is executed', (t) => {
  // 1000: movb $0x2a,0x1008   (c6 05 08 10 00 00 2a)
  // 1007: mov $0,%eax          (b8 00 00 00 00) -- its immediate's first byte is 0x1008
  // 100c: hlt
  const r = runCode([0xc6, 0x05, ...le32(0x1008), 0x2a, 0xb8, 0, 0, 0, 0, 0xf4]);
  t.is(r.stop.kind, 'hlt');
  t.is(r.regs.eax, 0x2a);
});

test('self-modifying code: a loop that patches its own body sees each new byte', (t) => {
  // 1000: mov $0,%ebx
  // 1005: L: addl $1,%ebx ... patched: we increment the immediate of "add $imm8,%ebx" each round
  //        83 c3 01        add $1,%ebx            (imm at 0x1007)
  // 1008: incb 0x1007     (fe 05 07 10 00 00)
  // 100e: dec %ecx ; jnz L  (49 75 f4)
  // 1011: hlt
  const code = [0xbb, 0, 0, 0, 0, 0x83, 0xc3, 0x01, 0xfe, 0x05, ...le32(0x1007), 0x49, 0x75, 0xf4, 0xf4];
  const r = runCode(code, { registers: { ecx: 5 } });
  t.is(r.stop.kind, 'hlt');
  t.is(r.regs.ebx, 1 + 2 + 3 + 4 + 5);
});

test('code rewritten from outside (load) is decoded again', (t) => {
  const r = runCode([0xb8, 1, 0, 0, 0, 0xf4]);
  t.is(r.regs.eax, 1);
  r.machine.load(CODE + 1, new Uint8Array([2]));
  r.machine.setRegisters({ eip: CODE });
  r.machine.run(10);
  t.is(r.machine.registers().eax, 2);
});

test('data stores near code do not disturb it; code in another 64-byte line stays decoded', (t) => {
  // L: movl %ecx,0x1100 ; dec %ecx ; jnz L ; hlt    (store lands on the code page, far from the code)
  const r = runCode([0x89, 0x0d, ...le32(0x1100), 0x49, 0x75, 0xf7, 0xf4], { registers: { ecx: 1000 } });
  t.is(r.stop.kind, 'hlt');
  t.is(r.machine.memory[0x1100], 1);
  t.true(r.machine.cpu.code.blocksBuilt < 5, `blocks built: ${r.machine.cpu.code.blocksBuilt}`);
});

test('an instruction straddling two pages executes, and faults on the second page with CR2 there', (t) => {
  // mov $0x12345678,%eax placed at 0x1ffe: b8 78 | 56 34 12 (page 2)
  const straddle = (m: FlatMachine) => {
    m.load(0x1ffe, new Uint8Array([0xb8, 0x78, 0x56, 0x34, 0x12, 0xf4]));
    m.setRegisters({ eip: 0x1ffe });
  };
  t.is(runCode([], { setup: straddle }).regs.eax, 0x12345678);
  const fault = runCode([], { setup: (m) => { straddle(m); enablePaging(m, { 2: 0 }); } });
  t.deepEqual(fault.stop, { kind: 'exception', vector: PF, errorCode: 0, eip: 0x1ffe });
  t.is(fault.machine.cpu.cr[2]! >>> 0, 0x2000);
});

test('a CPU snapshot restores registers, flags and segment caches into a fresh machine', async (t) => {
  const { saveCpu, restoreCpu } = await import('../../vm/cpu/snapshot.ts');
  // mov $5,%ecx ; L: add %ecx,%eax ; dec %ecx ; jnz L ; hlt
  const code = [0xb9, 5, 0, 0, 0, 0x01, 0xc8, 0x49, 0x75, 0xfb, 0xf4];
  const a = runCode(code, { limit: 4 });
  const snapshot = JSON.parse(JSON.stringify(saveCpu(a.machine.cpu)));
  const b = runCode(code, { limit: 0 });
  restoreCpu(b.machine.cpu, snapshot);
  t.deepEqual(b.machine.registers(), a.machine.registers());
  a.machine.run(100);
  b.machine.run(100);
  t.deepEqual(b.machine.registers(), a.machine.registers());
  t.is(b.machine.registers().eax, 15);
});

test('pages mapped beyond RAM read as all ones, ignore writes, and execute as #UD', (t) => {
  const high = (m: FlatMachine) => enablePaging(m, { 5: (0xfee00 << 12) | P | W | U });
  // movl $1,0x5000 ; mov 0x5000,%eax ; hlt
  const r = runCode([0xc7, 0x05, ...le32(0x5000), ...le32(1), 0xa1, ...le32(0x5000), 0xf4], { setup: high });
  t.is(r.stop.kind, 'hlt');
  t.is(r.regs.eax, 0xffffffff);
  // jmp *%ebx to 0x5000
  const jump = runCode([0xff, 0xe3], { registers: { ebx: 0x5000 }, setup: high });
  t.deepEqual(jump.stop, { kind: 'exception', vector: 6, errorCode: null, eip: 0x5000 });
});

test('debugTranslate reads the page tables without side effects', (t) => {
  const r = runCode([0xf4], { setup: (m) => enablePaging(m, { 5: 0 }) });
  write32(r.machine, PAGE_TABLE + 6 * 4, 0x9000 | P);
  const cpu = r.machine.cpu;
  const cr2 = cpu.cr[2];
  t.is(cpu.debugTranslate(0x5123), -1);
  t.is(cpu.debugTranslate(0x6123), 0x9123);
  t.is(cpu.debugTranslate(0x00c00000), -1, 'empty directory entry');
  t.is(cpu.cr[2], cr2, 'CR2 untouched');
  t.is(read32(r.machine, PAGE_TABLE + 6 * 4) & A, 0, 'accessed bit untouched');
});

test('hot (compiled) blocks: a #PF in the middle of a block after hundreds of iterations unwinds exactly', (t) => {
  // mov $1000,%ecx ; L: mov (%esi),%eax ; add $4,%esi ; dec %ecx ; jnz L ; hlt
  const code = [0xb9, ...le32(1000), 0x8b, 0x06, 0x83, 0xc6, 0x04, 0x49, 0x75, 0xf8, 0xf4];
  const start = 0x5000 - 4 * 300;
  const r = runCode(code, { registers: { esi: start }, limit: 100_000, setup: (m) => enablePaging(m, { 5: 0 }) });
  t.deepEqual(r.stop, { kind: 'exception', vector: PF, errorCode: 0, eip: CODE + 5 });
  t.is(r.regs.esi, 0x5000);
  t.is(r.regs.ecx, 700);
  t.is(r.machine.instructionsExecuted, 1 + 300 * 4);
});

test('hot (compiled) blocks: self-modifying code in a loop of a thousand iterations', (t) => {
  // mov $0,%ebx ; L: add $1,%ebx (imm8 at 0x1007) ; incb 0x1007 ; dec %ecx ; jnz L ; hlt
  const code = [0xbb, 0, 0, 0, 0, 0x83, 0xc3, 0x01, 0xfe, 0x05, ...le32(0x1007), 0x49, 0x75, 0xf4, 0xf4];
  const r = runCode(code, { registers: { ecx: 1000 }, limit: 100_000 });
  let expected = 0;
  for (let i = 1; i <= 1000; i++) expected = (expected + ((i << 24) >> 24)) | 0;
  t.is(r.stop.kind, 'hlt');
  t.is(r.regs.ebx, expected >>> 0);
});

test('hot (compiled) blocks: the instruction limit and breakpoints still stop inside them', (t) => {
  // L: inc %eax ; inc %ebx ; dec %ecx ; jnz L ; hlt
  const code = [0x40, 0x43, 0x49, 0x75, 0xfb, 0xf4];
  const r = runCode(code, { registers: { ecx: 100_000 }, limit: 4 * 1000 + 2 });
  t.deepEqual(r.stop, { kind: 'limit' });
  t.is(r.regs.eax, 1001);
  t.is(r.regs.ebx, 1001);
  t.is(r.regs.eip, CODE + 2);
  r.machine.cpu.setBreakpoint(CODE + 2);
  r.machine.run(1_000_000); // at the breakpoint: not executed yet... then resume past it
  t.is(r.machine.registers().eip, CODE + 2);
  r.machine.cpu.clearBreakpoint(CODE + 2);
  t.is(r.machine.run(1_000_000).kind, 'hlt');
  t.is(r.machine.registers().ebx, 100_000);
});
