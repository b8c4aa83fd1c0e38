// The LabContext a grader's checks get: runs of the student's built copy (its own bin/gate86.js),
// runs of the copy's kernel with a scripted console (labs/harness.ts, in a child process), the
// oracle, and the copy's files.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HarnessOutcome, HarnessRequest, LabContext, RunOutcome, RunRequest } from './lab.ts';
import { runI386Elf } from '../test/support/i386-oracle.ts';

/** Run a command, feed it `input`, collect its output (a grader waits for each run in turn). */
function collect(command: string, args: string[], cwd: string, input: string): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => resolve({ status: null, stdout: '', stderr: e.message }));
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(input);
  });
}

export function labContext(root: string, dir: string): LabContext {
  return {
    dir,
    read(path) {
      const file = join(dir, path);
      return existsSync(file) ? readFileSync(file, 'utf8') : null;
    },
    run(request: RunRequest) {
      const trace = request.trace && request.trace.length > 0 ? ['--trace', request.trace.join(',')] : [];
      return collect(process.execPath, [join(dir, 'bin/gate86.js'), 'run', '--cpu', request.cpu, ...trace, join(dir, request.program), ...(request.args ?? [])],
        dir, request.stdin ?? '');
    },
    async harness(request: HarnessRequest) {
      const r = await collect(process.execPath, ['--import', 'tsx', join(root, 'labs/harness.ts')], root, JSON.stringify({ ...request, dir }));
      try {
        return JSON.parse(r.stdout) as HarnessOutcome;
      } catch {
        return { status: null, signal: null, stdout: '', trace: [], log: [], msrs: {}, symbols: {}, peek: [], error: `the harness failed: ${r.stderr.trim() || r.stdout.trim()}` };
      }
    },
    async native(program, args = []) {
      const r = runI386Elf(join(dir, program), args);
      return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr };
    },
  };
}
