// The x87 and SSE registers of a stopped machine, read and written for a debugger (gdb's i387 and
// sse features). ST(i) is named by stack position, as gdb and FXSAVE name it: physical register
// (TOP + i) mod 8. The tag word is given whole (valid, zero, special, empty per physical register),
// derived from the contents as FNSTENV derives it; writing it keeps only empty/not empty, which is
// all the processor keeps (the abridged tag word FXSAVE stores).

import type { Cpu } from '../cpu/cpu.ts';
import { fullTagWord, validFromTagWord } from '../cpu/fpu/images.ts';
import { modelHasFeature, mxcsrWritableBits } from '../cpu/models.ts';
import type { FpuChange, FpuRegisters } from './protocol.ts';

const ST_BYTES = 10, XMM_BYTES = 16;

/** The registers, or null when the CPU model has no FPU. */
export function readFpu(cpu: Cpu): FpuRegisters | null {
  if (!modelHasFeature(cpu.model, 'fpu')) return null;
  const f = cpu.fpu;
  const st = new Uint8Array(8 * ST_BYTES);
  const view = new DataView(st.buffer);
  for (let i = 0; i < 8; i++) {
    const r = (f.top + i) & 7;
    view.setUint32(i * ST_BYTES, f.significandLow[r]!, true);
    view.setUint32(i * ST_BYTES + 4, f.significandHigh[r]!, true);
    view.setUint16(i * ST_BYTES + 8, f.signExponent[r]!, true);
  }
  return {
    st,
    words: {
      fctrl: f.control, fstat: f.statusWord(), ftag: fullTagWord(f),
      fiseg: f.lastCodeSelector, fioff: f.lastCodeOffset >>> 0, foseg: f.lastDataSelector, fooff: f.lastDataOffset >>> 0,
      fop: f.lastOpcode,
    },
    xmm: modelHasFeature(cpu.model, 'sse') ? f.xmm8.slice() : null,
    mxcsr: f.mxcsr,
  };
}

/**
 * Change one register. A value written into ST(i) keeps ST(i)'s tag (an empty register stays empty,
 * as with gdbserver's FXSAVE write); MXCSR takes only the bits the model's MXCSR_MASK allows, as
 * LDMXCSR does. Returns an error message, or null when done.
 */
export function writeFpu(cpu: Cpu, change: FpuChange): string | null {
  if (!modelHasFeature(cpu.model, 'fpu')) return 'this CPU model has no FPU';
  const f = cpu.fpu;
  switch (change.kind) {
    case 'st': {
      if (change.index < 0 || change.index > 7 || change.bytes.length !== ST_BYTES) return 'st: want 10 bytes for ST(0)-ST(7)';
      const view = new DataView(change.bytes.buffer, change.bytes.byteOffset, ST_BYTES);
      const r = (f.top + change.index) & 7;
      f.significandLow[r] = view.getUint32(0, true);
      f.significandHigh[r] = view.getUint32(4, true);
      f.signExponent[r] = view.getUint16(8, true);
      return null;
    }
    case 'word': {
      const v = change.value >>> 0;
      switch (change.name) {
        case 'fctrl': f.control = v & 0xffff; break;
        case 'fstat': f.setStatusWord(v & 0xffff); break;
        case 'ftag': f.validRegisters = validFromTagWord(v & 0xffff); break;
        case 'fiseg': f.lastCodeSelector = v & 0xffff; break;
        case 'fioff': f.lastCodeOffset = v | 0; break;
        case 'foseg': f.lastDataSelector = v & 0xffff; break;
        case 'fooff': f.lastDataOffset = v | 0; break;
        case 'fop': f.lastOpcode = v & 0x7ff; break;
      }
      return null;
    }
    case 'xmm':
      if (!modelHasFeature(cpu.model, 'sse')) return 'this CPU model has no SSE';
      if (change.index < 0 || change.index > 7 || change.bytes.length !== XMM_BYTES) return 'xmm: want 16 bytes for XMM0-XMM7';
      f.xmm8.set(change.bytes, change.index * XMM_BYTES);
      return null;
    case 'mxcsr': {
      if (!modelHasFeature(cpu.model, 'sse')) return 'this CPU model has no SSE';
      const v = change.value >>> 0;
      if ((v & ~mxcsrWritableBits(cpu.model)) !== 0) return `mxcsr: 0x${v.toString(16)} sets bits this model reserves (LDMXCSR would #GP)`;
      f.mxcsr = v;
      return null;
    }
  }
}
