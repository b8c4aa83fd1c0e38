// The step view through a real terminal: tmux (Debian's tmux package) runs `gate86 run --step` in an
// 80x24 pane, the test types keys with send-keys and reads the screen with capture-pane — what a
// person would see. tmux rather than node-pty: it is a terminal emulator we did not write (so the
// screen is what a terminal makes of our output, escape sequences and all), it needs no native
// build, and Debian has it. Without a TTY, or with NO_COLOR, the view is plain text.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './support.ts';

const GETUID = 'build/userland/getuid.elf';
const WAIT_MS = 120_000;
const config = join(mkdtempSync(join(tmpdir(), 'gate86-tmux-')), 'tmux.conf');
// No remain-on-exit: tmux 3.3 writes "Pane is dead" into a dead pane, scrolling its first line
// away. The pane's shell stays alive after the command instead (the test kills the server).
writeFileSync(config, 'set -g status off\n');

/** One tmux server with one pane running a command; its screen as lines. */
class Pane {
  private readonly socket = `gate86-step-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  constructor(command: string, readonly columns = 80, readonly rows = 24) {
    this.tmux('-f', config, 'new-session', '-d', '-s', 'view', '-x', String(columns), '-y', String(rows), `cd ${root} && ${command}; echo EXIT=$?; exec sleep 3600`);
  }
  private tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
    if (r.error) throw new Error(`tmux could not run (install the tmux package): ${r.error.message}`);
    if (r.status !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr}`);
    return r.stdout;
  }
  screen(escapes = false): string[] {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'view').replace(/\n$/, '').split('\n');
  }
  keys(...keys: string[]): void { this.tmux('send-keys', '-t', 'view', ...keys); }
  /** Wait until the screen satisfies `ready` (polling what the terminal shows; no time is measured). */
  async until(ready: (lines: string[]) => boolean, what: string): Promise<string[]> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const lines = this.screen();
      if (ready(lines)) return lines;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}:\n${lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  close(): void { spawnSync('tmux', ['-L', this.socket, 'kill-server']); }
}

const status = (lines: string[]): string => lines[22] ?? '';
const has = (lines: string[], pattern: RegExp): boolean => lines.some((l) => pattern.test(l));

test('step view in an 80x24 terminal: run to the ring change into ring 3, then to the next system call: CPL 0 and the pt_regs frame; keys step; no redraw garbage', async (t) => {
  const pane = new Pane(`env -u NO_COLOR node --import tsx cli/gate86.ts run --step ${GETUID}`);
  t.teardown(() => pane.close());
  let lines = await pane.until((l) => status(l).startsWith('stopped before the first instruction'), 'the first frame');
  t.regex(lines[0]!, /^ring 0 \| phys_startup_32 \| booting/);
  t.is(lines.length, 24);
  pane.keys('r');
  lines = await pane.until((l) => status(l).startsWith('stopped at a ring change'), 'the first ring change');
  t.regex(status(lines), /ring 0 -> ring 3 by iret/);
  t.regex(lines[0]!, /^pid 1 \| ring 3 \| in the program, _start/);
  t.true(has(lines, /eip [0-9a-f]{8}  cpl 3/));
  pane.keys('y');
  lines = await pane.until((l) => /ring 3 -> ring 0 by sysenter/.test(status(l)), 'the first system call');
  t.regex(lines[0]!, /^pid 1 \| ring 0 \| getuid \(24\) \| sysenter_entry \| by sysenter from 0073:ffffe405/);
  t.true(has(lines, /cpl 0/), 'CPL 0');
  t.true(has(lines, /\|cs {2}0060 {2}0 {3}0 /), 'CS 0x60 with RPL 0, DPL 0');
  t.true(has(lines, /pt_regs below tss\.esp0 [0-9a-f]{8}/), 'the pt_regs frame');
  for (const slot of ['EBX', 'ECX', 'EDX', 'ESI', 'EDI', 'EBP', 'EAX', 'DS', 'ES', 'ORIG_EAX', 'EIP', 'CS', 'EFLAGS', 'OLDESP', 'OLDSS']) {
    t.true(has(lines, new RegExp(`[0-9a-f]{2} ${slot} +[0-9a-f]{8}`)), `slot ${slot}`);
  }
  t.true(has(lines, /EIP c0[0-9a-f]{6} sysenter_entry/), 'the SYSENTER_EIP MSR, named');
  // s: movl TSS_ESP0_OFFSET(%esp),%esp, then sti, then pushl $__USER_DS: the frame's first slot.
  pane.keys('s');
  lines = await pane.until((l) => /sysenter_past_esp \|/.test(l[0]!) && status(l) === 'stepped', 'one step');
  t.true(has(lines, /esp esp0-0x0/), 'ESP is tss.esp0 now');
  pane.keys('s');
  lines = await pane.until((l) => /sysenter_past_esp\+0x1 \|/.test(l[0]!), 'the sti');
  pane.keys('s');
  lines = await pane.until((l) => /sysenter_past_esp\+0x3 \|/.test(l[0]!), 'the first push');
  t.true(has(lines, />38 OLDSS +0000007b/), 'OLDSS = __USER_DS, where ESP points');
  t.true(lines.every((l) => l.length <= 80), 'nothing past column 80');
  // Every row drawn incrementally must be what a full redraw draws (Ctrl-L), but the status line.
  const incremental = pane.screen();
  pane.keys('C-l');
  const full = await pane.until((l) => status(l) === 'redrawn', 'the redraw');
  t.deepEqual(full.filter((_, i) => i !== 22), incremental.filter((_, i) => i !== 22));
  pane.keys('q');
  lines = await pane.until((l) => has(l, /^EXIT=/), 'the end');
  t.true(has(lines, /^getuid\(\) = 0$/), 'the program ran on to its end and its output shows');
  t.true(has(lines, /^EXIT=0$/));
});

test('step view with NO_COLOR in a terminal: plain text, no escape sequences', async (t) => {
  // Plain frames scroll like any output: a pane taller than one frame shows a whole one.
  const pane = new Pane(`NO_COLOR=1 node --import tsx cli/gate86.ts run --step ${GETUID}`, 80, 40);
  t.teardown(() => pane.close());
  await pane.until((l) => has(l, /^step> $/) || has(l, /^step>/), 'the prompt');
  pane.keys('y', 'Enter');
  const lines = await pane.until((l) => has(l, /by sysenter from/), 'the system call');
  t.true(has(lines, /getuid \(24\)/));
  t.false(pane.screen(true).some((l) => l.includes('\x1b[')), 'no colour, no cursor movement');
  pane.keys('q', 'Enter');
  await pane.until((l) => has(l, /^EXIT=0$/), 'the end');
});

test('step view without a TTY: plain-text frames, one command per line, and the program runs to its end', (t) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', 'run', '--step', GETUID], {
    cwd: root, encoding: 'utf8', input: 'r\ny\ns\nn\nq\n', env: { ...process.env, NO_COLOR: '' },
  });
  t.is(r.status, 0, r.stderr);
  t.false(r.stdout.includes('\x1b'), 'plain text');
  t.regex(r.stdout, /stopped before the first instruction/);
  t.regex(r.stdout, /ring 3 \| in the program, _start/);
  t.regex(r.stdout, /ring 0 \| getuid \(24\) \| sysenter_entry \| by sysenter from 0073:ffffe405/);
  t.regex(r.stdout, /ORIG_EAX/);
  t.regex(r.stdout, /^getuid\(\) = 0$/m);
});
