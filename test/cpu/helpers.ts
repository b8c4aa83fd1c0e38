// Small helpers for the CPU unit tests: put bytes at 0x1000 in a FlatMachine and run them.
// Encodings are written out by hand with their AT&T text beside them (objdump -d agrees).

import { FlatMachine, type GeneralRegisters, type StopReason } from '../../vm/cpu/flat-machine.ts';

export const CODE = 0x1000;

export function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

export interface Run {
  machine: FlatMachine;
  stop: StopReason;
  regs: GeneralRegisters;
}

export function runCode(bytes: number[], options: { registers?: Partial<GeneralRegisters>; cpl?: 0 | 3; model?: string; limit?: number; setup?: (m: FlatMachine) => void } = {}): Run {
  const machine = new FlatMachine({ memoryBytes: 1 << 22, cpl: options.cpl ?? 0, ...(options.model ? { model: options.model } : {}) });
  machine.load(CODE, new Uint8Array(bytes));
  machine.setRegisters({ esp: 0x80000, eip: CODE, ...options.registers });
  options.setup?.(machine);
  const stop = machine.run(options.limit ?? 10_000);
  return { machine, stop, regs: machine.registers() };
}
