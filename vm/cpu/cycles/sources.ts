// Where the cycle model's numbers come from. A table entry's `source` starts with one of these keys,
// followed by the entry in that source it was read from ("instlat-k7: PUSH r32 T").
//
// "T" in an InstLatX86 entry is the measured reciprocal throughput: the cycles one more instruction
// of that kind adds to a long stream of independent ones. "L" is the latency of a dependent chain.

export const SOURCES: Record<string, string> = {
  'intel486':
    'Intel486 Microprocessor Family Programmer\'s Reference Manual (Intel, 1992), instruction timings, protected mode; ' +
    'as transcribed in HelpPC 2.10 (D. Jurgens, 1991: INT imm8 "prot. mode, more priv." 71, "same priv." 44; ' +
    'IRET "to less privilege" 36, "prot. mode" 15) and in MAME, src/devices/cpu/i386/cycles.h, i486 column',
  'pentium-manual':
    'Pentium Processor Family Developer\'s Manual, Volume 3 (Intel, 1995), instruction timings; as transcribed in ' +
    'MAME, src/devices/cpu/i386/cycles.h, pentium column',
  'instlat-p54c':
    'InstLatX86 0.6.12 (Lavalys, 2009) on a Pentium P54C, family 5 model 2 stepping 6 (gate86\'s pentium is ' +
    '5/2/12, the same core): github.com/InstLatx64/InstLatx64, GenuineIntel/GenuineIntel0000526_P54C_InstLatX86.txt',
  'instlat-p3':
    'InstLatX86 (Everest 2.4.257, Lavalys, 2009) on a Pentium III Coppermine, family 6 model 8 (the P6 core of ' +
    'gate86\'s pentium-pro, pentium2 and pentium3): github.com/InstLatx64/InstLatx64, ' +
    'GenuineIntel/GenuineIntel0000686_P3_Coppermine_InstLatX86.txt',
  'instlat-p4':
    'InstLatX86 (Everest 2.4.257, Lavalys, 2009) on a Pentium 4 Northwood 2.4 GHz, family 15 model 2 stepping 7 ' +
    '(exactly gate86\'s pentium4): github.com/InstLatx64/InstLatx64, GenuineIntel/GenuineIntel0000F27_P4_Nortwood_InstLatX86.txt',
  'instlat-k7':
    'InstLatX86 (Everest 2.4.257, Lavalys, 2009) on an AMD K7 "Applebred", family 6 model 8 stepping 1 (the same ' +
    'K7 core as gate86\'s athlon-xp): github.com/InstLatx64/InstLatx64, ' +
    'AuthenticAMD/AuthenticAMD0000681_K7_Applebred_InstLatX86.txt',
  'seed003':
    'Seed 003 (IBM developerWorks, 2004), Table 2: cycles per getppid() averaged over 100000 calls: ' +
    'Athlon XP 1600+ 277 (int 0x80) and 169 (sysenter); Pentium 4 Northwood 2.8 GHz 1152 and 442. ' +
    'Table 1: Pentium III 450 MHz (6/7/2), int 0x80 17.500 + 7.000 µs, sysenter 9.833 + 6.833 µs (user + kernel)',
  'linux-2.6.0':
    'Linux 2.6.0, kernel/timer.c sys_getppid: current (an AND of ESP), then current->group_leader, ' +
    '->real_parent, ->tgid: four dependent loads and two ALU operations',
  'derived':
    'not published for this chip: derived as the entry says; docs/labs/cycle-model.md, "Derived numbers", ' +
    'shows the arithmetic',
  'n/a':
    'the instruction does not exist on this chip (it raises #UD, which is priced as an exception)',
};
