// Named CPU models: what CPUID reports, which instructions exist, which MSRs exist.
//
// The feature bits are those of the real chip AND implemented by this machine. Clear: VME, DE, PAE,
// MCE, APIC, MTRR, PGE, MCA, PAT, PSE-36, PSN (not implemented), and 3DNow! on the Athlon XP.
// Kept where the chip had them: PSE (4 MiB pages), TSC, MSR, CX8, SEP, CMOV, AMD's SYSCALL, and the
// SIMD units (vm/cpu/simd/): MMX from the Pentium II, FXSR and SSE from the Pentium III (and AMD's
// MMX extensions on the Athlon XP), SSE2 and CLFSH on the Pentium 4. An instruction whose table row
// names a feature the model lacks raises #UD (modelHasInstruction).
//
// Sources: Intel AP-485 "Processor Identification and the CPUID Instruction", AMD publication 20734
// "CPUID Specification", and the seeds' Table 1 (family/model/stepping of each chip).

import type { Cpu as Generation, CpuFeature } from '../isa/table.ts';

export const FEATURE_FPU = 1 << 0;
export const FEATURE_PSE = 1 << 3;
export const FEATURE_TSC = 1 << 4;
export const FEATURE_MSR = 1 << 5;
export const FEATURE_CX8 = 1 << 8;
/** SYSENTER/SYSEXIT present (leaf 1 EDX bit 11). */
export const FEATURE_SEP = 1 << 11;
export const FEATURE_CMOV = 1 << 15;
/** FXSAVE/FXRSTOR and CR4.OSFXSR (leaf 1 EDX bit 24). */
export const FEATURE_FXSR = 1 << 24;
/** CLFLUSH (leaf 1 EDX bit 19); leaf 1 EBX bits 8-15 give the line size in 8-byte units. */
export const FEATURE_CLFSH = 1 << 19;
export const FEATURE_MMX = 1 << 23;
export const FEATURE_SSE = 1 << 25;
export const FEATURE_SSE2 = 1 << 26;
/** AMD leaf 0x80000001 EDX bit 22: AMD's MMX extensions (the integer SSE instructions on MMX registers). */
export const EXT_FEATURE_MMXEXT = 1 << 22;
/** AMD leaf 0x80000001 EDX bit 11: SYSCALL/SYSRET. */
export const EXT_FEATURE_SYSCALL = 1 << 11;

export const MSR_TSC = 0x10;
export const MSR_SYSENTER_CS = 0x174;
export const MSR_SYSENTER_ESP = 0x175;
export const MSR_SYSENTER_EIP = 0x176;
export const MSR_EFER = 0xc0000080;
export const MSR_STAR = 0xc0000081;

export interface CpuModel {
  name: string;
  /** 12-character vendor string (leaf 0 EBX, EDX, ECX). */
  vendor: 'GenuineIntel' | 'AuthenticAMD';
  family: number;
  model: number;
  stepping: number;
  /** Highest basic leaf. */
  maxLeaf: number;
  /** Leaf 1 EDX and ECX. */
  features: number;
  featuresEcx: number;
  /** Leaf 1 EBX (brand index, CLFLUSH line size, APIC ID), where the chip fills it. */
  leaf1Ebx?: number;
  /** Leaf 2 (cache descriptors) where the chip has it: EAX EBX ECX EDX. */
  leaf2?: [number, number, number, number];
  /** Highest extended leaf (0 = no extended leaves), leaf 0x80000001 EDX, brand string (48 chars max). */
  maxExtendedLeaf: number;
  extendedFeatures: number;
  brand?: string;
  /** The newest instruction generation the chip executes (table.ts `since`). */
  generation: Generation;
  /** Whether SYSENTER really works (false on the Pentium Pro: CPUID says SEP, the chip raises #UD). */
  sysenterWorks: boolean;
  /**
   * Whether a fault's pushed EFLAGS image has RF set (P6 and later, Intel and AMD: SDM Vol. 3B
   * 17.3.1.1, fault.ts `pushedEflags`); the 486 and Pentium leave that to the handler.
   */
  faultFramesSetResumeFlag: boolean;
  /** MSRs that exist, with their power-on values. */
  msrs: [number, bigint][];
  /**
   * What FXSAVE stores as MXCSR_MASK: the MXCSR bits FXRSTOR (and LDMXCSR) accept. 0 on parts that
   * predate the field (it then means 0xFFBF, no DAZ); 0xFFFF where MXCSR.DAZ exists.
   */
  mxcsrMask: number;
}

const IMPLEMENTED_P5 = FEATURE_PSE | FEATURE_TSC | FEATURE_MSR | FEATURE_CX8;
const IMPLEMENTED_P6 = IMPLEMENTED_P5 | FEATURE_SEP | FEATURE_CMOV;
const P6_MMX = IMPLEMENTED_P6 | FEATURE_MMX;
const P6_SSE = P6_MMX | FEATURE_FXSR | FEATURE_SSE;
const SYSENTER_MSRS: [number, bigint][] = [[MSR_SYSENTER_CS, 0n], [MSR_SYSENTER_ESP, 0n], [MSR_SYSENTER_EIP, 0n]];

export const cpuModels: Record<string, CpuModel> = {
  '486': {
    name: '486', vendor: 'GenuineIntel', family: 4, model: 8, stepping: 0, maxLeaf: 1,
    features: 0, featuresEcx: 0, maxExtendedLeaf: 0, extendedFeatures: 0,
    generation: '486', faultFramesSetResumeFlag: false, sysenterWorks: false, msrs: [], mxcsrMask: 0,
  },
  pentium: {
    name: 'pentium', vendor: 'GenuineIntel', family: 5, model: 2, stepping: 12, maxLeaf: 1,
    features: IMPLEMENTED_P5, featuresEcx: 0, maxExtendedLeaf: 0, extendedFeatures: 0,
    generation: 'pentium', faultFramesSetResumeFlag: false, sysenterWorks: false, msrs: [[MSR_TSC, 0n]], mxcsrMask: 0,
  },
  'pentium-pro': {
    name: 'pentium-pro', vendor: 'GenuineIntel', family: 6, model: 1, stepping: 9, maxLeaf: 2,
    features: IMPLEMENTED_P6, featuresEcx: 0, leaf2: [0x03020101, 0, 0, 0x06040a42],
    maxExtendedLeaf: 0, extendedFeatures: 0,
    generation: 'p6', faultFramesSetResumeFlag: true, sysenterWorks: false, msrs: [[MSR_TSC, 0n]], mxcsrMask: 0,
  },
  pentium2: {
    name: 'pentium2', vendor: 'GenuineIntel', family: 6, model: 3, stepping: 3, maxLeaf: 2,
    features: P6_MMX, featuresEcx: 0, leaf2: [0x03020101, 0, 0, 0x0c040843],
    maxExtendedLeaf: 0, extendedFeatures: 0,
    generation: 'p6', faultFramesSetResumeFlag: true, sysenterWorks: true, msrs: [[MSR_TSC, 0n], ...SYSENTER_MSRS], mxcsrMask: 0,
  },
  pentium3: {
    name: 'pentium3', vendor: 'GenuineIntel', family: 6, model: 7, stepping: 2, maxLeaf: 2,
    features: P6_SSE, featuresEcx: 0, leaf2: [0x03020101, 0, 0, 0x0c040843],
    maxExtendedLeaf: 0, extendedFeatures: 0,
    generation: 'p6', faultFramesSetResumeFlag: true, sysenterWorks: true, msrs: [[MSR_TSC, 0n], ...SYSENTER_MSRS], mxcsrMask: 0,
  },
  pentium4: {
    name: 'pentium4', vendor: 'GenuineIntel', family: 15, model: 2, stepping: 7, maxLeaf: 2,
    features: P6_SSE | FEATURE_SSE2 | FEATURE_CLFSH, featuresEcx: 0,
    leaf1Ebx: 8 << 8, // CLFLUSH line size: 8 x 8 = 64 bytes
    leaf2: [0x665b5001, 0, 0, 0x007a7040],
    maxExtendedLeaf: 0x80000004, extendedFeatures: 0,
    brand: '              Intel(R) Pentium(R) 4 CPU 2.40GHz',
    generation: 'p6', faultFramesSetResumeFlag: true, sysenterWorks: true, msrs: [[MSR_TSC, 0n], ...SYSENTER_MSRS], mxcsrMask: 0xffff,
  },
  'athlon-xp': {
    name: 'athlon-xp', vendor: 'AuthenticAMD', family: 6, model: 8, stepping: 1, maxLeaf: 1,
    features: P6_SSE, featuresEcx: 0,
    // AMD repeats the leaf 1 bits in 0x80000001 EDX (but not SSE); bit 11 there is SYSCALL/SYSRET,
    // bit 22 AMD's MMX extensions. 3DNow! (bits 30, 31) is not implemented, so it stays clear.
    maxExtendedLeaf: 0x80000004, extendedFeatures: P6_MMX | FEATURE_FXSR | EXT_FEATURE_SYSCALL | EXT_FEATURE_MMXEXT,
    brand: 'AMD Athlon(tm) XP 2200+',
    generation: 'amd-k6', faultFramesSetResumeFlag: true, sysenterWorks: true,
    msrs: [[MSR_TSC, 0n], ...SYSENTER_MSRS, [MSR_EFER, 0n], [MSR_STAR, 0n]], mxcsrMask: 0,
  },
};

export const DEFAULT_CPU_MODEL = 'pentium3';

const GENERATION_ORDER: Record<Generation, number> = { '386': 0, '486': 1, pentium: 2, p6: 3, 'amd-k6': 3 };

/** Leaf 1 bits a CpuFeature needs (EDX, then ECX). */
const FEATURE_BITS: Record<CpuFeature, [edx: number, ecx: number]> = {
  fxsr: [FEATURE_FXSR, 0],
  mmx: [FEATURE_MMX, 0],
  sse: [FEATURE_SSE, 0],
  sse2: [FEATURE_SSE2, 0],
  clflush: [FEATURE_CLFSH, 0],
};

/** Whether a model has a CPUID feature. */
export function modelHasFeature(model: CpuModel, feature: CpuFeature): boolean {
  const [edx, ecx] = FEATURE_BITS[feature];
  return (model.features & edx) === edx && (model.featuresEcx & ecx) === ecx;
}

/** The MXCSR bits LDMXCSR and FXRSTOR accept: MXCSR_MASK, whose 0 (no such field yet) means 0xFFBF. */
export function mxcsrWritableBits(model: CpuModel): number {
  return model.mxcsrMask === 0 ? 0xffbf : model.mxcsrMask;
}

/**
 * Whether a model executes instructions introduced in `since` (SYSCALL/SYSRET: AMD models only) that
 * need `feature` (the form's CPUID feature, if any).
 */
export function modelHasInstruction(model: CpuModel, since: Generation, operation: string, feature?: CpuFeature): boolean {
  if (feature !== undefined && !modelHasFeature(model, feature)) return false;
  if (since === 'amd-k6') return (model.extendedFeatures & EXT_FEATURE_SYSCALL) !== 0;
  if (operation === 'cmovcc') return (model.features & FEATURE_CMOV) !== 0;
  return GENERATION_ORDER[since] <= GENERATION_ORDER[model.generation];
}

/** Leaf 1 EAX: stepping, model, family (with the extended-family field for family 15). */
export function signature(model: CpuModel): number {
  const family = model.family >= 15 ? 15 : model.family;
  const extendedFamily = model.family >= 15 ? model.family - 15 : 0;
  return (extendedFamily << 20) | (family << 8) | (model.model << 4) | model.stepping;
}

/** Four little-endian words of a string, padded with NULs: how CPUID returns text. */
export function textWords(text: string, words: number): number[] {
  const out: number[] = [];
  for (let w = 0; w < words; w++) {
    let v = 0;
    for (let b = 0; b < 4; b++) v |= (text.charCodeAt(w * 4 + b) & 0xff || 0) << (b * 8);
    out.push(v | 0);
  }
  return out;
}

/** CPUID: fill EAX EBX ECX EDX for leaf `leaf` into `out`. */
export function cpuid(model: CpuModel, leaf: number, out: Int32Array): void {
  let l = leaf >>> 0;
  if (l >= 0x80000000) {
    if (model.maxExtendedLeaf === 0 || l > model.maxExtendedLeaf) l = model.maxLeaf; // Intel: highest basic leaf
  } else if (l > model.maxLeaf) {
    l = model.maxLeaf;
  }
  out[0] = out[1] = out[2] = out[3] = 0;
  if (l === 0) {
    const v = textWords(model.vendor, 3);
    out[0] = model.maxLeaf;
    out[1] = v[0]!;
    out[3] = v[1]!;
    out[2] = v[2]!;
  } else if (l === 1) {
    out[0] = signature(model);
    out[1] = model.leaf1Ebx ?? 0;
    out[2] = model.featuresEcx;
    out[3] = model.features;
  } else if (l === 2 && model.leaf2 !== undefined) {
    out.set(model.leaf2);
  } else if (l === 0x80000000) {
    out[0] = model.maxExtendedLeaf | 0;
  } else if (l === 0x80000001) {
    out[0] = signature(model);
    out[3] = model.extendedFeatures;
  } else if (l >= 0x80000002 && l <= 0x80000004 && model.brand !== undefined) {
    const words = textWords(model.brand, 12);
    const base = (l - 0x80000002) * 4;
    for (let i = 0; i < 4; i++) out[i] = words[base + i]!;
  }
}
