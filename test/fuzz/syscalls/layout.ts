// Where the system-call fuzzer's cases live, in the record the harness streams to the runner and in
// the runner's children (runner.S gets these numbers as -D defines: they are written only here).
//
// A case record: a header {id, number of calls, 0, 0}, MAX_CALLS call slots of CALL_SIZE bytes
// {number, flags, six arguments}, then BUF_INIT_SIZE bytes the child copies to the start of its buffer.
//
//   BUF_ADDR      the child's buffer: BUF_SIZE bytes, read-write, with nothing mapped right above it,
//                 so a pointer to its last bytes runs off into an unmapped page
//   COUNTER_ADDR  a MAP_SHARED page the runner maps once: the child counts its calls there, so the
//                 runner can say how many it made even when a call killed it

import { PAGE_SIZE } from '../../../kernel/layout.ts';

export const MAX_CALLS = 256;
export const HEADER_SIZE = 16;
export const CALL_SIZE = 32;
export const BUF_INIT_SIZE = PAGE_SIZE;
export const RECORD_SIZE = HEADER_SIZE + MAX_CALLS * CALL_SIZE + BUF_INIT_SIZE;
export const BUF_ADDR = 0x40000000;
export const BUF_SIZE = 4 * PAGE_SIZE;
export const COUNTER_ADDR = 0x3fff0000;

/** Call flags: bit i (0-5) puts the child's pid in argument i, bit 8+i its negation; VSYSCALL picks the door. */
export const FLAG_PID = 0x1;
export const FLAG_NEG_PID = 0x100;
export const FLAG_VSYSCALL = 0x10000;

/** The child's ticker (ITIMER_REAL, every TICK_US): a blocked call ends with EINTR and the next one runs. */
export const TICK_US = 2000;
/** The runner's limit for a whole case (modelled time): then it kills every process but itself. */
export const CASE_TIMEOUT_US = 500_000;
/** The runner's first record: this magic and 0. */
export const HELLO_MAGIC = 0x5a465353;
/** Words in the runner's result record: id, wait status, calls started, calls that succeeded, timed out. */
export const RESULT_WORDS = 5;

/** The -D defines runner.S is assembled with. */
export function runnerDefines(): Map<string, string> {
  const hex = (v: number): string => '0x' + v.toString(16);
  return new Map(Object.entries({
    PAGE_SIZE: String(PAGE_SIZE), MAX_CALLS: String(MAX_CALLS), HEADER_SIZE: String(HEADER_SIZE), CALL_SIZE: String(CALL_SIZE),
    BUF_INIT_SIZE: String(BUF_INIT_SIZE), BUF_ADDR: hex(BUF_ADDR), BUF_SIZE: String(BUF_SIZE), COUNTER_ADDR: hex(COUNTER_ADDR),
    FLAG_VSYSCALL: hex(FLAG_VSYSCALL), TICK_US: String(TICK_US), CASE_TIMEOUT_US: String(CASE_TIMEOUT_US), HELLO_MAGIC: hex(HELLO_MAGIC),
  }));
}
