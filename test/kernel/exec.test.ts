// ELF exec and the restart rule, on plain memory (no CPU): the TypeScript half is ordinary code.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { Ram } from '../../kernel/mm/ram.ts';
import { FrameAllocator } from '../../kernel/mm/frames.ts';
import { PtRegs } from '../../kernel/pt-regs.ts';
import {
  loadProgram, startThread, checkExecutable, ExecError, AT_SYSINFO, AT_SYSINFO_EHDR, AT_HWCAP, AT_PAGESZ, AT_CLKTCK, AT_PHDR,
  AT_PHENT, AT_PHNUM, AT_BASE, AT_FLAGS, AT_ENTRY, AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM, AT_EXECFN,
  AT_PLATFORM, AT_NULL,
} from '../../kernel/exec.ts';
import { restartSyscall } from '../../kernel/signals.ts';
import { readElf } from '../../vm/elf/reader.ts';
import { ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, EINTR, VSYSCALL_SYSENTER_RETURN } from '../../kernel/layout.ts';
import { buildTestProgram } from './support.ts';
import { STACK_LIMIT } from '../../kernel/rlimit.ts';

function setup(): { ram: Ram; frames: FrameAllocator; kernelDirectory: number } {
  const ram = new Ram(new Uint8Array(16 << 20));
  const frames = new FrameAllocator(ram, 4 << 20, 16 << 20);
  const kernelDirectory = 0x1000;
  ram.write32(kernelDirectory + 1023 * 4, 0x3007);           // a kernel-half PDE every space must share
  return { ram, frames, kernelDirectory };
}

const program = buildTestProgram('regs');
const image = new Uint8Array(readFileSync(program));
const credentials = { uid: 1000, euid: 1001, gid: 100, egid: 101 };
const random = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

function load() {
  const s = setup();
  const result = loadProgram(s.ram, s.frames, s.kernelDirectory, {
    image, path: '/bin/regs', argv: ['regs', 'one'], envp: ['HOME=/'], credentials, hwcap: 0x8afb, random, stackLimit: STACK_LIMIT,
  });
  return { ...s, result };
}

test('fidelity 11: the auxiliary vector starts with AT_SYSINFO 0xffffe400 and AT_SYSINFO_EHDR 0xffffe000, then Linux 2.6\'s order', (t) => {
  const { result } = load();
  const elf = readElf(image);
  t.deepEqual(result.auxv.map(([type]) => type), [
    AT_SYSINFO, AT_SYSINFO_EHDR, AT_HWCAP, AT_PAGESZ, AT_CLKTCK, AT_PHDR, AT_PHENT, AT_PHNUM, AT_BASE, AT_FLAGS, AT_ENTRY,
    AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM, AT_EXECFN, AT_PLATFORM, AT_NULL,
  ]);
  const aux = new Map(result.auxv);
  t.is(aux.get(AT_SYSINFO), 0xffffe400);
  t.is(aux.get(AT_SYSINFO_EHDR), 0xffffe000);
  t.is(aux.get(AT_HWCAP), 0x8afb);
  t.is(aux.get(AT_PAGESZ), 4096);
  t.is(aux.get(AT_PHNUM), elf.phnum);
  t.is(aux.get(AT_ENTRY), elf.entry);
  t.deepEqual([aux.get(AT_UID), aux.get(AT_EUID), aux.get(AT_GID), aux.get(AT_EGID)], [1000, 1001, 100, 101]);
});

test('the initial stack: argc, argv, envp and auxv as the System V i386 ABI lays them out, 16-byte aligned', (t) => {
  const { result } = load();
  const space = result.space;
  const sp = result.stackPointer;
  t.is(sp % 16, 0);
  t.is(space.read32(sp), 2);                                                 // argc
  t.is(space.readString(space.read32(sp + 4)!, 100), 'regs');
  t.is(space.readString(space.read32(sp + 8)!, 100), 'one');
  t.is(space.read32(sp + 12), 0);
  t.is(space.readString(space.read32(sp + 16)!, 100), 'HOME=/');
  t.is(space.read32(sp + 20), 0);
  const auxv: [number, number][] = [];
  for (let at = sp + 24; ; at += 8) {
    auxv.push([space.read32(at)!, space.read32(at + 4)!]);
    if (auxv[auxv.length - 1]![0] === AT_NULL) break;
  }
  t.deepEqual(auxv, result.auxv);
  const aux = new Map(auxv);
  t.deepEqual([...space.copyFromUser(aux.get(AT_RANDOM)!, 16)!], [...random]);
  t.is(space.readString(aux.get(AT_EXECFN)!, 100), '/bin/regs');
  // AT_PHDR points at the program headers inside the loaded image.
  const phdr = space.copyFromUser(aux.get(AT_PHDR)!, 32)!;
  t.deepEqual([...phdr], [...image.subarray(readElf(image).phoff, readElf(image).phoff + 32)]);
});

test('PT_LOAD segments get their permissions (text read-only, data writable), bss is zero, the kernel half is shared', (t) => {
  const { result, ram, kernelDirectory } = load();
  const elf = readElf(image);
  for (const segment of elf.segments.filter((s) => s.type === 1)) {
    const writable = (segment.flags & 2) !== 0;
    t.true(result.space.translate(segment.vaddr, false) >= 0);
    t.is(result.space.translate(segment.vaddr, true) >= 0, writable);
    t.deepEqual([...result.space.copyFromUser(segment.vaddr, segment.filesz)!], [...segment.data.subarray(0, segment.filesz)]);
    if (segment.memsz > segment.filesz) t.true(result.space.copyFromUser(segment.vaddr + segment.filesz, segment.memsz - segment.filesz)!.every((b) => b === 0));
  }
  t.is(ram.read32(result.space.directory + 1023 * 4), ram.read32(kernelDirectory + 1023 * 4));
  t.is(result.space.translate(0xc0000000, false), -1, 'the kernel half is not user-accessible through translate');
  t.is(result.space.translate(0, false), -1, 'page 0 is unmapped');
});

test('fidelity 11: at exec every general register but ESP is zero, EFLAGS is 0x202, the user segments are loaded', (t) => {
  const ram = new Ram(new Uint8Array(4096));
  ram.fill(0, 4096, 0xaa);
  const regs = new PtRegs(ram, 0x100);
  startThread(regs, 0x08049000, 0xbffffe00);
  t.deepEqual(['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp'].map((r) => regs.get(r as 'eax')), [0, 0, 0, 0, 0, 0, 0]);
  t.is(regs.get('eflags'), 0x202);
  t.is(regs.get('eip'), 0x08049000);
  t.is(regs.get('esp'), 0xbffffe00);
  t.deepEqual([regs.get('cs'), regs.get('ss'), regs.get('ds'), regs.get('es')], [0x73, 0x7b, 0x7b, 0x7b]);
});

test('exec refuses what it cannot run with a one-line ExecError', (t) => {
  t.throws(() => checkExecutable(new TextEncoder().encode('#!/bin/sh\n'), 'script'), { instanceOf: ExecError, message: 'script: not an ELF file' });
  t.throws(() => checkExecutable(new Uint8Array(0), 'empty'), { instanceOf: ExecError });
});

test('fidelity 10: -ERESTARTSYS/-ERESTARTNOINTR/-ERESTARTNOHAND restart: EAX = ORIG_EAX, EIP -= 2 (sysenter: onto the jmp at 0xffffe40e)', (t) => {
  const ram = new Ram(new Uint8Array(4096));
  const regs = new PtRegs(ram, 0);
  for (const code of [ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND]) {
    regs.set('orig_eax', 162);
    regs.set('eax', -code);
    regs.set('eip', VSYSCALL_SYSENTER_RETURN);
    t.true(restartSyscall(regs));
    t.is(regs.get('eax'), 162);
    t.is(regs.get('eip'), 0xffffe40e);
  }
  regs.set('orig_eax', 162);
  regs.set('eax', -EINTR);
  regs.set('eip', 0x08049002);
  t.false(restartSyscall(regs), 'other errors are returned');
  regs.set('orig_eax', 0xffffffff);                                         // an exception, not a call
  regs.set('eax', -ERESTARTSYS);
  t.false(restartSyscall(regs));
  t.is(regs.get('eip'), 0x08049002);
});

test('a program too big for guest memory is an ExecError (ENOMEM), and every frame comes back', (t) => {
  const s = setup();
  const before = s.frames.available;
  // 12 MiB of RAM for the allocator; ask for a 64 MiB stack-sized bss by patching the data segment.
  const elf = readElf(image);
  const patched = new Uint8Array(image);
  const view = new DataView(patched.buffer);
  const index = elf.segments.findIndex((seg) => seg.type === 1 && (seg.flags & 2) !== 0);
  view.setUint32(elf.phoff + index * 32 + 20, 64 << 20, true);        // p_memsz
  const error = t.throws(() => loadProgram(s.ram, s.frames, s.kernelDirectory, {
    image: patched, path: 'big', argv: ['big'], envp: [], credentials, hwcap: 0, random, stackLimit: STACK_LIMIT,
  }), { instanceOf: ExecError });
  t.is(error?.errno, 12);
  t.is(s.frames.available, before);
});

test('user copies fail whole (no partial write) when any byte is not writable, and strings stop at unmapped pages', (t) => {
  const { result } = load();
  const space = result.space;
  const top = 0xc0000000;
  t.false(space.copyToUser(top - 2, new Uint8Array(4)), 'crosses into the kernel half');
  t.deepEqual([...space.copyFromUser(top - 2, 2)!], [0, 0], 'nothing was written');
  t.is(space.copyFromUser(0x1000, 1), null);
  t.true(space.copyToUser(top - 4, Uint8Array.of(0x41, 0x42, 0x43, 0x44)));
  t.is(space.readString(top - 4, 100), null, 'no NUL before the end of the mapping');
  t.is(space.readString(top - 4, 3), null, 'no NUL within max');
});
