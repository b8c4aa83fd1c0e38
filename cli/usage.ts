// What every subcommand shares: its description, and the error for a bad flag or argument.

export interface Command {
  name: string;
  /** One line for `gate86 --help`. */
  summary: string;
  /** The full usage text for `gate86 NAME --help`. */
  usage: string;
  /** Runs the command; resolves to the process exit status. */
  run(args: string[]): Promise<number>;
}

/** A bad flag or argument: the CLI prints the message and the command's usage and exits 2. */
export class UsageError extends Error {}

/** `--tsc cycles|instructions`: what the guest's TSC counts (vm/cpu/cycles/). */
export const TSC_USAGE = '  --tsc WHAT      what RDTSC counts: cycles (the CPU model\'s modelled cycles, the default) or\n' +
  '                  instructions (retired instructions, as before the cycle model)';

export function parseTsc(value: string | undefined): 'cycles' | 'instructions' {
  if (value === 'cycles' || value === 'instructions') return value;
  throw new UsageError(`--tsc wants cycles or instructions, not '${value ?? ''}'`);
}

/** `--clock host|modelled`: what the machine's time is (vm/machine/clock.ts). */
export const CLOCK_USAGE = '  --clock WHAT    the machine\'s time: host (the host\'s clock, the default) or modelled (the CPU\n' +
  '                  model\'s cycles at its clock rate, HLT waits take no host time: a run the host\n' +
  '                  cannot perturb, for measurements; not for interactive use)';

export function parseClock(value: string | undefined): 'host' | 'modelled' {
  if (value === 'host' || value === 'modelled') return value;
  throw new UsageError(`--clock wants host or modelled, not '${value ?? ''}'`);
}

/** `--timeout SECONDS` (run, boot, machine): a positive number of seconds, fractions allowed. */
export function parseTimeout(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(seconds > 0)) throw new UsageError(`--timeout wants a positive number of seconds, not '${text}'`);
  return seconds;
}

/** The exit status of a command stopped by its --timeout: 124, as timeout(1) uses. */
export const TIMEOUT_STATUS = 124;

/** The one line a command stopped by its --timeout prints. */
export function timedOut(command: string, seconds: number): string {
  return `gate86 ${command}: timed out after ${seconds} s (--timeout): the machine was stopped\n`;
}
