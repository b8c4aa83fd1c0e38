// The LabContext a grader's checks get: runs of the student's built copy (its own bin/gate86.js),
// runs of the copy's kernel with a scripted console (labs/harness.ts, in a child process), the
// oracle, and the copy's files.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HarnessOutcome, HarnessRequest, LabContext, RunOutcome, RunRequest } from './lab.ts';
import { i386Oracle, runI386Elf } from '../test/support/i386-oracle.ts';

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

/** One harness process for a whole grade, asked one request at a time (JSON lines both ways). */
class Harness {
  private child: ChildProcessWithoutNullStreams | null = null;
  private buffered = '';
  private waiting: ((line: string) => void)[] = [];
  private stderr = '';

  constructor(private readonly root: string, private readonly dir: string) {}

  ask(request: HarnessRequest): Promise<HarnessOutcome> {
    if (this.child === null) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(this.root, 'labs/harness.ts'), this.dir], { cwd: this.root });
      child.stdout.on('data', (b: Buffer) => {
        this.buffered += b.toString('utf8');
        for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
          const line = this.buffered.slice(0, nl);
          this.buffered = this.buffered.slice(nl + 1);
          this.waiting.shift()?.(line);
        }
      });
      child.stderr.on('data', (b: Buffer) => { this.stderr += b.toString('utf8'); });
      child.on('close', () => { for (const w of this.waiting.splice(0)) w(''); this.child = null; });
      this.child = child;
    }
    const child = this.child;
    return new Promise((resolve) => {
      this.waiting.push((line) => {
        try {
          resolve(JSON.parse(line) as HarnessOutcome);
        } catch {
          resolve({ status: null, signal: null, stdout: '', trace: [], log: [], msrs: {}, symbols: {}, peeks: [], error: `the harness failed: ${this.stderr.trim() || line}` });
        }
      });
      child.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  close(): void {
    this.child?.stdin.end();
  }
}

/** A context for one grade; `close` ends the harness process it may have started. */
export function labContext(root: string, dir: string): LabContext & { close(): void } {
  const harness = new Harness(root, dir);
  return {
    close: () => harness.close(),
    dir,
    read(path) {
      const file = join(dir, path);
      return existsSync(file) ? readFileSync(file, 'utf8') : null;
    },
    run(request: RunRequest) {
      const trace = request.trace && request.trace.length > 0 ? ['--trace', request.trace.join(',')] : [];
      // On the modelled clock (vm/machine/clock.ts): a graded run is the same on every host, however loaded.
      return collect(process.execPath, [join(dir, 'bin/gate86.js'), 'run', '--clock', 'modelled', '--cpu', request.cpu, ...trace, join(dir, request.program), ...(request.args ?? [])],
        dir, request.stdin ?? '');
    },
    harness: (request: HarnessRequest) => harness.ask(request),
    async native(program, args = []) {
      const r = runI386Elf(join(dir, program), args);
      return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr, oracle: i386Oracle() };
    },
  };
}
