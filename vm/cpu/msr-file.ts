// The model-specific registers of one CPU: which exist (the model's list) and their 64-bit values.
//
// RDMSR/WRMSR and snapshots use the general interface (has/get/set, BigInt values: MSRs are 64 bits).
// The three that SYSENTER and SYSEXIT read on every system call also live as plain numbers in a typed
// array, kept in step by set(): the fast system call path does no Map lookup and makes no BigInt.

import { MSR_SYSENTER_CS, MSR_SYSENTER_EIP, MSR_SYSENTER_ESP } from './models.ts';

/** Slots of MsrFile.sysenter. */
export const SYSENTER_CS_SLOT = 0, SYSENTER_ESP_SLOT = 1, SYSENTER_EIP_SLOT = 2;

export class MsrFile {
  private readonly values = new Map<number, bigint>();
  /** Low 32 bits of IA32_SYSENTER_CS, _ESP and _EIP (0 when the model lacks them). */
  readonly sysenter = new Int32Array(3);

  has(index: number): boolean {
    return this.values.has(index);
  }

  get(index: number): bigint | undefined {
    return this.values.get(index);
  }

  /** Create or replace an MSR (the model's list at reset, WRMSR, a snapshot). */
  set(index: number, value: bigint): void {
    this.values.set(index, value);
    const slot = sysenterSlot(index);
    if (slot >= 0) this.sysenter[slot] = Number(value & 0xffffffffn) | 0;
  }

  clear(): void {
    this.values.clear();
    this.sysenter.fill(0);
  }

  [Symbol.iterator](): IterableIterator<[number, bigint]> {
    return this.values[Symbol.iterator]();
  }
}

function sysenterSlot(index: number): number {
  return index === MSR_SYSENTER_CS ? SYSENTER_CS_SLOT : index === MSR_SYSENTER_ESP ? SYSENTER_ESP_SLOT : index === MSR_SYSENTER_EIP ? SYSENTER_EIP_SLOT : -1;
}
