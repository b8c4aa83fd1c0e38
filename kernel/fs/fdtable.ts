// What a process holds of the file system, as two objects a Task points to (Linux's files_struct and
// fs_struct), so that clone can share them (CLONE_FILES, CLONE_FS) or copy them (fork):
//   task.files  the descriptor table: fd -> open file description, plus each fd's close-on-exec bit;
//   task.fs     the root (chroot), the working directory and the umask.

import type { Kernel } from '../kernel.ts';
import { EBADF, EMFILE } from '../layout.ts';
import type { OpenFile } from './file.ts';
import { forgetLockWaiter, releasePosixLocks } from './locks.ts';
import type { Path } from './path.ts';

/** RLIMIT_NOFILE's default soft limit (rlimit.ts): fds are 0 .. NR_OPEN_DEFAULT - 1 unless setrlimit says otherwise. */
export const NR_OPEN_DEFAULT = 1024;

interface Slot { file: OpenFile; closeOnExec: boolean }

export class FileTable {
  private readonly slots: (Slot | null)[] = [];
  /** Tasks sharing this table (CLONE_FILES): the last one's exit closes the descriptors. */
  users = 1;

  get(fd: number): OpenFile | null {
    if (fd < 0 || fd >= this.slots.length) return null;
    return this.slots[fd]?.file ?? null;
  }

  closeOnExec(fd: number): boolean { return this.slots[fd]?.closeOnExec ?? false; }
  setCloseOnExec(fd: number, on: boolean): void { const s = this.slots[fd]; if (s) s.closeOnExec = on; }

  /**
   * The lowest free fd >= `min` for `file` (which the table now owns a reference to), or -EMFILE when
   * none is below `limit` (the caller's RLIMIT_NOFILE: rlimit.ts fileLimit).
   */
  install(file: OpenFile, closeOnExec: boolean, limit: number, min = 0): number {
    for (let fd = min; fd < limit; fd++) {
      if (this.slots[fd] === undefined || this.slots[fd] === null) {
        this.slots[fd] = { file, closeOnExec };
        return fd;
      }
    }
    return -EMFILE;
  }

  /** Put `file` at exactly `fd` (dup2/dup3), closing what was there; an fd at or past `limit` is -EBADF. */
  installAt(k: Kernel, fd: number, file: OpenFile, closeOnExec: boolean, limit: number): number {
    if (fd < 0 || fd >= limit) return -EBADF;
    const old = this.slots[fd];
    while (this.slots.length < fd) this.slots.push(null);
    this.slots[fd] = { file, closeOnExec };
    if (old) { releasePosixLocks(k, this, old.file.inode); old.file.put(k); }
    return fd;
  }

  close(k: Kernel, fd: number): number {
    const slot = fd >= 0 ? this.slots[fd] : undefined;
    if (slot === undefined || slot === null) return -EBADF;
    this.slots[fd] = null;
    releasePosixLocks(k, this, slot.file.inode);   // POSIX: any close drops the process's locks on the file
    slot.file.put(k);
    return 0;
  }

  /** Every open fd, in order. */
  open(): { fd: number; file: OpenFile }[] {
    const out: { fd: number; file: OpenFile }[] = [];
    this.slots.forEach((s, fd) => { if (s) out.push({ fd, file: s.file }); });
    return out;
  }

  /** fork without CLONE_FILES: the same descriptions, now referred to by two tables. */
  copy(): FileTable {
    const table = new FileTable();
    this.slots.forEach((s, fd) => { table.slots[fd] = s === null ? null : { file: s.file.get(), closeOnExec: s.closeOnExec }; });
    return table;
  }

  /** execve: close the close-on-exec descriptors. */
  execed(k: Kernel): void {
    this.slots.forEach((s, fd) => { if (s?.closeOnExec) this.close(k, fd); });
  }

  /** exit: close everything. */
  closeAll(k: Kernel): void {
    forgetLockWaiter(k, this);
    this.slots.forEach((s, fd) => { if (s) this.close(k, fd); });
  }
}

export class FsContext {
  /** Tasks sharing this context (CLONE_FS). */
  users = 1;
  constructor(public root: Path, public cwd: Path, public umask = 0o022) {}

  /** fork without CLONE_FS. */
  copy(): FsContext { return new FsContext(this.root, this.cwd, this.umask); }
}
