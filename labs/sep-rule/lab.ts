// Lab "sep-rule": write the CPUID SEP check in head.S (fidelity point 4). CPUID leaf 1 EDX bit 11
// says "SYSENTER present", but the Pentium Pro (6/1/x) says so and raises #UD on SYSENTER: Linux
// 2.6.0's init_intel clears SEP when (family << 8 | model << 4 | stepping) < 0x633, for Intel only.
// The starter keeps every CPU's SEP bit, so the Pentium Pro gets the sysenter stub and dies.
import { check, verdict, type LabContext, type LabDefinition } from '../lab.ts';
import { bootDecisions } from '../checks.ts';

/**
 * Where init_intel's rule lives in the project's head.S: from the local label after identify_cpu
 * through .Lidentified. The starter replaces that region with a hole; the tests' reference solution
 * is the region as head.S has it, read from head.S (so the lab follows the kernel when it changes).
 */
export const SEP_RULE_REGION = { from: '2:\n\t/* init_intel: only for "GenuineIntel". */\n', through: '.Lidentified:\n' };
export const HOLE = `2:
	/*
	 * LAB sep-rule (docs/labs/sep-rule.md): init_intel's SEP rule goes here. As it stands, every
	 * CPU whose CPUID reports SEP keeps it — the Pentium Pro too, whose SYSENTER raises #UD.
	 * boot_cpu_data holds what CPUID said: X86_VENDOR_ID (12 bytes), X86_FAMILY, X86_MODEL,
	 * X86_STEPPING (a byte each) and X86_CAPABILITY (leaf 1 EDX; SEP is X86_FEATURE_SEP_BIT).
	 */
.Lidentified:
`;

interface Expectation { cpu: string; stub: 'sysenter' | 'int $0x80'; why: string }

/** The seven models and what Linux 2.6.0's rule makes of each (fidelity point 4). */
const MODELS: Expectation[] = [
  { cpu: '486', stub: 'int $0x80', why: 'its CPUID has no SEP bit' },
  { cpu: 'pentium', stub: 'int $0x80', why: 'its CPUID has no SEP bit' },
  { cpu: 'pentium-pro', stub: 'int $0x80', why: 'it reports SEP, but 0x619 < 0x633: its SYSENTER raises #UD' },
  { cpu: 'pentium2', stub: 'sysenter', why: '6/3/3 = 0x633, the first signature the rule accepts' },
  { cpu: 'pentium3', stub: 'sysenter', why: '6/7/2 = 0x672 >= 0x633 (the seed\'s literal "stepping >= 3" would wrongly reject it)' },
  { cpu: 'pentium4', stub: 'sysenter', why: 'family 15: 0xf27 >= 0x633' },
  { cpu: 'athlon-xp', stub: 'sysenter', why: 'AuthenticAMD: init_intel does not run, SEP is trusted' },
];

/** CPUs that do not exist, to tell the rule from a list of known chips. */
const INVENTED: (Expectation & { like: string; family: number; model: number; stepping: number; vendor?: 'GenuineIntel' | 'AuthenticAMD' })[] = [
  { cpu: 'lab-6-3-2', like: 'pentium2', family: 6, model: 3, stepping: 2, stub: 'int $0x80', why: '0x632 < 0x633: the rule compares the whole signature, not a list of chips' },
  { cpu: 'lab-6-4-0', like: 'pentium2', family: 6, model: 4, stepping: 0, stub: 'sysenter', why: '0x640 >= 0x633 although its stepping is 0' },
  { cpu: 'lab-amd-6-1-0', like: 'athlon-xp', family: 6, model: 1, stepping: 0, stub: 'sysenter', why: 'not Intel: the rule is init_intel\'s, an AMD 6/1/0 keeps SEP' },
];

async function decide(ctx: LabContext, e: Expectation & { like?: string; family?: number; model?: number; stepping?: number; vendor?: 'GenuineIntel' | 'AuthenticAMD' }) {
  const extra = e.like ? [{ name: e.cpu, like: e.like, family: e.family!, model: e.model!, stepping: e.stepping!, ...(e.vendor ? { vendor: e.vendor } : {}) }] : [];
  const r = await ctx.harness({ cpu: e.cpu, program: 'build/userland/getuid.elf', extraModels: extra });
  if (r.error && r.log.length === 0) return verdict(false, r.error.split('\n')[0]!);
  const d = bootDecisions(r.log);
  const wanted = e.stub === 'sysenter' ? 3 : 0;
  const ok = d.stub === e.stub && d.wrmsr.length === wanted && r.status === 0;
  return verdict(ok, `${d.cpu ?? 'no CPU line in the boot log'}\nstub: ${d.stub ?? 'none logged'}, ${d.wrmsr.length} wrmsr, getuid ${r.status === 0 ? 'ran' : r.signal ? `was killed by signal ${r.signal}` : `did not end: ${(r.error ?? String(r.status)).split('\n')[0]}`}\nwanted: the ${e.stub} stub and ${wanted} wrmsr — ${e.why}`);
}

export const sepRuleLab: LabDefinition = {
  name: 'sep-rule',
  title: 'The SEP check: which CPUs may use SYSENTER',
  summary: 'write init_intel\'s SEP rule in head.S; every CPU model gets the stub and the wrmsr it should',
  handout: 'docs/labs/sep-rule.md',
  touches: ['kernel/arch/x86/head.S'],
  starter: [{ file: 'kernel/arch/x86/head.S', ...SEP_RULE_REGION, replace: HOLE }],
  hints: [
    'The check belongs after identify_cpu has filled boot_cpu_data, before .Lidentified; sysenter_setup and enable_sep_cpu only look at the SEP bit it leaves in X86_CAPABILITY.',
    'Only for Intel: compare the three words of X86_VENDOR_ID with "Genu", "ineI", "ntel" (0x756e6547, 0x49656e69, 0x6c65746e, little-endian) and skip the rule otherwise.',
    'Build the signature in a register: family << 8 | model << 4 | stepping (movzbl, shll $4, orb). SEP_MIN_SIGNATURE (0x633) is in asm-offsets.h.',
    'If the signature is below 0x633 (unsigned: jae skips), clear bit X86_FEATURE_SEP_BIT of boot_cpu_data + X86_CAPABILITY with andl $~(1 << X86_FEATURE_SEP_BIT).',
  ],
  checks: [
    ...MODELS.map((e) => check(`${e.cpu}: the ${e.stub} stub, ${e.stub === 'sysenter' ? 'three' : 'no'} wrmsr, and getuid runs`,
      e.cpu === 'pentium-pro' ? 'the Pentium Pro reports SEP in CPUID: the rule must clear it (6/1/9 = 0x619 < 0x633)' : `this CPU must get the ${e.stub} stub: ${e.why}`,
      (ctx) => decide(ctx, e))),
    ...INVENTED.map((e) => check(`an invented ${e.vendor ?? (e.like === 'athlon-xp' ? 'AMD' : 'Intel')} ${e.family}/${e.model}/${e.stepping}: the ${e.stub} stub`,
      `write the rule, not a list of chips: ${e.why}`,
      (ctx) => decide(ctx, e))),
  ],
};
