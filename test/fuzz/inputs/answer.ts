// Running an inputs case, two ways:
//   - in this process (the fuzzers' gate86 thread): `as`, `ld` and `objdump` are the CLI's own command
//     objects, called as cli/gate86.ts calls them (a UsageError is status 2; anything else escaping
//     is the stack trace a user would see); `run` and `machine` are what their commands do inside the
//     machine's worker — exec's check and the kernel running the program, the Multiboot loader and the
//     machine running the kernel — with a budget of instructions instead of a clock;
//   - through the real CLI (`gate86 TOOL ...` in a child process, with --timeout where the command
//     has it), for a sample of the cases: the whole path a user takes, stderr and status included.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asCommand } from '../../../cli/commands/as.ts';
import { ld } from '../../../cli/commands/ld.ts';
import { objdumpCommand } from '../../../cli/commands/objdump.ts';
import { UsageError, type Command } from '../../../cli/usage.ts';
import { checkExecutable, ExecError } from '../../../kernel/exec.ts';
import { runProgram } from '../../../kernel/boot.ts';
import { Machine } from '../../../vm/machine/machine.ts';
import { MultibootError } from '../../../vm/machine/multiboot.ts';
import { packageRoot } from '../../../kernel/locate.ts';
import { materialise, type InputAnswer, type InputCase } from './targets.ts';

/** Instructions a mutated program or kernel may run in this process before it counts as looping. */
const INSTRUCTION_BUDGET = 3_000_000;
/** Guest RAM for an in-process Multiboot boot (a kernel that wants more gets the loader's error). */
const MACHINE_MIB = 32;

const COMMANDS: Record<'as' | 'ld' | 'objdump', Command> = { as: asCommand, ld, objdump: objdumpCommand };

const stackOf = (error: unknown): string => (error instanceof Error ? error.stack ?? error.message : String(error));

async function commandInProcess(command: Command, args: string[]): Promise<InputAnswer> {
  let stderr = '';
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(); return true; }) as typeof process.stderr.write;
  try {
    const status = await command.run(args);
    return { status, signal: null, stderr, exception: null, hung: false };
  } catch (error) {
    if (error instanceof UsageError) return { status: 2, signal: null, stderr: stderr + `gate86 ${command.name}: ${error.message}\n`, exception: null, hung: false };
    return { status: null, signal: null, stderr, exception: stackOf(error), hung: false };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

let empty: string | null = null;
/**
 * The root a mutated program gets: an empty directory, read-only. Its system calls are anyone's
 * guess, and it must never touch a host file it was not given.
 */
export function emptyRoot(): string {
  empty ??= mkdtempSync(join(tmpdir(), 'gate86-fuzz-root-'));
  return empty;
}

function runInProcess(c: InputCase, kernel: Uint8Array): InputAnswer {
  const image = c.files['prog.elf']!;
  const answer = (status: number | null, stderr: string, exception: string | null = null): InputAnswer => ({ status, signal: null, stderr, exception, hung: false });
  try {
    checkExecutable(image, 'prog.elf');
  } catch (error) {
    if (error instanceof ExecError) return answer(126, `gate86 run: ${error.message}\n`);
    return answer(null, '', stackOf(error));
  }
  try {
    const r = runProgram({
      kernel, program: { path: 'prog.elf', image, argv: ['prog.elf'], envp: [] }, write: () => {}, instructionLimit: INSTRUCTION_BUDGET,
      root: { directory: emptyRoot(), readOnly: true },
    });
    if (r.kind === 'limit') return answer(124, '');
    if (r.kind === 'stopped') return answer(125, `gate86 run: the machine stopped: ${r.message}\n`);
    if (!('code' in r.status)) return answer(128 + r.status.signal, '');
    return answer(r.status.code, r.status.reason === undefined ? '' : `gate86 run: ${r.status.reason}\n`);
  } catch (error) {
    return answer(null, '', stackOf(error));
  }
}

function machineInProcess(c: InputCase): InputAnswer {
  const answer = (status: number | null, stderr: string, exception: string | null = null): InputAnswer => ({ status, signal: null, stderr, exception, hung: false });
  try {
    const machine = new Machine({ memoryMiB: MACHINE_MIB, consoleOut: () => {}, consoleIn: () => -1 });
    machine.boot(c.files['kernel.elf']!, 'kernel.elf', 'kernel.elf ');
    for (let run = 0; run < INSTRUCTION_BUDGET; run += 200_000) {
      const state = machine.run(200_000);
      if (state.kind === 'exited') return answer(state.status, '');
      if (state.kind === 'stopped') return answer(1, `gate86 machine: ${state.message}\n`);
      if (state.kind === 'halted') machine.run(0);
    }
    return answer(124, '');
  } catch (error) {
    if (error instanceof MultibootError) return answer(1, `gate86 machine: ${error.message}\n`);
    return answer(null, '', stackOf(error));
  }
}

export async function answerInProcess(c: InputCase, dir: string, kernel: Uint8Array): Promise<InputAnswer> {
  if (c.tool === 'run') return runInProcess(c, kernel);
  if (c.tool === 'machine') return machineInProcess(c);
  return commandInProcess(COMMANDS[c.tool], materialise(c, dir));
}

/** The real CLI, from source; run and machine get --timeout. */
export function answerThroughCli(c: InputCase, dir: string, timeoutSeconds: number): InputAnswer {
  const args = materialise(c, dir);
  const timed = c.tool === 'run' || c.tool === 'machine' ? ['--timeout', String(timeoutSeconds)] : [];
  if (c.tool === 'run') timed.push('--root', emptyRoot(), '--ro');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', c.tool, ...timed, ...args], {
    cwd: packageRoot(), encoding: 'latin1', timeout: (timeoutSeconds + 30) * 1000, input: '', maxBuffer: 64 << 20,
  });
  const hung = r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  return { status: r.status, signal: hung ? null : r.signal, stderr: r.stderr ?? '', exception: null, hung };
}
