// A system-call case: the calls a child of the runner makes, one after another, and the first bytes
// of its buffer; the record that carries it to the runner (layout.ts, runner.S); and the case as a
// corpus file (test/fuzz/corpus/syscalls/*.json), readable: names, hex arguments.

import { BUF_INIT_SIZE, CALL_SIZE, FLAG_NEG_PID, FLAG_PID, FLAG_VSYSCALL, HEADER_SIZE, MAX_CALLS, RECORD_SIZE } from './layout.ts';

export type Door = 'int80' | 'vsyscall';
/** An argument: a number, or the child's pid (or its negation), known only once it runs. */
export type Argument = number | 'pid' | '-pid';

export interface SyscallCall {
  nr: number;
  door: Door;
  args: Argument[];
}

export interface SyscallCase {
  calls: SyscallCall[];
  /** The first BUF_INIT_SIZE bytes of the child's buffer (paths, timespecs, iovecs, random bytes). */
  buffer: Uint8Array;
}

/** The runner's record for a case. */
export function caseRecord(c: SyscallCase, id: number): Uint8Array {
  if (c.calls.length > MAX_CALLS) throw new Error(`a case has at most ${MAX_CALLS} calls, not ${c.calls.length}`);
  const record = new Uint8Array(RECORD_SIZE);
  const view = new DataView(record.buffer);
  view.setUint32(0, id >>> 0, true);
  view.setUint32(4, c.calls.length, true);
  for (const [i, call] of c.calls.entries()) {
    const at = HEADER_SIZE + i * CALL_SIZE;
    let flags = call.door === 'vsyscall' ? FLAG_VSYSCALL : 0;
    view.setUint32(at, call.nr >>> 0, true);
    for (let a = 0; a < 6; a++) {
      const arg = call.args[a] ?? 0;
      if (arg === 'pid') flags |= FLAG_PID << a;
      else if (arg === '-pid') flags |= FLAG_NEG_PID << a;
      else view.setUint32(at + 8 + 4 * a, arg >>> 0, true);
    }
    view.setUint32(at + 4, flags >>> 0, true);
  }
  record.set(c.buffer.subarray(0, BUF_INIT_SIZE), HEADER_SIZE + MAX_CALLS * CALL_SIZE);
  return record;
}

// ---------------------------------------------------------------------------------------------
// Cases as files.

export interface SyscallCaseFile {
  /** Each call: "name(arg, ...) via door", the number first for calls outside the table. */
  calls: { nr: number; name: string; door: Door; args: string[] }[];
  /** The buffer's first bytes, hex (trailing zeros dropped). */
  buffer: string;
}

const argText = (a: Argument): string => (typeof a === 'number' ? '0x' + (a >>> 0).toString(16) : a);
const argValue = (t: string): Argument => (t === 'pid' || t === '-pid' ? t : Number(t) >>> 0);

export function caseToJson(c: SyscallCase, nameOf: (nr: number) => string): SyscallCaseFile {
  let end = c.buffer.length;
  while (end > 0 && c.buffer[end - 1] === 0) end--;
  return {
    calls: c.calls.map((call) => ({ nr: call.nr, name: nameOf(call.nr), door: call.door, args: call.args.map(argText) })),
    buffer: Buffer.from(c.buffer.subarray(0, end)).toString('hex'),
  };
}

export function caseFromJson(f: SyscallCaseFile): SyscallCase {
  const buffer = new Uint8Array(BUF_INIT_SIZE);
  buffer.set(Buffer.from(f.buffer, 'hex').subarray(0, BUF_INIT_SIZE));
  return { calls: f.calls.map((c) => ({ nr: c.nr, door: c.door, args: c.args.map(argValue) })), buffer };
}
