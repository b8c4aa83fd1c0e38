// The oracle module itself: it must report what an i386 program really did (output, status, signal),
// so that every differential test built on it can trust it.

import test from 'ava';
import { assembleI386, compileC, i386Oracle, runI386Elf } from './i386-oracle.ts';

const oracle = i386Oracle();

const ECHO = `
  .globl _start
_start:
  movl $3, %eax          # read(0, buf, 64)
  xorl %ebx, %ebx
  movl $buf, %ecx
  movl $64, %edx
  int $0x80
  movl %eax, %edx        # write(1, buf, n)
  movl $4, %eax
  movl $1, %ebx
  int $0x80
  movl $1, %eax          # exit(7)
  movl $7, %ebx
  int $0x80
  .bss
buf: .space 64
`;

test(`${oracle}: stdin, stdout and the exit status of an i386 program`, (t) => {
  const r = runI386Elf(assembleI386(ECHO), [], { stdin: 'hello i386\n' });
  t.is(r.oracle, oracle);
  t.is(r.stdout.toString(), 'hello i386\n');
  t.is(r.status, 7);
  t.is(r.signal, null);
});

test(`${oracle}: a divide error ends the program with SIGFPE`, (t) => {
  const r = runI386Elf(assembleI386('.globl _start\n_start: xorl %ecx, %ecx\n divl %ecx\n'));
  t.is(r.signal, 'SIGFPE');
  t.is(r.status, null);
});

test(`${oracle}: a freestanding C program built with gcc -m32 runs`, (t) => {
  const source = `
    static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
    void _start(void) {
      int v = fib(20);                                   /* 6765 */
      __asm__ volatile("int $0x80" :: "a"(1), "b"(v & 0xff));
      for (;;) {}
    }`;
  const r = runI386Elf(compileC({ 'fib.c': source }, { cflags: ['-O1'] }));
  t.is(r.status, 6765 & 0xff);
});

test('builds are cached by content: the same source gives the same file, another source another', (t) => {
  const a = assembleI386('.globl _start\n_start: movl $1, %eax\n int $0x80\n');
  t.is(assembleI386('.globl _start\n_start: movl $1, %eax\n int $0x80\n'), a);
  t.not(assembleI386('.globl _start\n_start: movl $1, %eax\n movl $2, %ebx\n int $0x80\n'), a);
});

// A program that execs another: natively the host kernel runs both; on qemu-i386 the child reaches
// qemu only through binfmt_misc (oracleCommand's followsExec), with the argv[0] the parent gave.
const EXEC_ARGV1 = `
  .globl _start
_start:
  movl 8(%esp), %ebx     # execve(argv[1], &argv[2], NULL)
  leal 12(%esp), %ecx
  xorl %edx, %edx
  movl $11, %eax
  int $0x80
  movl %eax, %ebx        # only if execve failed: exit(-errno)
  negl %ebx
  movl $1, %eax
  int $0x80
`;
const WRITE_ARGV0 = `
  .globl _start
_start:
  movl 4(%esp), %ecx     # write(1, argv[0], strlen(argv[0]))
  movl %ecx, %edi
  xorl %eax, %eax
  movl $-1, %ecx
  repnz scasb
  notl %ecx
  leal -1(%ecx), %edx
  movl 4(%esp), %ecx
  movl $4, %eax
  movl $1, %ebx
  int $0x80
  movl $1, %eax          # exit(42)
  movl $42, %ebx
  int $0x80
`;

test(`${oracle}: a program's execve of another i386 program runs it on the oracle too, with the argv[0] it was given (followsExec)`, (t) => {
  const r = runI386Elf(assembleI386(EXEC_ARGV1), [assembleI386(WRITE_ARGV0), 'renamed'], { followsExec: true });
  t.is(r.stdout.toString(), 'renamed');
  t.is(r.status, 42);
});
