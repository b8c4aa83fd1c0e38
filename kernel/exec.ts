// execve's loader (Linux's fs/binfmt_elf.c, load_elf_binary + create_elf_tables), for static i386
// ELF executables:
//   1. every PT_LOAD segment into fresh pages of a new address space, R/W as its p_flags say, file
//      bytes copied and the rest (bss) zero. Its areas are Linux's: the file's pages (a private
//      mapping of the executable at the segment's page offset, which /proc/PID/maps names) and,
//      past them, the rest of the bss as anonymous memory;
//   2. a user stack under 0xC0000000 holding, from the top down: the strings, 16 random bytes, then
//      the auxiliary vector, envp, argv and argc (the System V i386 ABI's initial process stack),
//      with the auxiliary vector in Linux 2.6's order (fidelity point 11). Its area reaches 128 KiB
//      below the strings' lowest page, as Linux's setup_arg_pages leaves it; pages come on touch;
//   3. the registers the program starts with: all zero but ESP, EFLAGS 0x202, EIP = e_entry, the
//      user segments. They go into pt_regs, and the process enters ring 3 through iret.

import { readElf, ElfError, type ElfFile } from '../vm/elf/reader.ts';
import { ET_EXEC, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_INTERP, PT_LOAD } from '../vm/elf/format.ts';
import { AddressSpace, mmapBase } from './mm/address-space.ts';
import { OutOfMemory, type FrameAllocator } from './mm/frames.ts';
import type { Ram } from './mm/ram.ts';
import type { FilePages } from './mm/vma.ts';
import type { PtRegs } from './pt-regs.ts';
import { PAGE_SIZE, TASK_SIZE, USER_STACK_TOP, VSYSCALL_BASE, VSYSCALL_ENTRY, __USER_CS, __USER_DS } from './layout.ts';

// Auxiliary vector types (include/uapi/linux/auxvec.h, asm-i386/elf.h).
export const AT_NULL = 0;
export const AT_PHDR = 3;
export const AT_PHENT = 4;
export const AT_PHNUM = 5;
export const AT_PAGESZ = 6;
export const AT_BASE = 7;
export const AT_FLAGS = 8;
export const AT_ENTRY = 9;
export const AT_UID = 11;
export const AT_EUID = 12;
export const AT_GID = 13;
export const AT_EGID = 14;
export const AT_PLATFORM = 15;
export const AT_HWCAP = 16;
export const AT_CLKTCK = 17;
export const AT_SECURE = 23;
export const AT_RANDOM = 25;
export const AT_EXECFN = 31;
export const AT_SYSINFO = 32;
export const AT_SYSINFO_EHDR = 33;

/**
 * The initial stack area reaches this far below the lowest page of the argument strings (Linux's
 * stack_expand in setup_arg_pages); below it the stack grows on faults, to RLIMIT_STACK.
 */
export const USER_STACK_SIZE = 128 * 1024;
/** EFLAGS at exec: IF and the always-one bit 1. */
export const EXEC_EFLAGS = 0x202;
const ELF_PHENT_SIZE = 32;
const CLOCKS_PER_SEC = 100;

export class ExecError extends Error {
  constructor(message: string, readonly errno: number) { super(message); }
}

export interface ExecCredentials { uid: number; euid: number; gid: number; egid: number }

export interface ExecRequest {
  image: Uint8Array;
  /** For messages and AT_EXECFN. */
  path: string;
  argv: string[];
  envp: string[];
  credentials: ExecCredentials;
  /** CPUID leaf 1 EDX, for AT_HWCAP. */
  hwcap: number;
  /** The process's RLIMIT_STACK soft limit: the bound on the arguments, and where mmap's room ends. */
  stackLimit: number;
  /** 16 bytes for AT_RANDOM (tests pass fixed bytes). */
  random: Uint8Array;
  /**
   * The executable's pages as a file mapping (kernel/mm/file-pages.ts: its inode's), which its
   * segments' areas map and /proc/PID/maps names; without it (bytes no file system holds) the
   * bytes themselves, named by the path on device 00:00, inode 0.
   */
  file?: FilePages;
}

export interface ExecResult {
  space: AddressSpace;
  entry: number;
  stackPointer: number;
  /** The end of the highest segment, page-aligned: where brk starts. */
  brk: number;
  /** The auxiliary vector as written, in order (for tests and --trace). */
  auxv: [number, number][];
  /** Where argv's and envp's strings lie in the new stack. */
  strings: { argStart: number; argEnd: number; envStart: number; envEnd: number };
}

const ENOEXEC = 8;
const ENOMEM = 12;
const E2BIG = 7;
const EINVAL = 22;

/** Is this file something exec can run? Throws ExecError with a one-line reason when not. */
export function checkExecutable(image: Uint8Array, path: string): void {
  let elf: ElfFile;
  try {
    elf = readElf(image, path);
  } catch (error) {
    if (error instanceof ElfError) throw new ExecError(error.message, ENOEXEC);
    throw error;
  }
  checkImage(elf, path);
}

function checkImage(elf: ElfFile, path: string): void {
  if (elf.type !== ET_EXEC) throw new ExecError(`${path}: not a static executable (e_type ${elf.type})`, ENOEXEC);
  if (elf.segments.some((s) => s.type === PT_INTERP)) throw new ExecError(`${path}: dynamically linked programs are not supported (link with -static)`, ENOEXEC);
  const loads = elf.segments.filter((s) => s.type === PT_LOAD);
  if (loads.length === 0) throw new ExecError(`${path}: no PT_LOAD segment`, ENOEXEC);
  for (const s of loads) {
    if (s.vaddr + s.memsz > TASK_SIZE - USER_STACK_SIZE || s.vaddr + s.memsz < s.vaddr) {
      throw new ExecError(`${path}: segment at 0x${s.vaddr.toString(16)} overlaps the kernel or the stack`, ENOEXEC);
    }
  }
}

/**
 * An executable no file system holds (the bytes the host handed over) as its segments' areas see
 * it. Its pages are copied in at exec (and again if madvise(MADV_DONTNEED) drops one); it is only
 * ever mapped privately.
 */
class ExecutableBytes implements FilePages {
  readonly device = [0, 0] as const;
  readonly inode = 0;
  constructor(private readonly bytes: Uint8Array, readonly path: string) {}
  read(offset: number, into: Uint8Array): void {
    into.fill(0);
    if (offset < this.bytes.length) into.set(this.bytes.subarray(offset, offset + into.length));
  }
  write(): void {
    throw new Error('kernel: an executable\'s segments are private mappings, never written back');
  }
}

const pageDown = (v: number): number => Math.floor(v / PAGE_SIZE) * PAGE_SIZE;
const pageUp = (v: number): number => Math.ceil(v / PAGE_SIZE) * PAGE_SIZE;

/** Step 1: the segments. Returns the address of the program headers in the new image (AT_PHDR). */
function loadSegments(elf: ElfFile, space: AddressSpace, file: FilePages): { phdr: number; end: number } {
  let phdr = 0;
  let end = 0;
  for (const s of elf.segments.filter((seg) => seg.type === PT_LOAD)) {
    space.mapRange(s.vaddr, s.vaddr + s.memsz, { write: (s.flags & PF_W) !== 0 });
    const start = pageDown(s.vaddr);
    const fileEnd = pageUp(s.vaddr + s.filesz);
    // elf_map: the file is mapped from the page holding p_offset, so the two must agree modulo a page.
    const offset = s.offset - (s.vaddr - start);
    if (offset < 0 || offset % PAGE_SIZE !== 0) throw new ExecError(`${file.path}: segment at 0x${s.vaddr.toString(16)} is not at its page offset in the file`, EINVAL);
    const rights = { read: (s.flags & PF_R) !== 0, write: (s.flags & PF_W) !== 0, exec: (s.flags & PF_X) !== 0 || ((s.flags & PF_R) !== 0 && space.readImpliesExec) };
    // A segment sharing a page with the one before takes the page over (MAP_FIXED), keeping its bytes.
    space.forgetVmas(start, pageUp(s.vaddr + s.memsz));
    if (fileEnd > start) {
      file.open?.();                                               // the area holds the file open
      space.insertVma({ start, end: fileEnd, ...rights, shared: false, growsDown: false, name: '', file: { pages: file, offset } });
    }
    if (pageUp(s.vaddr + s.memsz) > fileEnd) {
      space.insertVma({ start: fileEnd, end: pageUp(s.vaddr + s.memsz), ...rights, shared: false, growsDown: false, name: '', file: null });
    }
    space.copyToUserForce(s.vaddr, s.data.subarray(0, s.filesz));
    space.copyToUserForce(s.vaddr + s.filesz, new Uint8Array(s.memsz - s.filesz));  // bss
    if (elf.phoff >= s.offset && elf.phoff + elf.phnum * ELF_PHENT_SIZE <= s.offset + s.filesz) phdr = s.vaddr + (elf.phoff - s.offset);
    end = Math.max(end, s.vaddr + s.memsz);
    space.startData = Math.max(space.startData, s.vaddr);       // load_elf_binary's start_data
  }
  return { phdr, end: Math.ceil(end / PAGE_SIZE) * PAGE_SIZE };
}

/** A downward-growing writer for the new stack. */
class StackBuilder {
  constructor(private readonly space: AddressSpace, public sp: number) {}
  pushBytes(bytes: Uint8Array): number {
    this.sp -= bytes.length;
    this.space.mapRange(this.sp, this.sp + bytes.length, { write: true });
    this.space.copyToUserForce(this.sp, bytes);
    return this.sp;
  }
  pushString(s: string): number { return this.pushBytes(Buffer.from(s + '\0', 'latin1')); }
}

/** Step 2: argc, argv, envp, auxv and the strings they point at. */
function buildStack(space: AddressSpace, request: ExecRequest, auxBase: [number, number][], executableStack: boolean): { sp: number; auxv: [number, number][]; strings: ExecResult['strings'] } {
  const stack = new StackBuilder(space, USER_STACK_TOP - 4);          // a zero word at the very top
  const execfn = stack.pushString(request.path);
  // argv's strings then envp's, in order and contiguous, as Linux copies them (mm->arg_start ..
  // arg_end, env_start .. env_end: what /proc/PID/cmdline and environ read back).
  const strings = [...request.argv, ...request.envp].map((t) => Buffer.from(t + '\0', 'latin1'));
  const blob = Buffer.concat(strings);
  // Linux's limit on the strings and their pointers (since 2.6.23, get_arg_page): a quarter of
  // the process's RLIMIT_STACK, so `ulimit -s` decides how long a command line may be.
  if (blob.length + 4 * (strings.length + 2) > request.stackLimit / 4) throw new ExecError(`${request.path}: argument list too long`, E2BIG);
  const base = stack.pushBytes(new Uint8Array(blob));
  const pointers: number[] = [];
  let at = base;
  for (const t of strings) { pointers.push(at); at += t.length; }
  const argPointers = pointers.slice(0, request.argv.length);
  const envPointers = pointers.slice(request.argv.length);
  const argEnd = request.argv.length === 0 ? base : pointers[request.argv.length - 1]! + strings[request.argv.length - 1]!.length;
  const layout = { argStart: base, argEnd, envStart: argEnd, envEnd: base + blob.length };
  // The area: the strings' pages and 128 KiB below them; it grows down on faults below it, up to
  // RLIMIT_STACK (address-space.ts growStack). The tables below the strings land inside it.
  space.insertVma({
    start: pageDown(stack.sp) - USER_STACK_SIZE, end: USER_STACK_TOP, read: true, write: true, exec: executableStack,
    shared: false, growsDown: true, name: '[stack]', file: null,
  });
  const platform = stack.pushString('i686');
  stack.sp = (stack.sp & ~15) >>> 0;
  const random = stack.pushBytes(request.random.subarray(0, 16));
  const auxv: [number, number][] = [
    ...auxBase,
    [AT_SECURE, 0], [AT_RANDOM, random], [AT_EXECFN, execfn], [AT_PLATFORM, platform], [AT_NULL, 0],
  ];
  const words = [request.argv.length, ...argPointers, 0, ...envPointers, 0, ...auxv.flat()];
  let sp = stack.sp - words.length * 4;
  sp = (sp & ~15) >>> 0;                                             // ESP 16-byte aligned at entry
  const table = new Uint8Array(words.length * 4);
  const view = new DataView(table.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  space.mapRange(sp, sp + table.length, { write: true });
  space.copyToUserForce(sp, table);
  return { sp, auxv, strings: layout };
}

/** Load an ELF image into a new address space and build its stack. The caller switches to it. */
export function loadProgram(ram: Ram, frames: FrameAllocator, kernelDirectory: number, request: ExecRequest): ExecResult {
  let elf: ElfFile;
  try {
    elf = readElf(request.image, request.path);
  } catch (error) {
    if (error instanceof ElfError) throw new ExecError(error.message, ENOEXEC);
    throw error;
  }
  checkImage(elf, request.path);
  const space = new AddressSpace(ram, frames, kernelDirectory);
  // No PT_GNU_STACK: an old i386 binary, which Linux runs with READ_IMPLIES_EXEC and an executable
  // stack; with one, the stack is executable only if it says so.
  const gnuStack = elf.segments.find((s) => s.type === PT_GNU_STACK);
  space.readImpliesExec = gnuStack === undefined;
  space.mmapCeiling = mmapBase(request.stackLimit);
  const executableStack = gnuStack === undefined || (gnuStack.flags & PF_X) !== 0;
  const file = request.file ?? new ExecutableBytes(request.image, request.path);
  try {
    const { phdr, end } = loadSegments(elf, space, file);
    const c = request.credentials;
    // Linux 2.6's create_elf_tables: ARCH_DLINFO (the vsyscall page) first, then the rest in order.
    const auxBase: [number, number][] = [
      [AT_SYSINFO, VSYSCALL_ENTRY], [AT_SYSINFO_EHDR, VSYSCALL_BASE],
      [AT_HWCAP, request.hwcap >>> 0], [AT_PAGESZ, PAGE_SIZE], [AT_CLKTCK, CLOCKS_PER_SEC],
      [AT_PHDR, phdr], [AT_PHENT, ELF_PHENT_SIZE], [AT_PHNUM, elf.phnum], [AT_BASE, 0], [AT_FLAGS, 0],
      [AT_ENTRY, elf.entry], [AT_UID, c.uid], [AT_EUID, c.euid], [AT_GID, c.gid], [AT_EGID, c.egid],
    ];
    const { sp, auxv, strings } = buildStack(space, request, auxBase, executableStack);
    return { space, entry: elf.entry, stackPointer: sp, brk: end, auxv, strings };
  } catch (error) {
    space.destroy();
    if (error instanceof OutOfMemory) throw new ExecError(`${request.path}: not enough memory for its segments and stack`, ENOMEM);
    throw error;
  }
}

/** Step 3: the registers a new program starts with (fidelity point 11), written into pt_regs. */
export function startThread(regs: PtRegs, entry: number, stackPointer: number): void {
  for (const r of ['ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'eax'] as const) regs.set(r, 0);
  regs.set('ds', __USER_DS);
  regs.set('es', __USER_DS);
  regs.set('orig_eax', 0xffffffff);
  regs.set('eip', entry);
  regs.set('cs', __USER_CS);
  regs.set('eflags', EXEC_EFLAGS);
  regs.set('esp', stackPointer);
  regs.set('ss', __USER_DS);
}
