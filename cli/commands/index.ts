// Every gate86 subcommand, in the order `gate86 --help` lists them. Add one line per command.
import type { Command } from '../usage.ts';
import { objdumpCommand } from './objdump.ts';
import { ld } from './ld.ts';
import { asCommand } from './as.ts';
import { machineCommand } from './machine.ts';
import { runCommand } from './run.ts';
import { bootCommand } from './boot.ts';
import { labCommand } from './lab.ts';

export const commands: Command[] = [
  objdumpCommand,
  ld,
  asCommand,
  machineCommand,
  runCommand,
  bootCommand,
  labCommand,
];
