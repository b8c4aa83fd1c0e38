// Running ring-3 cases on the oracles: the same runner ELF, natively on the host CPU (where the
// host's kernel runs i386 code) and under qemu-i386, with the batch's records as its stdin.
//
// The runner's children cannot make system calls (case.ts strips them, and natively a seccomp filter
// kills any that gets through), but as a last line of defence, when this harness runs as root, the
// oracles run as `nobody` (setpriv): random code must never act with root's rights on the host.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostRunsI386Code } from '../../support/i386-oracle.ts';
import { parseRunnerOutput, type CaseEnd } from './runner.ts';

export type Ring3Oracle = 'native' | 'qemu-i386';

/** The oracles this host has: native where it runs i386 code, qemu-i386 where installed (GATE86_ORACLE picks one). */
export function ring3Oracles(): Ring3Oracle[] {
  const forced = process.env.GATE86_ORACLE;
  const qemu = spawnSync('qemu-i386', ['--version'], { stdio: 'ignore' }).status === 0;
  const all: Ring3Oracle[] = [...(hostRunsI386Code() ? ['native' as const] : []), ...(qemu ? ['qemu-i386' as const] : [])];
  if (forced === 'native') return all.filter((o) => o === 'native');
  if (forced === 'qemu') return all.filter((o) => o === 'qemu-i386');
  return all;
}

const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;

/** Run as nobody when we are root and setpriv is there. */
function unprivileged(command: string[]): string[] {
  return asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', ...command] : command;
}

const copies = new Map<string, string>();
/** A copy of the runner that nobody can read and execute (its build directory may be private). */
function publicCopy(runner: string): string {
  let copy = copies.get(runner);
  if (copy === undefined) {
    copy = join(tmpdir(), `gate86-ring3-runner-${process.pid}-${copies.size}.elf`);
    copyFileSync(runner, copy);
    chmodSync(copy, 0o755);
    copies.set(runner, copy);
    process.once('exit', () => { try { unlinkSync(copy!); } catch { /* gone already */ } });
  }
  return copy;
}

/** The command line that runs the runner on an oracle. qemu-i386 emulates the gate86 model's CPU generation. */
function commandFor(oracle: Ring3Oracle, runner: string): string[] {
  const program = asNobody ? publicCopy(runner) : runner;
  return unprivileged(oracle === 'native' ? [program] : ['qemu-i386', '-cpu', 'pentium3', program]);
}

export interface OracleBatch {
  oracle: Ring3Oracle;
  ends: Promise<CaseEnd[]>;
}

let batchFiles = 0;

/**
 * Start a batch on an oracle, in the background (the records go in through a file, so the child
 * needs nothing from this thread while gate86 runs the same batch here).
 */
export function startOracleBatch(oracle: Ring3Oracle, runner: string, records: Uint8Array[]): OracleBatch {
  const file = join(tmpdir(), `gate86-ring3-${process.pid}-${batchFiles++}.bin`);
  writeFileSync(file, Buffer.concat(records), { mode: 0o644 });
  const fd = openSync(file, 'r');
  const [command, ...args] = commandFor(oracle, runner);
  const child = spawn(command!, args, { stdio: [fd, 'pipe', 'pipe'] });
  closeSync(fd);
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const ends = new Promise<CaseEnd[]>((resolve, reject) => {
    child.on('error', (error) => { unlinkSync(file); reject(error); });
    child.on('close', (code, signal) => {
      unlinkSync(file);
      if (code !== 0) {
        reject(new Error(`the ring-3 runner on ${oracle} ended with ${signal ?? `status ${code}`}${stderr ? `: ${stderr.trim()}` : ''}`));
        return;
      }
      try {
        resolve(parseRunnerOutput(new Uint8Array(Buffer.concat(chunks))).ends);
      } catch (error) {
        reject(error as Error);
      }
    });
  });
  return { oracle, ends };
}
