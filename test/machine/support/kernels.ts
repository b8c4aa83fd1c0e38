// Building the test kernels of test/kernels/ and running them on both machines: gate86 (in-process,
// through vm/machine/run-sync.ts) and qemu-system-i386 (the oracle). Missing tools are a loud failure.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runKernelSync } from '../../../vm/machine/run-sync.ts';

const root = resolve(import.meta.dirname, '../../..');
const kernelSources = join(root, 'test/kernels');
let buildDir: string | null = null;

/** Build test/kernels/NAME.{c,S} into a Multiboot ELF; returns its path. */
export function buildKernel(name: string): string {
  buildDir ??= mkdtempSync(join(tmpdir(), 'gate86-kernels-'));
  const r = spawnSync('sh', [join(kernelSources, 'build.sh'), name, buildDir], { encoding: 'utf8' });
  if (r.error) throw new Error(`building test kernel ${name}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`building test kernel ${name} failed:\n${r.stderr}`);
  return join(buildDir, `${name}.elf`);
}

/** Write a file next to the built kernels (for --initrd modules); returns its name there. */
export function writeBuildFile(name: string, bytes: Uint8Array): string {
  buildDir ??= mkdtempSync(join(tmpdir(), 'gate86-kernels-'));
  writeFileSync(join(buildDir, name), bytes);
  return name;
}

export function buildDirectory(): string {
  if (buildDir === null) throw new Error('no kernel built yet');
  return buildDir;
}

/** gate86 CPU model name -> the closest QEMU -cpu model (family and features; model numbers differ). */
export const qemuModelFor: Record<string, string> = {
  '486': '486', pentium: 'pentium', pentium2: 'pentium2', pentium3: 'pentium3', 'athlon-xp': 'athlon',
};

export interface KernelRun {
  output: string;
  status: number | null;
}

export interface RunOptions {
  cpu?: string;
  append?: string;
  initrd?: string[];
}

/**
 * Run a kernel under qemu-system-i386 -kernel with COM1 on stdio and isa-debug-exit, from the build
 * directory (so that QEMU's command line, "KERNEL APPEND", names files as gate86's does). The BIOS's
 * own output before "Booting from ROM.." is dropped.
 */
export function runQemu(kernelPath: string, options: RunOptions = {}): KernelRun {
  const kernel = kernelPath.slice(buildDirectory().length + 1);
  const args = ['-kernel', kernel, '-nographic', '-display', 'none', '-serial', 'stdio', '-monitor', 'none',
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-cpu', qemuModelFor[options.cpu ?? 'pentium3'] ?? 'pentium3', '-m', '128'];
  if (options.append !== undefined) args.push('-append', options.append);
  if (options.initrd !== undefined) args.push('-initrd', options.initrd.join(','));
  const r = spawnSync('qemu-system-i386', args, { cwd: buildDirectory(), encoding: 'latin1', timeout: 30_000, input: '' });
  if (r.error) throw new Error(`qemu-system-i386 could not run (install the qemu-system-x86 package): ${r.error.message}`);
  const marker = 'Booting from ROM..';
  const at = r.stdout.lastIndexOf(marker);
  if (at < 0) throw new Error(`qemu-system-i386 printed no boot marker:\n${r.stdout}\n${r.stderr}`);
  return { output: r.stdout.slice(at + marker.length), status: r.status };
}

/** Run a kernel on gate86, in this process. */
export function runGate86(kernelPath: string, options: RunOptions = {}): KernelRun & { message: string | null } {
  const kernel = kernelPath.slice(buildDirectory().length + 1);
  const modules = (options.initrd ?? []).map((name) => ({ name, bytes: readFileSync(join(buildDirectory(), name)) }));
  const r = runKernelSync(readFileSync(kernelPath), kernel, {
    ...(options.cpu !== undefined ? { cpu: options.cpu } : {}),
    commandLine: `${kernel} ${options.append ?? ''}`,
    modules,
    timeoutMs: 60_000,
  });
  return { output: Buffer.from(r.output).toString('latin1'), status: r.status, message: r.message };
}
