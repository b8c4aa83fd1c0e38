// Lab "restart": the signal-restart rules of Linux's handle_signal (fidelity point 10). A read that
// sleeps when a signal arrives returns -ERESTARTSYS to the kernel; if a handler will run, the kernel
// decides: with SA_RESTART the call runs again (EAX = ORIG_EAX, EIP -= 2, so it re-executes the
// 2-byte int $0x80, or the vsyscall page's jmp for sysenter); without, it fails with -EINTR. The
// starter drops the rule, so user space sees -512, the kernel-internal value.
import { check, fail, verdict, type LabContext, type LabDefinition } from '../lab.ts';
import { outputMatches, tracedCalls } from '../checks.ts';
import { READAGAIN_C } from '../programs.ts';

/** The rule's function in kernel/signals.ts, as a region: its body is whatever the project has. */
export const HANDLER_RULE_REGION = { from: 'function restartForHandler(regs: PtRegs, flags: number): void {\n', through: '\n}' };
export const STARTER_RULE = `function restartForHandler(regs: PtRegs, flags: number): void {
  // LAB restart (docs/labs/restart.md): the rule goes here. You need regs.get('orig_eax') and
  // regs.get('eax'), -ERESTARTSYS / -ERESTARTNOINTR / -ERESTARTNOHAND / -ERESTART_RESTARTBLOCK,
  // SA_RESTART, -EINTR, and restartSyscall(regs) above. As it stands an interrupted call returns
  // -ERESTART... to user space.
  void regs, flags, SA_RESTART, EINTR; // (these voids keep the type check quiet until you use them)
}`;

const DOORS = { int80: 'int $0x80', vsyscall: 'sysenter' } as const;

async function readagain(ctx: LabContext, cpu: string, door: 'int80' | 'vsyscall', restart: boolean, enteredBy: string) {
  const r = await ctx.harness({ cpu, program: 'build/userland/readagain.elf', args: [door, restart ? 'restart' : 'norestart'], reads: ['interrupt', 'again\n'] });
  if (r.error && r.stdout === '') return fail(r.error.split('\n')[0]!);
  const mode = restart ? 'restart' : 'norestart';
  const out = outputMatches(r, restart
    ? [new RegExp(`^read through ${door}, ${mode}: 6 \\(the handler ran 1 time\\)$`, 'm'), /^it read: again$/m]
    : [new RegExp(`^read through ${door}, ${mode}: -4 \\(the handler ran 1 time\\)$`, 'm')]);
  if (!out.ok) return out;
  const reads = tracedCalls(r.trace).filter((c) => c.number === 3);
  const doors = reads.map((c) => c.door);
  const want = restart ? 2 : 1;
  return verdict(reads.length === want && doors.every((d) => d === enteredBy),
    `the kernel saw ${reads.length} read(s): ${reads.map((c) => `${c.result} [${c.door}]`).join(', ')}; wanted ${want}, each through ${enteredBy}`);
}

/** A sigsuspend or nanosleep (through int $0x80) that a Ctrl-C to an SA_RESTART handler interrupts: -EINTR, once. */
async function interrupted(ctx: LabContext, call: 'sigsuspend' | 'nanosleep') {
  const r = await ctx.harness({ cpu: 'pentium3', program: 'build/userland/readagain.elf', args: ['int80', 'restart', call], reads: ['interrupt'] });
  if (r.error && r.stdout === '') return fail(r.error.split('\n')[0]!);
  return outputMatches(r, [new RegExp(`^${call} through int80, restart: -4 \\(the handler ran 1 time\\)$`, 'm')]);
}

export const restartLab: LabDefinition = {
  name: 'restart',
  title: 'Restarting an interrupted system call',
  summary: 'a read interrupted by a signal restarts with SA_RESTART (EIP -= 2, through both doors) and fails with EINTR without; sigsuspend and nanosleep never restart after a handler',
  handout: 'docs/labs/restart.md',
  touches: ['kernel/signals.ts'],
  starter: [
    { file: 'kernel/signals.ts', ...HANDLER_RULE_REGION, replace: STARTER_RULE },
    { file: 'userland/readagain.c', text: READAGAIN_C },
  ],
  hints: [
    'Only system calls restart: pt_regs ORIG_EAX is the call number, or negative for an interrupt or exception (then do nothing).',
    'The value the interrupted call returned is in pt_regs EAX: -ERESTARTSYS (read, wait4), -ERESTARTNOHAND (sigsuspend, pause, poll), -ERESTART_RESTARTBLOCK (nanosleep) or -ERESTARTNOINTR.',
    'Linux\'s rule when a handler runs: -ERESTARTNOHAND and -ERESTART_RESTARTBLOCK always become -EINTR; -ERESTARTSYS becomes -EINTR unless the handler has SA_RESTART; otherwise (and always for -ERESTARTNOINTR) restart.',
    'Restarting is restartSyscall(regs): EAX = ORIG_EAX, EIP -= 2. Why 2 works through sysenter too: look at what is 2 bytes before SYSENTER_RETURN in vsyscall-sysenter.S.',
  ],
  checks: [
    check('int $0x80, SA_RESTART: the interrupted read runs again and returns the line',
      'with SA_RESTART an -ERESTARTSYS call restarts: EAX = ORIG_EAX and EIP -= 2 (onto the `cd 80`)',
      (ctx) => readagain(ctx, 'pentium3', 'int80', true, DOORS.int80)),
    check('sysenter (__kernel_vsyscall on pentium3), SA_RESTART: the read runs again, entering by sysenter again',
      'the same EIP -= 2: the saved EIP is SYSENTER_RETURN, and 2 bytes before it is the stub\'s jmp back to `movl %esp,%ebp; sysenter`',
      (ctx) => readagain(ctx, 'pentium3', 'vsyscall', true, DOORS.vsyscall)),
    check('int $0x80 without SA_RESTART: the read fails with EINTR (-4), once',
      '-ERESTARTSYS with a handler that lacks SA_RESTART becomes -EINTR: set EAX, do not move EIP',
      (ctx) => readagain(ctx, 'pentium3', 'int80', false, DOORS.int80)),
    check('sysenter without SA_RESTART: the read fails with EINTR (-4), once',
      'the rule does not depend on the door: the same -EINTR',
      (ctx) => readagain(ctx, 'pentium3', 'vsyscall', false, DOORS.vsyscall)),
    check('pentium-pro (the int $0x80 stub in the vsyscall page), SA_RESTART: the read restarts on the stub\'s own `int $0x80`',
      'there __kernel_vsyscall is `int $0x80; ret`: EIP - 2 is that int instruction',
      (ctx) => readagain(ctx, 'pentium-pro', 'vsyscall', true, DOORS.int80)),
    check('rt_sigsuspend with an SA_RESTART handler fails with EINTR (-ERESTARTNOHAND never restarts after a handler)',
      '-ERESTARTNOHAND becomes -EINTR whenever a handler runs, SA_RESTART or not: sigsuspend waits for a handler to run, and it has',
      (ctx) => interrupted(ctx, 'sigsuspend')),
    check('nanosleep interrupted by an SA_RESTART handler fails with EINTR at once (-ERESTART_RESTARTBLOCK)',
      '-ERESTART_RESTARTBLOCK is -EINTR after a handler too (the time left is in the second argument); without a handler it restarts as restart_syscall',
      (ctx) => interrupted(ctx, 'nanosleep')),
  ],
};
