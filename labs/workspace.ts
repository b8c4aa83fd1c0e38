// Where a student's copy of a lab lives, and the three things that create or replace one.
//
// A lab's copy is a whole working copy of the project — the sources the build reads (bin, cli,
// kernel, labs, linker, scripts, test, userland, vm, package.json, tsconfig.json) with the lab's
// starter applied — in a folder of its own: my-labs/NAME/ at the project's root (GATE86_LABS moves
// the my-labs folder elsewhere). node_modules is a link to the project's. The project's own build
// runs in the copy, so the copy's bin/gate86.js is a gate86 with the student's kernel in it.
//
// What is never lost: `lab start` refuses when the copy exists; `npm install` and `npm run build` in
// the project touch only its dist/ and build/; `lab reset` first moves the copy to
// my-labs/.backup/NAME-<time>/ (a rename: nothing is deleted). git ignores my-labs/ (.gitignore).
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { applyEdits } from './edits.ts';
import type { LabDefinition } from './lab.ts';

export const LABS_HOME_VARIABLE = 'GATE86_LABS';

/** The project parts a copy holds: everything the build and the type check read. */
export const COPIED = ['bin', 'cli', 'kernel', 'labs', 'linker', 'scripts', 'test', 'userland', 'vm', 'package.json', 'tsconfig.json'];

export function labsHome(root: string): string {
  return process.env[LABS_HOME_VARIABLE] ?? join(root, 'my-labs');
}

export function workspaceOf(root: string, name: string): string {
  return join(labsHome(root), name);
}

/** What the copy remembers about itself. */
export interface LabState {
  lab: string;
  started: string;
  /** The project the copy was made from. */
  from: string;
  /** How many hints `lab hint` has shown. */
  hintsShown: number;
}

const STATE_FILE = '.gate86-lab.json';

export function readState(dir: string): LabState | null {
  try {
    return JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as LabState;
  } catch {
    return null;
  }
}

export function writeState(dir: string, state: LabState): void {
  writeFileSync(join(dir, STATE_FILE), JSON.stringify(state, null, 2) + '\n');
}

export class WorkspaceError extends Error {}

/** Copy the project into a new folder and apply the lab's starter. Refuses to touch an existing one. */
export function startLab(root: string, lab: LabDefinition): string {
  const dir = workspaceOf(root, lab.name);
  if (existsSync(dir)) {
    throw new WorkspaceError(`${relativeToCwd(dir)} exists: it is your work on this lab. \`gate86 lab grade ${lab.name}\` grades it; ` +
      `\`gate86 lab reset ${lab.name}\` starts over (it keeps a backup).`);
  }
  mkdirSync(dir, { recursive: true });
  try {
    for (const part of COPIED) {
      cpSync(join(root, part), join(dir, part), { recursive: true, filter: (source) => !/[\\/](node_modules|build|dist)$/.test(source) });
    }
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    applyEdits(dir, lab.starter);
    writeState(dir, { lab: lab.name, started: new Date().toISOString(), from: root, hintsShown: 0 });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true }); // only what this call just made
    throw error;
  }
  return dir;
}

/** Move the copy aside (my-labs/.backup/NAME-<time>) and start afresh. Returns [new copy, backup]. */
export function resetLab(root: string, lab: LabDefinition): [string, string | null] {
  const dir = workspaceOf(root, lab.name);
  let backup: string | null = null;
  if (existsSync(dir)) {
    const backups = join(labsHome(root), '.backup');
    mkdirSync(backups, { recursive: true });
    backup = join(backups, `${lab.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    renameSync(dir, backup);
  }
  return [startLab(root, lab), backup];
}

export function relativeToCwd(path: string): string {
  const r = relative(process.cwd(), path);
  return r === '' ? '.' : r.startsWith('..') ? path : r;
}
