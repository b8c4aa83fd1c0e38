// Reading and changing a stopped machine from outside the run loop: registers by name, and memory at
// linear addresses through the guest's page tables (the CPU's own walker, cpu.debugTranslate: no
// fault, no accessed/dirty bit, no TLB fill). What the debugger does leaves no trace the guest could
// see, except the values it was asked to change.

import { CS, DS, ES, FS, GS, SS, type Cpu } from '../cpu/cpu.ts';
import { CpuFault } from '../cpu/fault.ts';
import { RF, readEflags, writeEflags } from '../cpu/flags.ts';
import { MSR_SYSENTER_CS, MSR_SYSENTER_EIP, MSR_SYSENTER_ESP } from '../cpu/models.ts';
import { writeDebugRegister } from '../cpu/debug/debug-registers.ts';
import { writeControlRegister } from '../cpu/system/control.ts';
import { armInterruptCheck } from '../cpu/system/state.ts';
import type { RegisterName, RegisterValues } from './protocol.ts';

const GENERAL = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
const SEGMENTS: Record<string, number> = { es: ES, cs: CS, ss: SS, ds: DS, fs: FS, gs: GS };
const MSRS: Record<string, number> = { sysenter_cs: MSR_SYSENTER_CS, sysenter_esp: MSR_SYSENTER_ESP, sysenter_eip: MSR_SYSENTER_EIP };

export function readRegisters(cpu: Cpu): RegisterValues {
  const r: RegisterValues = {};
  GENERAL.forEach((name, i) => { r[name] = cpu.regs[i]! >>> 0; });
  r.eip = cpu.eip >>> 0;
  r.eflags = readEflags(cpu) >>> 0;
  for (const [name, seg] of Object.entries(SEGMENTS)) r[name as RegisterName] = cpu.segSelector[seg]!;
  for (const n of [0, 2, 3, 4]) r[`cr${n}` as RegisterName] = cpu.cr[n]! >>> 0;
  for (const n of [0, 1, 2, 3, 6, 7]) r[`dr${n}` as RegisterName] = cpu.dr[n]! >>> 0;
  for (const [name, index] of Object.entries(MSRS)) {
    const value = cpu.msr.get(index);
    if (value !== undefined) r[name as RegisterName] = Number(value & 0xffffffffn);
  }
  return r;
}

/**
 * Change one register as the debugger asks. A segment register can only be given the selector it
 * already holds (loading another would need the descriptor checks of a real load); control registers
 * go through MOV CRn's checks. Returns an error message, or null when done.
 */
export function writeRegister(cpu: Cpu, name: RegisterName, value: number): string | null {
  const general = (GENERAL as readonly string[]).indexOf(name);
  if (general >= 0) { cpu.regs[general] = value | 0; return null; }
  if (name === 'eip') { cpu.eip = value | 0; return null; }
  if (name === 'eflags') {
    writeEflags(cpu, value);
    armInterruptCheck(cpu);
    cpu.resumeFlagLoaded = (cpu.flags & RF) !== 0; // as IRET would: the next instruction keeps it
    return null;
  }
  const seg = SEGMENTS[name];
  if (seg !== undefined) {
    return cpu.segSelector[seg] === (value & 0xffff) ? null : `${name}: segment registers cannot be reloaded from the debugger`;
  }
  const msr = MSRS[name];
  if (msr !== undefined) {
    if (!cpu.msr.has(msr)) return `${name}: this CPU model has no such MSR`;
    cpu.msr.set(msr, BigInt(value >>> 0));
    return null;
  }
  try {
    if (name.startsWith('cr')) writeControlRegister(cpu, Number(name.slice(2)), value | 0);
    else writeDebugRegister(cpu, Number(name.slice(2)), value | 0);
    return null;
  } catch (error) {
    if (error instanceof CpuFault) return `${name}: the CPU refuses 0x${(value >>> 0).toString(16)} (exception ${error.vector})`;
    throw error;
  }
}

/** Up to `length` bytes at a linear address; fewer when a page on the way is not mapped (or not RAM). */
export function readLinear(cpu: Cpu, address: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const linear = (address + done) >>> 0;
    const physical = cpu.debugTranslate(linear);
    if (physical < 0 || physical >= cpu.ramSize) break;
    const n = Math.min(length - done, 0x1000 - (linear & 0xfff), cpu.ramSize - physical);
    out.set(cpu.ram8.subarray(physical, physical + n), done);
    done += n;
    if (linear + n > 0xffffffff) break;
  }
  return out.subarray(0, done);
}

/** A dword at a linear address, or null if it is not mapped. */
export function readLinearWord(cpu: Cpu, address: number): number | null {
  const bytes = readLinear(cpu, address, 4);
  return bytes.length === 4 ? (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0 : null;
}

/**
 * Write bytes at a linear address as a debugger does (a breakpoint patch, `set var`): physically,
 * so a read-only page (the vsyscall page) can be patched too, and decoded code on the page is
 * dropped. Returns how many bytes were written (fewer when a page is not mapped).
 */
export function writeLinear(cpu: Cpu, address: number, bytes: Uint8Array): number {
  let done = 0;
  while (done < bytes.length) {
    const linear = (address + done) >>> 0;
    const physical = cpu.debugTranslate(linear);
    if (physical < 0 || physical >= cpu.ramSize) break;
    const n = Math.min(bytes.length - done, 0x1000 - (linear & 0xfff), cpu.ramSize - physical);
    for (let i = 0; i < n; i++) cpu.memory.write8(physical + i, bytes[done + i]!);
    done += n;
  }
  return done;
}
