// The terminal, driven through a pseudo-terminal as a person would: busybox's interactive sh (its
// line editing, ^C to a foreground job, ^Z and fg, exit) and vi opening and saving a file — on gate86
// with the host terminal in raw mode and gate86's line discipline doing the work, and vi also on the
// oracle, which must save the same bytes.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { i386Oracle } from '../support/i386-oracle.ts';
import { busyboxPath, makeTree } from './busybox-support.ts';
import { onPty } from './pty-support.ts';
import { root } from './support.ts';

const gate86 = [process.execPath, '--import', import.meta.resolve('tsx'), join(root, 'cli/gate86.ts'), 'run'];
const env = { PATH: '/usr/bin:/bin', TERM: 'vt100', HOME: '/' };
// (busybox's line editing asks the terminal where the cursor is, ESC [6n, after each prompt; a pty
// with no terminal emulator behind it never answers, and busybox carries on.)

test('busybox sh on a terminal: a prompt, commands, ^C ends the foreground job (not the shell), ^Z stops it and fg resumes it, exit', async (t) => {
  const tree = makeTree();
  const s = onPty([...gate86, '--env-clear', '-E', 'PS1=gate86$ ', '-E', `PATH=${tree}/bin`, join(tree, 'bin/busybox'), 'sh'], tree, env);
  await s.waitFor(/gate86\$ (\x1b\[6n)?$/);
  let mark = s.screen().length;
  s.type('echo $((6*7)) | cat\r');
  await s.waitFor(/\r\n42\r\ngate86\$ (\x1b\[6n)?$/, mark);
  mark = s.screen().length;
  s.type('cat\r');                                    // cat waits for the terminal: a foreground job
  await s.waitFor(/cat\r\n$/, mark);
  s.type('typed line\r');
  await s.waitFor(/typed line\r\ntyped line\r\n$/, mark);   // the echo, then cat's copy
  s.type('\x03');                                     // ^C: SIGINT to cat's process group only
  await s.waitFor(/\^C\r\ngate86\$ (\x1b\[6n)?$/, mark);
  mark = s.screen().length;
  s.type('cat\r');
  await s.waitFor(/cat\r\n$/, mark);
  s.type('\x1a');                                     // ^Z: SIGTSTP; the shell reports the stopped job
  await s.waitFor(/\^Z\[1\]\+\s+Stopped\s+cat\r\ngate86\$ (\x1b\[6n)?$/, mark);
  mark = s.screen().length;
  s.type('fg\r');
  await s.waitFor(/fg\r\ncat\r\n$/, mark);
  s.type('again\r');
  await s.waitFor(/again\r\nagain\r\n$/, mark);
  s.type('\x04');                                     // ^D: end of file for cat
  await s.waitFor(/gate86\$ (\x1b\[6n)?$/, mark);
  s.type('exit 5\r');
  t.is(await s.exited, 5);
});

/**
 * vi, typed as a person types: one key at a time, each time waiting for the screen to show that vi
 * took it (the status line's position and mode, the character drawn). Keys sent in one burst are not
 * what a terminal delivers — busybox vi reads an ESC followed at once by more bytes as an escape
 * sequence — so waiting for the screen is the protocol, not a delay.
 */
async function viSave(command: string[], tree: string): Promise<{ status: number | null; file: string }> {
  writeFileSync(join(tree, 'notes.txt'), 'first line\nsecond line\n');
  const s = onPty([...command, 'vi', 'notes.txt'], tree, env);
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
  const oracle = await viSave(i386Oracle() === 'native' ? [join(oracleTree, 'bin/busybox')] : ['qemu-i386', join(oracleTree, 'bin/busybox')], oracleTree);
  const tree = makeTree();
  const ours = await viSave([...gate86, join(tree, 'bin/busybox')], tree);
  t.is(oracle.file, 'FIRST line\nsecond line\nthird line typed in vi\n');
  t.is(ours.file, oracle.file);
  t.is(ours.status, oracle.status);
});

void busyboxPath;
