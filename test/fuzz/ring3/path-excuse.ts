// Did a ring-3 case, on the path gate86 took through it, do something whose result a real CPU and
// kernel may rightly give differently? Two kinds:
//   - it read a flag the SDM leaves undefined: AAA leaves SF undefined, and a JNS after it goes one
//     way on an Intel core, the other on an AMD one (and on gate86 whichever way its AAA left SF).
//     The project masks undefined flags and only those (test/differential/undefined-flags.ts);
//     random code cannot be masked after the fact, because a branch or an ADC turns the undefined
//     bit into a different path or value;
//   - it ran an instruction whose answer is the machine's or the kernel's by design
//     (ENVIRONMENT_OPERATIONS in generate.ts): a segment load or a selector read meets Linux 2.6's
//     i386 GDT on gate86 and a 64-bit host's on the oracle (0x20 is the host's 32-bit user CS and
//     nothing in gate86's), CPUID and the TSC answer differently, SGDT shows different tables;
//   - on an AMD host, an instruction whose SDM-defined result AMD parts give otherwise (an FPTAN or
//     FSINCOS whose push overflows: C1 = 1 by the SDM and on Intel, 0 on AMD).
//
// So the judge replays the case's code alone on a FlatMachine at CPL 3 — the same pages as the
// runner maps (the code page read-only, the data page writable, the exit page), the same registers
// and EFLAGS as its trampoline leaves — one instruction at a time, and follows which flags are
// undefined from the ISA table's `flagsUndefined` (with the shift-count rules): an instruction that
// writes a flag defines it, one that leaves it undefined undefines it. The first instruction whose
// `flagsRead` meets an undefined flag, or the first environment instruction, is the reason; reaching
// the exit page, a fault or the step limit first means neither happened on gate86's path, and the
// difference stands.

import { readFileSync } from 'node:fs';
import { FlatMachine } from '../../../vm/cpu/flat-machine.ts';
import { CR0_NE } from '../../../vm/cpu/cpu.ts';
import { Vector } from '../../../vm/cpu/fault.ts';
import { isEmpty } from '../../../vm/cpu/fpu/registers.ts';
import { VSYSCALL_BASE } from '../../../kernel/layout.ts';
import { readLinear, writeLinear } from '../../../vm/debug/inspect.ts';
import { decode, DecodeFailure, Instruction } from '../../../vm/isa/decoder.ts';
import { AC, AF, CF, DF, IF, OF, PF, SF, TF, ZF } from '../../../vm/cpu/flags.ts';
import { flagBits, flagsTouchedBy, undefinedFlagsOf } from '../../differential/undefined-flags.ts';
import { FLAG_BITS } from '../../differential/layout.ts';
import { codePage, stripSystemCalls, type Ring3Case } from './case.ts';
import { CODE_ADDR, CODE_SIZE, DATA_ADDR, DATA_SIZE, EXIT_ADDR } from './layout.ts';
import { ENVIRONMENT_OPERATIONS } from './generate.ts';

/**
 * Is the oracle an AMD CPU? Where the SDM defines a result and AMD parts give another, gate86 follows
 * the SDM (and Intel), and the judge excuses the AMD host.
 */
const AMD_HOST = (() => {
  try { return /^vendor_id\s*:\s*AuthenticAMD$/m.test(readFileSync('/proc/cpuinfo', 'utf8')); } catch { return false; }
})();

/** Longer than any case the judge sees ends in (the runner's timer stops loops first). */
const STEP_LIMIT = 20_000;
/** What POPF at CPL 3 with IOPL 0 can set (IF stays 1, IOPL 0: Linux's user EFLAGS), plus the fixed bit 1. */
const USER_SETTABLE = CF | PF | AF | ZF | SF | TF | DF | OF | AC;
const NT = 0x4000, ID = 0x200000;

const letters = (bits: number): string => Object.entries(FLAG_BITS).filter(([, b]) => (bits & b) !== 0).map(([l]) => l).join('');

/** gate86's kernel maps the vsyscall page, user-readable, as Linux 2.6 i386 did; the judge's FlatMachine does not. */
function inVsyscallPage(address: number): boolean {
  return address >= VSYSCALL_BASE && address < VSYSCALL_BASE + 0x1000;
}

/** The machine the case's code runs on, set up as the runner leaves it at the code page's first byte. */
function machineFor(c: Ring3Case, cpu: string): FlatMachine {
  const machine = new FlatMachine({
    memoryBytes: 0x10000, cpl: 3, model: cpu, jit: false,
    mapOnly: [
      { address: CODE_ADDR, size: CODE_SIZE, writable: false },
      { address: DATA_ADDR, size: DATA_SIZE, writable: true },
      { address: EXIT_ADDR, size: 0x1000, writable: false },
    ],
  });
  // The FPU as a Linux process starts with it (FNINIT's state, not the power-on one: every exception
  // masked, every register empty), and CR0.NE as the kernel sets it (#MF, not IRQ 13).
  machine.cpu.fpu.initializeX87();
  machine.cpu.cr[0] = machine.cpu.cr[0]! | CR0_NE;
  writeLinear(machine.cpu, CODE_ADDR, codePage(c));
  const data = new Uint8Array(DATA_SIZE);
  data.set(c.data.subarray(0, DATA_SIZE));
  stripSystemCalls(data);
  writeLinear(machine.cpu, DATA_ADDR, data);
  const { eax, ecx, edx, ebx, esp, ebp, esi, edi } = c.regs;
  machine.setRegisters({ eax, ecx, edx, ebx, esp, ebp, esi, edi, eip: CODE_ADDR, eflags: (c.regs.eflags & (USER_SETTABLE | NT | ID)) | IF | 2 });
  return machine;
}

/**
 * The first read of an undefined flag or environment instruction on the path gate86 takes through
 * the case, described ("jns reads S, which aaa left undefined"), or null if the path has neither.
 */
export function pathExcuse(c: Ring3Case, cpu: string): string | null {
  const machine = machineFor(c, cpu);
  const insn = new Instruction();
  let undefinedMask = 0;
  const leftBy = new Map<number, string>();
  for (let step = 0; step < STEP_LIMIT; step++) {
    const eip = machine.cpu.eip >>> 0;
    if (eip >= EXIT_ADDR && eip < EXIT_ADDR + 0x1000) return null;
    const bytes = readLinear(machine.cpu, eip, 15);
    decode(bytes, 0, bytes.length, true, insn);
    const form = insn.form;
    if (insn.failure !== DecodeFailure.None || form === null) return null;
    if (AMD_HOST && (form.operation === 'fptan' || form.operation === 'fsincos') && !isEmpty(machine.cpu.fpu, 7)) {
      return `${form.mnemonic} overflows the x87 stack: the SDM (Vol. 1 8.5.1.1) and Intel parts set C1, this AMD host clears it`;
    }
    if (ENVIRONMENT_OPERATIONS.has(form.operation)) return `the path runs ${form.operation}, whose answer is the machine's and the kernel's (Linux 2.6's GDT is not the host's; CPUID, the TSC)`;
    const read = flagBits(form.flagsRead) & undefinedMask;
    if (read !== 0) {
      const by = [...new Set(Object.values(FLAG_BITS).filter((b) => (read & b) !== 0).map((b) => leftBy.get(b)))].join(', ');
      return `a flag the SDM leaves undefined is read: ${form.mnemonic} reads ${letters(read)}, which ${by} left undefined`;
    }
    const state = machine.registers();
    const touched = flagsTouchedBy(insn, state);
    const undefinedNow = undefinedFlagsOf(insn, state);
    const stop = machine.run(1);
    if (stop.kind === 'exception' && stop.vector === Vector.PF && inVsyscallPage(machine.cpu.cr[2]! >>> 0)) {
      return `${form.mnemonic} touches the vsyscall page (0x${(machine.cpu.cr[2]! >>> 0).toString(16)}), which Linux 2.6's i386 kernel maps into every process and the host's 64-bit kernel does not`;
    }
    if (stop.kind !== 'limit') return null;
    undefinedMask = (undefinedMask & ~touched) | undefinedNow;
    for (const b of Object.values(FLAG_BITS)) if ((undefinedNow & b) !== 0) leftBy.set(b, form.mnemonic);
  }
  return null;
}
