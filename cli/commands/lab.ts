// gate86 lab: the teaching labs (labs/, handouts in docs/labs/). Each lab is done in a copy of the
// project the student owns (my-labs/NAME/, labs/workspace.ts), built with the project's own build
// and graded by the lab's checks.
import { UsageError, type Command } from '../usage.ts';
import { packageRoot } from '../../kernel/locate.ts';
import { LABS, labNamed } from '../../labs/registry.ts';
import { gradeLab } from '../../labs/grade.ts';
import { labsHome, readState, relativeToCwd, resetLab, startLab, workspaceOf, writeState, WorkspaceError, LABS_HOME_VARIABLE } from '../../labs/workspace.ts';
import { EditError } from '../../labs/edits.ts';
import { existsSync } from 'node:fs';

const usage = `usage: gate86 lab list
       gate86 lab start NAME     copy the project into my-labs/NAME/ and put the lab's starter there
       gate86 lab grade NAME     build my-labs/NAME/ and run the lab's checks (exit 0 when all pass)
       gate86 lab hint NAME      the next hint (run again for more)
       gate86 lab reset NAME     move my-labs/NAME/ to my-labs/.backup/ and start afresh

A lab is done in a copy of the whole project that you own, my-labs/NAME/ (${LABS_HOME_VARIABLE}=DIR puts the
copies in DIR instead). Read the handout first: docs/labs/NAME.md. Edit the files it names inside
the copy; \`lab grade\` rebuilds what you changed with the project's own build (type check first)
and runs the checks against your kernel. Nothing outside my-labs/ is ever changed, and \`lab start\`
never overwrites a copy: \`lab reset\` keeps a backup.`;

function lab(args: string[]) {
  const name = args[1];
  if (name === undefined) throw new UsageError(`${args[0]} needs a lab name (gate86 lab list shows them)`);
  const found = labNamed(name);
  if (found === undefined) throw new UsageError(`no lab '${name}' (there are: ${LABS.map((l) => l.name).join(', ')})`);
  return found;
}

function list(root: string): number {
  const width = Math.max(...LABS.map((l) => l.name.length));
  const out: string[] = [`The labs (handouts in docs/labs/; your copies in ${relativeToCwd(labsHome(root))}/):`, ''];
  for (const l of LABS) {
    const dir = workspaceOf(root, l.name);
    const status = existsSync(dir) ? `started: ${relativeToCwd(dir)}` : 'not started';
    out.push(`  ${l.name.padEnd(width)}  ${l.summary}`, `  ${' '.repeat(width)}  (${status})`);
  }
  out.push('', 'gate86 lab start NAME to begin one.');
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

export const labCommand: Command = {
  name: 'lab',
  summary: 'the teaching labs: list, start, grade, hint, reset',
  usage,
  async run(args) {
    const root = packageRoot();
    const sub = args[0] ?? 'list';
    if (sub === 'list') return list(root);
    if (args.length > 2) throw new UsageError(`unexpected argument '${args[2]}'`);
    if (sub === 'start' || sub === 'reset') {
      const l = lab(args);
      try {
        let dir: string;
        if (sub === 'start') {
          dir = startLab(root, l);
        } else {
          const [fresh, backup] = resetLab(root, l);
          dir = fresh;
          if (backup) process.stdout.write(`your previous copy is in ${relativeToCwd(backup)}\n`);
        }
        process.stdout.write(`lab ${l.name}: ${l.title}\n  your copy: ${relativeToCwd(dir)}/\n  handout:   ${l.handout}\n` +
          `  the files to change (in your copy): ${l.touches.join(', ')}\n  then:      gate86 lab grade ${l.name}\n`);
        return 0;
      } catch (error) {
        if (error instanceof WorkspaceError || error instanceof EditError) {
          process.stderr.write(`gate86 lab ${sub}: ${error.message}\n`);
          return 1;
        }
        throw error;
      }
    }
    if (sub === 'grade') {
      const l = lab(args);
      const report = await gradeLab(root, l, workspaceOf(root, l.name), (line) => process.stdout.write(line + '\n'));
      return report.built && report.passed === report.total ? 0 : 1;
    }
    if (sub === 'hint') {
      const l = lab(args);
      const dir = workspaceOf(root, l.name);
      const state = readState(dir);
      const shown = state?.hintsShown ?? 0;
      const index = Math.min(shown, l.hints.length - 1);
      process.stdout.write(`hint ${index + 1} of ${l.hints.length} for lab ${l.name}:\n  ${l.hints[index]}\n` +
        (index + 1 < l.hints.length ? `(run it again for the next one)\n` : ''));
      if (state) writeState(dir, { ...state, hintsShown: Math.min(shown + 1, l.hints.length) });
      return 0;
    }
    throw new UsageError(`unknown subcommand '${sub}'`);
  },
};
