// The gdb remote stub, driven by the real gdb (Debian's gdb package) in batch mode against
// `gate86 run --gdb`: a breakpoint on sysenter_entry, the registers there, the vsyscall page's
// stub read through the page tables, a stepi over SYSEXIT back to ring 3, a watchpoint, the monitor
// commands — and the program's output and exit status are those of a run without gdb.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { readElf, readSymbolTable } from '../../vm/elf/reader.ts';
import { gdbBatch, KERNEL_ELF, plainRun, root, startGate86, stubAddress } from './support.ts';
import { buildTestProgram } from '../kernel/support.ts';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';

const GETUID = root + 'build/userland/getuid.elf';

function kernelSymbol(name: string): number {
  const symbol = readSymbolTable(readElf(new Uint8Array(readFileSync(KERNEL_ELF)), KERNEL_ELF)).find((s) => s.name === name);
  if (symbol === undefined) throw new Error(`the kernel has no symbol ${name}`);
  return symbol.value >>> 0;
}

/** `info registers` lines as name -> value. */
function registers(output: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const match of output.matchAll(/^(\w+)\s+0x([0-9a-f]+)\s/gm)) values.set(match[1]!, parseInt(match[2]!, 16));
  return values;
}

test('gdb: break at sysenter_entry, CS 0x60 and EIP = IA32_SYSENTER_EIP, x/8i 0xffffe400 shows the stub, stepi over sysexit lands in ring 3; output and status unchanged', async (t) => {
  const plain = plainRun([GETUID]);
  const gate86 = startGate86(['run', '--gdb', '127.0.0.1:0', GETUID]);
  const address = await stubAddress(gate86);
  const first = await gdbBatch(KERNEL_ELF, [
    `target remote ${address}`,
    'break sysenter_entry',
    'continue',
    'echo ==regs==\\n', 'info registers', 'echo ==msr==\\n', 'monitor msr',
    'echo ==stub==\\n', 'x/8i 0xffffe400',
    'delete', 'break sysexit_to_user', 'continue', 'echo ==sysexit==\\n', 'x/i $pc',
    'stepi', 'echo ==after==\\n', 'info registers cs ss eip',
    'delete', 'continue',
  ]);
  const out = first.output;
  const section = (name: string): string => out.slice(out.indexOf(`==${name}==`), out.indexOf('==', out.indexOf(`==${name}==`) + name.length + 4));
  t.regex(out, /Breakpoint 1, 0x[0-9a-f]+ in sysenter_entry \(\)/, out);
  const atEntry = registers(section('regs'));
  t.is(atEntry.get('cs'), 0x60, 'CS = IA32_SYSENTER_CS & 0xfffc = __KERNEL_CS');
  t.is(atEntry.get('ss'), 0x68, 'SS = CS + 8');
  // The monitor's answer is on gdb's stderr, after all of stdout (gdbBatch), so not in a section.
  const msr = /0x00000176\s+IA32_SYSENTER_EIP\s+0x([0-9a-f]+)/.exec(out);
  t.truthy(msr, out);
  t.is(atEntry.get('eip'), parseInt(msr![1]!, 16), 'EIP = IA32_SYSENTER_EIP');
  t.is(atEntry.get('eip'), kernelSymbol('sysenter_entry'));
  t.is(atEntry.get('sysenter_eip'), atEntry.get('eip'), 'the target description names the MSR too');
  // The stub at 0xffffe400 (fidelity point 5), read from a ring-0 stop through the page tables.
  const stub = [...section('stub').matchAll(/0xffffe4([0-9a-f]{2}):\s+(.+)$/gm)].map((m) => `${m[1]} ${m[2]!.trim()}`);
  t.deepEqual(stub, ['00 push   %ecx', '01 push   %edx', '02 push   %ebp', '03 mov    %esp,%ebp', '05 sysenter', '07 nop', '08 nop', '09 nop']);
  t.regex(section('sysexit'), /sysexit/);
  const after = registers(section('after'));
  t.is(after.get('cs'), 0x73, 'back in ring 3: __USER_CS');
  t.is(after.get('ss'), 0x7b);
  t.is(after.get('eip'), 0xffffe410, 'SYSENTER_RETURN');
  t.regex(out, /exited normally/);
  t.is(await gate86.exited, plain.status);
  t.is(gate86.stdout(), plain.stdout);
});

test('gdb: a watchpoint on _dl_sysinfo stops after crt0 stores AT_SYSINFO; monitor gdt/idt/tss/cpl/tlb describe the machine', async (t) => {
  const plain = plainRun([GETUID]);
  const gate86 = startGate86(['run', '--gdb', '127.0.0.1:0', GETUID]);
  const address = await stubAddress(gate86);
  const r = await gdbBatch(GETUID, [
    `target remote ${address}`,
    'watch *(unsigned *)&_dl_sysinfo',
    'continue',
    'echo ==watch==\\n', 'print/x *(unsigned *)&_dl_sysinfo', 'info registers cs',
    'echo ==monitor==\\n', 'monitor gdt', 'monitor idt', 'monitor tss', 'monitor cpl', 'monitor tlb 4',
    'delete', 'continue',
  ]);
  const out = r.output;
  // Before paging is on the page is not mapped yet: gdb could not read the old value.
  t.regex(out, /(Hardware )?[Ww]atchpoint 1: \*\(unsigned \*\)&_dl_sysinfo\s+Old value = (0|<unreadable>)\s+New value = 4294960128\s+0x[0-9a-f]+ in _start/, out);
  t.regex(out, /\$1 = 0xffffe400/);
  t.regex(out, /cs\s+0x73/, 'the store was made in ring 3');
  t.regex(out, /sel 0x0060 .* DPL 0 .*code/, 'monitor gdt: __KERNEL_CS');
  t.regex(out, /sel 0x0078 .* DPL 3 .*data/, 'monitor gdt: __USER_DS is entry 15');
  t.regex(out, /0x80\s+trap gate\s+DPL 3\s+0x0060:0x[0-9a-f]+ <system_call>/, 'monitor idt: fidelity 12');
  t.regex(out, /esp0\s+0x[0-9a-f]+/, 'monitor tss');
  t.regex(out, /IA32_SYSENTER_ESP 0x[0-9a-f]+ = TSS base \+ 0x168/, 'monitor tss: SYSENTER_ESP is the TSS end (fidelity 3)');
  t.regex(out, /CPL 3 \(ring 3: user mode\)/, 'monitor cpl');
  t.regex(out, /TLB: \d+ cached translations/, 'monitor tlb');
  t.is(await gate86.exited, plain.status);
  t.is(gate86.stdout(), plain.stdout);
});

// The x87 and SSE registers (gdb's i387 and sse features): what the program loaded shows by name,
// the tag word says which physical registers are in use, and a value gdb writes is the one the
// program then computes with. The program is checked natively too: the status without gdb is the
// host CPU's.
test(`gdb: p $st0/$st1/$xmm1 show what the program loaded, ftag and mxcsr are the CPU's, set $st0 and $xmm1 change what it computes (native run: the same status without gdb, ${i386Oracle()})`, async (t) => {
  const program = buildTestProgram('float-regs');
  const native = runI386Elf(program, [], { stdin: '' });
  const plain = plainRun([program]);
  t.is(plain.status, 21);
  t.is(native.status, plain.status, 'untouched, the program ends as on the oracle');
  const gate86 = startGate86(['run', '--gdb', '127.0.0.1:0', program]);
  const address = await stubAddress(gate86);
  const session = await gdbBatch(program, [
    `target remote ${address}`,
    'break loaded', 'continue',
    'echo ==st==\\n', 'p $st0', 'p $st1',
    'echo ==xmm==\\n', 'p $xmm1.v4_float',
    'echo ==words==\\n', 'info registers fctrl fstat ftag mxcsr',
    'set var $st0 = 7', 'set var $xmm1.v4_float[0] = 5',
    'echo ==after==\\n', 'p $st0', 'p $xmm1.v4_float',
    'continue',
  ]);
  const out = session.output;
  const section = (name: string): string => out.slice(out.indexOf(`==${name}==`), out.indexOf('==', out.indexOf(`==${name}==`) + name.length + 4));
  t.regex(section('st'), /\$1 = 2\.25\n\$2 = 1\n/, out);
  t.regex(section('xmm'), /\{1, 2, 3, 4\}/, out);
  const words = section('words');
  t.regex(words, /^fctrl\s+0x37f\s/m, 'FNINIT control word');
  t.regex(words, /^fstat\s+0x3000\s/m, 'TOP = 6 after two pushes');
  t.regex(words, /^ftag\s+0xfff\s/m, 'R6 and R7 valid, the rest empty');
  t.regex(words, /^mxcsr\s+0x1f80\s/m, 'as exec leaves it');
  t.regex(section('after'), /= 7\n.*\{5, 2, 3, 4\}/s, out);
  t.regex(out, /exited with code 0113/, 'status 75: round(7) * 10 + 5');
  t.is(await gate86.exited, 75);
});

// A data watchpoint on a REP string instruction stops after the iteration that touched the watched
// byte (SDM Vol. 3A 17.3.1.2), not after the run loop's chunk: ECX says how many are left, EIP is
// still at the instruction, and continuing finishes the string.
test('gdb: watch on byte 100 of a rep stosb stops after iteration 101 with ECX 155 and EIP at the rep; continue finishes it', async (t) => {
  const program = buildTestProgram('rep-fill');
  const symbols = readSymbolTable(readElf(new Uint8Array(readFileSync(program)), program));
  const at = (name: string): number => symbols.find((s) => s.name === name)!.value >>> 0;
  const gate86 = startGate86(['run', '--gdb', '127.0.0.1:0', program]);
  const address = await stubAddress(gate86);
  const session = await gdbBatch(program, [
    `target remote ${address}`,
    `watch *(char *)0x${(at('buffer') + 100).toString(16)}`, 'continue',
    'echo ==hit==\\n', 'info registers ecx edi eip',
    'delete', 'continue',
  ]);
  const out = session.output;
  const hit = registers(out.slice(out.indexOf('==hit==')));
  t.regex(out, /Hardware watchpoint 1/, out);
  t.is(hit.get('ecx'), 155, out);
  t.is(hit.get('edi'), at('buffer') + 101);
  t.is(hit.get('eip'), at('fill'));
  t.regex(out, /exited with code 0132/, 'the string finished: its last byte 0x5a = 90 = 0132');
  t.is(await gate86.exited, 0x5a);
});
