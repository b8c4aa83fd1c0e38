// Lab "trace": a per-process system call trace mask (6.S081's trace), inherited by fork, printing
// `pid: name(args) -> result` for the calls in the mask; and sysinfo(), copying a struct out to a
// user pointer with -EFAULT for a bad one (6.S081's sysinfo) — the real Linux call, number 116, so
// the oracle can check it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { check, fail, verdict, type CheckResult, type LabContext, type LabDefinition, type RunOutcome } from '../lab.ts';
import { labRow, outputMatches, tableRows } from '../checks.ts';
import { TRACETEST_C } from './tracetest.ts';

const PROGRAM = 'build/userland/tracetest.elf';

interface TraceLine { pid: number; name: string; args: string; result: number }

function traceLines(stderr: string): TraceLine[] {
  const lines: TraceLine[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^(\d+): (\w+)\((.*)\) -> (-?\d+)$/.exec(line.trim());
    if (m) lines.push({ pid: Number(m[1]), name: m[2]!, args: m[3]!, result: Number(m[4]) });
  }
  return lines;
}

/** One run per grade is enough for the trace checks: they all read the same output. */
const runs = new WeakMap<LabContext, Promise<RunOutcome>>();
function traced(ctx: LabContext): Promise<RunOutcome> {
  let r = runs.get(ctx);
  if (r === undefined) {
    r = existsSync(join(ctx.dir, PROGRAM)) ? ctx.run({ cpu: 'pentium3', program: PROGRAM }) : Promise.resolve({ status: null, stdout: '', stderr: `${PROGRAM} was not built` });
    runs.set(ctx, r);
  }
  return r;
}

const show = (r: RunOutcome) => `the console said:\n${(r.stdout + r.stderr).trim() || '(nothing)'}`;

async function traceCheck(ctx: LabContext, test: (lines: TraceLine[], r: RunOutcome) => boolean): Promise<CheckResult> {
  const r = await traced(ctx);
  return verdict(test(traceLines(r.stderr), r), show(r));
}

export const traceLab: LabDefinition = {
  name: 'trace',
  title: 'trace(mask) and sysinfo()',
  summary: 'a per-process trace mask inherited by fork (pid: name(args) -> result), and sysinfo() with -EFAULT on bad pointers',
  handout: 'docs/labs/trace.md',
  touches: ['kernel/syscall_32.tbl', 'kernel/task.ts', 'kernel/services/tasks.ts (fork)', 'kernel/kernel.ts (serve)', 'kernel/services/ (a new module for sys_trace and sys_sysinfo, listed in index.ts)'],
  // The project serves sysinfo already (kernel/services/jobs.ts): the starter takes it out, so that
  // writing it — the struct, copyToUser, -EFAULT — is the student's.
  starter: [
    { file: 'userland/tracetest.c', text: TRACETEST_C },
    { file: 'kernel/syscall_32.tbl', find: '116\ti386\tsysinfo\tsys_sysinfo\n', replace: '116\ti386\tsysinfo\n' },
    { file: 'kernel/services/index.ts', find: ' sys_sysinfo: jobs.sys_sysinfo,', replace: '' },
    { file: 'kernel/services/jobs.ts', from: '/** sysinfo(struct sysinfo *)', through: '};\n', replace: '' },
    { file: 'kernel/services/jobs.ts', find: '// getrusage, sysinfo.\n', replace: '// getrusage.\n' },
  ],
  hints: [
    'Two table rows: trace takes a lab number (1000-1099) with entry point sys_trace; sysinfo already has its Linux row (116), it only needs the entry point sys_sysinfo.',
    'The mask is the process\'s: a field of Task (kernel/task.ts). sys_trace sets it from regs.args()[0] and returns 0; fork must copy it into the child (kernel/services/tasks.ts, copyProcess).',
    'Every system call passes through Kernel.serve (kernel/kernel.ts): there you know the task, the number (regs.get(\'orig_eax\')) and the result; syscallName(k, number) in kernel/ptrace.ts gives the name. Bit n of the mask traces number n (n < 32).',
    'Print with this.host.write(2, ...) (the console\'s error stream, as printk would): `${pid}: ${name}(${first three args in hex}) -> ${result}`, the name without its sys_ prefix.',
    'sysinfo: build the 64-byte struct with Struct (kernel/services/user.ts) — uptime, totalram (k.ram.u8.length), freeram (k.frames.available * 4096), procs, mem_unit 1 — and copyToUser: it returns false for a bad pointer, which is -EFAULT (FAULT).',
  ],
  checks: [
    check('kernel/syscall_32.tbl: trace in the labs\' range with entry point sys_trace, and sysinfo (116) with entry point sys_sysinfo',
      'add `1001 i386 trace sys_trace` (any number 1000-1099) and give the existing `116 i386 sysinfo` row its entry point sys_sysinfo',
      async (ctx) => {
        const t = labRow(ctx, 'trace', 'sys_trace');
        if (!t.ok) return t;
        const rows = tableRows(ctx);
        const s = typeof rows === 'string' ? undefined : rows.find((r) => r.number === 116);
        return verdict(s?.name === 'sysinfo' && s.entry === 'sys_sysinfo', `row 116: ${s ? `${s.name} ${s.entry ?? '(no entry point)'}` : 'missing'}`);
      }),
    check('trace(mask) returns 0, and each call in the mask is printed as `pid: name(args) -> result` (getpid and write of pid 1)',
      'print in Kernel.serve after the service returns, when bit orig_eax of the current task\'s mask is set',
      (ctx) => traceCheck(ctx, (lines, r) => /^trace: 0$/m.test(r.stdout) && lines.some((l) => l.pid === 1 && l.name === 'getpid' && l.result === 1) &&
        lines.some((l) => l.pid === 1 && l.name === 'write' && l.result > 0))),
    check('only the calls in the mask are printed (not fork, wait4, exit_group, trace itself)',
      'test the mask bit for the call\'s number before printing; trace is number 1000+, outside any 32-bit mask',
      (ctx) => traceCheck(ctx, (lines) => lines.length > 0 && lines.every((l) => l.name === 'getpid' || l.name === 'write'))),
    check('fork copies the mask: the child\'s getpid is printed with the child\'s pid',
      'in copyProcess (kernel/services/tasks.ts) the child gets a copy of the parent\'s fields: add the mask to them',
      (ctx) => traceCheck(ctx, (lines, r) => {
        const child = Number(/^fork: parent \d+, child (\d+)$/m.exec(r.stdout)?.[1] ?? -1);
        return lines.some((l) => l.pid === child && l.name === 'getpid' && l.result === child);
      })),
    check('trace(0) stops tracing: the writes after it are not printed',
      'trace(0) sets the mask to 0; the program writes one line while tracing (trace: 0) and the rest after',
      (ctx) => traceCheck(ctx, (lines) => lines.filter((l) => l.name === 'write').length === 1)),
    check('sysinfo() fills a sane struct sysinfo: returns 0, uptime >= 0, procs >= 1, totalram >= freeram > 0, mem_unit >= 1',
      'the struct is Linux\'s 64 bytes (the layout is in userland/tracetest.c); copy all of it with copyToUser',
      async (ctx) => outputMatches(await traced(ctx), [/^sysinfo: 0$/m, /^sysinfo: uptime >= 0: yes$/m, /^sysinfo: procs >= 1: yes$/m,
        /^sysinfo: totalram >= freeram > 0: yes$/m, /^sysinfo: mem_unit >= 1: yes$/m])),
    check('sysinfo() with a bad pointer returns -EFAULT (-14): NULL, and a kernel address',
      'never write through a user pointer directly: copyToUser checks the pages as the MMU would and returns false when it may not write',
      async (ctx) => outputMatches(await traced(ctx), [/^sysinfo\(NULL\): -14$/m, /^sysinfo\(0xc0000000\): -14$/m])),
    check('natively (the oracle\'s Linux) the sysinfo lines read the same',
      'your sysinfo must behave as Linux\'s: run build/userland/tracetest.elf natively and compare the lines that start with sysinfo',
      async (ctx) => {
        if (!existsSync(join(ctx.dir, PROGRAM))) return fail(`${PROGRAM} was not built`);
        const [ours, native] = [await traced(ctx), await ctx.native(PROGRAM)];
        // qemu-i386 is no oracle for struct sysinfo's contents: it passes the host's through, the
        // sizes of a 64-bit host cut to 32 bits (totalram < freeram on a big host), and answers
        // sysinfo(NULL) with 0 where Linux gives -EFAULT. Against it only the answers to sysinfo()
        // and to a kernel-address pointer are compared (the checks above hold the rest to Linux's).
        const qemuBlind = native.oracle === 'qemu-i386';
        const compared = (l: string) => l.startsWith('sysinfo') && (!qemuBlind || /^sysinfo(: -?\d+|\(0xc0000000\): -?\d+)$/.test(l));
        const pick = (text: string) => text.split('\n').filter(compared).join('\n');
        const caveat = qemuBlind ? '\n(oracle qemu-i386: only the return values compared; qemu passes the host\'s struct sysinfo through and answers sysinfo(NULL) with 0)' : '';
        return verdict(pick(ours.stdout) !== '' && pick(ours.stdout) === pick(native.stdout), `gate86:\n${pick(ours.stdout)}\n${native.oracle}:\n${pick(native.stdout)}${caveat}`);
      }),
  ],
};
