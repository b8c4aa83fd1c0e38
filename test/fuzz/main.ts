// npm run fuzz -- [--seconds N] [--seed S] [--fuzzer NAME[,NAME...]] [--cpu NAME] [--corpus DIR | --no-save]
// npm run fuzz -- --replay FILE.json     (a ring-3 corpus case: how it ends on gate86 and each oracle)
//
// Runs each fuzzer for N seconds (default 60) from seed S (default: a random one, printed first, so
// any run can be repeated exactly), prints what it did and found, and exits 0 only when nothing
// failed. A failing case is minimised and written under the corpus directory (default
// test/fuzz/corpus/), where test/fuzz/corpus.test.ts replays it: fix the bug, keep the file.
//
// The fuzzers (issue 14):
//   inputs   malformed ELF files for `gate86 run`, Multiboot images for `gate86 machine`, garbage for
//            `gate86 as`, `ld` and `objdump`: a one-line error and status 1 or 2 (126 for an ELF
//            that `run` cannot execute), never a stack trace, never a hang;
//   ring3    random bytes and random instructions from the ISA table as user processes on the
//            booted kernel, judged against the host CPU and qemu-i386; the kernel must survive all;
//   syscalls every row of kernel/syscall_32.tbl (and numbers outside it) with random, boundary and
//            hostile arguments, through `int $0x80` and __kernel_vsyscall, many thousands of calls
//            per boot: no host exception, no oops, no hang, the kernel consistent after every case.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../kernel/locate.ts';
import { loadKernelImage } from '../../kernel/locate.ts';
import { cpuModels, DEFAULT_CPU_MODEL } from '../../vm/cpu/models.ts';
import { fuzzRing3 } from './ring3/fuzz.ts';
import { fuzzInputs } from './inputs/fuzz.ts';
import { fuzzSyscalls } from './syscalls/fuzz.ts';
import { replayRing3 } from './ring3/replay.ts';
import type { FuzzReport } from './report.ts';

const FUZZERS = ['inputs', 'ring3', 'syscalls'] as const;
type FuzzerName = (typeof FUZZERS)[number];

const usage = `usage: npm run fuzz -- [--seconds N] [--seed S] [--fuzzer ${FUZZERS.join('|')}[,...]] [--cpu NAME] [--corpus DIR | --no-save]
  --seconds N   how long each fuzzer runs (default 60)
  --seed S      the run's seed (default: random; printed, so the run can be repeated)
  --fuzzer F    which fuzzers (default: all)
  --cpu NAME    the CPU model the ring-3 and system-call fuzzers boot (default ${DEFAULT_CPU_MODEL})
  --corpus DIR  where minimised failing cases go (default test/fuzz/corpus)
  --no-save     keep no failing cases
  --replay FILE show how a kept ring-3 case ends on gate86 (with its fault trace) and on each oracle`;

interface Arguments { seconds: number; seed: number; fuzzers: FuzzerName[]; cpu: string; corpus: string | null; replay: string | null }

function parse(argv: string[]): Arguments {
  const root = packageRoot();
  const a: Arguments = { seconds: 60, seed: (Math.random() * 0x100000000) >>> 0, fuzzers: [...FUZZERS], cpu: DEFAULT_CPU_MODEL, corpus: join(root, 'test/fuzz/corpus'), replay: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--seconds') {
      const text = value();
      a.seconds = Number(text);
      if (!/^\d+(\.\d+)?$/.test(text)) throw new Error(`--seconds wants a number, not '${text}'`);
    } else if (flag === '--seed') {
      const text = value();
      if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) throw new Error(`--seed wants a 32-bit unsigned number, not '${text}'`);
      a.seed = Number(text);
    } else if (flag === '--fuzzer') {
      const names = value().split(',');
      for (const n of names) if (!(FUZZERS as readonly string[]).includes(n)) throw new Error(`unknown fuzzer '${n}' (known: ${FUZZERS.join(', ')})`);
      a.fuzzers = names as FuzzerName[];
    } else if (flag === '--cpu') {
      a.cpu = value();
      if (cpuModels[a.cpu] === undefined) throw new Error(`unknown CPU model '${a.cpu}'`);
    } else if (flag === '--corpus') {
      a.corpus = value();
    } else if (flag === '--replay') {
      a.replay = value();
    } else if (flag === '--no-save') {
      a.corpus = null;
    } else if (flag === '--help' || flag === '-h') {
      process.stdout.write(usage + '\n');
      process.exit(0);
    } else throw new Error(`unknown option '${flag}'`);
  }
  return a;
}

async function main(): Promise<number> {
  let a: Arguments;
  try {
    a = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`fuzz: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const log = (line: string): void => { process.stdout.write(line + '\n'); };
  const work = join(packageRoot(), 'build/fuzz');
  mkdirSync(work, { recursive: true });
  if (a.replay === null) log(`fuzz: seed ${a.seed}, ${a.seconds} s per fuzzer: ${a.fuzzers.join(', ')} (repeat with --seed ${a.seed})`);
  const kernel = loadKernelImage();
  if (a.replay !== null) {
    for (const line of await replayRing3(JSON.parse(readFileSync(a.replay, 'utf8')), kernel, join(work, 'ring3'))) log(line);
    return 0;
  }
  const reports: FuzzReport[] = [];
  for (const name of a.fuzzers) {
    if (name === 'ring3') reports.push(await fuzzRing3({ seconds: a.seconds, seed: a.seed, cpu: a.cpu, kernel, corpus: a.corpus, work: join(work, 'ring3'), log }));
    if (name === 'syscalls') reports.push(await fuzzSyscalls({ seconds: a.seconds, seed: a.seed, cpu: a.cpu, kernel, corpus: a.corpus, work: join(work, 'syscalls'), log }));
    if (name === 'inputs') reports.push(await fuzzInputs({ seconds: a.seconds, seed: a.seed, corpus: a.corpus, work: join(work, 'inputs'), log }));
  }
  log('');
  for (const r of reports) log(r.summary());
  return reports.every((r) => r.failures.length === 0) ? 0 : 1;
}

process.exitCode = await main();
