// Where a ring-3 case lives in the child's address space, and the record that carries it to the
// runner (runner.S, which gets these numbers as -D defines: they are written only here).
//
//   H_ADDR     the header page: the case header at its start, the stack POPF uses above it
//   P_ADDR     the trampoline page: the trampoline at its very end, written once (at the runner's
//              start) and read-only from then on, so every child runs the same frame and gate86's
//              code cache (keyed by physical address) and qemu's keep its blocks from case to case
//   CODE_ADDR  the code page, right after it: execution falls from the trampoline into it
//   DATA_ADDR  the data page: the registers mostly point into it (its neighbour above is unmapped,
//              the code page below is read-only, so accesses that run off it fault)
//   EXIT_ADDR  the exit page, far away: a case that reaches its end jumps there
//
// The addresses are plain user addresses on every oracle: below gate86's TASK_SIZE (0xC0000000),
// clear of the runner at 0x08048000 and of where the kernels put mmap areas and stacks.

import { PAGE_SIZE } from '../../../kernel/layout.ts';

export const RUNNER_BASE = 0x08048000;
export const H_ADDR = 0x28000000;
export const P_ADDR = 0x20000000;
export const CODE_ADDR = P_ADDR + 0x1000;
export const DATA_ADDR = P_ADDR + 0x2000;
export const EXIT_ADDR = 0x30000000;
export const CODE_SIZE = PAGE_SIZE;
export const DATA_SIZE = PAGE_SIZE;
/** The header: id, then EDX ESI EDI EBP ESP EFLAGS. */
export const HEADER_SIZE = 28;
export const RECORD_SIZE = HEADER_SIZE + CODE_SIZE + DATA_SIZE;
/** Header-page offset the runner uses: the top of the popf stack. */
export const H_STACK_TOP = 0x200;
/**
 * The timer each child arms (ITIMER_VIRTUAL, else ITIMER_REAL): a case still running after this
 * long ends by its signal. Random code either ends almost at once or never: in 120,000 cases
 * (seeds 7 and 20261205) every case that ended by itself did so within 0.62 ms of gate86's modelled
 * time (under 300,000 cycles of the 450 MHz Pentium III), and every other ran until its timer,
 * whatever the timer was. 5 ms keeps eight times that margin; the loops that do run to it are most
 * of the fuzzer's cost (at 20 ms, 0.3% of the cases took half of gate86's time), so it is no longer.
 */
export const TIMEOUT_US = 5_000;
/** gate86's kernel fires ITIMER_REAL at the first timer tick after it is due (HZ = 100). */
export const TICK_US = 10_000;
/** The runner's first record: this magic, then what setitimer answered. */
export const HELLO_MAGIC = 0x5a463352;

/** The -D defines runner.S is assembled with. */
export function runnerDefines(): Map<string, string> {
  const hex = (v: number): string => '0x' + v.toString(16);
  return new Map(Object.entries({
    PAGE_SIZE: String(PAGE_SIZE), RUNNER_BASE: hex(RUNNER_BASE), H_ADDR: hex(H_ADDR), P_ADDR: hex(P_ADDR), CODE_ADDR: hex(CODE_ADDR), DATA_ADDR: hex(DATA_ADDR),
    EXIT_ADDR: hex(EXIT_ADDR), CODE_SIZE: String(CODE_SIZE), DATA_SIZE: String(DATA_SIZE), HEADER_SIZE: String(HEADER_SIZE),
    H_STACK_TOP: hex(H_STACK_TOP), TIMEOUT_US: String(TIMEOUT_US),
  }));
}
