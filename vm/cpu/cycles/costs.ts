// The cycle model's vocabulary: the classes of work a CPU model puts a price on, what each covers,
// and a model's table of prices with the published source of every number.
//
// How the guest's TSC advances (see vm/cpu/README.md, "Cycles"):
//   - an op's cost is fixed when it is bound (its class, vm/cpu/cycles/classify.ts, priced by the
//     model's table); a block's cost is the sum of its ops, kept as prefix sums so that a block that
//     stops early (a fault, an exit) is charged exactly for the ops that completed;
//   - the privileged transitions that have variants (INT n and exceptions into an inner or the same
//     ring, IRET to an outer or the same ring, far transfers, segment-register loads, hardware task
//     switches) and TLB misses add their price where they happen, in the slow path that does them.
// It is a model, not a simulation: no pipeline, no caches beyond "an L1 hit", no branch prediction.
// Each number is what one instruction of the class adds to a stream of them on that chip (its
// reciprocal throughput where a measurement gives one), or a documented derivation.
//
// Prices are kept in hundredths of a cycle (centicycles) so that sums are exact integers.

/** Every class the tables price, in the order the student-readable table lists them. */
export const COST_CLASSES = {
  // --- Ordinary instructions: priced when bound ---------------------------------------------------
  alu: 'register/immediate ALU work: ADD SUB AND OR XOR CMP TEST INC DEC NEG NOT, MOV r,r/imm, MOVZX/MOVSX r, LEA, SETcc r, CBW, NOP',
  aluLoad: 'an ALU instruction with a memory source (ADD r,m; CMP m,imm; TEST m,r; BT m)',
  aluStore: 'read-modify-write of memory (ADD m,r; INC m; shifts of memory; XADD/CMPXCHG m without LOCK)',
  load: 'MOV r,m (and MOVZX/MOVSX r,m, XLAT)',
  store: 'MOV m,r / MOV m,imm (and SETcc m, MOV m,Sreg)',
  carry: 'ADC and SBB on registers',
  shift: 'shifts and rotates of a register',
  shiftDouble: 'SHLD and SHRD',
  bitTest: 'BT BTS BTR BTC on a register',
  bitScan: 'BSF and BSR',
  multiply: 'MUL and IMUL (32-bit)',
  divide: 'DIV and IDIV (32-bit)',
  exchange: 'XCHG, XADD, CMPXCHG between registers',
  locked: 'a locked read-modify-write: XCHG with memory, any LOCK prefix, CMPXCHG8B',
  push: 'PUSH r/imm/Sreg',
  pop: 'POP r',
  pushFlags: 'PUSHF(D)',
  popFlags: 'POPF(D)',
  pushAll: 'PUSHA(D)',
  popAll: 'POPA(D)',
  flagBit: 'CLC STC CMC, LAHF SAHF',
  direction: 'CLD and STD (SAVE_ALL starts with CLD)',
  interruptFlag: 'CLI and STI',
  jump: 'JMP to a direct near target',
  branch: 'Jcc, taken or not',
  call: 'CALL to a direct near target',
  callIndirect: 'CALL through a register or memory (call *sys_call_table(,%eax,4))',
  return: 'near RET',
  jumpIndirect: 'JMP through a register or memory',
  loop: 'LOOP LOOPE LOOPNE JECXZ',
  enterLeave: 'ENTER and LEAVE',
  string: 'one string instruction (MOVS STOS LODS CMPS SCAS) without REP, or the start of a REP',
  stringElement: 'each element a REP string instruction moves, fills or compares',
  bcd: 'DAA DAS AAA AAS AAM AAD',
  cpuid: 'CPUID',
  rdtsc: 'RDTSC',
  io: 'IN OUT INS OUTS',
  halt: 'HLT (the wait itself is not charged: the TSC stands still in this model)',
  tableRegister: 'LGDT LIDT LLDT LTR and their stores, LAR LSL VERR VERW ARPL',
  controlRead: 'MOV from CRn/DRn, SMSW',
  controlWrite: 'MOV to CRn/DRn, LMSW, CLTS, INVD, WBINVD (the TLB flush a CR3 write causes is paid later, as TLB misses)',
  invlpg: 'INVLPG',
  rdmsr: 'RDMSR',
  wrmsr: 'WRMSR (enable_sep_cpu does three)',
  sysenter: 'SYSENTER',
  sysexit: 'SYSEXIT',
  syscall: 'SYSCALL (AMD)',
  sysret: 'SYSRET (AMD)',
  service: 'VMCALL into a TypeScript service: stands for the C function Linux would run there (sys_getppid)',
  // --- Privileged transitions and TLB misses: priced where they happen ----------------------------
  interruptInner: 'INT n, an exception or an IRQ through an IDT gate into a more privileged ring (TSS stack switch)',
  interruptSame: 'the same, staying in the current ring',
  iretOuter: 'IRET to a less privileged ring (pops SS:ESP too)',
  iretSame: 'IRET within the same ring',
  farTransfer: 'far JMP, CALL or RET (a code-segment descriptor load and its checks)',
  segmentLoad: 'MOV Sreg, POP Sreg, LDS/LES/LFS/LGS/LSS in protected mode (a descriptor read and its checks)',
  taskSwitch: 'a hardware task switch (task gate, far JMP/CALL to a TSS, IRET with NT)',
  tlbMiss: 'a TLB miss: the two-level page walk',
} as const;

export type CostClass = keyof typeof COST_CLASSES;
export const COST_CLASS_NAMES = Object.keys(COST_CLASSES) as CostClass[];

/** One price and where it comes from (a key of SOURCES in sources.ts, and the entry there). */
export interface Cost {
  cycles: number;
  source: string;
}

/** A CPU model's prices: every class, each with its source. */
export interface CostTable {
  /** The chip the numbers are for, as a student would look it up. */
  chip: string;
  costs: Record<CostClass, Cost>;
}

/** A table ready for the machine: each class's price in centicycles, by name (slow paths) and by index (binders). */
export type CycleCosts = { readonly [K in CostClass]: number } & { readonly byClass: Float64Array };

export function centicycles(cycles: number): number {
  return Math.round(cycles * 100);
}

export function compileCosts(table: CostTable): CycleCosts {
  const byClass = new Float64Array(COST_CLASS_NAMES.length);
  const named: Record<string, number> = {};
  COST_CLASS_NAMES.forEach((name, index) => {
    const value = centicycles(table.costs[name].cycles);
    byClass[index] = value;
    named[name] = value;
  });
  return Object.freeze({ ...(named as Record<CostClass, number>), byClass });
}

/** A class's index in CycleCosts.byClass. */
export const COST_CLASS_INDEX: Readonly<Record<CostClass, number>> = Object.fromEntries(COST_CLASS_NAMES.map((n, i) => [n, i])) as Record<CostClass, number>;

/** One table row: a price and its source. */
export function cost(cycles: number, source: string): Cost {
  return { cycles, source };
}
