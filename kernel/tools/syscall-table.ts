// kernel/syscall_32.tbl -> the guest's sys_call_table, the hypercall stubs and unistd.h.
//
// Linux generates its table from the same file format (scripts/syscalltbl.sh); gate86 does it here:
//   syscall_table.S  `.long sys_NAME` for each number 0..NR_syscalls-1, sys_ni_syscall for every row
//                    without an entry point and every number missing from the file;
//   hypercalls.S     one hypercall stub (`vmcall; ret`) per TypeScript service (the VM maps each stub's
//                    address to its function), so `call *sys_call_table(,%eax,4)` reaches TypeScript like any
//                    asmlinkage function;
//   unistd.h         __NR_name for every row, for the guest assembly.
// NR_syscalls is the highest number in the file + 1, as in Linux.

export interface SyscallRow {
  number: number;
  abi: string;
  name: string;
  /** The entry point symbol (`sys_getuid`), or null: the slot is sys_ni_syscall. */
  entry: string | null;
  line: number;
}

export class SyscallTableError extends Error {}

/** Entry points written in guest assembly (entry.S), not behind a hypercall stub. */
export const ASSEMBLY_ENTRY_POINTS = ['sys_ni_syscall'];

export function parseSyscallTable(text: string, file = 'syscall_32.tbl'): SyscallRow[] {
  const rows: SyscallRow[] = [];
  const seen = new Map<number, number>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/#.*/, '').trim();
    if (content === '') return;
    const fields = content.split(/\s+/);
    if (fields.length < 3 || fields.length > 5) throw new SyscallTableError(`${file}:${line}: expected "<number> <abi> <name> [<entry point>]"`);
    const [numberText, abi, name, entry] = fields as [string, string, string, string | undefined];
    if (!/^\d+$/.test(numberText)) throw new SyscallTableError(`${file}:${line}: bad number "${numberText}"`);
    const number = Number(numberText);
    if (abi !== 'i386') throw new SyscallTableError(`${file}:${line}: abi "${abi}" is not i386`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SyscallTableError(`${file}:${line}: bad name "${name}"`);
    if (entry !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(entry)) throw new SyscallTableError(`${file}:${line}: bad entry point "${entry}"`);
    const previous = seen.get(number);
    if (previous !== undefined) throw new SyscallTableError(`${file}:${line}: number ${number} already on line ${previous}`);
    seen.set(number, line);
    rows.push({ number, abi, name, entry: entry ?? null, line });
  });
  if (rows.length === 0) throw new SyscallTableError(`${file}: no system calls`);
  return rows;
}

/** Linux's NR_syscalls: one past the highest number. */
export function nrSyscalls(rows: readonly SyscallRow[]): number {
  return Math.max(...rows.map((r) => r.number)) + 1;
}

/** The dispatch table, slot by slot: the entry point name for each number. */
export function tableSlots(rows: SyscallRow[]): string[] {
  const slots: string[] = new Array<string>(nrSyscalls(rows)).fill('sys_ni_syscall');
  for (const row of rows) if (row.entry !== null) slots[row.number] = row.entry;
  return slots;
}

/** Every entry point must be a TypeScript service or an assembly routine: checked before linking. */
export function checkEntryPoints(rows: SyscallRow[], services: Iterable<string>, file = 'syscall_32.tbl'): void {
  const known = new Set([...services, ...ASSEMBLY_ENTRY_POINTS]);
  for (const row of rows) {
    if (row.entry !== null && !known.has(row.entry)) {
      throw new SyscallTableError(`${file}:${row.line}: entry point ${row.entry} has no service (add it to kernel/services/)`);
    }
  }
}

export function syscallTableAssembly(rows: SyscallRow[]): string {
  const slots = tableSlots(rows);
  const names = new Map(rows.map((r) => [r.number, r.name]));
  const out = [
    '/* Generated from kernel/syscall_32.tbl by kernel/tools/syscall-table.ts. Do not edit. */',
    '/* entry.S dispatches with `call *sys_call_table(,%eax,4)` after checking eax < NR_syscalls. */',
    '\t.section .rodata',
    '\t.balign 4',
    '\t.globl sys_call_table',
    'sys_call_table:',
  ];
  slots.forEach((entry, number) => out.push(`\t.long ${entry}\t\t/* ${number} ${names.get(number) ?? '(unused)'} */`));
  out.push('\t.size sys_call_table, . - sys_call_table', '');
  // The names, for tracing (--trace syscall prints set_robust_list even though no service exists):
  // sys_call_names[n] points at the table's name for number n, or is 0 for a number with no row.
  out.push(
    '/* sys_call_names[n]: the name kernel/syscall_32.tbl gives number n (0: none), for --trace syscall. */',
    '\t.globl sys_call_names',
    'sys_call_names:',
  );
  slots.forEach((_, number) => out.push(names.has(number) ? `\t.long .Lname_${number}` : '\t.long 0'));
  out.push('\t.size sys_call_names, . - sys_call_names', '\t.globl sys_call_names_end', 'sys_call_names_end:');
  for (const [number, name] of [...names].sort((a, b) => a[0] - b[0])) out.push(`.Lname_${number}:\t.asciz "${name}"`);
  out.push('');
  return out.join('\n');
}

/** One hypercall stub (`vmcall; ret`) per TypeScript function the guest calls (services and the kernel's entry points). */
export function hypercallStubsAssembly(names: string[]): string {
  const out = [
    '/* Generated by kernel/tools/syscall-table.ts: the hypercall stubs into the TypeScript half of the kernel. */',
    '/* Each is called like an asmlinkage C function: its arguments are on the stack (for a system */',
    '/* call, the saved pt_regs); VMCALL at CPL 0 runs the TypeScript function, which leaves its */',
    '/* result in EAX; `ret` returns to the caller. */',
    '\t.text',
    '\t.balign 16',
    '\t.globl __hypercalls_start',
    '__hypercalls_start:',
  ];
  for (const name of [...names].sort()) {
    out.push(`\t.globl ${name}`, `\t.type ${name}, @function`, `${name}:`, '\tvmcall', '\tret', `\t.size ${name}, . - ${name}`);
  }
  out.push('\t.globl __hypercalls_end', '__hypercalls_end:', '');
  return out.join('\n');
}

export function unistdHeader(rows: SyscallRow[]): string {
  const out = [
    '/* Generated from kernel/syscall_32.tbl by kernel/tools/syscall-table.ts. Do not edit. */',
    '#ifndef GATE86_UNISTD_H',
    '#define GATE86_UNISTD_H',
  ];
  for (const row of [...rows].sort((a, b) => a.number - b.number)) out.push(`#define __NR_${row.name} ${row.number}`);
  out.push(`#define NR_syscalls ${nrSyscalls(rows)}`, '#endif', '');
  return out.join('\n');
}
