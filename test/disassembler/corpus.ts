// Builds the C corpus of the disassembler test with the host gcc: each file at -O0, -O2 and -Os, as an
// object (-c) and as a linked freestanding static executable, plus one -fcf-protection build (endbr32,
// notrack). Integer code only: -march=i686 -mno-sse -mno-mmx, and no floating point in the sources.
// corpus/dynamic/ holds programs linked against glibc (PIE and not, and a shared library), whose
// listings add the PLT and objdump's synthetic `name@plt` symbols. corpus/simd/ is float and vector
// code built with -msse and with -msse2, both -mfpmath=sse and -mno-80387 (scalar SSE arithmetic,
// vectorised loops, the MMX/SSE/SSE2 intrinsics).
//
// Builds are cached in the system temp directory under a hash of the source, the flags and the
// compiler's version, so a second run of the test compiles nothing.

import { createHash } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const corpusDirectory = new URL('./corpus/', import.meta.url).pathname;
const cacheDirectory = join(tmpdir(), 'gate86-disassembler-cache');

const COMMON = ['-m32', '-march=i686', '-mno-sse', '-mno-mmx', '-mno-80387', '-fno-pic', '-fno-pie', '-fno-stack-protector', '-ffreestanding', '-fno-asynchronous-unwind-tables'];
const LINK = ['-nostdlib', '-static', '-no-pie'];

export interface Build {
  /** A short name for test titles: sort.c -O2 -c */
  name: string;
  path: string;
}

interface Recipe { name: string; source: string; flags: string[] }

function recipes(): Recipe[] {
  const sources = readdirSync(corpusDirectory).filter((f) => f.endsWith('.c')).sort();
  const out: Recipe[] = [];
  for (const file of sources) {
    const source = join(corpusDirectory, file);
    for (const level of ['-O0', '-O2', '-Os']) {
      out.push({ name: `${file} ${level} -c`, source, flags: [...COMMON, level, '-c'] });
      out.push({ name: `${file} ${level} static`, source, flags: [...COMMON, level, ...LINK] });
    }
    out.push({ name: `${file} -O2 -fcf-protection`, source, flags: [...COMMON, '-O2', '-fcf-protection=full', '-c'] });
  }
  const simd = join(corpusDirectory, 'simd', 'vectors.c');
  const simdCommon = [...COMMON.filter((f) => f !== '-mno-sse' && f !== '-mno-mmx'), '-fno-math-errno'];
  for (const isa of ['-msse', '-msse2']) {
    for (const level of ['-O0', '-O2', '-Os', '-O3']) {
      out.push({ name: `simd/vectors.c ${isa} -mfpmath=sse ${level} -c`, source: simd, flags: [...simdCommon, isa, '-mfpmath=sse', level, '-c'] });
    }
    out.push({ name: `simd/vectors.c ${isa} -mfpmath=sse -O2 static`, source: simd, flags: [...simdCommon, isa, '-mfpmath=sse', '-O2', ...LINK, '-Wl,-e,scalar_float'] });
  }
  const dynamic = join(corpusDirectory, 'dynamic', 'hello.c');
  const hosted = COMMON.filter((f) => f !== '-ffreestanding' && f !== '-fno-pic' && f !== '-fno-pie');
  out.push({ name: 'dynamic/hello.c -O2 PIE', source: dynamic, flags: [...hosted, '-O2', '-fpie', '-pie', '-fcf-protection=full'] });
  out.push({ name: 'dynamic/hello.c -Os no-PIE', source: dynamic, flags: [...hosted, '-Os', '-fno-pie', '-no-pie'] });
  out.push({ name: 'hash.c -O2 -shared', source: join(corpusDirectory, 'hash.c'), flags: [...hosted, '-O2', '-fpic', '-shared', '-nostdlib'] });
  return out;
}

let compilerVersion: string | undefined;

async function build(recipe: Recipe): Promise<Build> {
  compilerVersion ??= execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
  const key = createHash('sha256').update(readFileSync(recipe.source)).update(recipe.flags.join(' ')).update(compilerVersion).digest('hex').slice(0, 16);
  const path = join(cacheDirectory, `${basename(recipe.source, '.c')}-${key}${recipe.flags.includes('-c') ? '.o' : ''}`);
  if (!existsSync(path)) {
    const temporary = `${path}.${process.pid}.tmp`;
    await run('gcc', [...recipe.flags, '-o', temporary, recipe.source]);
    renameSync(temporary, path); // atomic: a concurrent run never sees half a file
  }
  return { name: recipe.name, path };
}

/** Compile (or find in the cache) every corpus build, two compilers at a time. */
export async function buildCorpus(): Promise<Build[]> {
  mkdirSync(cacheDirectory, { recursive: true });
  const todo = recipes();
  const done: Build[] = new Array(todo.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const i = next++;
      done[i] = await build(todo[i]!);
    }
  };
  await Promise.all([worker(), worker()]);
  return done;
}
