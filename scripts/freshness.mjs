// Is the build up to date with its sources? One answer for `npm run build` (which records when it
// last succeeded) and for bin/gate86.js (which must never run a dist/ or a kernel image older than
// the sources it was built from: an edit that is silently ignored is the worst kind of bug to chase).
//
// The record is build/.stamp, whose modification time is the moment the last successful build
// STARTED: a file saved while a build was running is newer than the stamp, so the next run builds
// again. Sources are every file under the folders the bundle, the kernel image and the userland
// programs are made from, plus the two files that configure the build.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCE_FOLDERS = ['cli', 'kernel', 'labs', 'linker', 'scripts', 'userland', 'vm'];
export const SOURCE_FILES = ['package.json', 'tsconfig.json'];
const STAMP = 'build/.stamp';

function newestUnder(path, newest) {
  let best = newest;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) best = newestUnder(child, best);
    else if (entry.isFile()) best = Math.max(best, statSync(child).mtimeMs);
  }
  return best;
}

/** The newest modification time (ms) of any source file, and the file's path. */
export function newestSource(root) {
  let newest = 0;
  for (const folder of SOURCE_FOLDERS) if (existsSync(join(root, folder))) newest = newestUnder(join(root, folder), newest);
  for (const file of SOURCE_FILES) if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  return newest;
}

/** When the last successful build started (ms), or -1 when there is none. */
export function lastBuild(root) {
  const stamp = join(root, STAMP);
  return existsSync(stamp) ? statSync(stamp).mtimeMs : -1;
}

/** Whether dist/ and build/ are missing or older than a source file. */
export function isStale(root) {
  const built = lastBuild(root);
  return built < 0 || !existsSync(join(root, 'dist/gate86.js')) || newestSource(root) > built;
}

/** Record a successful build that started at `startMs`. */
export function writeStamp(root, startMs) {
  mkdirSync(join(root, 'build'), { recursive: true });
  const stamp = join(root, STAMP);
  writeFileSync(stamp, 'the last successful `npm run build` started at this file\'s modification time\n');
  utimesSync(stamp, startMs / 1000, startMs / 1000);
}
