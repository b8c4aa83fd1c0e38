// Signal sets and pending signals, as Linux 2.6 keeps them (include/linux/signal.h, kernel/signal.c).
//
// A set holds signals 1..64 (_NSIG): the 31 standard ones and the real-time ones, SIGRTMIN 32 ..
// SIGRTMAX 64. It is a 64-bit bigint with bit n-1 for signal n — the layout of the user's 8-byte
// sigset_t, so a set crosses the user boundary as one little-endian u64, and of Linux's sigmask().

import { SIGRTMIN } from './signal-numbers.ts';

export type Sigset = bigint;

/** The highest signal number (_NSIG): kill and friends refuse anything above it with EINVAL. */
export const NSIG = 64;
export const EMPTY_SIGSET: Sigset = 0n;
/** Every signal 1..64: masks are kept inside these 64 bits (a bigint `~` would go negative). */
export const FULL_SIGSET: Sigset = (1n << BigInt(NSIG)) - 1n;

/** Linux's valid_signal, for a signal that will really be sent: 1..64. */
export const validSignal = (signal: number): boolean => Number.isInteger(signal) && signal >= 1 && signal <= NSIG;

/** The set holding only `signal` (Linux's sigmask(sig)). */
export const sigmask = (signal: number): Sigset => 1n << BigInt(signal - 1);

export const sigismember = (set: Sigset, signal: number): boolean => (set & sigmask(signal)) !== 0n;

/** The signals of `set` not in `removed`, kept within 64 bits. */
export const sigsetWithout = (set: Sigset, removed: Sigset): Sigset => set & ~removed & FULL_SIGSET;

/** The lowest-numbered signal of `set`, or 0 when it is empty (Linux's next_signal picks this one). */
export function firstSignal(set: Sigset): number {
  if (set === 0n) return 0;
  const lowest = set & -set;                     // only the lowest set bit survives
  return lowest.toString(2).length;              // bit n-1 -> signal n
}

/** A user sigset_t (8 bytes, little-endian) -> a set. */
export function sigsetFromUser(bytes: Uint8Array): Sigset {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
}

/** The old calls' and the sigframe's 32-bit words: signals 1..32 in the low word, 33..64 in the high. */
export const sigsetLowWord = (set: Sigset): number => Number(set & 0xffffffffn);
export const sigsetHighWord = (set: Sigset): number => Number((set >> 32n) & 0xffffffffn);
export const sigsetFromWords = (low: number, high: number): Sigset => (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);

/** What siginfo says about one sent signal: who sent it (pid, uid) or the faulting address. */
export interface SignalInfo {
  code: number;
  pid: number;
  uid: number;
  addr: number;
  /**
   * The whole siginfo_t a process supplied (rt_sigqueueinfo, sigqueue's si_value in it), delivered
   * as given but for si_signo: Linux copies a negative si_code's siginfo to the receiver whole.
   */
  user?: Uint8Array;
  /**
   * The process (tgid) whose kill, tkill, tgkill or sigqueue sent it; absent when the kernel did (a
   * fault, a terminal, a timer, a child's exit). Task 1 drops one another process sent while its
   * action is the default (kernel/signals.ts initIgnores). Not part of the receiver's siginfo.
   */
  sentBy?: number;
}

/** One sent signal waiting in a queue (Linux's struct sigqueue), charged to user `uid`'s RLIMIT_SIGPENDING. */
interface QueuedSignal { signal: number; info: SignalInfo; uid: number }

/**
 * Where one sent signal went: queued with its siginfo; merged into the same standard signal already
 * pending; pending without its siginfo, the queue being full (Linux's "silent loss of information");
 * or refused, the queue being full, which the sender hears as -EAGAIN.
 */
export type SendOutcome = 'queued' | 'merged' | 'lost' | 'overflow';

/** siginfo si_code of a kill(2): its signal may lose its siginfo when the queue is full, but is still sent. */
const SI_USER = 0;

/**
 * A task's or a thread group's pending signals (Linux's struct sigpending): `signal` has a bit for
 * each signal with an instance waiting, `queue` the instances, oldest first, each with its siginfo.
 * A real-time signal queues every instance sent; a standard signal already pending is not queued
 * again (Linux's legacy_queue), so a second kill merges with the first.
 */
export class SigPending {
  signal: Sigset = EMPTY_SIGSET;
  private readonly queue: QueuedSignal[] = [];

  has(signal: number): boolean { return sigismember(this.signal, signal); }

  /** How many queued siginfos are charged to user `uid` (Linux's user->sigpending, in part). */
  chargedTo(uid: number): number { return this.queue.reduce((n, q) => n + (q.uid === uid ? 1 : 0), 0); }

  /**
   * Send one instance (Linux's __send_signal), charged to user `uid` if `room()` says the user is
   * under RLIMIT_SIGPENDING. A standard signal from the kernel or kill(2) (si_code >= 0) queues over
   * the limit; with no room a real-time one is refused unless kill(2) sent it, and any other signal
   * is made pending without its siginfo.
   */
  add(signal: number, info: SignalInfo, uid = 0, room: () => boolean = () => true): SendOutcome {
    if (signal < SIGRTMIN && this.has(signal)) return 'merged';
    const queued = (signal < SIGRTMIN && info.code >= 0) || room();
    if (queued) this.queue.push({ signal, info, uid });
    else if (signal >= SIGRTMIN && info.code !== SI_USER) return 'overflow';
    this.signal |= sigmask(signal);
    return queued ? 'queued' : 'lost';
  }

  /** Mark `signal` pending with no siginfo of its own (zap_other_threads' SIGKILL). */
  raise(signal: number): void { this.signal |= sigmask(signal); }

  /**
   * Take the oldest instance of `signal` (Linux's collect_signal): its bit stays set while another
   * instance waits. A signal raised without a queued instance gets `fallback`.
   */
  take(signal: number, fallback: SignalInfo): SignalInfo {
    const at = this.queue.findIndex((q) => q.signal === signal);
    const info = at < 0 ? fallback : this.queue.splice(at, 1)[0]!.info;
    if (!this.queue.some((q) => q.signal === signal)) this.signal = sigsetWithout(this.signal, sigmask(signal));
    return info;
  }

  /** Forget every instance of the signals in `set` (Linux's rm_from_queue: SIGCONT cancels stops). */
  discard(set: Sigset): void {
    this.signal = sigsetWithout(this.signal, set);
    for (let i = this.queue.length - 1; i >= 0; i--) if ((sigmask(this.queue[i]!.signal) & set) !== 0n) this.queue.splice(i, 1);
  }
}
