// /proc/cpuinfo per CPU model (issue 9): the flags are what the model's CPUID says, read the way
// Linux reads them — `sep` only where CPUID sets SEP and the chip is not the Pentium Pro, whose
// SYSENTER does not work (Linux clears SEP when (family<<8 | model<<4 | stepping) < 0x633).
// The expectation is computed here from vm/cpu/models.ts's CPUID answer and Linux's flag names
// (arch/x86/include/asm/cpufeatures.h), not from the kernel's procfs code.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuid, cpuModels } from '../../vm/cpu/models.ts';
import { compileC } from '../support/i386-oracle.ts';
import { root, runOnGate86 } from './support.ts';

// Linux's names for CPUID 1 EDX bits this machine's models may set.
const EDX_FLAGS: Record<number, string> = { 0: 'fpu', 3: 'pse', 4: 'tsc', 5: 'msr', 8: 'cx8', 11: 'sep', 15: 'cmov', 19: 'clflush', 23: 'mmx', 24: 'fxsr', 25: 'sse', 26: 'sse2' };

function cpuinfoOn(cpu: string): Record<string, string> {
  const program = compileC({ 'cat-cpuinfo.c': readFileSync(join(root, 'test/kernel/cat-cpuinfo.c'), 'utf8') }, { cflags: ['-march=i386', '-O1'] });
  const r = runOnGate86(program, [], { cpu });
  if (r.status !== 0) throw new Error(`${cpu}: status ${r.status} ${r.log.slice(-3).join(' | ')}`);
  const fields: Record<string, string> = {};
  for (const line of r.stdout.toString().split('\n')) {
    const m = /^([^:]+?)\s*: ?(.*)$/.exec(line);
    if (m) fields[m[1]!] = m[2]!;
  }
  return fields;
}

for (const [name, model] of Object.entries(cpuModels)) {
  test(`/proc/cpuinfo on the ${name}: vendor, family, model, stepping and the flags as CPUID reports them, sep ${((model.features >>> 11) & 1) === 1 && ((model.family << 8) | (model.model << 4) | model.stepping) >= 0x633 ? 'present' : 'absent'}`, (t) => {
    const info = cpuinfoOn(name);
    const leaf = new Int32Array(4);
    cpuid(model, 0, leaf);
    const vendor = [leaf[1]!, leaf[3]!, leaf[2]!].map((w) => String.fromCharCode(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff)).join('');
    const maxLeaf = leaf[0]!;
    cpuid(model, 1, leaf);
    const eax = leaf[0]!, edx = leaf[3]! >>> 0;
    const family = (eax >>> 8) & 0xf, modelNumber = (eax >>> 4) & 0xf, stepping = eax & 0xf;
    t.is(info['vendor_id'], vendor);
    t.is(info['cpu family'], String(family));
    t.is(info['model'], String(modelNumber));
    t.is(info['stepping'], String(stepping));
    t.is(info['cpuid level'], String(maxLeaf));
    const flags = new Set((info['flags'] ?? '').split(' ').filter((f) => f !== ''));
    const sepUsable = ((family << 8) | (modelNumber << 4) | stepping) >= 0x633;
    for (const [bit, flag] of Object.entries(EDX_FLAGS)) {
      const expected = ((edx >>> Number(bit)) & 1) === 1 && (flag !== 'sep' || sepUsable);
      t.is(flags.has(flag), expected, `${flag} (CPUID 1 EDX bit ${bit})`);
    }
    t.is(info['fpu'], (edx & 1) === 1 ? 'yes' : 'no');
    if (name === 'pentium-pro') t.is((edx >>> 11) & 1, 1, "the Pentium Pro's CPUID sets SEP: the 0x633 rule is what clears it");
  });
}
