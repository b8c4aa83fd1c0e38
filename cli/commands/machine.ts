// `gate86 machine`: boot a Multiboot kernel on the gate86 PC, the way `qemu-system-i386 -kernel` does.
// COM1 is the terminal: guest output on stdout as it is written, keystrokes to the guest. The exit
// status is the isa-debug-exit status ((V << 1) | 1 for a write of V to port 0xF4).

import { readFileSync } from 'node:fs';
import { parseTimeout, parseTsc, timedOut, TIMEOUT_STATUS, TSC_USAGE, UsageError, type Command } from '../usage.ts';
import { MachineHost } from '../../vm/worker/host.ts';
import { cpuModels, DEFAULT_CPU_MODEL } from '../../vm/cpu/models.ts';
import { DEFAULT_MEMORY_MIB } from '../../vm/machine/machine.ts';
import { DebugClient } from '../../vm/debug/client.ts';
import { parseGdbAddress, QEMU_GDB_PORT, serveGdb } from '../debugging.ts';

const usage = `usage: gate86 machine [--cpu NAME] [--tsc WHAT] [--no-jit] [--mem MiB] [--timeout SECONDS] [--append STRING] [--initrd FILE[,FILE...]] [-s] [-S] [--gdb [HOST:]PORT] KERNEL.elf

Boot a Multiboot (v1) kernel like qemu-system-i386 -kernel: COM1 on stdin/stdout, exit status from
the isa-debug-exit device at port 0xF4. Ctrl-C goes to the guest; a second Ctrl-C within a second
stops the machine.

  --cpu NAME       CPU model: ${Object.keys(cpuModels).join(', ')} (default ${DEFAULT_CPU_MODEL})
${TSC_USAGE}
  --no-jit         every instruction through the interpreter (the reference): no block compiler
  --mem MiB        guest RAM (default ${DEFAULT_MEMORY_MIB})
  --timeout SECS   stop the machine after SECS seconds of wall time (status 124)
  --append STRING  the kernel command line (after the kernel's name, as QEMU passes it)
  --initrd FILES   Multiboot modules, comma-separated
  -s               a gdb stub on TCP port ${QEMU_GDB_PORT} (QEMU's -s; gdb: target remote :${QEMU_GDB_PORT})
  -S               stop before the first instruction until gdb says continue (QEMU's -S; implies -s
                   unless --gdb names another port)
  --gdb [HOST:]PORT  the gdb stub on this port instead (host default 127.0.0.1)`;

interface Arguments {
  cpu: string; tsc: 'cycles' | 'instructions'; jit: boolean; memoryMiB: number; append: string; initrd: string[]; kernel: string; timeout: number | undefined;
  gdb: { host: string; port: number } | null; waitForGdb: boolean;
}

function parse(args: string[]): Arguments {
  const parsed: Arguments = { cpu: DEFAULT_CPU_MODEL, tsc: 'cycles', jit: true, memoryMiB: DEFAULT_MEMORY_MIB, append: '', initrd: [], kernel: '', timeout: undefined, gdb: null, waitForGdb: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--cpu') {
      parsed.cpu = value();
      if (cpuModels[parsed.cpu] === undefined) throw new UsageError(`unknown CPU model '${parsed.cpu}'`);
    } else if (arg === '--tsc') {
      parsed.tsc = parseTsc(value());
    } else if (arg === '--no-jit') {
      parsed.jit = false;
    } else if (arg === '--mem') {
      const text = value();
      parsed.memoryMiB = Number(text);
      if (!/^\d+$/.test(text) || parsed.memoryMiB < 2 || parsed.memoryMiB > 2047) throw new UsageError(`--mem wants MiB from 2 to 2047, not '${text}'`);
    } else if (arg === '--timeout') {
      parsed.timeout = parseTimeout(value());
    } else if (arg === '--append') {
      parsed.append = value();
    } else if (arg === '--initrd') {
      parsed.initrd = value().split(',').filter((f) => f !== '');
    } else if (arg === '-s') {
      parsed.gdb ??= { host: '127.0.0.1', port: QEMU_GDB_PORT };
    } else if (arg === '-S') {
      parsed.waitForGdb = true;
    } else if (arg === '--gdb') {
      parsed.gdb = parseGdbAddress(value());
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (parsed.kernel === '') {
      parsed.kernel = arg;
    } else {
      throw new UsageError(`one kernel only (got '${parsed.kernel}' and '${arg}')`);
    }
  }
  if (parsed.kernel === '') throw new UsageError('no kernel given');
  // -S without -s waits for a debugger: give it QEMU's port (QEMU would wait for a monitor command).
  if (parsed.waitForGdb) parsed.gdb ??= { host: '127.0.0.1', port: QEMU_GDB_PORT };
  return parsed;
}

function readInput(path: string): Uint8Array | string {
  try {
    return readFileSync(path);
  } catch (error) {
    return `${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`;
  }
}

/** Keystrokes to the guest; Ctrl-C is a byte for the guest, twice within a second stops the machine. */
function connectInput(host: MachineHost, stop: () => void): () => void {
  let lastInterrupt = 0;
  const interrupt = () => {
    const now = Date.now();
    if (now - lastInterrupt < 1000) { stop(); return; }
    lastInterrupt = now;
    host.sendInput(Uint8Array.of(3));
  };
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  const onData = (chunk: Buffer) => {
    for (const byte of chunk) {
      if (byte === 3 && raw) interrupt();
      else host.sendInput(Uint8Array.of(byte));
    }
  };
  stdin.on('data', onData);
  process.on('SIGINT', interrupt);
  return () => {
    stdin.off('data', onData);
    process.off('SIGINT', interrupt);
    if (raw) stdin.setRawMode(false);
    stdin.destroy(); // a pipe or file still open must not keep the process alive
  };
}

export const machineCommand: Command = {
  name: 'machine',
  summary: 'boot a Multiboot kernel on the gate86 PC (like qemu-system-i386 -kernel)',
  usage,
  async run(args: string[]): Promise<number> {
    const a = parse(args);
    const kernel = readInput(a.kernel);
    if (typeof kernel === 'string') { process.stderr.write(`gate86 machine: ${kernel}\n`); return 1; }
    const modules: { name: string; bytes: Uint8Array }[] = [];
    for (const file of a.initrd) {
      const bytes = readInput(file);
      if (typeof bytes === 'string') { process.stderr.write(`gate86 machine: ${bytes}\n`); return 1; }
      modules.push({ name: file, bytes });
    }
    const client = a.gdb === null ? null : new DebugClient();
    const host = new MachineHost({
      kernel, kernelName: a.kernel, commandLine: `${a.kernel} ${a.append}`, modules, cpu: a.cpu, tsc: a.tsc, memoryMiB: a.memoryMiB,
      ...(a.jit ? {} : { jit: false }),
      onOutput: (bytes) => process.stdout.write(bytes),
      ...(client !== null ? { debug: { client, wait: a.waitForGdb } } : {}),
    });
    if (client !== null && a.gdb !== null) {
      const server = await serveGdb(client, host, a.gdb, 'machine', a.waitForGdb);
      if (typeof server === 'string') { await host.done; process.stderr.write(`gate86 machine: ${server}\n`); return 1; }
    }
    let stoppedByUser = false;
    let timedOutNow = false;
    const disconnect = connectInput(host, () => { stoppedByUser = true; void host.terminate(); });
    const timer = a.timeout === undefined ? null : setTimeout(() => { timedOutNow = true; void host.terminate(); }, a.timeout * 1000);
    const report = await host.done;
    if (timer !== null) clearTimeout(timer);
    disconnect();
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    if (stoppedByUser) { process.stderr.write('\ngate86 machine: stopped by a second Ctrl-C\n'); return 130; }
    if (timedOutNow) { process.stderr.write(timedOut('machine', a.timeout!)); return TIMEOUT_STATUS; }
    if (report.type === 'exit') return report.status;
    process.stderr.write(`gate86 machine: ${report.message}\n`);
    return 1;
  },
};
