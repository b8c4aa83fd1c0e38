// A program on a pseudo-terminal, driven like a person at a keyboard: script(1) (util-linux, in
// Debian's essential bsdutils) runs the command on a new pty and copies our pipe to its master, the
// master's output back to us. The test types, then waits for the text it expects to appear — never
// for a length of time.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { OracleError } from '../support/i386-oracle.ts';

export interface PtySession {
  /** Everything the terminal showed so far. */
  screen(): string;
  type(keys: string): void;
  /** Wait until the screen (after `from`) matches; fails after a generous deadline (a hung guest). */
  waitFor(pattern: RegExp, from?: number): Promise<void>;
  exited: Promise<number | null>;
  kill(): void;
}

export function onPty(command: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): PtySession {
  const quoted = command.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn('script', ['-qfec', quoted, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    throw new OracleError(`script(1) is needed for the terminal tests (Debian's bsdutils): ${(error as Error).message}`);
  }
  let text = '';
  child.stdout.on('data', (d: Buffer) => { text += d.toString('latin1'); });
  child.stderr.on('data', (d: Buffer) => { text += d.toString('latin1'); });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let ended = false;
  void exited.then(() => { ended = true; });
  return {
    screen: () => text,
    type: (keys) => { child.stdin.write(keys); },
    waitFor: async (pattern, from = 0) => {
      const deadline = Date.now() + 120_000;
      while (!pattern.test(text.slice(from))) {
        if (ended) throw new Error(`the program ended before ${pattern} appeared: ${JSON.stringify(text)}`);
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${pattern} in ${JSON.stringify(text)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    exited,
    kill: () => { child.kill('SIGKILL'); },
  };
}
