// Lab "fast-path": write enable_sep_cpu (head.S) and the sysenter flavour of __kernel_vsyscall
// (vsyscall-sysenter.S) yourself. The starter's "sysenter" flavour enters through int $0x80 and
// enable_sep_cpu does nothing: every program still works, just through the slow door.
import { check, fail, verdict, type LabContext, type LabDefinition } from '../lab.ts';
import { bootDecisions, outputMatches, tracedCalls } from '../checks.ts';
import { READAGAIN_C } from '../programs.ts';
import { TSS_ESP1, TSS_SIZE, TSS_SS1, VSYSCALL_ENTRY, __KERNEL_CS } from '../../kernel/layout.ts';

/**
 * The regions the starter replaces, as they begin and end in the project's sources: the sysenter
 * __kernel_vsyscall (vsyscall-sysenter.S) and enable_sep_cpu (head.S). The tests' reference solution
 * puts back the project's own text, read from those files.
 */
export const SYSENTER_STUB_REGION = { from: '__kernel_vsyscall:\n', through: '\tpop\t%ecx\n\tret\n' };
export const ENABLE_SEP_CPU_REGION = { from: 'enable_sep_cpu:\n', through: '1:\tret\n' };
export const STARTER_STUB = `__kernel_vsyscall:
	/*
	 * LAB fast-path (docs/labs/fast-path.md): the sysenter stub goes here, byte for byte as the
	 * comment above lays it out. Until then this "sysenter" flavour enters through int $0x80.
	 */
	int	$0x80
	ret
	.org	__kernel_vsyscall + 0x10, 0x90	/* SYSENTER_RETURN must stay at 0xffffe410 (the build checks it) */

	.globl	SYSENTER_RETURN
SYSENTER_RETURN:			/* entry.S pushes this as the user EIP of the fake iret frame */
	ret
`;
export const STARTER_ENABLE_SEP_CPU = `enable_sep_cpu:
	/*
	 * LAB fast-path (docs/labs/fast-path.md): the TSS's ss1/esp1 and the three wrmsr go here, only
	 * when SEP survived identify_cpu. wrmsr_logged (below) does one wrmsr and logs it.
	 */
	ret
`;

/** Fidelity point 5: the sysenter __kernel_vsyscall, 0xffffe400-0xffffe413. */
const STUB_BYTES = [0x51, 0x52, 0x55, 0x89, 0xe5, 0x0f, 0x34, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xeb, 0xf3, 0x5d, 0x5a, 0x59, 0xc3];
const hex = (bytes: number[]) => bytes.map((b) => (b < 0 ? '??' : b.toString(16).padStart(2, '0'))).join(' ');
const word = (bytes: number[]) => (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;

async function sysbench(ctx: LabContext, cpu: string): Promise<{ int80: number; vsyscall: number } | string> {
  const r = await ctx.run({ cpu, program: 'build/userland/sysbench.elf', args: ['2000'] });
  const ticks = [...r.stdout.matchAll(/(\d+) TSC ticks\/call/g)].map((m) => Number(m[1]));
  return ticks.length === 2 ? { int80: ticks[0]!, vsyscall: ticks[1]! } : `sysbench printed:\n${r.stdout}${r.stderr}`;
}

export const fastPathLab: LabDefinition = {
  name: 'fast-path',
  title: 'The fast path: enable_sep_cpu and the sysenter stub',
  summary: 'write enable_sep_cpu (the TSS cache and three wrmsr) and the sysenter __kernel_vsyscall, keeping the restart jmp',
  handout: 'docs/labs/fast-path.md',
  touches: ['kernel/arch/x86/head.S', 'kernel/arch/x86/vsyscall-sysenter.S'],
  starter: [
    { file: 'kernel/arch/x86/vsyscall-sysenter.S', ...SYSENTER_STUB_REGION, replace: STARTER_STUB },
    { file: 'kernel/arch/x86/head.S', ...ENABLE_SEP_CPU_REGION, replace: STARTER_ENABLE_SEP_CPU },
    { file: 'userland/readagain.c', text: READAGAIN_C },
  ],
  hints: [
    'Two halves: head.S\'s enable_sep_cpu tells the CPU where sysenter goes (three MSRs), the stub in vsyscall-sysenter.S is what user code calls to get there.',
    'enable_sep_cpu: skip everything when SEP is clear in boot_cpu_data + X86_CAPABILITY (a Pentium Pro has no SYSENTER MSRs: wrmsr would fault).',
    'The TSS first: init_tss + TSS_SS1 = __KERNEL_CS, init_tss + TSS_ESP1 = init_tss + TSS_SIZE. Then ECX = MSR number, EAX = value, call wrmsr_logged, three times (0x174, 0x175, 0x176).',
    'The stub: push %ecx; push %edx; push %ebp; then a label, movl %esp,%ebp; sysenter; .space 7, 0x90; jmp back to the label; SYSENTER_RETURN: pop %ebp; pop %edx; pop %ecx; ret.',
    'The jmp must be the 2 bytes just before SYSENTER_RETURN: a restarted call has EIP = SYSENTER_RETURN - 2 and must land on it. objdump -d your build/kernel/vsyscall-sysenter.so to check the offsets.',
  ],
  checks: [
    check('on pentium3 the page at 0xffffe400 holds the sysenter stub of fidelity point 5, byte for byte',
      'push ecx/edx/ebp (51 52 55), mov %esp,%ebp at 0xffffe403 (89 e5), sysenter (0f 34), seven nops, jmp at 0xffffe40e (eb f3), pops and ret at 0xffffe410 (5d 5a 59 c3)',
      async (ctx) => {
        const r = await ctx.harness({ cpu: 'pentium3', program: 'build/userland/getuid.elf', peeks: [{ at: VSYSCALL_ENTRY, length: STUB_BYTES.length }] });
        const got = r.peeks[0] ?? [];
        return verdict(hex(got) === hex(STUB_BYTES), `0xffffe400: ${hex(got)}\nwanted:     ${hex(STUB_BYTES)}${r.error ? `\n${r.error.split('\n')[0]}` : ''}`);
      }),
    check('the three MSRs: IA32_SYSENTER_CS = 0x60, IA32_SYSENTER_ESP = the end of init_tss, IA32_SYSENTER_EIP = sysenter_entry',
      'wrmsr takes the MSR number in ECX and the value in EDX:EAX (EDX = 0 here): 0x174 __KERNEL_CS, 0x175 init_tss + TSS_SIZE, 0x176 $sysenter_entry',
      async (ctx) => {
        const r = await ctx.harness({ cpu: 'pentium3', program: 'build/userland/getuid.elf', symbols: ['init_tss', 'sysenter_entry'] });
        const want = { '0x174': __KERNEL_CS, '0x175': (r.symbols['init_tss']! + TSS_SIZE) >>> 0, '0x176': r.symbols['sysenter_entry']! };
        const bad = Object.entries(want).filter(([msr, value]) => Number(r.msrs[msr] ?? -1) !== value);
        return verdict(bad.length === 0, bad.map(([msr, value]) => `MSR ${msr} = ${r.msrs[msr] ?? '(missing)'}, wanted 0x${value.toString(16)}`).join('\n'));
      }),
    check('the TSS caches them for the entry code: tss.ss1 = __KERNEL_CS, tss.esp1 = the end of the TSS (seed 000)',
      'sysenter_entry relies on ESP (the value of MSR 0x175) pointing at the end of init_tss: set init_tss + TSS_SS1 and + TSS_ESP1 before the wrmsr',
      async (ctx) => {
        const r = await ctx.harness({ cpu: 'pentium3', program: 'build/userland/getuid.elf', symbols: ['init_tss'],
          peeks: [{ at: 'init_tss', offset: TSS_SS1, length: 4 }, { at: 'init_tss', offset: TSS_ESP1, length: 4 }] });
        const [ss1, esp1] = [word(r.peeks[0] ?? []), word(r.peeks[1] ?? [])];
        const end = (r.symbols['init_tss']! + TSS_SIZE) >>> 0;
        return verdict(ss1 === __KERNEL_CS && esp1 === end, `tss.ss1 = 0x${ss1.toString(16)} (wanted 0x${__KERNEL_CS.toString(16)}), tss.esp1 = 0x${esp1.toString(16)} (wanted 0x${end.toString(16)})`);
      }),
    check('getuid through __kernel_vsyscall enters by sysenter and prints the uid',
      'the stub must execute sysenter with EBP = ESP after the three pushes, and return through SYSENTER_RETURN',
      async (ctx) => {
        const r = await ctx.run({ cpu: 'pentium3', program: 'build/userland/getuid.elf', trace: ['syscall'] });
        const getuid = tracedCalls(r.stderr.split('\n')).filter((c) => c.number === 24);
        if (r.status !== 0) return fail(`getuid ended with status ${r.status}\n${r.stderr.trim().split('\n').slice(-4).join('\n')}`);
        return verdict(getuid.length === 1 && getuid[0]!.door === 'sysenter', `getuid was entered through: ${getuid.map((c) => c.door).join(', ') || 'nothing'}`);
      }),
    check('the fast path is fast: on pentium3, sysbench\'s __kernel_vsyscall loop costs fewer cycles per getppid than int $0x80',
      'the cycle model prices SYSENTER/SYSEXIT below INT/IRET: through your stub the vsyscall loop must be the cheaper one (docs/labs/cost.md)',
      async (ctx) => {
        const r = await sysbench(ctx, 'pentium3');
        if (typeof r === 'string') return fail(r);
        return verdict(r.vsyscall < r.int80, `int $0x80 ${r.int80} cycles/call, __kernel_vsyscall ${r.vsyscall}`);
      }),
    check('a read through the stub that a signal interrupts restarts through the jmp at 0xffffe40e (SA_RESTART), sysenter both times',
      'the kernel backs EIP up to SYSENTER_RETURN - 2: the 2-byte jmp there must go back to `movl %esp,%ebp; sysenter` with the arguments restored',
      async (ctx) => {
        const r = await ctx.harness({ cpu: 'pentium3', program: 'build/userland/readagain.elf', args: ['vsyscall', 'restart'], reads: ['interrupt', 'again\n'] });
        const reads = tracedCalls(r.trace).filter((c) => c.number === 3);
        const out = outputMatches(r, [/^read through vsyscall, restart: 6 \(the handler ran 1 time\)$/m, /^it read: again$/m]);
        if (!out.ok) return out;
        return verdict(reads.length === 2 && reads.every((c) => c.door === 'sysenter'), `reads: ${reads.map((c) => `${c.result} [${c.door}]`).join(', ')}`);
      }),
    check('on pentium-pro (no usable SEP) enable_sep_cpu does nothing: the int $0x80 stub, no wrmsr, and programs run',
      'test the SEP bit in boot_cpu_data + X86_CAPABILITY first: the Pentium Pro has no SYSENTER MSRs, so a wrmsr there raises #GP',
      async (ctx) => {
        const r = await ctx.harness({ cpu: 'pentium-pro', program: 'build/userland/getuid.elf' });
        const d = bootDecisions(r.log);
        return verdict(d.stub === 'int $0x80' && d.wrmsr.length === 0 && r.status === 0,
          `stub ${d.stub ?? 'none logged'}, ${d.wrmsr.length} wrmsr, getuid ${r.status === 0 ? 'ran' : (r.error ?? `status ${r.status}`).split('\n')[0]}`);
      }),
  ],
};
