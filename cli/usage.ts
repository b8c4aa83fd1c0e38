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
