// The cycle model (vm/cpu/cycles/): every price has a source; a block is charged for exactly the ops
// that completed; RDTSC sees the ops before it in its own block; `--tsc instructions` is the old count.
import test from 'ava';
import { runCode } from './helpers.ts';
import { cpuModels } from '../../vm/cpu/models.ts';
import { COST_CLASS_NAMES, centicycles } from '../../vm/cpu/cycles/costs.ts';
import { SOURCES } from '../../vm/cpu/cycles/sources.ts';
import { costClassOf } from '../../vm/cpu/cycles/classify.ts';
import { instructionForms } from '../../vm/isa/table.ts';

test('every CPU model prices every class, and every price names a source that exists', (t) => {
  for (const model of Object.values(cpuModels)) {
    for (const name of COST_CLASS_NAMES) {
      const c = model.costs.costs[name];
      t.true(Number.isFinite(c.cycles) && c.cycles >= 0, `${model.name} ${name}: ${c.cycles}`);
      const key = c.source.split(/[: ]/)[0]!;
      t.true(key in SOURCES, `${model.name} ${name}: source '${c.source}'`);
      if (key === 'derived') t.true(c.source.length > 'derived: '.length + 10, `${model.name} ${name}: a derivation says how`);
    }
  }
});

test('every ISA table form gets a class or is priced by its executor (INT, IRET, far transfers, segment loads)', (t) => {
  const byExecutor = new Set<string>();
  for (const form of instructionForms) {
    const cls = costClassOf(form, false, false);
    if (cls === null) byExecutor.add(form.operation);
  }
  t.deepEqual([...byExecutor].sort(), ['call-far', 'call-far-indirect', 'int', 'int1', 'int3', 'into', 'iret', 'jmp-far', 'jmp-far-indirect',
    'load-far-pointer', 'mov-to-sreg', 'pop-sreg', 'ret-far', 'ud0', 'ud1', 'ud2'].filter((o) => instructionForms.some((f) => f.operation === o)));
});

const price = (model: string, name: (typeof COST_CLASS_NAMES)[number]) => centicycles(cpuModels[model]!.costs.costs[name].cycles);

test('RDTSC counts modelled cycles: the ops between two RDTSCs in one block, at the model\'s prices', (t) => {
  // rdtsc ; mov %eax,%esi ; add %ebx,%ebx x4 ; mov (%edi),%ecx ; rdtsc ; hlt
  const code = [0x0f, 0x31, 0x89, 0xc6, 0x01, 0xdb, 0x01, 0xdb, 0x01, 0xdb, 0x01, 0xdb, 0x8b, 0x0f, 0x0f, 0x31, 0xf4];
  for (const model of ['pentium', 'athlon-xp', 'pentium4']) {
    const r = runCode(code, { model, registers: { edi: 0x2000 } });
    const expected = price(model, 'rdtsc') + 5 * price(model, 'alu') + price(model, 'load');
    const delta = (r.regs.eax - r.regs.esi) >>> 0;
    // Each RDTSC reads floor(total / 100): the difference is the price of the ops, give or take the rounding of one reading.
    t.true(Math.abs(delta * 100 - expected) < 100, `${model}: ${delta} cycles, model says ${expected / 100}`);
  }
});

test('--tsc instructions: RDTSC counts retired instructions, as before the cycle model', (t) => {
  const code = [0x0f, 0x31, 0x89, 0xc6, 0x01, 0xdb, 0x01, 0xdb, 0x01, 0xdb, 0x01, 0xdb, 0x8b, 0x0f, 0x0f, 0x31, 0xf4];
  const r = runCode(code, { model: 'athlon-xp', registers: { edi: 0x2000 }, setup: (m) => { m.cpu.tscCounts = 'instructions'; } });
  t.is((r.regs.eax - r.regs.esi) >>> 0, 7);
});

test('a block is charged for exactly the ops that completed before a fault, and not for the faulting op', (t) => {
  // add %ecx,%ecx ; add %ecx,%ecx ; div %ebx with EBX = 0 (#DE) ; add %ecx,%ecx ; hlt
  const code = [0x01, 0xc9, 0x01, 0xc9, 0xf7, 0xf3, 0x01, 0xc9, 0xf4];
  const r = runCode(code, { model: 'pentium', registers: { ebx: 0 } });
  t.is(r.stop.kind, 'exception');
  t.is(r.machine.cpu.centicycles, 2 * price('pentium', 'alu'));
});

test('a hot loop costs the same once compiled as when interpreted: n iterations at the per-iteration price', (t) => {
  // mov $1000,%ecx ; loop: add %eax,%eax ; dec %ecx ; jnz loop ; hlt   (compiled after 200 iterations)
  const code = [0xb9, 0xe8, 0x03, 0x00, 0x00, 0x01, 0xc0, 0x49, 0x75, 0xfb, 0xf4];
  const r = runCode(code, { model: 'athlon-xp', limit: 100_000 });
  t.is(r.stop.kind, 'hlt');
  const perIteration = 2 * price('athlon-xp', 'alu') + price('athlon-xp', 'branch');
  t.is(r.machine.cpu.centicycles, price('athlon-xp', 'alu') + 1000 * perIteration + price('athlon-xp', 'halt'));
});

test('REP STOSD pays per element as well as for the instruction', (t) => {
  // rep stosl with ECX = 100 ; hlt
  const r = runCode([0xf3, 0xab, 0xf4], { model: 'pentium4', registers: { ecx: 100, edi: 0x10000 } });
  t.is(r.machine.cpu.centicycles, price('pentium4', 'string') + 100 * price('pentium4', 'stringElement') + price('pentium4', 'halt'));
});
