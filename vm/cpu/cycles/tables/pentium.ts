// The Pentium (P5): Intel's published timings for ordinary instructions; its protected-mode gate
// and IRET timings are not in our sources, so they are the 486's scaled by the two chips' published
// real-mode INT and IRET timings (Pentium 16 and 8 against the 486's 30 and 15).
import { cost, type CostTable } from '../costs.ts';

const M = 'pentium-manual';
const NA = 'n/a';
const INT_SCALE = 16 / 30;
const IRET_SCALE = 8 / 15;
const scaled = (cycles: number, scale: number, what: string) =>
  cost(Math.round(cycles * scale), `derived: the 486's ${what} (${cycles}) x ${scale === INT_SCALE ? '16/30' : '8/15'}, the Pentium/486 ratio of published real-mode ${scale === INT_SCALE ? 'INT' : 'IRET'}`);

export const pentiumCosts: CostTable = {
  chip: 'Pentium P5/P54C (family 5)',
  costs: {
    alu: cost(1, `${M}: ADD r,r 1; MOV 1; LEA 1 (two pair per clock when they pair; not modelled)`),
    aluLoad: cost(2, `${M}: ADD r,m 2`),
    aluStore: cost(3, `${M}: ADD m,r 3`),
    load: cost(1, `${M}: MOV r,m 1`),
    store: cost(1, `${M}: MOV m,r 1`),
    carry: cost(1, `${M}: ADC r,r 1`),
    shift: cost(1, `${M}: SHL r,imm 1`),
    shiftDouble: cost(4, `${M}: SHLD 4`),
    bitTest: cost(4, `${M}: BT r 4`),
    bitScan: cost(6, `${M}: BSF 6-34`),
    multiply: cost(10, `${M}: MUL r32 10`),
    divide: cost(41, `${M}: DIV r32 41`),
    exchange: cost(3, `${M}: XCHG r,r 3`),
    locked: cost(3, `${M}: XCHG r,m 3`),
    push: cost(1, `${M}: PUSH r 1`),
    pop: cost(1, `${M}: POP r 1`),
    pushFlags: cost(9, `${M}: PUSHF 9`),
    popFlags: cost(6, `${M}: POPF 6`),
    pushAll: cost(5, `${M}: PUSHA 5`),
    popAll: cost(5, `${M}: POPA 5`),
    flagBit: cost(2, `${M}: CLC 2`),
    direction: cost(2, `${M}: CLD 2`),
    interruptFlag: cost(7, `${M}: CLI/STI 7`),
    jump: cost(1, `${M}: JMP rel 1`),
    branch: cost(1, `${M}: Jcc 1 (predicted)`),
    call: cost(1, `${M}: CALL rel 1`),
    callIndirect: cost(2, `${M}: CALL r/m 2`),
    return: cost(2, `${M}: RET 2`),
    jumpIndirect: cost(2, `${M}: JMP r/m 2`),
    loop: cost(5, `${M}: LOOP 5`),
    enterLeave: cost(3, `${M}: LEAVE 3`),
    string: cost(4, `${M}: MOVS 4`),
    stringElement: cost(4, `${M}: REP MOVS, per element (MAME's reading)`),
    bcd: cost(3, `${M}: DAA 3`),
    cpuid: cost(17, 'instlat-p54c: CPUID (EAX = 1) T'),
    rdtsc: cost(12, 'instlat-p54c: RDTSC T'),
    io: cost(19, `${M}: IN protected mode 19`),
    halt: cost(4, `${M}: HLT 4`),
    tableRegister: cost(6, `${M}: LGDT 6 (LTR 10)`),
    controlRead: cost(4, `${M}: MOV r,CRn 4`),
    controlWrite: cost(16, `${M}: MOV CR0,r 16`),
    invlpg: cost(16, 'derived: as MOV CR0 (16), the TLB-flushing control write this manual does time'),
    rdmsr: cost(20, `${M}: RDMSR 20`),
    wrmsr: cost(20, 'derived: as RDMSR (20)'),
    sysenter: cost(0, NA),
    sysexit: cost(0, NA),
    syscall: cost(0, NA),
    sysret: cost(0, NA),
    service: cost(6, 'derived: Linux 2.6.0 sys_getppid (linux-2.6.0), 4 loads + 2 ALU at 1 cycle each'),
    interruptInner: scaled(71, INT_SCALE, 'INT to more privilege'),
    interruptSame: scaled(44, INT_SCALE, 'INT at the same privilege'),
    iretOuter: scaled(36, IRET_SCALE, 'IRET to less privilege'),
    iretSame: scaled(15, IRET_SCALE, 'IRET at the same privilege'),
    farTransfer: cost(13, `${M}: CALL ptr16:32 protected mode 13`),
    segmentLoad: cost(3, `${M}: POP Sreg 3 (MOV Sreg,r 2)`),
    taskSwitch: scaled(85, INT_SCALE, 'task switch through a task gate'),
    tlbMiss: cost(3, 'derived: two page-table reads and the accessed-bit write at one cycle each'),
  },
};
