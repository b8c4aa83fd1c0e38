// The Pentium 4 Northwood. Ordinary instructions from a measurement of exactly this chip (family 15
// model 2 stepping 7); the privileged transitions were never measured one by one, so they are
// derived from seed 003's Table 2 (1152 and 442 cycles per getppid) as docs/labs/cycle-model.md shows.
import { cost, type Cost, type CostClass, type CostTable } from '../costs.ts';
import { deriveTransitions, type DerivedTransitions } from '../derive-transitions.ts';

const I = 'instlat-p4';

/** Seed 003, Table 2: cycles per getppid() through each door on this chip. */
export const TABLE_2 = { int80: 1152, sysenter: 442 };

/** Everything but the transitions Table 2 determines: published (measured) or derived as each row says. */
const priced: Omit<Record<CostClass, Cost>, keyof DerivedTransitions> = {
    alu: cost(0.34, `${I}: ADD/SUB/MOV/CMP r32,r32 T 0.34 (AND/OR/XOR/TEST 0.50, the double-speed ALU)`),
    aluLoad: cost(1, `${I}: ADD r32,[m32] T 1.00`),
    aluStore: cost(1.75, `${I}: ADD [m32],r32 T 1.75`),
    load: cost(1, `${I}: MOV r32,[m32] T 1.00`),
    store: cost(1.75, `${I}: MOV [m32],r32 T 1.75`),
    carry: cost(7, `${I}: ADC r32,r32 T 7.00`),
    shift: cost(1, `${I}: SHL r32,imm8 T 1.00 (by CL 6.00)`),
    shiftDouble: cost(4, `${I}: SHLD r32,r32,imm8 T 4.00`),
    bitTest: cost(6, `${I}: BT r32,r32 T 6.00`),
    bitScan: cost(4, 'derived: as SHLD (4.00); BSF was not among the entries read'),
    multiply: cost(4.25, `${I}: IMUL r32,r32 T 4.25 (MUL r32 14.00)`),
    divide: cost(57, `${I}: DIV r32 T 57.00`),
    exchange: cost(1, `${I}: XCHG r32,r32 T 1.00`),
    locked: cost(123.58, `${I}: XCHG r32,[m32] T 123.58 (LOCK ADD 124.42)`),
    push: cost(1.92, `${I}: PUSH r32 T 1.92 (PUSH imm 2.00)`),
    pop: cost(1, `${I}: POP r32 T 1.00`),
    pushFlags: cost(6, `${I}: PUSHFD T 6.00`),
    popFlags: cost(52, `${I}: POPFD T 52.00`),
    pushAll: cost(15.5, `${I}: PUSHAD T 15.50`),
    popAll: cost(14, `${I}: POPAD T 14.00`),
    flagBit: cost(5.92, `${I}: CLC T 5.92`),
    direction: cost(48, `${I}: CLD T 48.00`),
    interruptFlag: cost(48, 'derived: as CLD (48.00), the other instruction that writes one EFLAGS control bit'),
    jump: cost(1, 'derived: one cycle to redirect the fetch'),
    branch: cost(1, 'derived: one cycle to redirect the fetch (no misprediction is modelled)'),
    call: cost(2.92, 'derived: PUSH r32 (1.92) + a jump (1)'),
    callIndirect: cost(3.92, 'derived: PUSH r32 (1.92) + MOV r32,[m32] (1.00) + a jump (1)'),
    return: cost(2, 'derived: POP r32 (1.00) + a jump (1)'),
    jumpIndirect: cost(2, 'derived: MOV r32,[m32] (1.00) + a jump (1)'),
    loop: cost(1.34, 'derived: an ALU op (0.34) + a branch (1)'),
    enterLeave: cost(1.34, 'derived: LEAVE = MOV r,r (0.34) + POP r32 (1.00)'),
    string: cost(6, `${I}: MOVSB T 6.00`),
    stringElement: cost(0.54, `${I}: REP MOVSD 7.42 bytes/cycle = 0.54 cycles per dword`),
    bcd: cost(103.17, `${I}: DAA T 103.17`),
    cpuid: cost(261.67, `${I}: CPUID (EAX = 1) T 261.67`),
    rdtsc: cost(80, `${I}: RDTSC T 80.00`),
    io: cost(261.67, 'derived: as CPUID (261.67): port I/O waits for every earlier instruction, like a serializing one'),
    halt: cost(1, 'derived: the instruction itself; the wait is not charged'),
    tableRegister: cost(261.67, 'derived: as CPUID (261.67): LGDT/LIDT/LLDT/LTR are serializing'),
    controlRead: cost(80, 'derived: as RDTSC (80.00), a read of a processor register outside the rename machinery'),
    controlWrite: cost(261.67, 'derived: as CPUID (261.67): MOV to CRn is serializing'),
    invlpg: cost(261.67, 'derived: as CPUID (261.67): INVLPG is serializing'),
    rdmsr: cost(80, 'derived: as RDTSC (80.00), which reads an MSR too'),
    wrmsr: cost(261.67, 'derived: as CPUID (261.67): WRMSR is serializing'),
    syscall: cost(0, 'n/a'),
    sysret: cost(0, 'n/a'),
    service: cost(8.68, `derived: Linux 2.6.0 sys_getppid (linux-2.6.0): 4 dependent loads at ${I} MOV r32,[m32] L 2.0 + 2 ALU at 0.34`),
    tlbMiss: cost(5.75, `derived: two dependent page-table loads (${I} L 2.0 each) + the accessed-bit store (1.75)`),
};

const derived = deriveTransitions(TABLE_2, Object.fromEntries(Object.entries(priced).map(([k, v]) => [k, v.cycles])));
const fromTable2 = (name: keyof DerivedTransitions) =>
  cost(derived[name], `derived from seed003 Table 2 (${TABLE_2.int80} / ${TABLE_2.sysenter}): vm/cpu/cycles/derive-transitions.ts`);

export const pentium4Costs: CostTable = {
  chip: 'Pentium 4 Northwood (family 15 model 2)',
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
  },
};
