// boot_log(event, a, b): head.S reports each step of the boot story, and this turns it into the
// lines `gate86 boot` prints (`gate86 run` drops them): the GDT selectors, the IDT, the CPU and its
// SEP verdict, each wrmsr of enable_sep_cpu (and of enable_syscall_cpu), the vsyscall page and its stub.

import type { HypercallHandler, Kernel } from './kernel.ts';
import { physicalOf } from './mm/ram.ts';
import {
  BOOT_CPU, BOOT_GDT, BOOT_IDT, BOOT_VSYSCALL, BOOT_WRMSR, X86_CAPABILITY, X86_FAMILY, X86_MODEL, X86_SEP_VERDICT, X86_STEPPING,
  X86_VENDOR_ID, X86_CPUID_LEVEL, X86_FEATURE_SEP_BIT, SEP_MIN_SIGNATURE, __KERNEL_CS, __KERNEL_DS, __USER_CS,
  __USER_DS, VSYSCALL_ENTRY, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_EFER, MSR_STAR,
  VERDICT_SYSCALL,
} from './layout.ts';

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);

/** boot_cpu_data as head.S left it. */
export function readBootCpuData(k: Kernel): { vendor: string; family: number; model: number; stepping: number; level: number; capability: number; extendedCapability: number; sysenter: boolean } {
  const at = physicalOf(k.image.addressOf('boot_cpu_data'));
  return {
    vendor: Buffer.from(k.ram.u8.subarray(at + X86_VENDOR_ID, at + X86_VENDOR_ID + 12)).toString('latin1').replace(/\0+$/, ''),
    family: k.ram.read8(at + X86_FAMILY),
    model: k.ram.read8(at + X86_MODEL),
    stepping: k.ram.read8(at + X86_STEPPING),
    level: k.ram.read32(at + X86_CPUID_LEVEL) | 0,
    capability: k.ram.read32(at + X86_CAPABILITY),
    extendedCapability: k.ram.read32(at + X86_CAPABILITY + 4),
    sysenter: k.ram.read32(at + X86_SEP_VERDICT) === 1,
  };
}

const MSR_NAMES: Record<number, string> = {
  [MSR_IA32_SYSENTER_CS]: 'IA32_SYSENTER_CS', [MSR_IA32_SYSENTER_ESP]: 'IA32_SYSENTER_ESP', [MSR_IA32_SYSENTER_EIP]: 'IA32_SYSENTER_EIP',
  [MSR_EFER]: 'EFER', [MSR_STAR]: 'STAR',
};

export const bootLog: HypercallHandler = (k, sp) => {
  const [event, a, b, c] = [k.stackArg(sp, 0), k.stackArg(sp, 1), k.stackArg(sp, 2), k.stackArg(sp, 3)];
  const log = (line: string): void => k.host.log(line);
  switch (event) {
    case BOOT_GDT:
      log(`GDT: __KERNEL_CS ${hex(__KERNEL_CS)} __KERNEL_DS ${hex(__KERNEL_DS)} __USER_CS ${hex(__USER_CS)} __USER_DS ${hex(__USER_DS)} (entries 12-15)`);
      break;
    case BOOT_IDT:
      log('IDT: exceptions 0-18, IRQs 0x20-0x2f, vector 0x80 = system_call (trap gate, DPL 3)');
      break;
    case BOOT_CPU: {
      const c = readBootCpuData(k);
      if (c.level < 0) { log('CPU: no CPUID instruction'); break; }
      const signature = (c.family << 8) | (c.model << 4) | c.stepping;
      const sep = (c.capability >>> X86_FEATURE_SEP_BIT) & 1;
      const intel = c.vendor === 'GenuineIntel';
      const rule = intel ? `(family<<8|model<<4|stepping) = ${hex(signature)} ${signature < SEP_MIN_SIGNATURE ? '<' : '>='} ${hex(SEP_MIN_SIGNATURE)}` : 'not Intel: SEP trusted';
      log(`CPU: ${c.vendor} family ${c.family} model ${c.model} stepping ${c.stepping}; SEP ${sep ? 'usable' : 'not usable'} (${rule})`);
      break;
    }
    case BOOT_VSYSCALL:
      log(`vsyscall: linux-gate.so.1 mapped at ${hex(a)} (user, read-only) with the ${b === VERDICT_SYSCALL ? 'syscall' : b === 1 ? 'sysenter' : 'int $0x80'} stub; __kernel_vsyscall at ${hex(VSYSCALL_ENTRY)}`);
      break;
    case BOOT_WRMSR:
      // The high half (EDX) only when it is not 0: STAR's selectors; every SYSENTER MSR has EDX = 0.
      log(`wrmsr ${hex(a)} (${MSR_NAMES[a] ?? 'MSR'}) = ${c === 0 ? hex(b) : hex(c) + (b >>> 0).toString(16).padStart(8, '0')}`);
      break;
    default:
      log(`boot event ${event}`);
  }
  return 0;
};
