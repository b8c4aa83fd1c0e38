// Small pieces several graders share: the system call table of the copy, trace lines, and output
// matching with a readable detail when it does not match.
import { parseSyscallTable, type SyscallRow } from '../kernel/tools/syscall-table.ts';
import type { CheckResult, LabContext, RunOutcome } from './lab.ts';

/** The numbers a lab's new system calls take (kernel/syscall_32.tbl explains why). */
export const LAB_NUMBERS = { first: 1000, last: 1099 };

/** The copy's table rows, or an error text. */
export function tableRows(ctx: LabContext): SyscallRow[] | string {
  const text = ctx.read('kernel/syscall_32.tbl');
  if (text === null) return 'kernel/syscall_32.tbl is missing';
  try {
    return parseSyscallTable(text);
  } catch (error) {
    return (error as Error).message;
  }
}

/** The row named `name` with entry point `entry` in the lab range, or why not. */
export function labRow(ctx: LabContext, name: string, entry: string): CheckResult & { row?: SyscallRow } {
  const rows = tableRows(ctx);
  if (typeof rows === 'string') return { ok: false, detail: rows };
  const row = rows.find((r) => r.name === name);
  if (row === undefined) return { ok: false, detail: `no row named ${name} in kernel/syscall_32.tbl` };
  if (row.number < LAB_NUMBERS.first || row.number > LAB_NUMBERS.last) {
    return { ok: false, detail: `${name} is number ${row.number}; a lab's call takes one of ${LAB_NUMBERS.first}-${LAB_NUMBERS.last}` };
  }
  if (row.entry !== entry) return { ok: false, detail: `the row's entry point is ${row.entry ?? '(none: sys_ni_syscall)'}, not ${entry}` };
  return { ok: true, row };
}

/** `syscall N name(args) = result [door]` lines of `--trace syscall`. */
export interface TracedCall { number: number; name: string; args: string; result: number; door: string }

export function tracedCalls(lines: string[]): TracedCall[] {
  const calls: TracedCall[] = [];
  for (const line of lines) {
    const m = /^syscall (\d+) (\w+)\((.*)\) = (-?\d+) \[(.*)\]$/.exec(line);
    if (m) calls.push({ number: Number(m[1]), name: m[2]!, args: m[3]!, result: Number(m[4]), door: m[5]! });
  }
  return calls;
}

/** Every pattern must match the output; the detail shows the output and the first that did not. */
export function outputMatches(run: RunOutcome | { stdout: string; status: number | null }, patterns: RegExp[], what = 'the program printed'): CheckResult {
  for (const p of patterns) {
    if (!p.test(run.stdout)) {
      return { ok: false, detail: `${what} (exit status ${run.status}):\n${run.stdout.trimEnd() || '(nothing)'}\nwhich does not match ${p}` };
    }
  }
  return { ok: true };
}

/** What the boot log says head.S decided: the stub it mapped and the wrmsr it did (in order). */
export function bootDecisions(lines: string[]): { stub: 'sysenter' | 'syscall' | 'int $0x80' | null; wrmsr: string[]; cpu: string | null } {
  const vsyscall = lines.find((l) => l.startsWith('vsyscall: '));
  const stub = vsyscall === undefined ? null : /with the sysenter stub/.test(vsyscall) ? 'sysenter' : /with the syscall stub/.test(vsyscall) ? 'syscall'
    : /with the int \$0x80 stub/.test(vsyscall) ? 'int $0x80' : null;
  return { stub, wrmsr: lines.filter((l) => l.startsWith('wrmsr ')), cpu: lines.find((l) => l.startsWith('CPU: ')) ?? null };
}
