// The software floating-point core: exact IEEE 754 arithmetic on the i386 family's three binary
// formats, with the x86's exception flags and rounding behaviour. See README.md for the API; the x87
// unit (vm/cpu/fpu/) and the SSE unit (vm/cpu/simd/) are built on it.

export * from './status.ts';
export * from './format.ts';
export * from './round.ts';
export * from './arithmetic.ts';
