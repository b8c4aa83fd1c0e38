// Debian's busybox (busybox-static:i386) on gate86 against the i386 oracle: the same scripts, in the
// same fixed directory tree, print the same bytes on stdout and stderr and end with the same status.
// This is issue 9's "done when": the shell's pipelines and redirections, ls, cat, head, tail, grep,
// wc, sort | uniq -c, find, xargs, tar, md5sum, sha256sum, cp, mv, rm, mkdir -p, kill, sleep & wait.
// (seq, awk and printf need x87, which is not in the machine yet: left out.)
import test from 'ava';
import { i386Oracle } from '../support/i386-oracle.ts';
import { makeRootTree, makeTree, onGate86, onNativeChroot, onOracle, busyboxPath } from './busybox-support.ts';

busyboxPath();

const SCRIPTS: [string, string, string?][] = [
  ['sh: pipelines, redirections (<, >, >>, 2>, >&N), $?, exit status',
    'echo one two | cat; echo x > out; echo y >> out; cat < out; cat out | wc -l; cat nosuch 2> err; echo status $?; cat err; '
    + 'exec 3> fd3; echo via3 >&3; exec 3>&-; cat fd3; (echo sub; false) | cat; echo pipe $?; false; echo $?; exit 7'],
  ['ls -la, ls -la of directories, ls -lR, and a dangling name', 'ls -la; ls -la data data/nested; ls -lR data; ls -l nosuch; echo $?'],
  ['cat, head, tail, grep, wc', 'cat data/a.txt link; head -n 3 data/words.txt; tail -n 2 data/words.txt; tail -c 7 data/b.txt; '
    + 'grep -n an data/words.txt; grep -c x data/words.txt; echo grep $?; grep -r deep data; wc data/words.txt data/a.txt; wc -c < data/binary.bin'],
  ['sort | uniq -c, sort -r, sort -u', 'sort data/words.txt | uniq -c; sort -r data/words.txt | head -n 3; sort -u data/words.txt'],
  ['find: names, types, -exec', "find . -name '*.txt'; find data -type d; find . -type l; find data -name file.txt -exec cat {} \\;"],
  ['xargs', "find data -name '*.txt' | xargs wc -l; echo a b c | xargs -n 1 echo arg"],
  ['tar c | tar t, and a round trip through tar x', 'tar cf - data | tar tf -; mkdir out; tar cf - data | (cd out && tar xf -); cat out/data/nested/deep/file.txt; ls -lR out'],
  ['md5sum, sha256sum (files and stdin)', 'md5sum data/a.txt data/b.txt data/binary.bin; sha256sum data/words.txt; cat data/binary.bin | md5sum'],
  ['cp, mv, rm, mkdir -p, rmdir, ln, touch', 'mkdir -p x/y/z; cp data/a.txt x/y/z/c; cp -r data x/copy; mv x/y/z/c x/moved; rm -r x/y; ls -R x; cat x/moved; '
    + 'ln -s moved x/soft; ln x/moved x/hard; ls -l x | cut -c1-10,30- | sed -e "s/ [A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]//"; readlink x/soft; rm x/moved x/soft x/hard; rm -r x/copy; rmdir x; ls; mkdir data; echo $?'],
  ['kill of a background job, and its status from wait', 'sleep 10 & kill $!; wait $!; echo killed $?; sleep 10 & kill -9 $!; wait $!; echo $?'],
  ['sleep 1 & wait', 'sleep 1 & echo started; wait; echo waited $?'],
  ['stdin through a pipeline, tr, od, dd', 'cat | tr a-z A-Z; od -c data/a.txt; dd if=data/binary.bin bs=100 count=2 2>/dev/null | wc -c', 'hello from stdin\n'],
];

// The new files' times are left out of `ls -l` (sed): the oracle's run and gate86's may fall in
// different minutes.
for (const [title, script, stdin] of SCRIPTS) {
  test(`busybox ${title}: the same output and status on gate86 as on the oracle (${i386Oracle()})`, (t) => {
    const oracle = onOracle(makeTree(), script, stdin);
    const ours = onGate86(makeTree(), script, stdin);
    t.is(ours.stdout, oracle.stdout, 'stdout');
    t.is(ours.stderr.replaceAll(/\/tmp\/gate86-bb-\w+/g, 'T'), oracle.stderr.replaceAll(/\/tmp\/gate86-bb-\w+/g, 'T'), 'stderr');
    t.is(ours.status, oracle.status, 'status');
    t.is(ours.signal, oracle.signal, 'signal');
  });
}

// In a root of its own (gate86 run --root TREE; natively a new pid namespace and chroot TREE): pid 1 is
// the script's shell on both, so ps lists the same processes, and / is the same directory.
// (/proc's and /dev's lines and the total are left out of `ls -la /`: Linux counts every process of the
// host machine in /proc's link count, and the oracle's chroot has no devtmpfs on /dev. The background job spins rather than sleeps: nanosleep still idles the whole machine.)
const ROOTED: [string, string][] = [
  ['ls -la / and the escape attempts (.., absolute and relative symlinks out of the root)',
    'ls -la / /bin/busybox | grep -v -e " proc$" -e " dev$" -e "^total"; cd /..; pwd; ls ../../..; ln -s /../../../../etc /data/out; ls /data/out; cat /../../../etc/passwd; cd ..; ls'],
  ['ps, ps -o, /proc/self and /proc/1', '(while :; do :; done) & ps; ps -o pid,ppid,pgid,comm,args; kill $!; wait; cat /proc/self/cmdline | tr "\\0" " "; echo; '
    + 'ls -l /proc/self/exe | cut -c1-10,57-; cut -d" " -f1,2,4-8 /proc/1/stat; grep -E "^(Name|Pid|PPid|Uid)" /proc/self/status; ls -d /proc/self/fd/[0-3]'],
];

for (const [title, script] of ROOTED) {
  if (i386Oracle() === 'native') {
    test(`busybox ${title}: the same on gate86 --root as in a native pid namespace and chroot`, (t) => {
      const oracle = onNativeChroot(makeRootTree(), script);
      const tree = makeRootTree();
      const ours = onGate86(tree, script, '', { root: tree });
      t.is(ours.stdout, oracle.stdout, 'stdout');
      t.is(ours.stderr, oracle.stderr, 'stderr');
      t.is(ours.status, oracle.status, 'status');
    });
  } else {
    test(`busybox ${title}: gate86 --root (qemu-i386 cannot show a guest's own root and process table: checked by content)`, (t) => {
      const tree = makeRootTree();
      const ours = onGate86(tree, script, '', { root: tree });
      t.is(ours.status, 0);
      t.notRegex(ours.stdout + ours.stderr, /gate86-bb-/, 'nothing of the host outside the root shows');
    });
  }
}
