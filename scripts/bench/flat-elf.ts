// Running a static i386 ELF on gate86's FlatMachine for the benchmark.
//
// THIS IS A BENCHMARK SHIM, NOT THE KERNEL. The program's PT_LOAD segments are copied into a flat
// machine (through linker/elf/reader.ts, like every ELF gate86 reads), ESP is put near the top of
// memory, and the run stops at every `int $0x80`; the shim then does the only two system calls the
// workload makes — write(1, buf, n) and exit(status) — in TypeScript and resumes the machine.
// Real programs run under gate86's kernel, whose system calls are guest code (issue 5).

import { FlatMachine } from '../../vm/cpu/flat-machine.ts';
import { readElf } from '../../vm/elf/reader.ts';
import { PT_LOAD } from '../../vm/elf/format.ts';

export interface FlatRun {
  machine: FlatMachine;
  stdout: Buffer;
  status: number;
  instructions: number;
  seconds: number;
}

const SYS_EXIT = 1;
const SYS_WRITE = 4;
const ENOSYS = 38;

/** Load an i386 ELF executable's segments into a new FlatMachine (CPL 3), EIP at its entry. */
export function loadElf(bytes: Uint8Array, memoryBytes: number, jit = true): FlatMachine {
  const elf = readElf(bytes, 'benchmark program');
  const machine = new FlatMachine({ memoryBytes, cpl: 3, jit });
  for (const segment of elf.segments) {
    if (segment.type !== PT_LOAD) continue;
    if (segment.vaddr + segment.memsz > memoryBytes) throw new Error(`segment at 0x${segment.vaddr.toString(16)} does not fit in ${memoryBytes} bytes`);
    machine.load(segment.vaddr, segment.data.subarray(0, segment.filesz));
  }
  // A System V-like initial stack, reduced to argc = 0 and two null pointers (argv, envp).
  const top = memoryBytes - 4096;
  machine.setRegisters({ eip: elf.entry, esp: top, eflags: 0x202, eax: 0, ecx: 0, edx: 0, ebx: 0, ebp: 0, esi: 0, edi: 0 });
  return machine;
}

/** Run until the program calls exit; its writes to fd 1 are collected. */
export function runElfOnFlatMachine(bytes: Uint8Array, memoryBytes = 16 << 20, jit = true): FlatRun {
  const machine = loadElf(bytes, memoryBytes, jit);
  const chunks: Buffer[] = [];
  const started = machine.instructionsExecuted;
  const t0 = process.cpuUsage();
  for (;;) {
    const stop = machine.run(0x7fffffff);
    if (stop.kind === 'limit') continue;
    if (stop.kind !== 'interrupt' || stop.vector !== 0x80) {
      throw new Error(`the benchmark program stopped unexpectedly: ${JSON.stringify(stop)}`);
    }
    const r = machine.registers();
    if (r.eax === SYS_EXIT) {
      // CPU seconds of this process (user + system): on a shared host, others' load counts less.
      const used = process.cpuUsage(t0);
      const seconds = (used.user + used.system) / 1e6;
      return { machine, stdout: Buffer.concat(chunks), status: r.ebx & 0xff, instructions: machine.instructionsExecuted - started, seconds };
    }
    if (r.eax === SYS_WRITE && r.ebx === 1 && r.ecx + r.edx <= memoryBytes) {
      chunks.push(Buffer.from(machine.memory.subarray(r.ecx, r.ecx + r.edx)));
      machine.setRegisters({ eax: r.edx });
    } else {
      machine.setRegisters({ eax: -ENOSYS >>> 0 });
    }
  }
}
