// The AMD Athlon XP (K7). Ordinary instructions from a measurement of the same core; the privileged
// transitions were never measured one by one, so they are derived from seed 003's Table 2 (277 and
// 169 cycles per getppid) as docs/labs/cycle-model.md shows step by step.
import { cost, type Cost, type CostClass, type CostTable } from '../costs.ts';
import { deriveTransitions, type DerivedTransitions } from '../derive-transitions.ts';

const I = 'instlat-k7';

/** Seed 003, Table 2: cycles per getppid() through each door on this chip. */
export const TABLE_2 = { int80: 277, sysenter: 169 };

/** Everything but the transitions Table 2 determines: published (measured) or derived as each row says. */
const priced: Omit<Record<CostClass, Cost>, keyof DerivedTransitions | 'syscall' | 'sysret'> = {
    alu: cost(0.38, `${I}: ADD/SUB/AND/OR/XOR/CMP/TEST/MOV r32,r32 T 0.38`),
    aluLoad: cost(0.5, `${I}: ADD r32,[m32] T 0.50`),
    aluStore: cost(1.5, `${I}: ADD [m32],r32 T 1.50`),
    load: cost(0.5, `${I}: MOV r32,[m32] T 0.50`),
    store: cost(1, `${I}: MOV [m32],r32 T 1.00`),
    carry: cost(1, `${I}: ADC r32,r32 T 1.00`),
    shift: cost(0.38, `${I}: SHL r32,imm8 T 0.44, SHL r32,cl 0.38`),
    shiftDouble: cost(2, `${I}: SHLD r32,r32,imm8 T 2.00`),
    bitTest: cost(0.44, `${I}: BT r32,r32 T 0.44 (BTS 1.08)`),
    bitScan: cost(7, `${I}: BSF r32,r32 T 7.00`),
    multiply: cost(2, `${I}: IMUL r32,r32 T 2.00 (MUL r32 4.00)`),
    divide: cost(40, `${I}: DIV r32 T 39.00-40.00`),
    exchange: cost(1, `${I}: XCHG r32,r32 T 1.00`),
    locked: cost(16, `${I}: XCHG r32,[m32] T 16.00 (LOCK ADD 18.00)`),
    push: cost(1, `${I}: PUSH r32 T 1.00 (PUSH imm 1.00)`),
    pop: cost(1, `${I}: POP r32 T 1.00`),
    pushFlags: cost(2, `${I}: PUSHFD T 2.00`),
    popFlags: cost(11, `${I}: POPFD T 11.00`),
    pushAll: cost(4.5, `${I}: PUSHAD T 4.50`),
    popAll: cost(4.5, `${I}: POPAD T 4.50`),
    flagBit: cost(0.33, `${I}: CLC T 0.33`),
    direction: cost(1, `${I}: CLD T 1.00`),
    interruptFlag: cost(1, 'derived: as CLD (1.00), the other instruction that writes one EFLAGS control bit'),
    jump: cost(1, 'derived: one cycle to redirect the fetch'),
    branch: cost(1, 'derived: one cycle to redirect the fetch (no misprediction is modelled)'),
    call: cost(2, 'derived: PUSH r32 (1.00) + a jump (1)'),
    callIndirect: cost(2.5, 'derived: PUSH r32 (1.00) + MOV r32,[m32] (0.50) + a jump (1)'),
    return: cost(2, 'derived: POP r32 (1.00) + a jump (1)'),
    jumpIndirect: cost(1.5, 'derived: MOV r32,[m32] (0.50) + a jump (1)'),
    loop: cost(1.38, 'derived: an ALU op (0.38) + a branch (1)'),
    enterLeave: cost(1.38, 'derived: LEAVE = MOV r,r (0.38) + POP r32 (1.00)'),
    string: cost(3, `${I}: MOVSB T 3.00`),
    stringElement: cost(0.68, `${I}: REP MOVSD 5.91 bytes/cycle = 0.68 cycles per dword`),
    bcd: cost(6, `${I}: DAA T 6.00`),
    cpuid: cost(74.42, `${I}: CPUID (EAX = 1) T 74.42`),
    rdtsc: cost(11, `${I}: RDTSC T 11.00`),
    io: cost(74.42, 'derived: as CPUID (74.42): port I/O waits for every earlier instruction, like a serializing one'),
    halt: cost(1, 'derived: the instruction itself; the wait is not charged'),
    tableRegister: cost(74.42, 'derived: as CPUID (74.42): LGDT/LIDT/LLDT/LTR are serializing'),
    controlRead: cost(11, 'derived: as RDTSC (11.00), a read of a processor register outside the rename machinery'),
    controlWrite: cost(74.42, 'derived: as CPUID (74.42): MOV to CRn is serializing'),
    invlpg: cost(74.42, 'derived: as CPUID (74.42): INVLPG is serializing'),
    rdmsr: cost(11, 'derived: as RDTSC (11.00), which reads an MSR too'),
    wrmsr: cost(74.42, 'derived: as CPUID (74.42): WRMSR is serializing'),
    service: cost(12.76, `derived: Linux 2.6.0 sys_getppid (linux-2.6.0): 4 dependent loads at ${I} MOV r32,[m32] L 3.0 + 2 ALU at 0.38`),
    tlbMiss: cost(7, `derived: two dependent page-table loads (${I} L 3.0 each) + the accessed-bit store (1.00)`),
};

const derived = deriveTransitions(TABLE_2, Object.fromEntries(Object.entries(priced).map(([k, v]) => [k, v.cycles])));
const fromTable2 = (name: keyof DerivedTransitions) =>
  cost(derived[name], `derived from seed003 Table 2 (${TABLE_2.int80} / ${TABLE_2.sysenter}): vm/cpu/cycles/derive-transitions.ts`);

export const athlonXpCosts: CostTable = {
  chip: 'AMD Athlon XP, K7 (family 6 model 8)',
  costs: {
    ...priced,
    interruptInner: fromTable2('interruptInner'),
    interruptSame: fromTable2('interruptSame'),
    iretOuter: fromTable2('iretOuter'),
    iretSame: fromTable2('iretSame'),
    farTransfer: fromTable2('farTransfer'),
    segmentLoad: fromTable2('segmentLoad'),
    taskSwitch: fromTable2('taskSwitch'),
    sysenter: fromTable2('sysenter'),
    sysexit: fromTable2('sysexit'),
    // AMD's own fast pair (the syscall-insn lab): nobody published it either; taken equal to
    // SYSENTER/SYSEXIT on the same core, whose Table 2 figure is the nearest measurement.
    syscall: cost(derived.sysenter, 'derived: as SYSENTER on this core (vm/cpu/cycles/derive-transitions.ts)'),
    sysret: cost(derived.sysexit, 'derived: as SYSEXIT on this core (vm/cpu/cycles/derive-transitions.ts)'),
  },
};
