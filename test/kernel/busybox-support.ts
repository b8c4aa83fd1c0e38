// Running Debian's busybox (busybox-static:i386) on gate86 and on the i386 oracle, in the same fixed
// directory tree, so the two outputs can be compared byte for byte.
//
// The tree is made fresh for every run (some commands change it), with fixed contents, modes and
// timestamps, under a parent directory with a fixed timestamp too (`ls -la` shows `..`). Its bin/
// holds links to busybox for the applets the scripts use, and PATH is that bin/ alone; the
// environment is otherwise empty on both sides.

import { copyFileSync, lutimesSync, mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from '../../kernel/boot.ts';
import { findBusybox } from '../../userland/initramfs.ts';
import { OracleError, runI386Elf } from '../support/i386-oracle.ts';
import { kernelBytes } from './support.ts';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** The busybox binary: Debian's busybox-static:i386 (/bin/busybox) or $GATE86_BUSYBOX; loud when missing. */
export function busyboxPath(): string {
  const found = findBusybox();
  if (found === null) throw new OracleError('no i386 busybox: install Debian\'s busybox-static:i386 (dpkg --add-architecture i386; apt-get install busybox-static:i386) or set GATE86_BUSYBOX');
  return found;
}

export const APPLETS = [
  'sh', 'echo', 'cat', 'ls', 'head', 'tail', 'grep', 'wc', 'sort', 'uniq', 'find', 'xargs', 'tar', 'md5sum', 'sha256sum',
  'cp', 'mv', 'rm', 'mkdir', 'rmdir', 'ps', 'kill', 'sleep', 'true', 'false', 'ln', 'touch', 'stat', 'readlink', 'tr', 'cut',
  'vi', 'env', 'test', 'chmod', 'od', 'dd', 'basename', 'dirname', 'pwd', 'id', 'uname',
];

const WHEN = new Date('2024-01-02T03:04:05Z');

const WORDS = ['banana', 'apple', 'cherry', 'apple', 'banana', 'apple', 'date', 'elderberry', 'fig', 'cherry'];

/** A fresh copy of the fixed tree; returns its path (its parent has a fixed timestamp too). */
export function makeTree(): string {
  const parent = mkdtempSync(join(tmpdir(), 'gate86-bb-'));
  const tree = join(parent, 't');
  const bb = busyboxPath();
  mkdirSync(join(tree, 'bin'), { recursive: true });
  copyFileSync(bb, join(tree, 'bin/busybox'));
  for (const applet of APPLETS) symlinkSync('busybox', join(tree, 'bin', applet));
  mkdirSync(join(tree, 'data/nested/deep'), { recursive: true });
  mkdirSync(join(tree, 'empty'));
  mkdirSync(join(tree, 'etc'));
  writeFileSync(join(tree, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(tree, 'etc/group'), 'root:x:0:\n');
  writeFileSync(join(tree, 'data/a.txt'), 'alpha\nbeta\ngamma\n');
  writeFileSync(join(tree, 'data/b.txt'), 'one\ntwo\nthree\nfour\nfive\nsix\n');
  writeFileSync(join(tree, 'data/words.txt'), WORDS.join('\n') + '\n');
  writeFileSync(join(tree, 'data/nested/deep/file.txt'), 'deep down\n');
  writeFileSync(join(tree, 'data/binary.bin'), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff)));
  symlinkSync('data/a.txt', join(tree, 'link'));
  const stamp = (path: string): void => utimesSync(path, WHEN, WHEN);
  for (const f of ['data/a.txt', 'data/b.txt', 'data/words.txt', 'data/nested/deep/file.txt', 'data/binary.bin', 'etc/passwd', 'etc/group', 'bin/busybox']) stamp(join(tree, f));
  for (const applet of APPLETS) lutimesSync(join(tree, 'bin', applet), WHEN, WHEN);
  lutimesSync(join(tree, 'link'), WHEN, WHEN);
  for (const d of ['data/nested/deep', 'data/nested', 'data', 'empty', 'etc', 'bin', '.']) stamp(join(tree, d));
  stamp(parent);
  return tree;
}

export interface Outcome { stdout: string; stderr: string; status: number | null; signal: number | null }

/** `busybox sh -c SCRIPT` on the oracle, in `tree`. */
export function onOracle(tree: string, script: string, stdin = ''): Outcome {
  const r = runI386Elf(join(tree, 'bin/busybox'), ['sh', '-c', script], { cwd: tree, env: { PATH: join(tree, 'bin') }, stdin, followsExec: true });
  return { stdout: r.stdout.toString('latin1'), stderr: r.stderr, status: r.status, signal: r.signal === null ? null : signalNumber(r.signal) };
}

function signalNumber(name: string): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 } as Record<string, number>)[name] ?? -1;
}

/** The same under gate86 (the host's file system as root, as `gate86 run` has it). */
export function onGate86(tree: string, script: string, stdin = '', options: { root?: string; argv0?: string } = {}): Outcome {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const hostPath = join(tree, 'bin/busybox');
  const path = options.root === tree ? '/bin/busybox' : hostPath;
  let input: Uint8Array | null = new Uint8Array(Buffer.from(stdin, 'latin1'));
  const result = runProgram({
    kernel: kernelBytes(),
    program: { path, image: new Uint8Array(readFileSync(hostPath)), argv: [options.argv0 ?? path, 'sh', '-c', script], envp: [`PATH=${options.root === tree ? '/bin' : join(tree, 'bin')}`] },
    root: options.root === undefined ? undefined : { directory: options.root, readOnly: false },
    cwd: tree,
    write: (fd, bytes) => (fd === 2 ? err : out).push(Buffer.from(bytes)),
    input: () => {
      if (input === null) return 'end';
      const bytes = input;
      input = null;
      return bytes;
    },
    instructionLimit: 2_000_000_000,
  });
  const status = result.kind === 'exit' && 'code' in result.status ? result.status.code : null;
  const signal = result.kind === 'exit' && 'signal' in result.status ? result.status.signal : null;
  if (result.kind !== 'exit') throw new Error(`gate86 did not finish: ${JSON.stringify(result)}`);
  return { stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), status, signal };
}

/**
 * The native oracle in a root of its own: a new pid namespace (the script is pid 1, as on gate86), a
 * private mount namespace with a fresh /proc at TREE/proc, chroot TREE. Only where the oracle is the
 * host itself (qemu-i386 cannot show a guest's own process table).
 */
export function onNativeChroot(tree: string, script: string): Outcome {
  const r = spawnSync('unshare', ['--pid', '--fork', '--mount', `--mount-proc=${tree}/proc`, 'chroot', tree, '/bin/busybox', 'sh', '-c', script], {
    encoding: 'latin1', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, timeout: 60_000,
  });
  if (r.error) throw new OracleError(`unshare/chroot: ${r.error.message} (util-linux's unshare, run as root)`);
  if (r.status === 1 && /unshare: /.test(r.stderr)) throw new OracleError(`unshare failed (needs root): ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal === null ? null : signalNumber(r.signal) };
}

/** A tree that is a whole root: /proc to mount on, and /dev/null (a real device node: busybox sh opens it for `&`). */
export function makeRootTree(): string {
  const tree = makeTree();
  mkdirSync(join(tree, 'proc'));
  mkdirSync(join(tree, 'dev'));
  const r = spawnSync('mknod', ['-m', '666', join(tree, 'dev/null'), 'c', '1', '3']);
  if (r.status !== 0) throw new OracleError(`mknod /dev/null in the test tree failed (needs root): ${r.stderr}`);
  for (const d of ['proc', 'dev', '.']) utimesSync(join(tree, d), WHEN, WHEN);
  return tree;
}
