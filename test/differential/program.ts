// One batch of differential cases as one i386 ELF, run on the oracle.
//
// The batch program runs every case in turn. For case N it
//   1. copies the case's scratch bytes (from an .incbin blob) into the scratch area,
//   2. loads EFLAGS and every GPR from the case's state block (POPAL, POPFL, then ESP),
//   3. runs the snippet, between the labels s_N and e_N,
//   4. saves ESP, switches to its own stack, PUSHFL/PUSHAL, and appends a record to an output buffer.
// A snippet that faults (#DE -> SIGFPE, #UD -> SIGILL, #GP -> SIGSEGV ...) lands in a signal handler
// running on an alternate stack; it appends a record made from the signal's ucontext (the registers
// at the fault, the trap number, the faulting EIP) and jumps on to case N+1. SA_NODEFER keeps the
// signal unblocked although the handler never returns. At the end the buffer goes to stdout.
//
// gate86 never runs this driver: it runs only the bytes between s_N and e_N, taken from the ELF.

import { readFileSync } from 'node:fs';
import { readElf, readSymbolTable } from '../../vm/elf/reader.ts';
import { assembleI386, runI386Elf, type OracleKind } from '../support/i386-oracle.ts';
import type { Case } from './case.ts';
import { SCRATCH_BASE, SCRATCH_SIZE, TEXT_BASE, type CaseResult, type MachineState } from './layout.ts';

/** Record: status, trapno, fault eip, eax ecx edx ebx esp ebp esi edi, eflags, then the scratch area. */
const RECORD_WORDS = 12;
export const RECORD_SIZE = RECORD_WORDS * 4 + SCRATCH_SIZE;
/** State block, in POPAL order then EFLAGS and ESP: edi esi ebp (unused) ebx edx ecx eax eflags esp. */
const STATE_SIZE = 40;

const SIGNALS_CAUGHT = [4, 5, 7, 8, 11]; // SIGILL SIGTRAP SIGBUS SIGFPE SIGSEGV

function driverPrologue(caseCount: number): string {
  const handlerSetup = SIGNALS_CAUGHT.map((sig) => `
  movl $174, %eax            # rt_sigaction(${sig}, &action, 0, 8)
  movl $${sig}, %ebx
  movl $action, %ecx
  xorl %edx, %edx
  movl $8, %esi
  int $0x80
  testl %eax, %eax
  jnz setup_failed`).join('\n');
  return `
  .section .scratch,"aw",@nobits
scratch: .space ${SCRATCH_SIZE}

  .data
  .p2align 2
outptr: .long outbuf
resume: .long 0
saved_esp: .long 0
action:                      # struct sigaction for rt_sigaction: handler, flags, restorer, mask
  .long on_signal
  .long 0x48000004           # SA_NODEFER | SA_ONSTACK | SA_SIGINFO
  .long 0
  .long 0, 0
altstack:                    # stack_t: ss_sp, ss_flags, ss_size
  .long signal_stack, 0, 65536
states:
  .incbin "states.bin"
inits:
  .incbin "inits.bin"

  .bss
  .p2align 4
signal_stack: .space 65536
  .space 4096
driver_stack_top:
  .space 64
save_top:
outbuf: .space ${caseCount * RECORD_SIZE}

  # The code lives in its own writable section ("awx"), so that self-modifying snippets can store to
  # their own instructions on the oracle too (ld warns about the RWX segment; that is intended).
  .section .cases,"awx",@progbits
  .globl _start
_start:
  movl $driver_stack_top, %esp
  movl $186, %eax            # sigaltstack(&altstack, 0)
  movl $altstack, %ebx
  xorl %ecx, %ecx
  int $0x80
  testl %eax, %eax
  jnz setup_failed
${handlerSetup}
  jmp case_0

setup_failed:
  movl $1, %eax
  movl $99, %ebx
  int $0x80

# Append a record for a case that completed: registers from the PUSHAL/PUSHFL below save_top.
record_completed:
  cld
  movl outptr, %edi
  xorl %eax, %eax
  stosl                      # status 0: completed
  stosl                      # trap number
  stosl                      # fault eip
  movl save_top-8, %eax; stosl     # eax (PUSHAL order: eax ecx edx ebx esp ebp esi edi, downwards)
  movl save_top-12, %eax; stosl    # ecx
  movl save_top-16, %eax; stosl    # edx
  movl save_top-20, %eax; stosl    # ebx
  movl saved_esp, %eax; stosl      # esp as the snippet left it
  movl save_top-28, %eax; stosl    # ebp
  movl save_top-32, %eax; stosl    # esi
  movl save_top-36, %eax; stosl    # edi
  movl save_top-4, %eax; stosl     # eflags
  movl $scratch, %esi
  movl $${SCRATCH_SIZE / 4}, %ecx
  rep movsl
  movl %edi, outptr
  ret

# A fault in a snippet: on_signal(sig, info, ucontext) on the alternate stack.
on_signal:
  cld
  movl 12(%esp), %ebx        # ucontext; its mcontext starts at offset 20
  movl outptr, %edi
  movl 4(%esp), %eax; stosl  # status: the signal number
  movl 68(%ebx), %eax; stosl # trapno
  movl 76(%ebx), %eax; stosl # eip
  movl 64(%ebx), %eax; stosl # eax
  movl 60(%ebx), %eax; stosl # ecx
  movl 56(%ebx), %eax; stosl # edx
  movl 52(%ebx), %eax; stosl # ebx
  movl 48(%ebx), %eax; stosl # esp
  movl 44(%ebx), %eax; stosl # ebp
  movl 40(%ebx), %eax; stosl # esi
  movl 36(%ebx), %eax; stosl # edi
  movl 84(%ebx), %eax; stosl # eflags
  movl $scratch, %esi
  movl $${SCRATCH_SIZE / 4}, %ecx
  rep movsl
  movl %edi, outptr
  movl $driver_stack_top, %esp
  jmp *resume

finish:
  movl $driver_stack_top, %esp
  movl $outbuf, %ecx
1:movl outptr, %edx
  subl %ecx, %edx
  jz 2f
  movl $4, %eax              # write(1, ...) until all is out
  movl $1, %ebx
  int $0x80
  testl %eax, %eax
  jle setup_failed
  addl %eax, %ecx
  jmp 1b
2:movl $1, %eax
  xorl %ebx, %ebx
  int $0x80
`;
}

function caseCode(n: number, snippet: string): string {
  return `
case_${n}:
  movl $case_${n + 1}, resume
  cld
  movl $inits+${n * SCRATCH_SIZE}, %esi
  movl $scratch, %edi
  movl $${SCRATCH_SIZE / 4}, %ecx
  rep movsl
  movl $states+${n * STATE_SIZE}, %esp
  popal
  popfl
  movl (%esp), %esp
s_${n}:
${snippet}
e_${n}:
  movl %esp, saved_esp
  movl $save_top, %esp
  pushfl
  pushal
  call record_completed
`;
}

function stateBlock(s: MachineState): number[] {
  return [s.edi, s.esi, s.ebp, 0, s.ebx, s.edx, s.ecx, s.eax, s.eflags, s.esp];
}

/** The source and blobs of a batch program. */
export function batchSource(cases: readonly Case[]): { source: string; files: Record<string, Uint8Array> } {
  const states = new Uint32Array(cases.length * (STATE_SIZE / 4));
  const inits = new Uint8Array(cases.length * SCRATCH_SIZE);
  cases.forEach((c, n) => {
    states.set(stateBlock(c.initial), n * (STATE_SIZE / 4));
    inits.set(c.scratch, n * SCRATCH_SIZE);
  });
  const parts = [driverPrologue(cases.length)];
  cases.forEach((c, n) => parts.push(caseCode(n, c.asm)));
  parts.push(`case_${cases.length}:\n  jmp finish\n`);
  return { source: parts.join(''), files: { 'states.bin': new Uint8Array(states.buffer), 'inits.bin': inits } };
}

export interface BuiltBatch {
  elfPath: string;
  /** For each case, the address range of its snippet [start, end). */
  snippets: Array<{ start: number; end: number }>;
  /** The .cases section (driver and snippets): its address and bytes, the code gate86 runs. */
  textAddress: number;
  text: Uint8Array;
  /** The pages the batch ELF's PT_LOAD segments map: the oracle process's whole world below its stack. */
  regions: Array<{ address: number; size: number; writable: boolean }>;
}

/** Assemble and link a batch (cached by content), and find each snippet's bytes in it. */
export function buildBatch(cases: readonly Case[]): BuiltBatch {
  const { source, files } = batchSource(cases);
  const elfPath = assembleI386(source, {
    files,
    ldArgs: ['--no-warn-rwx-segments', `--section-start=.cases=0x${TEXT_BASE.toString(16)}`, `--section-start=.scratch=0x${SCRATCH_BASE.toString(16)}`],
  });
  const elf = readElf(new Uint8Array(readFileSync(elfPath)), elfPath);
  const symbols = new Map(readSymbolTable(elf).map((s) => [s.name, s.value]));
  if (symbols.get('scratch') !== SCRATCH_BASE) throw new Error(`batch ELF: scratch is at ${symbols.get('scratch')}, not ${SCRATCH_BASE}`);
  const text = elf.sections.find((s) => s.name === '.cases');
  if (!text || text.addr !== TEXT_BASE) throw new Error(`batch ELF has no .cases section at 0x${TEXT_BASE.toString(16)}`);
  const snippets = cases.map((_, n) => {
    const start = symbols.get(`s_${n}`);
    const end = symbols.get(`e_${n}`);
    if (start === undefined || end === undefined) throw new Error(`batch ELF lacks s_${n}/e_${n}`);
    return { start, end };
  });
  const PT_LOAD = 1, PF_W = 2;
  const regions = elf.segments.filter((p) => p.type === PT_LOAD && p.memsz > 0)
    .map((p) => ({ address: p.vaddr, size: p.memsz, writable: (p.flags & PF_W) !== 0 }));
  return { elfPath, snippets, textAddress: text.addr, text: text.data, regions };
}

/** Run a built batch on the oracle and decode its records. */
export function runBatchOnOracle(batch: BuiltBatch, caseCount: number, oracle: OracleKind): { oracle: OracleKind; results: CaseResult[] } {
  const run = runI386Elf(batch.elfPath, [], { timeoutMs: 120_000, oracle });
  if (run.status !== 0) {
    throw new Error(`batch program ${batch.elfPath} ended with status ${run.status} signal ${run.signal} on ${run.oracle}: ${run.stderr.trim()}`);
  }
  if (run.stdout.length !== caseCount * RECORD_SIZE) {
    throw new Error(`batch program wrote ${run.stdout.length} bytes, expected ${caseCount} records of ${RECORD_SIZE}`);
  }
  const view = new DataView(run.stdout.buffer, run.stdout.byteOffset, run.stdout.byteLength);
  const results: CaseResult[] = [];
  for (let n = 0; n < caseCount; n++) {
    const base = n * RECORD_SIZE;
    const w = (i: number): number => view.getUint32(base + i * 4, true);
    const state: MachineState = { eax: w(3), ecx: w(4), edx: w(5), ebx: w(6), esp: w(7), ebp: w(8), esi: w(9), edi: w(10), eflags: w(11) };
    const scratch = new Uint8Array(run.stdout.subarray(base + RECORD_WORDS * 4, base + RECORD_SIZE));
    const status = w(0);
    results.push({
      outcome: status === 0 ? { kind: 'completed' } : { kind: 'fault', vector: signalToVector(status, w(1)), eip: w(2) },
      state,
      scratch,
    });
  }
  return { oracle: run.oracle, results };
}

/**
 * The exception vector behind a signal. The ucontext's trap number says it directly on a real
 * kernel, but qemu-i386 fills it in only for some exceptions, so the signal decides where it can:
 * SIGFPE comes from #DE in integer code (and #XM in SSE code), SIGILL only from #UD.
 */
function signalToVector(signal: number, trapno: number): number {
  const known = trapno >>> 0 < 32 ? trapno : -1;
  switch (signal) {
    case 8: return known >= 0 ? known : 0; // SIGFPE: #DE, #MF or #XM (qemu-i386 may leave trapno unset: #DE)
    case 4: return 6; // SIGILL: #UD (qemu-i386 leaves trapno at -1 for it)
    case 5: return known >= 0 ? known : 3; // SIGTRAP: #BP from INT3, or #DB
    default: return known >= 0 ? known : 13; // SIGSEGV/SIGBUS: #GP unless the trap number says otherwise
  }
}
