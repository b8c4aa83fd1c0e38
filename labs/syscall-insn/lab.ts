// Lab "syscall-insn" (the seeds' x86-64 notes): AMD's SYSCALL/SYSRET as a third door on the Athlon
// XP. Write enable_syscall_cpu (head.S: STAR and EFER.SCE), syscall_entry (entry.S: a kernel stack
// and the pt_regs frame, out by sysret) and the syscall flavour of __kernel_vsyscall
// (vsyscall-syscall.S, keeping the restart jmp), and turn the door on (head.S's SYSCALL_DOOR).
// The shipped kernel has all three but SYSCALL_DOOR 0, as Linux 2.6 on i386 never used SYSCALL;
// the starter empties the three regions. Every program still runs (through sysenter) until then.
import { check, fail, verdict, type LabContext, type LabDefinition } from '../lab.ts';
import { bootDecisions, outputMatches, tracedCalls } from '../checks.ts';
import { READAGAIN_C } from '../programs.ts';
import { DOORCHECK_C, TFSYSCALL_C } from './doorcheck.ts';
import { MSR_EFER, MSR_STAR, VSYSCALL_ENTRY, VSYSCALL_SYSCALL_RETURN, __KERNEL_CS, __USER_CS } from '../../kernel/layout.ts';

/**
 * The regions the starter replaces, as they begin and end in the project's sources. The tests'
 * reference solution puts back the project's own text, read from those files, and sets SYSCALL_DOOR.
 */
export const SYSCALL_STUB_REGION = { from: '__kernel_vsyscall:\n', through: '\tpop\t%ecx\n\tret\n' };
export const SYSCALL_ENTRY_REGION = { from: 'syscall_entry:\n', through: '\tsysret\n' };
export const ENABLE_SYSCALL_CPU_REGION = { from: 'enable_syscall_cpu:\n', through: '9:\tret\n' };
export const DOOR_OFF = '#define SYSCALL_DOOR\t0\n';
export const DOOR_ON = '#define SYSCALL_DOOR\t1\n';

export const STARTER_STUB = `__kernel_vsyscall:
	/*
	 * LAB syscall-insn (docs/labs/syscall-insn.md): the syscall stub goes here, as the comment
	 * above lays it out. Until then this flavour enters through int $0x80.
	 */
	int	$0x80
	ret
	.org	__kernel_vsyscall + 8, 0x90	/* SYSCALL_RETURN must stay at 0xffffe408 (the build checks it) */

	.globl	SYSCALL_RETURN
SYSCALL_RETURN:				/* entry.S's syscall_entry pushes this as the user EIP */
	ret
`;
export const STARTER_ENTRY = `syscall_entry:
	/*
	 * LAB syscall-insn (docs/labs/syscall-insn.md): AMD's door in. SYSCALL left the CPU at CPL 0
	 * with IF = 0, ECX = the user's return EIP, and ESP still the USER's stack: find the kernel
	 * stack (tss.esp0, init_tss + TSS_ESP0), build the iret frame and pt_regs exactly as
	 * sysenter_entry does (EIP = VSYSCALL_SYSCALL_RETURN, argument 2 from EBP, argument 6 from
	 * 0(user ESP)), call the service, and leave by sysret — or by syscall_exit_work when work is
	 * pending. Nothing reaches this code until enable_syscall_cpu writes STAR and EFER.SCE.
	 */
	ud2
	.globl	syscall_past_esp
syscall_past_esp:			/* debug (below) resumes a single-stepped SYSCALL here, ECX = the user ESP: */
	ud2				/* the instruction after your stack switch */
`;
export const STARTER_ENABLE_SYSCALL_CPU = `enable_syscall_cpu:
	/*
	 * LAB syscall-insn (docs/labs/syscall-insn.md): on an AuthenticAMD CPU whose CPUID 0x80000001
	 * EDX has bit 11 (boot_cpu_data + X86_CAPABILITY + 4, X86_FEATURE_SYSCALL_BIT): wrmsr STAR
	 * (EDX:EAX = the two CS selectors : syscall_entry), then EFER |= EFER_SCE (rdmsr first), then
	 * X86_SEP_VERDICT = VERDICT_SYSCALL so that sysenter_setup maps the syscall stub.
	 * wrmsr64_logged (below) does one wrmsr with EDX:EAX and logs it. And set SYSCALL_DOOR to 1.
	 */
	ret
`;

/** The project's stub, 0xffffe400-0xffffe40a (vsyscall-syscall.S). */
const STUB_BYTES = [0x51, 0x55, 0x89, 0xcd, 0x0f, 0x05, 0xeb, 0xfa, 0x5d, 0x59, 0xc3];
const hex = (bytes: number[]) => bytes.map((b) => (b < 0 ? '??' : b.toString(16).padStart(2, '0'))).join(' ');
const PROGRAM = 'build/userland/doorcheck.elf';
const STAR_HIGH = (((__USER_CS & ~3) << 16) | __KERNEL_CS) >>> 0;   // 0x00700060

async function sysbench(ctx: LabContext, cpu: string): Promise<{ int80: number; vsyscall: number } | string> {
  const r = await ctx.run({ cpu, program: 'build/userland/sysbench.elf', args: ['2000'] });
  const ticks = [...r.stdout.matchAll(/(\d+) TSC ticks\/call/g)].map((m) => Number(m[1]));
  return ticks.length === 2 ? { int80: ticks[0]!, vsyscall: ticks[1]! } : `sysbench printed:\n${r.stdout}${r.stderr}`;
}

/** doorcheck's output when every call worked and kept the registers (natively too). */
const DOORCHECK_LINES = [
  /^getppid: int \$0x80 and __kernel_vsyscall agree$/m,
  /^write through __kernel_vsyscall$/m,
  /^write returned 32$/m,
  /^registers across int \$0x80: all six kept \(getppid right\)$/m,
  /^registers across __kernel_vsyscall: all six kept \(getppid right\)$/m,
];

export const syscallInsnLab: LabDefinition = {
  name: 'syscall-insn',
  title: 'AMD\'s third door: SYSCALL/SYSRET on the Athlon',
  summary: 'open SYSCALL on the Athlon XP: STAR and EFER.SCE in head.S, syscall_entry in entry.S, a syscall __kernel_vsyscall that restarts',
  handout: 'docs/labs/syscall-insn.md',
  touches: ['kernel/arch/x86/head.S', 'kernel/arch/x86/entry.S', 'kernel/arch/x86/vsyscall-syscall.S'],
  starter: [
    { file: 'kernel/arch/x86/vsyscall-syscall.S', ...SYSCALL_STUB_REGION, replace: STARTER_STUB },
    { file: 'kernel/arch/x86/entry.S', ...SYSCALL_ENTRY_REGION, replace: STARTER_ENTRY },
    { file: 'kernel/arch/x86/head.S', ...ENABLE_SYSCALL_CPU_REGION, replace: STARTER_ENABLE_SYSCALL_CPU },
    { file: 'userland/doorcheck.c', text: DOORCHECK_C },
    { file: 'userland/readagain.c', text: READAGAIN_C },
    { file: 'userland/tfsyscall.c', text: TFSYSCALL_C },
  ],
  hints: [
    'Three places and a switch: enable_syscall_cpu (head.S) writes STAR and EFER.SCE, syscall_entry (entry.S) is where SYSCALL lands, vsyscall-syscall.S is what user code calls; SYSCALL_DOOR 1 at the top of head.S calls enable_syscall_cpu at boot.',
    'STAR is 64 bits: EDX = STAR[63:32] = (__USER_CS & ~3) << 16 | __KERNEL_CS = 0x00700060, EAX = $syscall_entry. EFER: movl $MSR_EFER,%ecx; rdmsr; orl $EFER_SCE,%eax; wrmsr. STAR first: SCE with a null STAR would send the next SYSCALL to address 0.',
    'syscall_entry\'s first instructions: movl %esp,%ecx (ECX is free: the frame returns to SYSCALL_RETURN, not to ECX) and movl init_tss + TSS_ESP0,%esp. Then sysenter_entry\'s frame: __USER_DS, the user ESP, EFLAGS, __USER_CS, $VSYSCALL_SYSCALL_RETURN.',
    'Arguments: the stub moved argument 2 into EBP and pushed the caller\'s EBP (argument 6) at 0(user ESP). Load it with an __ex_table entry to syscall_fault (as .Lload_arg6), then xchgl %ecx,%ebp before pushl %eax; SAVE_ALL.',
    'The way out: movl EDX(%esp),%edx (SAVE_ALL borrowed EDX), movl EIP(%esp),%ecx, xorl %ebp,%ebp, movl OLDESP(%esp),%esp, sysret — with IF still 0 from the cli: SYSRET sets IF itself.',
    'The stub: push %ecx; push %ebp; then a label, movl %ecx,%ebp; syscall; jmp back to the label; SYSCALL_RETURN: pop %ebp; pop %ecx; ret. A restart comes back by iret with EBP = argument 6, so it must re-enter at the movl, not at the syscall.',
  ],
  checks: [
    check('athlon-xp boots with the door open: wrmsr STAR = 0x00700060:syscall_entry, then EFER with SCE (bit 0), both in the boot log',
      'enable_syscall_cpu: wrmsr64_logged with ECX = MSR_STAR, EDX:EAX = 0x00700060:$syscall_entry, then EFER |= EFER_SCE — and SYSCALL_DOOR 1 at the top of head.S, or it is never called',
      async (ctx) => {
        const r = await ctx.harness({ cpu: 'athlon-xp', program: 'build/userland/getuid.elf', symbols: ['syscall_entry'] });
        const entry = r.symbols['syscall_entry'];
        if (entry === undefined) return fail(`no syscall_entry symbol in the kernel${r.error ? `\n${r.error.split('\n')[0]}` : ''}`);
        const star = `0x${STAR_HIGH.toString(16)}${entry.toString(16).padStart(8, '0')}`;
        const d = bootDecisions(r.log);
        const starAt = d.wrmsr.findIndex((l) => l === `wrmsr 0x${MSR_STAR.toString(16)} (STAR) = ${star}`);
        const eferAt = d.wrmsr.findIndex((l) => l.startsWith(`wrmsr 0x${MSR_EFER.toString(16)} (EFER) = `) && (Number(l.split(' = ')[1]) & 1) === 1);
        const efer = BigInt(r.msrs[`0x${MSR_EFER.toString(16)}`] ?? '0');
        const starNow = r.msrs[`0x${MSR_STAR.toString(16)}`];
        const ok = starAt >= 0 && eferAt > starAt && (efer & 1n) === 1n && starNow === star && r.status === 0;
        return verdict(ok, `wrmsr in the boot log:\n${d.wrmsr.join('\n') || '(none)'}\nafter the run: EFER = ${r.msrs['0xc0000080'] ?? '?'}, STAR = ${starNow ?? '?'}; wanted STAR = ${star} before EFER.SCE${r.status === 0 ? '' : `\ngetuid: ${(r.error ?? `status ${r.status}`).split('\n')[0]}`}`);
      }),
    check('on athlon-xp the page at 0xffffe400 holds the syscall stub (0f 05), with the restart jmp at SYSCALL_RETURN - 2 = 0xffffe406',
      'sysenter_setup maps the syscall flavour when X86_SEP_VERDICT = VERDICT_SYSCALL: set it in enable_syscall_cpu. The stub: 51 55 89 cd 0f 05 eb fa | 5d 59 c3 (objdump -d build/kernel/vsyscall-syscall.so)',
      async (ctx) => {
        const r = await ctx.harness({ cpu: 'athlon-xp', program: 'build/userland/getuid.elf', peeks: [{ at: VSYSCALL_ENTRY, length: STUB_BYTES.length }] });
        const got = r.peeks[0] ?? [];
        const d = bootDecisions(r.log);
        const before = got.slice(0, VSYSCALL_SYSCALL_RETURN - VSYSCALL_ENTRY - 2);
        const hasSyscall = before.some((b, i) => b === 0x0f && before[i + 1] === 0x05);
        const jmp = got[VSYSCALL_SYSCALL_RETURN - VSYSCALL_ENTRY - 2] === 0xeb;
        return verdict(d.stub === 'syscall' && hasSyscall && jmp,
          `boot log: ${d.stub ?? 'no'} stub\n0xffffe400: ${hex(got)}\nproject's:  ${hex(STUB_BYTES)}`);
      }),
    check('doorcheck on athlon-xp: getppid and write through __kernel_vsyscall enter by syscall, with the six argument registers as int $0x80 passes them',
      'the trace shows the pt_regs the service saw: EBX, ECX (from the stub\'s EBP), EDX, ESI, EDI, EBP (from 0(user ESP)) must be 0x11111111 .. 0x66666666',
      async (ctx) => {
        const r = await ctx.run({ cpu: 'athlon-xp', program: PROGRAM, trace: ['syscall'] });
        const calls = tracedCalls(r.stderr.split('\n'));
        const write = calls.find((c) => c.number === 4 && c.door === 'syscall');
        const probe = calls.filter((c) => c.number === 64 && c.args.startsWith('0x11111111'));
        const args = '0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555, 0x66666666';
        const viaSyscall = probe.find((c) => c.door === 'syscall');
        const viaInt80 = probe.find((c) => c.door === 'int $0x80');
        const out = outputMatches(r, [/^getppid: int \$0x80 and __kernel_vsyscall agree$/m, /^write through __kernel_vsyscall$/m]);
        if (!out.ok) return out;
        return verdict(write !== undefined && viaSyscall?.args === args && viaInt80?.args === args,
          `write: ${write ? 'entered by syscall' : `doors ${calls.filter((c) => c.number === 4).map((c) => c.door).join(', ') || 'none'}`}\n` +
          `getppid through int $0x80: (${viaInt80?.args ?? 'not seen'})\ngetppid through __kernel_vsyscall: ${viaSyscall ? `(${viaSyscall.args})` : `not by syscall (${probe.map((c) => c.door).join(', ')})`}\nwanted: (${args})`);
      }),
    check('doorcheck on athlon-xp, untraced (the sysret path): the same output as int $0x80 gives and as the oracle prints, every caller register kept',
      'SYSRET only sets CS, SS, EIP (= ECX) and IF: EDX comes back from pt_regs in your code, ECX and EBP from the stub\'s pops. A register that changed is named in the output',
      async (ctx) => {
        const r = await ctx.run({ cpu: 'athlon-xp', program: PROGRAM });
        const out = outputMatches(r, DOORCHECK_LINES);
        if (!out.ok) return out;
        const native = await ctx.native(PROGRAM);
        // qemu-i386 passes no AT_SYSINFO: there the judge is gate86's own int $0x80 against the door.
        if (/^no AT_SYSINFO$/m.test(native.stdout)) return verdict(true, `${native.oracle} passes no AT_SYSINFO: judged by int $0x80 against __kernel_vsyscall on gate86 alone`);
        return verdict(native.stdout === r.stdout, `natively (${native.oracle}):\n${native.stdout}\non gate86:\n${r.stdout}`);
      }),
    check('the fast path: on athlon-xp an untraced getuid leaves by sysret, and sysbench\'s __kernel_vsyscall loop costs fewer cycles than int $0x80',
      'only syscall_exit_work (a signal, a reschedule, tracing) may leave through iret; the common case must reach your sysret',
      async (ctx) => {
        const r = await ctx.run({ cpu: 'athlon-xp', program: 'build/userland/getuid.elf', trace: ['crossing'] });
        const leave = r.stderr.split('\n').find((l) => /^crossing leave pid \d+ getuid \(24\)/.test(l));
        if (leave === undefined || !/ via sysret:/.test(leave)) return fail(`getuid's way out: ${leave ?? 'not seen'}`);
        const b = await sysbench(ctx, 'athlon-xp');
        if (typeof b === 'string') return fail(b);
        return verdict(b.vsyscall < b.int80, `int $0x80 ${b.int80} cycles/call, __kernel_vsyscall ${b.vsyscall}`);
      }),
    check('a read through the syscall stub that a signal interrupts restarts through the jmp at 0xffffe406 (SA_RESTART), syscall both times; without SA_RESTART it fails with EINTR',
      'the kernel backs EIP up to SYSCALL_RETURN - 2 and returns by iret with ECX = argument 2 and EBP = argument 6: the jmp there must go back to `movl %ecx,%ebp; syscall`',
      async (ctx) => {
        const r = await ctx.harness({ cpu: 'athlon-xp', program: 'build/userland/readagain.elf', args: ['vsyscall', 'restart'], reads: ['interrupt', 'again\n'] });
        const reads = tracedCalls(r.trace).filter((c) => c.number === 3);
        const out = outputMatches(r, [/^read through vsyscall, restart: 6 \(the handler ran 1 time\)$/m, /^it read: again$/m]);
        if (!out.ok) return out;
        if (!(reads.length === 2 && reads.every((c) => c.door === 'syscall'))) return fail(`reads: ${reads.map((c) => `${c.result} [${c.door}]`).join(', ')}`);
        const n = await ctx.harness({ cpu: 'athlon-xp', program: 'build/userland/readagain.elf', args: ['vsyscall', 'norestart'], reads: ['interrupt', 'again\n'] });
        return outputMatches(n, [/^read through vsyscall, norestart: -4 \(the handler ran 1 time\)$/m]);
      }),
    check('a SYSCALL made with EFLAGS.TF set (the single-step trap lands on syscall_entry, on the user\'s stack) still finishes the call',
      'entry.S\'s debug moves the trap to tss.esp0 with ECX = the user ESP and resumes at syscall_past_esp: that label must follow your stack switch (movl %esp,%ecx; movl init_tss + TSS_ESP0,%esp)',
      async (ctx) => {
        const r = await ctx.run({ cpu: 'athlon-xp', program: 'build/userland/tfsyscall.elf' });
        return outputMatches(r, [/^getpid through syscall with TF set: right$/m]);
      }),
    check('every other CPU as before: pentium3 and an Intel-branded copy of the Athlon get sysenter and three wrmsr, pentium-pro int $0x80 and none',
      'the door is AMD\'s (Linux x86-64 opens it in init_amd only): test the vendor and CPUID 0x80000001 EDX bit 11 before any wrmsr',
      async (ctx) => {
        const cases = [
          { cpu: 'pentium3', stub: 'sysenter', wrmsr: 3 },
          { cpu: 'lab-intel-athlon', stub: 'sysenter', wrmsr: 3, extra: { name: 'lab-intel-athlon', like: 'athlon-xp', family: 6, model: 8, stepping: 1, vendor: 'GenuineIntel' as const } },
          { cpu: 'pentium-pro', stub: 'int $0x80', wrmsr: 0 },
        ];
        const bad: string[] = [];
        for (const c of cases) {
          const r = await ctx.harness({ cpu: c.cpu, program: 'build/userland/getuid.elf', extraModels: c.extra ? [c.extra] : [] });
          const d = bootDecisions(r.log);
          if (d.stub !== c.stub || d.wrmsr.length !== c.wrmsr || r.status !== 0) {
            bad.push(`${c.cpu}: stub ${d.stub ?? 'none logged'}, wrmsr ${d.wrmsr.length ? d.wrmsr.join('; ') : 'none'}, getuid ${r.status === 0 ? 'ran' : (r.error ?? `status ${r.status}`).split('\n')[0]}; wanted the ${c.stub} stub and ${c.wrmsr} wrmsr`);
          }
        }
        return verdict(bad.length === 0, bad.join('\n'));
      }),
  ],
};
