// The P6 core: the Pentium Pro, Pentium II and Pentium III (seed 003's Table 1 chip). Ordinary
// instructions from a measurement of a Pentium III; the privileged transitions, which nobody
// measured one by one, are derived from the Athlon XP's (athlon-xp.ts) as docs/labs/cycle-model.md explains.
import { cost, type Cost, type CostTable } from '../costs.ts';
import { athlonXpCosts } from './athlon-xp.ts';

const I = 'instlat-p3';

/**
 * The P6 core's microcoded, serializing instructions against the K7's, both measured by InstLatX86:
 * POPFD 17.00 / 11.00, CPUID (EAX = 0) 91.00 / 44.00, CPUID (EAX = 1) 106.25 / 74.42. Their
 * geometric mean, 1.66, is the factor by which the P6's protection microcode is taken to be slower.
 */
export const P6_OVER_K7 = Math.cbrt((17.0 / 11.0) * (91.0 / 44.0) * (106.25 / 74.42));

function fromK7(name: 'interruptInner' | 'interruptSame' | 'iretOuter' | 'iretSame' | 'farTransfer' | 'segmentLoad' | 'taskSwitch' | 'sysenter' | 'sysexit'): Cost {
  const k7 = athlonXpCosts.costs[name].cycles;
  return cost(Math.round(k7 * P6_OVER_K7), `derived: the Athlon XP's ${k7} x ${P6_OVER_K7.toFixed(2)} (P6/K7 ratio of measured POPFD and CPUID)`);
}

export const p6Costs: CostTable = {
  chip: 'P6 core: Pentium Pro, Pentium II, Pentium III (family 6)',
  costs: {
    alu: cost(0.5, `${I}: ADD/SUB/AND/XOR/MOV r32,r32 T 0.50 (CMP/TEST 0.67, LEA 1.00)`),
    aluLoad: cost(1, `${I}: ADD r32,[m32] T 1.00`),
    aluStore: cost(1.75, `${I}: ADD [m32],r32 T 1.75`),
    load: cost(1, `${I}: MOV r32,[m32] T 1.00`),
    store: cost(1.25, `${I}: MOV [m32],r32 T 1.25`),
    carry: cost(2, `${I}: ADC r32,r32 T 2.00`),
    shift: cost(1, `${I}: SHL r32,imm8 T 1.00`),
    shiftDouble: cost(2, `${I}: SHLD r32,r32,imm8 T 2.00`),
    bitTest: cost(1, `${I}: BT/BTS r32,r32 T 1.00`),
    bitScan: cost(1, `${I}: BSF r32,r32 T 1.00`),
    multiply: cost(1, `${I}: IMUL r32,r32 T 1.00 (MUL r32 5.00)`),
    divide: cost(39, `${I}: DIV r32 T 39.00`),
    exchange: cost(1.5, `${I}: XCHG r32,r32 T 1.50`),
    locked: cost(19, `${I}: XCHG r32,[m32] T 19.00 (LOCK ADD 21.00)`),
    push: cost(1, `${I}: PUSH r32 T 1.00 (PUSH imm 1.00)`),
    pop: cost(1, `${I}: POP r32 T 1.00`),
    pushFlags: cost(7.08, `${I}: PUSHFD T 7.08`),
    popFlags: cost(17, `${I}: POPFD T 17.00`),
    pushAll: cost(13, `${I}: PUSHAD T 13.00`),
    popAll: cost(13.25, `${I}: POPAD T 13.25`),
    flagBit: cost(1, `${I}: CLC T 1.00`),
    direction: cost(6.33, `${I}: CLD T 6.33`),
    interruptFlag: cost(6.33, 'derived: as CLD (6.33), the other instruction that writes one EFLAGS control bit'),
    jump: cost(1, 'derived: one cycle to redirect the fetch'),
    branch: cost(1, 'derived: one cycle to redirect the fetch (no misprediction is modelled)'),
    call: cost(2, 'derived: PUSH r32 (1.00) + a jump (1)'),
    callIndirect: cost(3, 'derived: PUSH r32 (1.00) + MOV r32,[m32] (1.00) + a jump (1)'),
    return: cost(2, 'derived: POP r32 (1.00) + a jump (1)'),
    jumpIndirect: cost(2, 'derived: MOV r32,[m32] (1.00) + a jump (1)'),
    loop: cost(1.5, 'derived: an ALU op (0.50) + a branch (1)'),
    enterLeave: cost(1.5, 'derived: LEAVE = MOV r,r (0.50) + POP r32 (1.00)'),
    string: cost(4.42, `${I}: MOVSB T 4.42`),
    stringElement: cost(0.42, `${I}: REP MOVSD 9.58 bytes/cycle = 0.42 cycles per dword`),
    bcd: cost(1, `${I}: DAA T 1.00`),
    cpuid: cost(106.25, `${I}: CPUID (EAX = 1) T 106.25`),
    rdtsc: cost(31, `${I}: RDTSC T 31.00`),
    io: cost(106.25, 'derived: as CPUID (106.25): port I/O waits for every earlier instruction, like a serializing one'),
    halt: cost(1, 'derived: the instruction itself; the wait is not charged'),
    tableRegister: cost(106.25, 'derived: as CPUID (106.25): LGDT/LIDT/LLDT/LTR are serializing (SDM Vol. 3A 8.3)'),
    controlRead: cost(31, 'derived: as RDTSC (31.00), a read of a processor register outside the rename machinery'),
    controlWrite: cost(106.25, 'derived: as CPUID (106.25): MOV to CRn is serializing (SDM Vol. 3A 8.3)'),
    invlpg: cost(106.25, 'derived: as CPUID (106.25): INVLPG is serializing (SDM Vol. 3A 8.3)'),
    rdmsr: cost(31, 'derived: as RDTSC (31.00), which reads an MSR too'),
    wrmsr: cost(106.25, 'derived: as CPUID (106.25): WRMSR is serializing (SDM Vol. 3A 8.3)'),
    sysenter: fromK7('sysenter'),
    sysexit: fromK7('sysexit'),
    syscall: cost(0, 'n/a'),
    sysret: cost(0, 'n/a'),
    service: cost(13, `derived: Linux 2.6.0 sys_getppid (linux-2.6.0): 4 dependent loads at ${I} MOV r32,[m32] L 3.0 + 2 ALU at 0.50`),
    interruptInner: fromK7('interruptInner'),
    interruptSame: fromK7('interruptSame'),
    iretOuter: fromK7('iretOuter'),
    iretSame: fromK7('iretSame'),
    farTransfer: fromK7('farTransfer'),
    segmentLoad: fromK7('segmentLoad'),
    taskSwitch: fromK7('taskSwitch'),
    tlbMiss: cost(7.25, `derived: two dependent page-table loads (${I} L 3.0 each) + the accessed-bit store (1.25)`),
  },
};
