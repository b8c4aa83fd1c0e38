// Every gate86 subcommand, in the order `gate86 --help` lists them. Add one line per command.
import type { Command } from '../usage.ts';

export const commands: Command[] = [
];
