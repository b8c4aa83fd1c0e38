// Shared by the debugger tests: start the gate86 CLI (from source, with the worktree's build/) as a
// child process, wait for lines on its streams, and run the real gdb in batch mode against it.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const KERNEL_ELF = root + 'build/kernel/gate86-kernel.elf';
/** Generous: the machine shares two cores with everything else; nothing here measures time. */
const WAIT_MS = 120_000;

export interface Gate86Process {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the text matched by `pattern` once the stream shows it. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

export function startGate86(args: string[], env: NodeJS.ProcessEnv = process.env): Gate86Process {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env });
  const text = { stdout: '', stderr: '' };
  const waiters: (() => void)[] = [];
  const wake = (): void => { for (const w of waiters.splice(0)) w(); };
  child.stdout.on('data', (d: Buffer) => { text.stdout += d.toString('latin1'); wake(); });
  child.stderr.on('data', (d: Buffer) => { text.stderr += d.toString('latin1'); wake(); });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => { wake(); done(code); }));
  const waitFor = (stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpExecArray> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gave up waiting for ${pattern} in ${JSON.stringify(text)}`)), WAIT_MS);
    const check = (): void => {
      const match = pattern.exec(text[stream]);
      if (match !== null) { clearTimeout(timer); resolve(match); return; }
      if (child.exitCode !== null) { clearTimeout(timer); reject(new Error(`gate86 exited before ${pattern}: ${JSON.stringify(text)}`)); return; }
      waiters.push(check);
    };
    check();
  });
  return { child, stdout: () => text.stdout, stderr: () => text.stderr, waitFor, exited };
}

/** `gdb -batch` with these commands, against an ELF for symbols; resolves with everything it printed. */
export function gdbBatch(elf: string, commands: string[]): Promise<{ output: string; status: number | null }> {
  const args = ['-batch', '-nx', '-ex', 'set pagination off', '-ex', 'set confirm off', ...commands.flatMap((c) => ['-ex', c]), elf];
  return new Promise((resolve, reject) => {
    const gdb = spawn('gdb', args, { cwd: root });
    // stdout, then stderr: gdb writes `echo` and command output to stdout but a monitor command's
    // answer to stderr, and two pipes interleave in whatever order they are read under load.
    let stdout = '', stderr = '';
    gdb.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    gdb.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    gdb.on('error', (error) => reject(new Error(`gdb could not run (install the gdb package): ${error.message}`)));
    gdb.on('close', (status) => resolve({ output: stdout + stderr, status }));
  });
}

/** The machine's own run of a program, without any debugger: what a debugged run must equal. */
export function plainRun(args: string[]): { stdout: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', 'run', ...args], { cwd: root, encoding: 'latin1', input: '' });
  return { stdout: r.stdout, status: r.status };
}

/** Where the gdb stub listens, from the line gate86 prints. */
export async function stubAddress(p: Gate86Process): Promise<string> {
  const match = await p.waitFor('stderr', /gdb stub on (\S+?:\d+)/);
  return match[1]!;
}
