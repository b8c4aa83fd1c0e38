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
