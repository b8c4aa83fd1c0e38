// kernel_init(regs): the end of the boot. head.S's start_init calls it on the init stack with a
// pt_regs frame ready. As Linux's init/main.c: mount the root file system (the initramfs the boot
// loader handed over, or the host's files under `gate86 run`: kernel/fs/root.ts), set up the console
// as fds 0, 1, 2, then task 1 execs the first program (/init, or the program the host gave), and
// entry.S leaves through iret into it.

import { fileLimit, STACK_LIMIT } from './rlimit.ts';
import type { HypercallHandler, Kernel } from './kernel.ts';
import { loadProgram, startThread, ExecError } from './exec.ts';
import { TIF_IRET, VSYSCALL_ENTRY } from './layout.ts';
import { Console } from './tty/console.ts';
import { FileTable, FsContext } from './fs/fdtable.ts';
import { mountRootFileSystem, readFromRoot, RootError } from './fs/root.ts';
import { pathName, resolve, type Path } from './fs/path.ts';
import { isRegular, type Inode } from './fs/inode.ts';
import { inodePages } from './mm/file-pages.ts';
import type { FilePages } from './mm/vma.ts';
import { commandName } from './services/process.ts';

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);

/**
 * The first program as a file its segments map (/proc/PID/maps names it): its inode's pages, when
 * the root file system holds the very file — it came from there, or the root is the host's own /.
 * Otherwise undefined, and exec names the bytes by their path alone.
 */
function programFile(k: Kernel, root: { root: Path; cwd: Path }, path: string, fromRoot: boolean): { pages: FilePages; inode: Inode } | undefined {
  if (!fromRoot && (k.host.root?.directory ?? '/') !== '/') return undefined;
  const found = resolve({ root: root.root, cwd: root.cwd, who: { uid: 0, gid: 0 } }, root.cwd, path, { follow: true });
  if (typeof found === 'number' || !isRegular(found.dentry.inode.mode)) return undefined;
  return { pages: inodePages(found.dentry.inode, pathName(found, root.root), k.ram), inode: found.dentry.inode };
}

/** kernel_init(regs): the root file system, the console, then task 1 execs the first program. */
export const kernelInit: HypercallHandler = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  const p = k.host.program;
  const { uid, gid } = p.credentials ?? { uid: 0, gid: 0 };
  const credentials = { uid, euid: uid, gid, egid: gid };
  // The machine stops with status 126, and the host hears why (gate86 run prints it in one line).
  const fail = (message: string, errno: number, reason = message): number => {
    k.host.log(message);
    k.host.exit({ code: 126, reason });
    return -errno;
  };
  let root;
  try {
    root = mountRootFileSystem(k);
  } catch (error) {
    if (error instanceof RootError) return fail(`kernel panic: ${error.message}`, 2);
    throw error;
  }
  const console = new Console(k, k.host.isTerminal(0));
  k.consolePoll = () => console.poll();
  try {
    // The program: the bytes the host gave (gate86 run), else the file at its path in the root (/init).
    const bytes = p.image ?? readFromRoot(root.root, p.path);
    if (typeof bytes === 'number') return fail(`exec ${p.path}: ${bytes === -2 ? 'no such file in the root file system' : `error ${-bytes}`}`, -bytes);
    const file = programFile(k, root, p.path, p.image === undefined);
    const loaded = loadProgram(k.ram, k.frames, k.kernelDirectory(), {
      image: bytes, path: p.path, argv: p.argv, envp: p.envp, credentials, hwcap: k.hwcap(), random: k.host.random(16), file: file?.pages,
      stackLimit: STACK_LIMIT,
    });
    const task = k.createInitTask(loaded.space, credentials);
    task.space.limits = task.group.limits;
    // The first program is exec'd like any other, so writers of its file get ETXTBSY while it runs.
    task.executableInode = file?.inode ?? null;
    task.brkStart = task.brk = loaded.brk;
    // /proc/PID/exe is absolute, as Linux's d_path makes it; AT_EXECFN keeps the path as given.
    task.executable = p.path.startsWith('/') ? p.path : `${pathName(root.cwd, root.root).replace(/\/$/, '')}/${p.path.replace(/^\.\//, '')}`;
    Object.assign(task, loaded.strings);
    task.comm = commandName(p.path);
    task.fs = new FsContext(root.root, root.cwd);
    task.files = new FileTable();
    console.standardFiles().forEach((file) => task.files.install(file, false, fileLimit(task)));
    // Linux's first process is in process group 0 and session 0 until it calls setsid(). When the
    // console is a terminal, gate86 makes it a session leader with the console as its controlling
    // terminal, as a shell started by login is (so an interactive `gate86 run sh` has job control).
    task.pgid = task.sid = 0;
    if (k.console !== null) {
      task.pgid = task.sid = task.pid;
      task.tty = k.console;
      k.console.session = task.sid;
      k.console.foregroundGroup = task.pgid;
    }
    k.activate(task);
    startThread(regs, loaded.entry, loaded.stackPointer);
    k.setThreadFlag(task, TIF_IRET);            // pt_regs was written: leave through iret
    k.host.log(`exec ${p.path}: entry ${hex(loaded.entry)}, stack ${hex(loaded.stackPointer)}, AT_SYSINFO ${hex(VSYSCALL_ENTRY)}`);
    return 0;
  } catch (error) {
    if (error instanceof ExecError) return fail(`exec ${p.path}: ${error.message}`, error.errno, error.message);
    throw error;
  }
};
