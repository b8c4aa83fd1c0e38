// gate86 boot: watch the kernel start — the CPU identified and the SEP verdict, the GDT selectors, the
// IDT gate 0x80, each wrmsr, the vsyscall page and its stub — then the sample programs run.
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, type Command } from '../usage.ts';
import { runProgram } from '../../kernel/boot.ts';
import { loadKernelImage, packageRoot } from '../../kernel/locate.ts';
import { buildUserland, ASSEMBLY_PROGRAMS, C_PROGRAMS } from '../../userland/build-userland.ts';
import { cpuModels, DEFAULT_CPU_MODEL } from '../../vm/cpu/models.ts';

const usage = `usage: gate86 boot [--cpu NAME]

Boots the gate86 kernel and prints its boot log: the CPU and the SEP verdict, the GDT, the IDT gate
0x80, each wrmsr, the vsyscall page and which __kernel_vsyscall it holds. Then runs the sample
programs (hello, getuid, which-stub, sysbench). There is no execve or shell yet, so each sample runs
in a boot of its own, and the command ends by itself.
  --cpu NAME   the CPU model (${Object.keys(cpuModels).join(', ')}; default ${DEFAULT_CPU_MODEL})`;

const SAMPLE_ARGS: Record<string, string[]> = { sysbench: ['2000'] };

/** The samples: build/userland if `npm run build` made them, else built now (assembly always; C with gcc). */
function samples(): [string, string][] {
  const root = packageRoot();
  const names = [...ASSEMBLY_PROGRAMS, ...C_PROGRAMS];
  const built = join(root, 'build/userland');
  if (names.every((n) => existsSync(join(built, `${n}.elf`)))) return names.map((n) => [n, join(built, `${n}.elf`)]);
  const fresh = buildUserland(root, mkdtempSync(join(tmpdir(), 'gate86-userland-')));
  return Object.entries(fresh.programs);
}

export const bootCommand: Command = {
  name: 'boot',
  summary: 'boot the gate86 kernel, show each step, run the sample programs',
  usage,
  async run(args) {
    let cpu = DEFAULT_CPU_MODEL;
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--cpu') {
        cpu = args[++i] ?? '';
        if (cpuModels[cpu] === undefined) throw new UsageError(`unknown CPU model '${cpu}'`);
      } else throw new UsageError(`unknown argument '${args[i]}'`);
    }
    const kernel = loadKernelImage();
    const out = (text: string): void => { process.stdout.write(text); };
    let first = true;
    for (const [name, path] of samples()) {
      const argv = SAMPLE_ARGS[name] ?? [];
      out(first ? `gate86: booting the kernel on a ${cpu}\n` : '\n');
      const result = runProgram({
        kernel, cpu,
        program: { path: name, image: new Uint8Array(readFileSync(path)), argv: [name, ...argv], envp: [] },
        write: (_fd, bytes) => { process.stdout.write(bytes); },
        log: (line) => { if (first || line.startsWith('exec ')) out(`kernel: ${line}\n`); },
      });
      first = false;
      if (result.kind !== 'exit') {
        out(`kernel: the machine stopped: ${result.kind === 'stopped' ? result.message : 'instruction limit'}\n`);
        return 1;
      }
      out(`kernel: ${name} ${'code' in result.status ? `exited with status ${result.status.code}` : `was killed by signal ${result.status.signal}`} after ${result.instructions} instructions\n`);
    }
    return 0;
  },
};
