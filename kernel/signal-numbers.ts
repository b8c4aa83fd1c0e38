// Signal numbers, once: Linux i386's (include/asm-i386/signal.h), so a static ELF's kill(2) and
// sigaction(2) mean here what they mean on the host. The kernel, its services and the tests all
// import them from this file.

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGABRT = 6;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGSEGV = 11;
export const SIGUSR2 = 12;
export const SIGPIPE = 13;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGSTKFLT = 16;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const SIGTTIN = 21;
export const SIGTTOU = 22;
export const SIGURG = 23;
export const SIGXCPU = 24;
export const SIGXFSZ = 25;
export const SIGVTALRM = 26;
export const SIGPROF = 27;
export const SIGWINCH = 28;
export const SIGIO = 29;
export const SIGPWR = 30;
export const SIGSYS = 31;
/** The first real-time signal the kernel offers (glibc reserves 32 and 33 for itself). */
export const SIGRTMIN = 32;
export const SIGRTMAX = 64;

/** siginfo si_code of a fault's SIGSEGV (Linux's asm-generic/siginfo.h): no mapping at the
 *  address (nothing there, or the kernel half), or a mapping that does not allow the access. */
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
/** si_code of SIGBUS for a mapping's page past the end of its file. */
export const BUS_ADRERR = 2;

/** Number -> name (SIGNAL_NAMES[11] = 'SIGSEGV'), for traces and tests. */
export const SIGNAL_NAMES: readonly string[] = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** Name -> number ('SIGSEGV' -> 11). */
export function signalNumber(name: string): number {
  const n = SIGNAL_NAMES.indexOf(name);
  if (n <= 0) throw new Error(`unknown signal ${name}`);
  return n;
}
