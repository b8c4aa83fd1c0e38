// The terminal, driven through a pseudo-terminal as a person would: busybox's interactive sh (its
// line editing, ^C to a foreground job, ^Z and fg, exit) and vi opening and saving a file — on gate86
// with the host terminal in raw mode and gate86's line discipline doing the work, and both also on
// the oracle: the same session must go the same way there, and vi must save the same bytes.
import test, { type ExecutionContext } from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileC, i386Oracle, oracleCommand } from '../support/i386-oracle.ts';
import { busyboxPath, makeTree } from './busybox-support.ts';
import { onPty } from './pty-support.ts';
import { root } from './support.ts';

const gate86 = [process.execPath, '--import', import.meta.resolve('tsx'), join(root, 'cli/gate86.ts'), 'run'];
const env = { PATH: '/usr/bin:/bin', TERM: 'vt100', HOME: '/' };
// (busybox's line editing asks the terminal where the cursor is, ESC [6n, after each prompt; a pty
// with no terminal emulator behind it never answers, and busybox carries on.)

/**
 * An interactive busybox sh session, typed as a person types: each key or line only once the screen
 * shows what it answers to.
 *
 * The foreground job is `tr a-z A-Z`, so that its copy of a line (upper case) is told apart from the
 * terminal's echo of it. A line typed just after the command may reach the terminal while busybox's
 * line editor still has it in raw mode with echo off (the editor restores cooked mode only after it
 * has echoed the command's newline): Linux then keeps the line, unechoed, and hands it to the job
 * once canonical mode is back (n_tty's push), and so must gate86. The first line is therefore only
 * awaited as tr's copy; once tr has copied something, the terminal is cooked and tr's group is the
 * foreground, so from then on the echo, ^C and ^Z are certain.
 */
async function shSession(t: ExecutionContext, command: string[], cwd: string): Promise<void> {
  const s = onPty(command, cwd, env);
  t.teardown(() => s.kill());                 // a failed wait must not leave the session running
  const prompt = /gate86\$ (\x1b\[6n)?$/;
  await s.waitFor(prompt);
  let mark = s.screen().length;
  const line = async (keys: string, shows: RegExp): Promise<void> => {
    s.type(keys);
    await s.waitFor(shows, mark);
  };
  await line('echo $((6*7)) | cat\r', /\r\n42\r\ngate86\$ (\x1b\[6n)?$/);
  mark = s.screen().length;
  await line('tr a-z A-Z\r', /tr a-z A-Z\r\n$/);           // tr waits for the terminal: a foreground job
  await line('first\r', /FIRST\r\n$/);                    // taken, echoed or not (see above)
  await line('typed line\r', /typed line\r\nTYPED LINE\r\n$/);   // the echo, then tr's copy
  await line('\x03', /\^C\r\ngate86\$ (\x1b\[6n)?$/);         // ^C: SIGINT to tr's process group only
  mark = s.screen().length;
  await line('tr a-z A-Z\r', /tr a-z A-Z\r\n$/);
  await line('one\r', /ONE\r\n$/);
  await line('\x1a', /\^Z\[1\]\+\s+Stopped\s+tr a-z A-Z\r\ngate86\$ (\x1b\[6n)?$/);   // ^Z: SIGTSTP; the shell reports the stopped job
  mark = s.screen().length;
  await line('fg\r', /fg\r\ntr a-z A-Z\r\n$/);              // fg names the job once the terminal is cooked again
  await line('again\r', /again\r\nAGAIN\r\n$/);
  await line('\x04', prompt);                             // ^D: end of file for tr
  s.type('exit 5\r');
  t.is(await s.exited, 5);
}

test('busybox sh on a terminal: a prompt, a pipeline, ^C ends the foreground job (not the shell), ^Z stops it and fg resumes it, ^D, exit', async (t) => {
  const tree = makeTree();
  await shSession(t, [...gate86, '--env-clear', '-E', 'PS1=gate86$ ', '-E', `PATH=${tree}/bin`, join(tree, 'bin/busybox'), 'sh'], tree);
});

test(`the same busybox sh session on the oracle's terminal (${i386Oracle()})`, async (t) => {
  const tree = makeTree();
  const [command, args] = oracleCommand(join(tree, 'bin/busybox'), ['sh'], { followsExec: true });
  await shSession(t, ['/usr/bin/env', '-i', 'PS1=gate86$ ', `PATH=${tree}/bin:/usr/bin:/bin`, command, ...args], tree);
});

/**
 * vi, typed as a person types: one key at a time, each time waiting for the screen to show that vi
 * took it (the status line's position and mode, the character drawn). Keys sent in one burst are not
 * what a terminal delivers — busybox vi reads an ESC followed at once by more bytes as an escape
 * sequence — so waiting for the screen is the protocol, not a delay.
 */
async function viSave(t: ExecutionContext, command: string[], tree: string): Promise<{ status: number | null; file: string }> {
  writeFileSync(join(tree, 'notes.txt'), 'first line\nsecond line\n');
  const s = onPty([...command, 'vi', 'notes.txt'], tree, env);
  t.teardown(() => s.kill());                 // a failed wait must not leave the session running
  await s.waitFor(/notes\.txt 1\/2/);
  const key = async (keys: string, shows: RegExp): Promise<void> => {
    const mark = s.screen().length;
    s.type(keys);
    await s.waitFor(shows, mark);
  };
  const text = async (words: string): Promise<void> => {
    for (const c of words) await key(c, c === ' ' ? /./ : new RegExp(c));      // a blank shows as a cursor move
  };
  await key('G', /notes\.txt 2\/2/);                  // to the last line
  await key('o', /I notes\.txt \[Modified\] 3\/3/);    // open a line below it: insert mode
  await text('third line typed in vi');
  await key('\x1b', /- notes\.txt \[Modified\]/);      // back to command mode
  await key('gg', /notes\.txt \[Modified\] 1\/3/);     // to the first line
  await key('cw', /I notes\.txt/);                      // change the first word
  await text('FIRST');
  await key('\x1b', /- notes\.txt \[Modified\]/);
  await key(':', /:/);
  await text('wq');
  s.type('\r');
  const status = await s.exited;
  return { status, file: readFileSync(join(tree, 'notes.txt'), 'latin1') };
}

test(`busybox vi through the terminal: open, edit, save — the file is what vi saves on the oracle (${i386Oracle()})`, async (t) => {
  const oracleTree = makeTree();
  const oracle = await viSave(t, i386Oracle() === 'native' ? [join(oracleTree, 'bin/busybox')] : ['qemu-i386', join(oracleTree, 'bin/busybox')], oracleTree);
  const tree = makeTree();
  const ours = await viSave(t, [...gate86, join(tree, 'bin/busybox')], tree);
  t.is(oracle.file, 'FIRST line\nsecond line\nthird line typed in vi\n');
  t.is(ours.file, oracle.file);
  t.is(ours.status, oracle.status);
});


/** glibc-tty-modes.c on a terminal: what typed input becomes across mode changes, step by step. */
async function ttyModes(t: ExecutionContext, command: string[], cwd: string): Promise<{ screen: string; status: number | null }> {
  const s = onPty(command, cwd, env);
  t.teardown(() => s.kill());                 // a failed wait must not leave the session running
  const step = async (shows: RegExp, keys: string): Promise<void> => {
    await s.waitFor(shows);
    s.type(keys);
  };
  await step(/raw: type\r\n$/, 'one\rtwo\rpart');
  await step(/cooked: type\r\n$/, 'next\r');
  await step(/raw again: type\r\n$/, 'xyz');
  await step(/flushed, FIONREAD \d+: type\r\n$/, 'last\r');
  await step(/end of file: type\r\n$/, '\x04');
  const status = await s.exited;
  return { screen: s.screen(), status };
}

test(`the line discipline across mode changes: input typed in raw mode is one readable line back in cooked mode, TCSAFLUSH drops it, read into NULL at end of file is 0 — as on the oracle (${i386Oracle()}${i386Oracle() === 'qemu-i386' ? ', whose read checks the buffer before reading: its EFAULT for NULL is not compared' : ''})`, async (t) => {
  const program = compileC({ 'glibc-tty-modes.c': readFileSync(join(root, 'test/kernel/glibc-tty-modes.c'), 'utf8') }, { libc: true, cflags: ['-O2'] });
  const oracle = await ttyModes(t, i386Oracle() === 'native' ? [program] : ['qemu-i386', program], tmpdir());
  const ours = await ttyModes(t, [...gate86, program], tmpdir());
  t.regex(oracle.screen, /cooked, FIONREAD 12\r\nread: 12 "one\\ntwo\\npart"\r\n/);
  t.regex(ours.screen, /read into NULL: 0 ""\r\n$/);         // Linux's n_tty_read copies nothing at EOF
  const nullRead = /read into NULL: .*\r\n$/;
  if (i386Oracle() === 'qemu-i386') t.regex(oracle.screen, /read into NULL: -1 "" Bad address\r\n$/);
  else t.regex(oracle.screen, /read into NULL: 0 ""\r\n$/);
  t.is(ours.screen.replace(nullRead, ''), oracle.screen.replace(nullRead, ''));
  t.is(ours.status, oracle.status);
});

test('gate86 boot on a terminal ends at busybox\'s shell on the console (issue 9 item 4): a pipeline and /proc through the line discipline, and exit ends the machine', async (t) => {
  const s = onPty([process.execPath, '--import', import.meta.resolve('tsx'), join(root, 'cli/gate86.ts'), 'boot', '--busybox', busyboxPath()], root, env);
  t.teardown(() => s.kill());                 // a failed wait must not leave the session running
  const prompt = /\/ # (\x1b\[6n)?$/;
  await s.waitFor(new RegExp(`init: starting /bin/sh[^]*BusyBox v[^]*${prompt.source}`));
  const mark = s.screen().length;
  s.type('echo $((6*7)) | cat; cat /proc/1/comm\r');
  await s.waitFor(/\r\n42\r\ninit\r\n\/ # (\x1b\[6n)?$/, mark);
  s.type('exit 3\r');
  await s.exited;
  t.regex(s.screen(), /init: pid \d+ exited with status 3\r\n/);
});
