// A ring-3 case: the registers a program starts with, its code and its data page, and the record
// that carries them to the runner (layout.ts, runner.S).
//
// The code page is the case's code between a prologue that loads EAX, EBX and ECX (the trampoline's
// last system call uses those three) and a jump to the exit page, then HLT to the end of the page.
// Before it goes out, every page the case can execute is stripped of the three instructions that
// enter a kernel from ring 3 — `int $0x80` (CD 80), `sysenter` (0F 34), `syscall` (0F 05) — at
// every byte offset, so that random code never makes a system call, whichever byte it jumps to.

import { CODE_ADDR, CODE_SIZE, DATA_SIZE, EXIT_ADDR, HEADER_SIZE, RECORD_SIZE } from './layout.ts';

export const REGISTERS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export type Register = (typeof REGISTERS)[number];
export type Registers = Record<Register, number> & { eflags: number };

export interface Ring3Case {
  /** Which generator made it ('bytes': random bytes; 'forms': instructions from the ISA table). */
  kind: 'bytes' | 'forms';
  regs: Registers;
  /** The case's own code (without the prologue and the jump to the exit page). */
  code: Uint8Array;
  data: Uint8Array;
  /**
   * Whether the exit status (the registers folded into a byte) can be compared with the oracle:
   * not for random bytes, whose flags may be undefined anywhere, nor for code that reads what
   * differs between an i386 Linux and this host by design (selector values, CPUID, the TSC ...).
   */
  compareExitCode: boolean;
  /** What in the case made its result depend on the machine it runs on ('' when nothing). */
  environment: string;
}

const MOV_EAX = 0xb8, MOV_EBX = 0xbb, MOV_ECX = 0xb9, JMP_REL32 = 0xe9, HLT = 0xf4;

/** The byte pairs that enter the kernel from ring 3, and what the second byte becomes. */
const SYSTEM_CALL_PAIRS: ReadonlyArray<[number, number, number]> = [
  [0xcd, 0x80, 0x81],   // int $0x80 -> int $0x81 (#GP: the gate is DPL 0)
  [0x0f, 0x34, 0x35],   // sysenter  -> sysexit (#GP at CPL 3)
  [0x0f, 0x05, 0x06],   // syscall   -> clts (#GP at CPL 3)
];

/** Per byte value: the pairs of SYSTEM_CALL_PAIRS that start with it (most bytes start none). */
const PAIRS_BY_FIRST: ReadonlyArray<ReadonlyArray<readonly [number, number]>> = Array.from({ length: 256 }, (_, b) =>
  SYSTEM_CALL_PAIRS.filter(([first]) => first === b).map(([, second, replacement]) => [second, replacement] as const));

/**
 * Break every system-call instruction in `bytes`, at every offset. Returns how many it broke.
 * (No replacement byte starts a pair, so one pass from the front breaks them all.) Two pages go
 * through here for every case the fuzzer makes: it looks up the pairs a byte starts instead of
 * trying every pair at every byte, which cost a third of the time it takes to generate a case.
 */
export function stripSystemCalls(bytes: Uint8Array): number {
  let broken = 0;
  for (let i = 0; i + 1 < bytes.length; i++) {
    const pairs = PAIRS_BY_FIRST[bytes[i]!]!;
    for (let k = 0; k < pairs.length; k++) {
      const [second, replacement] = pairs[k]!;
      if (bytes[i + 1] === second) {
        bytes[i + 1] = replacement;
        broken++;
      }
    }
  }
  return broken;
}

function put32(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value >>> 0, true);
}

/** The code page as the runner maps it (written into `page`, CODE_SIZE bytes, when given). */
export function codePage(c: Ring3Case, page = new Uint8Array(CODE_SIZE)): Uint8Array {
  page.fill(HLT);
  let p = 0;
  for (const [opcode, value] of [[MOV_EAX, c.regs.eax], [MOV_EBX, c.regs.ebx], [MOV_ECX, c.regs.ecx]] as const) {
    page[p] = opcode;
    put32(page, p + 1, value);
    p += 5;
  }
  const room = CODE_SIZE - p - 5;
  page.set(c.code.subarray(0, room), p);
  p += Math.min(c.code.length, room);
  page[p] = JMP_REL32;
  put32(page, p + 1, EXIT_ADDR - (CODE_ADDR + p + 5));
  stripSystemCalls(page);
  return page;
}

/** The runner's record for a case. */
export function caseRecord(c: Ring3Case, id: number): Uint8Array {
  const record = new Uint8Array(RECORD_SIZE);
  const header = [id, c.regs.edx, c.regs.esi, c.regs.edi, c.regs.ebp, c.regs.esp, c.regs.eflags];
  header.forEach((v, i) => put32(record, i * 4, v));
  // Both pages are built in place: the judging thread makes a record for every case.
  codePage(c, record.subarray(HEADER_SIZE, HEADER_SIZE + CODE_SIZE));
  const data = record.subarray(HEADER_SIZE + CODE_SIZE, HEADER_SIZE + CODE_SIZE + DATA_SIZE);
  data.set(c.data.subarray(0, DATA_SIZE));
  stripSystemCalls(data);
  return record;
}

// ---------------------------------------------------------------------------------------------
// Cases as files (test/fuzz/corpus/ring3/*.json): hex for the bytes, so a reader sees the code.

export interface Ring3CaseFile {
  kind: Ring3Case['kind'];
  regs: Registers;
  code: string;
  /** The data page, or '' for a page of zeros. */
  data: string;
  compareExitCode: boolean;
  environment: string;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function caseToJson(c: Ring3Case): Ring3CaseFile {
  const zeros = c.data.every((b) => b === 0);
  return { kind: c.kind, regs: c.regs, code: hex(c.code), data: zeros ? '' : hex(c.data), compareExitCode: c.compareExitCode, environment: c.environment };
}

export function caseFromJson(f: Ring3CaseFile): Ring3Case {
  return {
    kind: f.kind, regs: { ...f.regs }, code: new Uint8Array(Buffer.from(f.code, 'hex')),
    data: f.data === '' ? new Uint8Array(DATA_SIZE) : new Uint8Array(Buffer.from(f.data, 'hex')),
    compareExitCode: f.compareExitCode, environment: f.environment,
  };
}
