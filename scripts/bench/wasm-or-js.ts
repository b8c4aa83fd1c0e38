// npm run bench:wasm — the measurement behind docs/machine.md's "JavaScript source, not WebAssembly":
// the same guest loops written the two ways a JIT could emit them, timed in this process.
//
//   alu     the bench's register ALU loop (add/xor/add/xor/dec/jnz), guest registers in host locals;
//   memory  the memory loop (load/add/store twice), every access through gate86's in-line TLB probe
//           (entry = tlb[ea >>> 12]; permission bits; (entry & -4096 | ea & 4095) into RAM), in JS
//           over an Int32Array and in wasm over linear memory holding the TLB and the RAM;
//   call    one instruction in ten not emitted in line (an executor call): in JS a call V8 can
//           inline, in wasm a call out to an imported JavaScript function — what every executor,
//           slow path and system-half operation would cost a wasm block.
//
// The wasm module is assembled here byte by byte (no toolchain needed). Best of seven after two untimed runs (V8 tiers up), million loop iterations per second.

const ITERATIONS = 20_000_000;
const TLB_BASE = 0, RAM_BASE = 1 << 22, BUFFER = 0x3000; // TLB of 1M entries, then RAM
const PAGE_BITS = 0x3; // "read | write" permission bits of a TLB entry

// --- A minimal wasm encoder --------------------------------------------------------------------

const leb = (n: number): number[] => { const out: number[] = []; for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return out; } out.push(b | 0x80); } };
const uleb = (n: number): number[] => { const out: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n !== 0) b |= 0x80; out.push(b); } while (n !== 0); return out; };
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
const I32 = 0x7f;
const get = (l: number): number[] => [0x20, l], set = (l: number): number[] => [0x21, l], tee = (l: number): number[] => [0x22, l];
const konst = (n: number): number[] => [0x41, ...leb(n)];
const ADD = 0x6a, SUB = 0x6b, AND = 0x71, OR = 0x72, XOR = 0x73, SHRU = 0x76;
const load = [0x28, 2, 0], store = [0x36, 2, 0];

/** ea in local `ea` -> the RAM byte address in local `p` via the TLB, (ea & 3) and permission checked; else return -1. */
function probe(ea: number, p: number): number[] {
  return [
    ...get(ea), ...konst(12), SHRU, ...konst(2), 0x74 /* shl */, ...konst(TLB_BASE), ADD, ...load, ...tee(p),
    ...konst(PAGE_BITS), AND, 0x45 /* eqz */, ...get(ea), ...konst(3), AND, OR, 0x04, 0x40, ...konst(-1), 0x0f /* return */, 0x0b,
    ...get(p), ...konst(-4096), AND, ...get(ea), ...konst(4095), AND, OR, ...konst(RAM_BASE), ADD, ...set(p),
  ];
}

function wasmModule(): Uint8Array {
  // Locals after the parameter n (0): 1 eax, 2 ebx, 3 edx, 4 esi, 5 edi, 6 ea, 7 p
  const alu = [...konst(1), ...set(1), ...konst(2), ...set(2), ...konst(3), ...set(3), ...konst(4), ...set(4),
    0x03, 0x40,
    ...get(1), ...get(4), ADD, ...set(1), ...get(3), ...get(1), XOR, ...set(3), ...get(2), ...get(3), ADD, ...set(2), ...get(4), ...get(2), XOR, ...set(4),
    ...get(0), ...konst(1), SUB, ...tee(0), 0x0d, 0,
    0x0b, ...get(1), ...get(2), XOR, ...get(3), XOR, ...get(4), XOR, 0x0b];
  const memory = [...konst(BUFFER), ...set(5),
    0x03, 0x40,
    ...get(5), ...set(6), ...probe(6, 7), ...get(7), ...get(7), ...load, ...get(0), ADD, ...tee(1), ...store,
    ...get(5), ...konst(4), ADD, ...set(6), ...probe(6, 7), ...get(7), ...get(7), ...load, ...get(1), ADD, ...store,
    ...get(0), ...konst(1), SUB, ...tee(0), 0x0d, 0,
    0x0b, ...get(1), 0x0b];
  const call = [...konst(1), ...set(1),
    0x03, 0x40,
    ...get(1), ...get(0), ADD, ...set(1), ...get(1), ...konst(0x5a5a), XOR, ...set(1),
    ...get(1), 0x10, 0 /* call the import */, ...set(1),
    ...get(0), ...konst(1), SUB, ...tee(0), 0x0d, 0,
    0x0b, ...get(1), 0x0b];
  const body = (code: number[]): number[] => { const b = [1, 7, I32, ...code]; return [...uleb(b.length), ...b]; };
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vector([[0x60, 1, I32, 1, I32]])), // one type: (i32) -> i32
    ...section(2, vector([[...name('env'), ...name('executor'), 0x00, 0], [...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(128)]])),
    ...section(3, vector([[0], [0], [0]])),
    ...section(7, vector([[...name('alu'), 0, 1], [...name('memory'), 0, 2], [...name('call'), 0, 3]])),
    ...section(10, vector([body(alu), body(memory), body(call)])),
  ]);
}

// --- The same loops as JavaScript source, the block compiler's way ------------------------------

const JS_SOURCE = `
return {
  alu(n) { let eax = 1, ebx = 2, edx = 3, esi = 4; do { eax = (eax + esi) | 0; edx ^= eax; ebx = (ebx + edx) | 0; esi ^= ebx; n = (n - 1) | 0; } while (n !== 0); return eax ^ ebx ^ edx ^ esi; },
  memory(n) { let eax = 0; const edi = ${BUFFER};
    do {
      { const ea = edi, e = tlb[ea >>> 12]; if ((e & ${PAGE_BITS}) === 0 || (ea & 3) !== 0) return -1; const p = ((e & -4096) | (ea & 4095)) >>> 2; eax = (ram32[p] + n) | 0; ram32[p] = eax; }
      { const ea = (edi + 4) | 0, e = tlb[ea >>> 12]; if ((e & ${PAGE_BITS}) === 0 || (ea & 3) !== 0) return -1; const p = ((e & -4096) | (ea & 4095)) >>> 2; ram32[p] = (ram32[p] + eax) | 0; }
      n = (n - 1) | 0;
    } while (n !== 0);
    return eax; },
  call(n) { let eax = 1; do { eax = (eax + n) | 0; eax ^= 0x5a5a; eax = executor(eax); n = (n - 1) | 0; } while (n !== 0); return eax; },
};`;

const executor = (x: number): number => (x + 1) | 0;

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function best(f: (n: number) => number): { rate: number; result: number } {
  let rate = 0, result = 0;
  for (const n of [1000, 100_000, ITERATIONS, ITERATIONS]) f(n); // optimised (not just on-stack-replaced) before the timed runs
  for (let k = 0; k < 7; k++) {
    const t0 = process.hrtime.bigint();
    result = f(ITERATIONS);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rate = Math.max(rate, ITERATIONS / s / 1e6);
  }
  return { rate, result };
}

const memory = new WebAssembly.Memory({ initial: 128 }); // 8 MiB: the TLB, then 4 MiB of RAM
const tlbView = new Int32Array(memory.buffer, TLB_BASE, 1 << 20);
for (let page = 0; page < 1024; page++) tlbView[page] = (page << 12) | PAGE_BITS; // identity-mapped first 4 MiB
const wasm = new WebAssembly.Instance(new WebAssembly.Module(wasmModule()), { env: { executor, memory } }).exports as Record<string, (n: number) => number>;
const ramJs = new Int32Array(1 << 20);
const tlbJs = new Int32Array(1 << 20);
tlbJs.set(tlbView);
const js = new Function('tlb', 'ram32', 'executor', JS_SOURCE)(tlbJs, ramJs, executor) as Record<string, (n: number) => number>;

console.log(`guest loops, million iterations per second (best of 7, ${ITERATIONS / 1e6}M iterations), JavaScript source vs WebAssembly`);
for (const loop of ['alu', 'memory', 'call']) {
  new Int32Array(memory.buffer, RAM_BASE, 1 << 20).fill(0);
  ramJs.fill(0);
  const a = best(js[loop]!), b = best(wasm[loop]!);
  const agree = a.result === b.result ? 'results agree' : `RESULTS DIFFER (${a.result} vs ${b.result})`;
  console.log(`  ${loop.padEnd(8)} JS ${a.rate.toFixed(0).padStart(6)}   wasm ${b.rate.toFixed(0).padStart(6)}   wasm/JS ${(b.rate / a.rate).toFixed(2)}x   ${agree}`);
}
