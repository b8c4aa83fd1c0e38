// Every lab `gate86 lab` knows, in the order `lab list` shows them (the order to do them in).
import type { LabDefinition } from './lab.ts';
import { syscallLab } from './syscall/lab.ts';
import { sepRuleLab } from './sep-rule/lab.ts';
import { fastPathLab } from './fast-path/lab.ts';
import { restartLab } from './restart/lab.ts';
import { traceLab } from './trace/lab.ts';
import { costLab } from './cost/lab.ts';
import { syscallInsnLab } from './syscall-insn/lab.ts';

export const LABS: LabDefinition[] = [syscallLab, traceLab, sepRuleLab, fastPathLab, restartLab, costLab, syscallInsnLab];

export function labNamed(name: string): LabDefinition | undefined {
  return LABS.find((l) => l.name === name);
}
