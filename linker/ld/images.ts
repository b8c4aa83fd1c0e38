// The three images gate86 links, each as a link script in the model of script.ts. Each mirrors the
// GNU ld script it is named after, so a reader can hold them side by side:
//
//   exec              ld's default for `ld -m elf_i386` (with -z separate-code, binutils' default on
//                     Linux): headers in a read-only page at 0x08048000, then text, read-only data
//                     and data each starting a new page so each gets its own permissions.
//   vsyscall-dso      Linux 2.6's arch/i386/kernel/vsyscall.lds: linux-gate.so.1 at 0xffffe000,
//                     dynamic tables under the headers, code at exactly 0xffffe400, all in one page.
//   multiboot-kernel  Linux 2.6's arch/i386/kernel/vmlinux.lds: code and data at 0xC0100000 and up
//                     (where the kernel runs once paging maps it high), loaded at 0x100000 (AT(),
//                     LMA = VMA - 0xC0000000), plus a Multiboot v1 header so QEMU and GRUB boot it.

import { PF_R, PF_W, PF_X, PT_DYNAMIC, PT_LOAD } from '../../vm/elf/format.ts';
import {
  add, addr, alignDot, define, dot, input, long, num, provide, setDot, sizeofHeaders, sorted, sub, sym,
} from './script.ts';
import type { Expr, LinkScript, OutputSectionSpec, SectionBodyItem, Statement } from './script.ts';

export type ImageKind = 'exec' | 'vsyscall-dso' | 'multiboot-kernel';
export const IMAGE_KINDS: ImageKind[] = ['exec', 'vsyscall-dso', 'multiboot-kernel'];

const PAGE = 0x1000;

export interface ImageOptions {
  /** -e: the entry symbol (default `_start`; the DSO's is `__kernel_vsyscall`). */
  entry?: string;
  /** -Ttext=ADDR: the virtual address of .text. */
  textAddress?: number;
  /** The kernel only: write the Multiboot header here (default: unless an input has a .multiboot section). */
  multibootHeader?: boolean;
  /** The kernel only: set the a.out-kludge flag so loaders use the header's addresses (default true). */
  aoutKludge?: boolean;
}

const section = (name: string, body: SectionBodyItem[], extra: Partial<OutputSectionSpec> = {}): OutputSectionSpec =>
  ({ kind: 'output', name, body, ...extra });
const NOP_FILL = 0x90909090;

/** ld's default script for a static i386 executable. */
export function execScript(options: ImageOptions = {}): LinkScript {
  const base = options.textAddress !== undefined ? Math.max(0, Math.floor(options.textAddress / PAGE) * PAGE - PAGE) : 0x08048000;
  const textStart: Expr = options.textAddress !== undefined ? num(options.textAddress) : alignDot(PAGE);
  const statements: Statement[] = [
    setDot(add(num(base), sizeofHeaders)),
    setDot(textStart),
    section('.text', [
      input('.text.unlikely', '.text.*_unlikely', '.text.unlikely.*'),
      input('.text.exit', '.text.exit.*'),
      input('.text.startup', '.text.startup.*'),
      input('.text.hot', '.text.hot.*'),
      input('.text', '.stub', '.text.*'),
    ], { fill: NOP_FILL }),
    provide('__etext'), provide('_etext'), provide('etext'),
    setDot(alignDot(PAGE)),
    section('.rodata', [input('.rodata', '.rodata.*', '.gnu.linkonce.r.*')]),
    section('.eh_frame', [input('.eh_frame', '.eh_frame.*')]),
    setDot(alignDot(PAGE)),
    // Constructors and destructors: a C runtime calls every pointer between the start and end
    // symbols (only defined if something refers to them, so programs without a runtime see nothing).
    section('.preinit_array', [provide('__preinit_array_start'), input('.preinit_array'), provide('__preinit_array_end')]),
    section('.init_array', [provide('__init_array_start'), sorted('.init_array.*', '.ctors.*'), input('.init_array', '.ctors'), provide('__init_array_end')]),
    section('.fini_array', [provide('__fini_array_start'), sorted('.fini_array.*', '.dtors.*'), input('.fini_array', '.dtors'), provide('__fini_array_end')]),
    section('.data', [input('.data', '.data.*', '.gnu.linkonce.d.*')]),
    define('_edata'), provide('edata'),
    define('__bss_start'),
    section('.bss', [input('.dynbss'), input('.bss', '.bss.*', '.gnu.linkonce.b.*'), input('COMMON')]),
    setDot(alignDot(4)),
    define('_end'), provide('end'),
  ];
  return {
    outputType: 'exec', entry: options.entry ?? '_start', statements, pageSize: PAGE, gnuStack: true,
    headersAddress: options.textAddress !== undefined && options.textAddress < PAGE ? undefined : num(base),
  };
}

/** The address Linux maps the vsyscall page at, and where its code starts inside it. */
export const VSYSCALL_BASE = 0xffffe000;
export const VSYSCALL_TEXT = 0xffffe400;
/** The whole DSO file is copied into the one page the kernel maps, so it must fit there. */
export const VSYSCALL_PAGE_SIZE = 0x1000;

/** linux-gate.so.1: the vsyscall page's shared object. */
export function vsyscallScript(options: ImageOptions = {}): LinkScript {
  const text = options.textAddress ?? VSYSCALL_TEXT;
  return {
    outputType: 'dyn',
    entry: options.entry ?? '__kernel_vsyscall',
    headersAddress: num(VSYSCALL_BASE),
    statements: [
      setDot(add(num(VSYSCALL_BASE), sizeofHeaders)),
      section('.hash', [input('.hash')], { segments: ['text'] }),
      section('.dynsym', [input('.dynsym')]),
      section('.dynstr', [input('.dynstr')]),
      section('.dynamic', [input('.dynamic')], { segments: ['text', 'dynamic'] }),
      // User space calls AT_SYSINFO = 0xffffe400, so the code must start exactly there.
      setDot(num(text)),
      section('.text', [input('.text', '.text.*')], { segments: ['text'], fill: NOP_FILL }),
      // The page is mapped read-only: data has nowhere to live, so it simply follows the code.
      section('.useless', [input('.rodata', '.rodata.*', '.data', '.data.*', '.bss', '.bss.*', 'COMMON')]),
    ],
    segments: [
      { name: 'text', type: PT_LOAD, flags: PF_R | PF_X, includeHeaders: true },
      { name: 'dynamic', type: PT_DYNAMIC, flags: PF_R, includeHeaders: false },
    ],
    shared: { soname: 'linux-gate.so.1', exports: ['__kernel_vsyscall', '__kernel_sigreturn', '__kernel_rt_sigreturn'] },
    pageSize: PAGE,
  };
}

/** Where the kernel runs (virtual) and where it is loaded (physical): Linux's PAGE_OFFSET and 1 MiB. */
export const KERNEL_PAGE_OFFSET = 0xc0000000;
export const KERNEL_PHYSICAL_START = 0x100000;
export const MULTIBOOT_MAGIC = 0x1badb002;
/** Multiboot header flags: bit 0 align modules on pages, bit 1 give us the memory map, bit 16 a.out kludge. */
export const MULTIBOOT_PAGE_ALIGN = 1 << 0;
export const MULTIBOOT_MEMORY_INFO = 1 << 1;
export const MULTIBOOT_AOUT_KLUDGE = 1 << 16;

/** The kernel image: vmlinux.lds's layout with a Multiboot header at the very start of .text. */
export function kernelScript(options: ImageOptions = {}): LinkScript {
  const physical = (e: Expr): Expr => sub(e, num(KERNEL_PAGE_OFFSET));
  const at = (name: string): Expr => physical(addr(name));
  const entry = options.entry ?? '_start';
  const flags = MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | (options.aoutKludge === false ? 0 : MULTIBOOT_AOUT_KLUDGE);
  // The header is data the linker writes (LONG), so its address fields come from the final layout.
  const header: SectionBodyItem[] = options.multibootHeader === false ? [] : [
    long(num(MULTIBOOT_MAGIC)),
    long(num(flags)),
    long(num((-(MULTIBOOT_MAGIC + flags)) >>> 0)),        // magic + flags + checksum = 0
    long(at('.text')),                                     // header_addr: where this header loads
    long(at('.text')),                                     // load_addr: the start of the image
    long(physical(sym('_edata'))),                         // load_end_addr: the end of its bytes
    long(physical(sym('_end'))),                           // bss_end_addr: the end of .bss (zeroed)
    long(sym('phys_startup_32')),                          // entry_addr: physical, paging is off
  ];
  return {
    outputType: 'exec',
    entry: 'phys_startup_32',
    statements: [
      setDot(num(options.textAddress ?? KERNEL_PAGE_OFFSET + KERNEL_PHYSICAL_START)),
      // The boot loader jumps here with paging off, so the entry point is a physical address.
      define('phys_startup_32', physical(sym(entry))),
      define('_text'),
      section('.text', [...header, input('.multiboot'), input('.text.head'), input('.text', '.text.*')],
        { loadAddress: at('.text'), segments: ['text'], fill: NOP_FILL }),
      define('_etext'),
      section('.rodata', [input('.rodata', '.rodata.*')], { loadAddress: at('.rodata') }),
      section('.eh_frame', [input('.eh_frame')], { loadAddress: at('.eh_frame') }),
      setDot(alignDot(PAGE)),
      section('.data', [input('.data', '.data.*')], { loadAddress: at('.data'), segments: ['data'] }),
      define('_edata'),
      setDot(alignDot(4)),
      define('__bss_start'),
      section('.bss', [input('.bss.page_aligned'), input('.bss', '.bss.*'), input('COMMON')], { loadAddress: at('.bss') }),
      setDot(alignDot(4)),
      define('__bss_stop'),
      define('_end'),
      provide('end', dot),
    ],
    segments: [
      { name: 'text', type: PT_LOAD, flags: PF_R | PF_X, includeHeaders: false },
      { name: 'data', type: PT_LOAD, flags: PF_R | PF_W, includeHeaders: false },
    ],
    pageSize: PAGE,
  };
}

export function scriptFor(kind: ImageKind, options: ImageOptions = {}): LinkScript {
  if (kind === 'exec') return execScript(options);
  if (kind === 'vsyscall-dso') return vsyscallScript(options);
  return kernelScript(options);
}
