// The gate86 command line: one subcommand per file in cli/commands/, listed in cli/commands/index.ts.
import { commands } from './commands/index.ts';
import { UsageError } from './usage.ts';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: gate86 <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    `Run \`gate86 <command> --help\` for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`gate86: unknown command '${name}'\n${help()}`);
    return 2;
  }
  // `gate86 run PROG --help` is PROG's own --help: for run, only a first argument asks gate86.
  const asksHelp = command.name === 'run' ? rest[0] === '--help' || rest[0] === '-h' : rest.includes('--help') || rest.includes('-h');
  if (asksHelp) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`gate86 ${name}: ${error.message}\n${command.usage}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
