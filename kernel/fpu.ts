// The FPU state of each task, switched lazily as Linux 2.6 does on i386 (arch/i386/kernel/i387.c,
// traps.c math_state_restore, process.c __switch_to).
//
// The x87/MMX/SSE registers are not switched with the rest of a task's context: most tasks never
// touch them, and an FXSAVE/FXRSTOR pair per switch would cost every switch. Instead:
//   - a switch away from the task that owns the FPU (task.fpuLive: it ran an FPU instruction since
//     it was last switched in) saves its state into task.fpu (FXSAVE, `save_init_fpu`) and sets
//     CR0.TS (`stts`); a switch away from any other task leaves the FPU and TS alone;
//   - the next FPU, MMX or SSE instruction of whoever runs then raises #NM (device_not_available,
//     vector 7: CR0.TS). Its handler (`math_state_restore`) clears TS (CLTS), loads that task's own
//     state (FXRSTOR of task.fpu; `init_fpu` first if the task has never used the FPU), marks it
//     the owner, and the instruction runs again.
// fork copies the parent's state (saving it first if it is live); execve forgets it (the new program
// starts from FNINIT's state with MXCSR 0x1f80, at its first FPU instruction); a signal frame
// carries it (signals.ts) and sigreturn puts it back.
//
// task.fpu is the 512-byte FXSAVE image on every model: the kernel's own format for the state (the
// machine saves it the way FXSAVE stores it, vm/cpu/fpu/control.ts). On a model without FXSR only
// its x87 part means anything.

import type { Kernel } from './kernel.ts';
import type { Task } from './task.ts';
import { CR0_TS } from './layout.ts';

export const FXSAVE_BYTES = 512;
/** FNINIT's control word, and MXCSR as Linux's init_fpu sets it: every exception masked, round to nearest. */
const FPU_CONTROL_INIT = 0x037f;
const MXCSR_INIT = 0x1f80;
const FXSAVE_MXCSR = 24;

/** init_fpu: the state a task's first FPU instruction starts from (registers zero, tags empty). */
export function initialFpuImage(): Uint8Array {
  const image = new Uint8Array(FXSAVE_BYTES);
  image[0] = FPU_CONTROL_INIT & 0xff;
  image[1] = FPU_CONTROL_INIT >> 8;
  new DataView(image.buffer).setUint32(FXSAVE_MXCSR, MXCSR_INIT, true);
  return image;
}

/** unlazy_fpu: if `task` owns the FPU, save its state into task.fpu and give the FPU up (CR0.TS). */
export function unlazyFpu(k: Kernel, task: Task): void {
  if (!task.fpuLive) return;
  task.fpu = k.cpu.saveFpu();
  task.fpuLive = false;
  k.cpu.writeCr0(k.cpu.readCr0() | CR0_TS);
}

/** The task's FPU state as it is now (saved or live), for fork and for a signal frame. */
export function currentFpuImage(k: Kernel, task: Task): Uint8Array {
  unlazyFpu(k, task);
  return task.fpu ?? initialFpuImage();
}

/** execve: the new program has used no FPU yet (clear_used_math); a live state is dropped. */
export function forgetFpu(k: Kernel, task: Task): void {
  if (task.fpuLive) k.cpu.writeCr0(k.cpu.readCr0() | CR0_TS);
  task.fpuLive = false;
  task.fpu = null;
}

/**
 * Install a state from a signal frame (sigreturn) as the task's own: it is loaded at the next FPU
 * instruction. MXCSR's reserved bits are cleared as Linux does (mxcsr_feature_mask), so a forged
 * frame cannot make FXRSTOR fault in the kernel.
 */
export function setFpuImage(k: Kernel, task: Task, image: Uint8Array, mxcsrAllowed: number): void {
  forgetFpu(k, task);
  const copy = image.slice(0, FXSAVE_BYTES);
  const view = new DataView(copy.buffer);
  view.setUint32(FXSAVE_MXCSR, view.getUint32(FXSAVE_MXCSR, true) & mxcsrAllowed, true);
  task.fpu = copy;
}

// ---------------------------------------------------------------------------------------------
// The FPU state in a signal frame: struct _fpstate (Linux's asm/sigcontext.h, i386), 624 bytes:
//   0    the FNSAVE-style part: cw, sw, tag (the full two-bit tag word), ipoff, cssel (FOP in the
//        high half), dataoff, datasel, then ST(0)..ST(7), 10 bytes each
//   108  status: the status word the handler's code may inspect (a #MF handler looks here)
//   110  magic: 0x0000 when the FXSAVE part follows (X86_FXSR_MAGIC), 0xffff when it does not
//   112  the FXSAVE image (512 bytes: 16-byte aligned, as FXSAVE needs)
// sigcontext.fpstate points at it, or is 0 when the task had not used the FPU (sigreturn then leaves
// the FPU unused).

export const FPSTATE_BYTES = 624;
export const FPSTATE_FXSAVE = 112;
const FPSTATE_STATUS = 108;
const FPSTATE_MAGIC = 110;

/** The full tag of one register from its 80-bit contents: 0 valid, 1 zero, 2 special (NaN, infinity, denormal, unsupported). */
function fullTag(image: Uint8Array, st: number): number {
  const at = 32 + 16 * st;
  const exponent = (image[at + 8]! | (image[at + 9]! << 8)) & 0x7fff;
  const integerBit = (image[at + 7]! & 0x80) !== 0;
  const zeroSignificand = image.subarray(at, at + 8).every((b) => b === 0);
  if (exponent === 0x7fff) return 2;
  if (exponent === 0) return zeroSignificand ? 1 : 2;
  return integerBit ? 0 : 2;
}

/** The _fpstate for a frame, from the task's FXSAVE image (convert_from_fxsr). */
export function signalFpstate(image: Uint8Array, hasFxsr: boolean): Uint8Array {
  const out = new Uint8Array(FPSTATE_BYTES);
  const fx = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const v = new DataView(out.buffer);
  const sw = fx.getUint16(2, true);
  const top = (sw >> 11) & 7;
  let tag = 0;
  for (let r = 0; r < 8; r++) {
    const st = (r - top) & 7; // physical register r is ST((r - TOP) & 7)
    const t = ((image[4]! >> r) & 1) === 0 ? 3 : fullTag(image, st);
    tag |= t << (2 * r);
  }
  v.setUint32(0, 0xffff0000 | fx.getUint16(0, true), true);
  v.setUint32(4, 0xffff0000 | sw, true);
  v.setUint32(8, 0xffff0000 | tag, true);
  v.setUint32(12, fx.getUint32(8, true), true);                                            // FIP
  v.setUint32(16, (fx.getUint16(12, true) & 0xffff) | ((fx.getUint16(6, true) & 0x7ff) << 16), true); // FCS, FOP
  v.setUint32(20, fx.getUint32(16, true), true);                                           // FDP
  v.setUint32(24, 0xffff0000 | fx.getUint16(20, true), true);                              // FDS
  for (let i = 0; i < 8; i++) out.set(image.subarray(32 + 16 * i, 32 + 16 * i + 10), 28 + 10 * i);
  v.setUint16(FPSTATE_STATUS, sw, true);
  v.setUint16(FPSTATE_MAGIC, hasFxsr ? 0x0000 : 0xffff, true);
  out.set(image.subarray(0, FXSAVE_BYTES), FPSTATE_FXSAVE);
  return out;
}

/** The FNSAVE part of a frame's _fpstate: 7 environment words, then ST(0)..ST(7). */
export const FPSTATE_FSAVE_BYTES = 108;

/**
 * The FXSAVE image a frame's FNSAVE part stands for (convert_to_fxsr): what sigreturn restores on
 * a processor without FXSR, where that part is all the frame has (Linux 2.6's restore_i387_fsave).
 * The full tag word becomes the abridged one (empty or not), FOP comes from cssel's high half.
 */
export function fxsaveFromFnsave(fsave: Uint8Array): Uint8Array {
  const image = initialFpuImage();
  const v = new DataView(fsave.buffer, fsave.byteOffset, FPSTATE_FSAVE_BYTES);
  const fx = new DataView(image.buffer);
  const tag = v.getUint16(8, true);
  let abridged = 0;
  for (let r = 0; r < 8; r++) if (((tag >> (2 * r)) & 3) !== 3) abridged |= 1 << r;
  fx.setUint16(0, v.getUint16(0, true), true);                 // FCW
  fx.setUint16(2, v.getUint16(4, true), true);                 // FSW
  image[4] = abridged;
  fx.setUint16(6, (v.getUint32(16, true) >>> 16) & 0x7ff, true); // FOP
  fx.setUint32(8, v.getUint32(12, true), true);                // FIP
  fx.setUint16(12, v.getUint16(16, true), true);               // FCS
  fx.setUint32(16, v.getUint32(20, true), true);               // FDP
  fx.setUint16(20, v.getUint16(24, true), true);               // FDS
  for (let i = 0; i < 8; i++) image.set(fsave.subarray(28 + 10 * i, 38 + 10 * i), 32 + 16 * i);
  return image;
}
