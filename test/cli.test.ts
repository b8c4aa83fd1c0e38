import test from 'ava';
import { spawnSync } from 'node:child_process';

const gate86 = (args: string[]) => spawnSync(process.execPath, ['bin/gate86.js', ...args], { encoding: 'utf8' });

test('gate86 --help lists the commands and exits 0', (t) => {
  const r = gate86(['--help']);
  t.is(r.status, 0);
  t.regex(r.stdout, /usage: gate86 <command>/);
});

test('an unknown command is a clear error with status 2', (t) => {
  const r = gate86(['no-such-command']);
  t.is(r.status, 2);
  t.regex(r.stderr, /unknown command 'no-such-command'/);
});
