// A Multiboot (version 1) boot loader, doing what `qemu-system-i386 -kernel K -append S -initrd M`
// does (Multiboot Specification 0.6.96, sections 3.1-3.3):
//
//   1. find the Multiboot header: magic 0x1BADB002, flags, checksum, 4-byte aligned in the first
//      8192 bytes of the file;
//   2. load the kernel: an ELF kernel's PT_LOAD segments go to their physical addresses (p_paddr),
//      the rest of each segment (p_memsz - p_filesz, the .bss) is zeroed; a kernel whose header sets
//      flag 16 gives load addresses in the header itself (the "a.out kludge");
//   3. load each module page-aligned after the kernel, and build the Multiboot information structure
//      (memory sizes, command line, modules, memory map, boot loader name) in low memory;
//   4. enter the kernel in 32-bit protected mode with flat CS/DS, paging and interrupts off,
//      EAX = 0x2BADB002 and EBX = the physical address of the information structure.
//
// This file does 1-3 into guest RAM and returns what step 4 must set; vm/machine/ applies it to the
// CPU. Every problem with the file is a MultibootError with a one-line message.

import { readElf, ElfError } from '../elf/reader.ts';
import { ET_EXEC, PT_LOAD } from '../elf/format.ts';
import type { PhysicalMemory } from '../memory/physical-memory.ts';

export const MULTIBOOT_HEADER_MAGIC = 0x1badb002;
export const MULTIBOOT_BOOTLOADER_MAGIC = 0x2badb002;
const HEADER_SEARCH_BYTES = 8192;

/** Header flags (spec 3.1.2). Bits 0-15 are requirements a loader must meet or refuse. */
const FLAG_PAGE_ALIGN_MODULES = 1 << 0;
const FLAG_MEMORY_INFO = 1 << 1;
const FLAG_VIDEO_MODE = 1 << 2;
const FLAG_ADDRESS_FIELDS = 1 << 16;
const UNDERSTOOD_REQUIREMENTS = FLAG_PAGE_ALIGN_MODULES | FLAG_MEMORY_INFO | FLAG_VIDEO_MODE;

/** Information structure flags (spec 3.3). */
const INFO_MEMORY = 1 << 0;
const INFO_CMDLINE = 1 << 2;
const INFO_MODULES = 1 << 3;
const INFO_MEMORY_MAP = 1 << 6;
const INFO_LOADER_NAME = 1 << 9;

/** Where the information structure and its strings go: low memory, below the 640 KiB hole,
 *  away from where kernels load (1 MiB and up). QEMU uses the same region. */
const INFO_ADDRESS = 0x9000;
const INFO_AREA_END = 0x9f000;
/** Conventional memory ends where the PC's extended BIOS data area begins (0x9FC00: 639 KiB). */
const EBDA_START = 0x9fc00;
const ONE_MIB = 0x100000;
/** QEMU's BIOS (SeaBIOS) keeps the top 128 KiB of RAM for its own tables and reports it reserved;
 *  gate86 reports the same map so a kernel sees the same mem_upper on both machines. */
const FIRMWARE_RESERVED_TOP = 128 * 1024;

export class MultibootError extends Error {}

export interface BootModule {
  /** The string the kernel sees for the module (QEMU passes the -initrd file name). */
  name: string;
  bytes: Uint8Array;
}

/** The CPU state the kernel must be entered with (spec 3.2). */
export interface MultibootEntry {
  eip: number;
  eax: number;
  ebx: number;
  /** Selectors for the flat segments (the values are undefined by the spec; these are QEMU's). */
  codeSelector: number;
  dataSelector: number;
  /** Physical memory the kernel and its modules occupy, for the record. */
  kernelStart: number;
  kernelEnd: number;
}

interface Header {
  offset: number;
  flags: number;
  headerAddr: number;
  loadAddr: number;
  loadEndAddr: number;
  bssEndAddr: number;
  entryAddr: number;
}

function findHeader(file: Uint8Array, what: string): Header {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const limit = Math.min(file.length, HEADER_SEARCH_BYTES) - 12;
  for (let offset = 0; offset <= limit; offset += 4) {
    if (view.getUint32(offset, true) !== MULTIBOOT_HEADER_MAGIC) continue;
    const flags = view.getUint32(offset + 4, true);
    const checksum = view.getUint32(offset + 8, true);
    if (((MULTIBOOT_HEADER_MAGIC + flags + checksum) >>> 0) !== 0) continue;
    const field = (n: number) => (offset + 12 + 4 * n + 4 <= file.length ? view.getUint32(offset + 12 + 4 * n, true) : 0);
    return { offset, flags, headerAddr: field(0), loadAddr: field(1), loadEndAddr: field(2), bssEndAddr: field(3), entryAddr: field(4) };
  }
  throw new MultibootError(`${what}: not a Multiboot kernel (no Multiboot header in its first 8 KiB)`);
}

function checkFits(ram: PhysicalMemory, address: number, length: number, what: string): void {
  if (address + length > ram.size) {
    throw new MultibootError(`${what}: needs memory up to 0x${(address + length).toString(16)} but the machine has ${ram.size >> 20} MiB (try --mem)`);
  }
  if (address < ONE_MIB && address + length > INFO_ADDRESS) {
    throw new MultibootError(`${what}: loads at 0x${address.toString(16)}, over the boot information in low memory`);
  }
}

/** Load an ELF kernel's segments at their physical addresses; returns [start, end, entry]. */
function loadElf(ram: PhysicalMemory, file: Uint8Array, what: string): [number, number, number] {
  let elf;
  try {
    elf = readElf(file, what);
  } catch (error) {
    if (error instanceof ElfError) throw new MultibootError(error.message);
    throw error;
  }
  if (elf.type !== ET_EXEC) throw new MultibootError(`${what}: a Multiboot ELF kernel must be an executable (ET_EXEC)`);
  let start = Infinity;
  let end = 0;
  for (const segment of elf.segments) {
    if (segment.type !== PT_LOAD || segment.memsz === 0) continue;
    checkFits(ram, segment.paddr, segment.memsz, what);
    ram.load(segment.paddr, segment.data.subarray(0, segment.filesz));
    ram.load(segment.paddr + segment.filesz, new Uint8Array(segment.memsz - segment.filesz));
    start = Math.min(start, segment.paddr);
    end = Math.max(end, segment.paddr + segment.memsz);
  }
  if (end === 0) throw new MultibootError(`${what}: has no loadable segments`);
  return [start, end, elf.entry];
}

/** The a.out kludge (header flag 16): the header says where the file goes (spec 3.1.3). */
function loadByHeader(ram: PhysicalMemory, file: Uint8Array, header: Header, what: string): [number, number, number] {
  // The header at file offset `header.offset` is loaded at `headerAddr`: that fixes the file offset
  // of `loadAddr`.
  const fileStart = header.offset - (header.headerAddr - header.loadAddr);
  const loadEnd = header.loadEndAddr === 0 ? header.loadAddr + (file.length - fileStart) : header.loadEndAddr;
  const bssEnd = Math.max(header.bssEndAddr, loadEnd);
  if (fileStart < 0 || header.headerAddr < header.loadAddr || loadEnd < header.loadAddr || fileStart + (loadEnd - header.loadAddr) > file.length) {
    throw new MultibootError(`${what}: inconsistent Multiboot address fields`);
  }
  checkFits(ram, header.loadAddr, bssEnd - header.loadAddr, what);
  ram.load(header.loadAddr, file.subarray(fileStart, fileStart + (loadEnd - header.loadAddr)));
  ram.load(loadEnd, new Uint8Array(bssEnd - loadEnd));
  return [header.loadAddr, bssEnd, header.entryAddr];
}

/** Bump allocator for the information area in low memory. */
class InfoArea {
  private next = INFO_ADDRESS;
  constructor(private readonly ram: PhysicalMemory) {}
  allocate(length: number): number {
    const address = this.next;
    this.next = (this.next + length + 3) & ~3;
    if (this.next > INFO_AREA_END) throw new MultibootError('command line and module names are too long for the boot information area');
    return address;
  }
  string(text: string): number {
    const bytes = new TextEncoder().encode(text);
    const address = this.allocate(bytes.length + 1);
    this.ram.load(address, bytes);
    this.ram.write8(address + bytes.length, 0);
    return address;
  }
}

/**
 * Load a Multiboot kernel (and modules) into `ram` and build its information structure.
 * @param file the kernel file's bytes
 * @param what the name to use in error messages (the file name)
 * @param commandLine the whole command line; QEMU passes "KERNEL-PATH APPEND" (the path as given,
 *   a space, then -append's string), and so does `gate86 machine`
 */
export function loadMultiboot(ram: PhysicalMemory, file: Uint8Array, what: string, commandLine = '', modules: BootModule[] = []): MultibootEntry {
  const header = findHeader(file, what);
  const unknown = header.flags & 0xffff & ~UNDERSTOOD_REQUIREMENTS;
  if (unknown) throw new MultibootError(`${what}: requires Multiboot features gate86 lacks (header flags 0x${unknown.toString(16)})`);
  const [kernelStart, kernelEnd, entry] = header.flags & FLAG_ADDRESS_FIELDS
    ? loadByHeader(ram, file, header, what)
    : loadElf(ram, file, what);

  const area = new InfoArea(ram);
  const info = area.allocate(88); // the structure up to vbe_* fields (spec 3.3)
  for (let i = 0; i < 88; i += 4) ram.write32(info + i, 0);
  let flags = INFO_MEMORY | INFO_CMDLINE | INFO_MEMORY_MAP | INFO_LOADER_NAME;
  const usableTop = ram.size - FIRMWARE_RESERVED_TOP;
  ram.write32(info + 4, EBDA_START >>> 10);              // mem_lower: KiB of conventional memory
  ram.write32(info + 8, (usableTop - ONE_MIB) >>> 10);   // mem_upper: KiB from 1 MiB to the first hole
  ram.write32(info + 16, area.string(commandLine));      // cmdline

  // Modules: page-aligned after the kernel; each entry is mod_start, mod_end, string, reserved.
  if (modules.length > 0) {
    flags |= INFO_MODULES;
    const table = area.allocate(16 * modules.length);
    let next = (kernelEnd + 0xfff) & ~0xfff;
    modules.forEach((module, i) => {
      checkFits(ram, next, module.bytes.length, module.name);
      ram.load(next, module.bytes);
      ram.write32(table + 16 * i, next);
      ram.write32(table + 16 * i + 4, next + module.bytes.length);
      ram.write32(table + 16 * i + 8, area.string(module.name));
      ram.write32(table + 16 * i + 12, 0);
      next = (next + module.bytes.length + 0xfff) & ~0xfff;
    });
    ram.write32(info + 20, modules.length);
    ram.write32(info + 24, table);
  }

  // Memory map (spec 3.3, "mmap_*"): each entry is size (of the rest, 20), base (64-bit),
  // length (64-bit), type (1 = available RAM, 2 = reserved). The PC's holes: the EBDA, the BIOS
  // ROM, and the firmware's top of RAM.
  const ranges: [number, number, number][] = [
    [0, EBDA_START, 1],
    [EBDA_START, 0xa0000 - EBDA_START, 2],
    [0xf0000, 0x10000, 2],
    [ONE_MIB, usableTop - ONE_MIB, 1],
    [usableTop, FIRMWARE_RESERVED_TOP, 2],
  ];
  const map = area.allocate(24 * ranges.length);
  ranges.forEach(([base, length, type], i) => {
    const entry = map + 24 * i;
    ram.write32(entry, 20);
    ram.write32(entry + 4, base); ram.write32(entry + 8, 0);
    ram.write32(entry + 12, length); ram.write32(entry + 16, 0);
    ram.write32(entry + 20, type);
  });
  ram.write32(info + 44, 24 * ranges.length);            // mmap_length
  ram.write32(info + 48, map);                           // mmap_addr
  ram.write32(info + 64, area.string('gate86'));         // boot_loader_name
  ram.write32(info, flags);

  return { eip: entry, eax: MULTIBOOT_BOOTLOADER_MAGIC, ebx: info, codeSelector: 0x10, dataSelector: 0x18, kernelStart, kernelEnd };
}
