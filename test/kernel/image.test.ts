// The kernel image as gate86's own toolchain builds it: what its guest code says, byte for byte.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readElf } from '../../vm/elf/reader.ts';
import { readKernelImage } from '../../kernel/image.ts';
import { disassemble } from '../../vm/isa/disassembler.ts';
import * as layout from '../../kernel/layout.ts';
import { builtKernel, kernelBytes, root, highestEmptySlot } from './support.ts';
import { toolVersion } from '../support/i386-oracle.ts';

const image = readKernelImage(kernelBytes());
const elf = readElf(image.bytes, 'kernel');

/** Bytes of the linked kernel at a virtual address. */
function at(address: number, length: number): Uint8Array {
  const section = elf.sections.find((s) => s.addr <= address && address + length <= s.addr + s.size && s.data.length > 0);
  if (section === undefined) throw new Error(`0x${address.toString(16)} is in no section with contents`);
  return section.data.subarray(address - section.addr, address - section.addr + length);
}
const u32 = (address: number): number => Buffer.from(at(address, 4)).readUInt32LE(0);
const symbol = (name: string): number => {
  const value = image.symbols.get(name);
  if (value === undefined) throw new Error(`no symbol ${name}`);
  return value;
};

test('fidelity 3: sysenter_entry\'s first instruction loads ESP from tss.esp0 (movl TSS_ESP0_OFFSET(%esp),%esp)', (t) => {
  const [first, second] = disassemble(at(symbol('sysenter_entry'), 16), symbol('sysenter_entry'));
  t.is(first!.text, `mov    -0x${(-layout.TSS_ESP0_OFFSET).toString(16)}(%esp),%esp`);
  t.is(second!.address, symbol('sysenter_past_esp'));
  t.is(second!.text, 'sti');
});

test('fidelity 7: sysenter_entry pushes the fake iret frame (__USER_DS, %ebp, EFLAGS, __USER_CS, SYSENTER_RETURN), then bounds-checks %ebp', (t) => {
  const texts = disassemble(at(symbol('sysenter_past_esp'), 32), symbol('sysenter_past_esp')).map((i) => i.text);
  t.deepEqual(texts.slice(1, 8), [
    'push   $0x7b', 'push   %ebp', 'pushf', 'push   $0x73', 'push   $0xffffe410', 'cmp    $0xbffffffd,%ebp',
    `jae    0x${symbol('syscall_fault').toString(16)}`,
  ]);
});

test('fidelity 7: __ex_table: the sixth-argument loads (sysenter, syscall) fixed up to syscall_fault, then schedule\'s %gs/%fs reloads', (t) => {
  const start = symbol('__start___ex_table');
  t.is(symbol('__stop___ex_table') - start, 4 * 8);
  const load = u32(start);
  t.is(disassemble(at(load, 3), load)[0]!.text, 'mov    0x0(%ebp),%ebp');
  t.is(u32(start + 4), symbol('syscall_fault'));
  const syscallLoad = u32(start + 8);   // syscall_entry's: the user ESP is in ECX there
  t.is(disassemble(at(syscallLoad, 3), syscallLoad)[0]!.text, 'mov    (%ecx),%ecx');
  t.is(u32(start + 12), symbol('syscall_fault'));
  for (const [i, text] of [[2, 'pop    %gs'], [3, 'pop    %fs']] as const) {
    const insn = u32(start + 8 * i);
    t.is(disassemble(at(insn, 2), insn)[0]!.text, text);
    // The fixup writes a null selector where the pop will read it, and retries.
    t.deepEqual(disassemble(at(u32(start + 8 * i + 4), 12), u32(start + 8 * i + 4)).map((d) => d.text).slice(0, 2),
      ['movl   $0x0,(%esp)', `jmp    0x${insn.toString(16)}`]);
  }
});

test('fidelity 1: gdt_table entries 12-15 are flat 4 GiB segments with DPL 0, 0, 3, 3; 16 is the TSS', (t) => {
  const gdt = symbol('gdt_table');
  const entry = (n: number): [number, number] => [u32(gdt + n * 8), u32(gdt + n * 8 + 4)];
  t.deepEqual(entry(12), [0x0000ffff, 0x00cf9a00]);
  t.deepEqual(entry(13), [0x0000ffff, 0x00cf9200]);
  t.deepEqual(entry(14), [0x0000ffff, 0x00cffa00]);
  t.deepEqual(entry(15), [0x0000ffff, 0x00cff200]);
  t.deepEqual(entry(16), [layout.TSS_HW_SIZE - 1, 0x00008900]);
});

test('fidelity 8: sys_call_table has NR_syscalls slots; empty ones hold sys_ni_syscall, which returns -ENOSYS', (t) => {
  const table = symbol('sys_call_table');
  t.is(u32(table + 24 * 4), symbol('sys_getuid16'));
  t.is(u32(table + 20 * 4), symbol('sys_getpid'));
  t.is(u32(table + 0), symbol('sys_restart_syscall'));
  t.is(u32(table + highestEmptySlot() * 4), symbol('sys_ni_syscall'));
  const ni = disassemble(at(symbol('sys_ni_syscall'), 6), symbol('sys_ni_syscall')).map((i) => i.text);
  t.deepEqual(ni, ['mov    $0xffffffda,%eax', 'ret']);
});

test('every hypercall stub is `vmcall; ret` and has a TypeScript function', (t) => {
  t.true(image.hypercalls.size > 40);
  for (const [address, name] of image.hypercalls) t.deepEqual([...at(address, 4)], [0x0f, 0x01, 0xc1, 0xc3], name);
});

test('fidelity 5: the linux-gate.so.1 images are embedded, __kernel_vsyscall at 0xffffe400 in each, byte for byte', (t) => {
  const build = builtKernel();
  const sysenter = new Uint8Array(readFileSync(build.vsyscallSysenter));
  const int80 = new Uint8Array(readFileSync(build.vsyscallInt80));
  const syscall = new Uint8Array(readFileSync(build.vsyscallSyscall));
  t.deepEqual([...sysenter.subarray(0x400, 0x414)],
    [0x51, 0x52, 0x55, 0x89, 0xe5, 0x0f, 0x34, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xeb, 0xf3, 0x5d, 0x5a, 0x59, 0xc3]);
  t.deepEqual([...int80.subarray(0x400, 0x403)], [0xcd, 0x80, 0xc3]);
  // AMD's door (vsyscall-syscall.S): push ecx, ebp; mov %ecx,%ebp; syscall; jmp back 6 (the restart
  // point, SYSCALL_RETURN - 2); SYSCALL_RETURN at 0xffffe408: pop ebp, pop ecx, ret.
  t.deepEqual([...syscall.subarray(0x400, 0x40b)], [0x51, 0x55, 0x89, 0xcd, 0x0f, 0x05, 0xeb, 0xfa, 0x5d, 0x59, 0xc3]);
  for (const dso of [sysenter, int80, syscall]) {
    t.deepEqual([...dso.subarray(0x420, 0x428)], [0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80]);   // popl %eax; movl $119,%eax; int $0x80
    t.deepEqual([...dso.subarray(0x440, 0x447)], [0xb8, 173, 0, 0, 0, 0xcd, 0x80]);         // movl $173,%eax; int $0x80
  }
  const embedded = (name: string): Uint8Array => at(symbol(`${name}_start`), symbol(`${name}_end`) - symbol(`${name}_start`));
  t.deepEqual(embedded('vsyscall_sysenter'), sysenter);
  t.deepEqual(embedded('vsyscall_int80'), int80);
  t.deepEqual(embedded('vsyscall_syscall'), syscall);
});

test('the kernel\'s guest code assembles to the same bytes with gate86 as and GNU as (gcc -m32 -c)', (t) => {
  toolVersion('gcc');
  const build = builtKernel();
  const dir = join(build.kernel, '..');
  const sources = [
    join(root, 'kernel/arch/x86/head.S'), join(root, 'kernel/arch/x86/entry.S'), join(dir, 'syscall_table.S'), join(dir, 'hypercalls.S'),
  ];
  for (const source of sources) {
    const name = source.replace(/^.*\//, '').replace(/\.S$/, '');
    const gnu = join(dir, `gnu-${name}.o`);
    const r = spawnSync('gcc', ['-m32', '-c', '-I', join(dir, 'include'), '-I', join(root, 'kernel/arch/x86'), source, '-o', gnu], { encoding: 'utf8' });
    t.is(r.status, 0, r.stderr);
    const ours = readElf(new Uint8Array(readFileSync(join(dir, `${name}.o`))), name);
    const theirs = readElf(new Uint8Array(readFileSync(gnu)), gnu);
    for (const section of ['.text', '.text.head', '.data', '.rodata', '.rodata.ex_table', '.multiboot']) {
      const a = ours.sections.find((s) => s.name === section);
      const b = theirs.sections.find((s) => s.name === section);
      t.is(a === undefined, b === undefined, `${name} ${section}`);
      if (a && b) t.deepEqual(Buffer.from(a.data), Buffer.from(b.data), `${name} ${section}`);
    }
  }
});

test('init_thread_union is aligned to THREAD_SIZE: GET_THREAD_INFO masks ESP, so task 1\'s thread_info must sit at the mask', (t) => {
  t.is(symbol('init_thread_union') % layout.THREAD_SIZE, 0);
});
