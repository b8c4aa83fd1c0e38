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
