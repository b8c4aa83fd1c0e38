// The step view (`gate86 run --step`, `gate86 boot --step`): the machine stopped before its first
// instruction, a frame of what matters at the crossing (frame.ts), and keys to move it:
//
//   s, space, Enter   one instruction (stepi)
//   n                 step over: a CALL runs until it returns, a door (INT n, SYSENTER) until the
//                     CPU is back in this ring
//   r                 run to the next ring change (any crossing, in or out)
//   y                 run to the next system call (the next entry by int $0x80, sysenter, syscall)
//   c                 continue (any key stops it again)
//   Ctrl-L            draw the whole screen again
//   q                 leave the view; the program runs on to its end
//
// On a terminal it is full-screen (screen.ts). Without one, or with NO_COLOR set, it degrades to
// plain text: each frame is printed as lines, and the commands are read one per line (an empty
// line steps). The program's stdin is empty meanwhile (the keys are the view's); its output shows
// on the status line and is printed in full when the view closes.

import type { DebugClient } from '../../vm/debug/client.ts';
import type { MachineView, RegisterValues, ResumeMode, StopReason } from '../../vm/debug/protocol.ts';
import { buildFrame, disassembleAt, lineText, type Executed, type Namer } from './frame.ts';
import { Screen } from './screen.ts';

type Command = 'step' | 'over' | 'ring' | 'syscall' | 'continue' | 'redraw' | 'quit' | 'stop';

const KEY_COMMANDS: Record<string, Command> = {
  s: 'step', ' ': 'step', '\r': 'step', '\n': 'step', n: 'over', r: 'ring', y: 'syscall', c: 'continue',
  '\x0c': 'redraw', q: 'quit', '\x03': 'stop',
};
const MODES: Partial<Record<Command, ResumeMode>> = {
  step: { kind: 'step' }, over: { kind: 'step-over' }, ring: { kind: 'ring-change' }, syscall: { kind: 'syscall' }, continue: { kind: 'continue' },
};

export interface StepViewOptions {
  client: DebugClient;
  names: Namer;
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  /** Plain text instead of the full screen (no TTY, or NO_COLOR). */
  plain: boolean;
}

/** Whether the view must be plain text here: no terminal on both ends, or NO_COLOR (no-color.org). */
export function wantsPlainText(input: NodeJS.ReadStream, output: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  return input.isTTY !== true || output.isTTY !== true || (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '');
}

function describeStop(reason: StopReason): string {
  switch (reason.kind) {
    case 'start': return 'stopped before the first instruction';
    case 'step': return 'stepped';
    case 'interrupted': return 'stopped';
    case 'breakpoint': return `breakpoint at 0x${reason.address.toString(16)}`;
    case 'watchpoint': return `watchpoint: 0x${reason.accessed.toString(16)} was touched`;
    case 'crossing': return `stopped at a ring change: ring ${reason.event.from.cpl} -> ring ${reason.event.to.cpl} by ${reason.event.door}`;
  }
}

export class StepView {
  private readonly output: string[] = [];
  private partial = '';
  private readonly keys: string[] = [];
  private keyWaiter: (() => void) | null = null;
  private inputEnded = false;
  private readonly screen: Screen | null;
  private status = '';
  private history: Executed[] = [];
  private previous: RegisterValues | null = null;
  /** What the last draw showed: the state, and the registers before it. */
  private shown: { view: MachineView; previous: RegisterValues | null } | null = null;
  private current: Executed | null = null;
  private closed = false;

  constructor(private readonly options: StepViewOptions) {
    const out = options.output;
    this.screen = options.plain ? null : new Screen({
      write: (text) => { out.write(text); },
      get columns() { return out.columns ?? 80; },
      get rows() { return out.rows ?? 24; },
    });
  }

  /** Program output while the view is up: the status line shows the last line (plain mode prints it). */
  programOutput(bytes: Uint8Array): void {
    const text = Buffer.from(bytes).toString('latin1');
    if (this.options.plain || this.closed) { this.options.output.write(bytes); return; }
    this.partial += text;
    const lines = this.partial.split('\n');
    this.partial = lines.pop()!;
    this.output.push(...lines);
    this.status = `program: ${lines.length > 0 ? lines[lines.length - 1] : this.partial}`;
  }

  /** Show the view until the machine ends or the user leaves it. */
  async run(): Promise<void> {
    const { client } = this.options;
    this.listen();
    this.screen?.enter();
    const onResize = (): void => { this.screen?.invalidate(); this.render(); };
    this.options.output.on('resize', onResize);
    try {
      const first = client.stopped && client.lastStop !== null ? client.lastStop : await client.nextStop();
      this.status = describeStop(first);
      await this.draw();
      for (;;) {
        const command = await this.nextCommand();
        if (command === 'quit' || command === 'stop') break;
        if (command === 'redraw') { this.screen?.invalidate(); this.status = 'redrawn'; this.render(); continue; }
        const mode = MODES[command];
        if (mode === undefined) continue;
        await this.go(command, mode);
        await this.draw();
      }
      if (!client.hasEnded) await client.detach();
    } catch (error) {
      if (!client.hasEnded) throw error;      // the machine ended while the view waited: that is the end
    } finally {
      this.close(onResize);
    }
  }

  private async go(command: Command, mode: ResumeMode): Promise<void> {
    const { client } = this.options;
    const stopped = client.nextStop();
    const before = this.current;
    await client.resume(mode);
    if (command !== 'step') {
      this.status = this.options.plain ? 'running...' : 'running... (any key stops it)';
      this.render();
      // On a terminal, a key pressed while it runs stops it (a run to the next ring change may be
      // long, or never end) and does nothing else. Keys typed ahead, and plain-text commands, wait.
      if (!this.options.plain) this.interruptOnNextKey(this.keys.length);
    }
    const reason = await stopped;
    this.dropPendingKeyWait();
    this.status = describeStop(reason);
    if (command === 'step' && before !== null) this.history.push(before);
    else if (command !== 'step') this.history = [];
    if (this.history.length > 8) this.history.shift();
  }

  /** Fetch the machine's state and draw it (the registers that changed since the last draw stand out). */
  private async draw(): Promise<void> {
    const view = await this.options.client.view();
    const bytes = view.code.bytes;
    this.current = bytes.length > 0 ? { address: view.code.address, text: disassembleAt(bytes, 0, view.code.address, this.options.names).text } : null;
    this.shown = { view, previous: this.previous };
    this.previous = view.registers;
    this.render();
  }

  /** Draw the last state again (with a new status line). */
  private render(): void {
    if (this.shown === null) return;
    const plain = this.screen === null;
    const columns = this.options.output.columns ?? (plain ? 100 : 80);
    const rows = plain ? 24 : this.options.output.rows ?? 24;
    const frame = buildFrame({ ...this.shown, history: this.history, name: this.options.names, status: this.status, width: columns, height: rows });
    if (this.screen !== null) this.screen.draw(frame);
    else this.options.output.write(frame.map((l) => lineText(l).trimEnd()).join('\n') + `\n${'-'.repeat(40)}\nstep> `);
  }

  // --- Keys --------------------------------------------------------------------------------------

  private listen(): void {
    const input = this.options.input;
    if (!this.options.plain && input.isTTY === true) input.setRawMode(true);
    input.on('data', this.onData);
    input.on('end', this.onEnd);
    input.resume();
  }

  private readonly onData = (chunk: Buffer): void => {
    const text = chunk.toString('latin1');
    if (this.options.plain) {
      // Plain text: one command per line; an empty line steps.
      for (const line of text.split('\n').slice(0, -1)) this.keys.push(line.trim()[0] ?? 's');
      if (!text.includes('\n')) this.keys.push(...text.trim().slice(0, 1));
    } else {
      this.keys.push(...text);
    }
    this.wake();
  };

  private readonly onEnd = (): void => {
    this.inputEnded = true;
    this.wake();
  };

  private wake(): void {
    const waiter = this.keyWaiter;
    this.keyWaiter = null;
    waiter?.();
  }

  /** Resolves when a key arrives (or input ends); at once if keys are waiting and none was asked for. */
  private waitKey(after = 0): Promise<void> {
    if (this.keys.length > after || this.inputEnded) return Promise.resolve();
    return new Promise((resolve) => { this.keyWaiter = resolve; });
  }

  private interruptOnNextKey(queued: number): void {
    const { client } = this.options;
    void this.waitKey(queued).then(() => {
      if (client.stopped || client.hasEnded || this.inputEnded) return;
      if (this.keys.length <= queued) { this.interruptOnNextKey(queued); return; }
      this.keys.splice(queued, 1);
      void client.stop().catch(() => {});
    });
  }

  private dropPendingKeyWait(): void {
    this.keyWaiter = null;
  }

  private async nextCommand(): Promise<Command> {
    for (;;) {
      const key = this.keys.shift();
      if (key !== undefined) {
        const command = KEY_COMMANDS[key];
        if (command === undefined) continue;     // keys the view does not know are ignored
        if (this.options.plain) this.options.output.write(`${key}\n`); // ends the prompt's line
        return command;
      }
      if (this.inputEnded) {                     // plain text: the commands ran out
        if (this.options.plain) this.options.output.write('\n');
        return 'quit';
      }
      await this.waitKey();
    }
  }

  private close(onResize: () => void): void {
    if (this.closed) return;
    this.closed = true;
    const input = this.options.input;
    input.off('data', this.onData);
    input.off('end', this.onEnd);
    this.options.output.off('resize', onResize);
    if (!this.options.plain && input.isTTY === true) input.setRawMode(false);
    input.pause();
    if (this.screen !== null) {
      this.screen.leave();
      // Everything the program wrote while the view had the screen, now on the terminal for good.
      const text = this.output.join('\n') + (this.output.length > 0 ? '\n' : '') + this.partial;
      if (text !== '') this.options.output.write(text);
    }
  }
}
