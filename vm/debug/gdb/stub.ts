// The gdb remote stub: one connected gdb's packets, answered from the machine's debug interface
// (vm/debug/client.ts). What it speaks (gdb manual, "Remote Protocol"):
//
//   ?  g G p P  m M X  c s vCont  Z0-Z4 z0-z4  qSupported qXfer:features:read qRcmd (monitor)
//   qAttached qC qfThreadInfo qsThreadInfo qThreadExtraInfo H T qSymbol QStartNoAckMode D k vKill
//
// and answers everything else with the empty packet ("not supported"), as the protocol asks. The
// machine is one thread (thread 1: the CPU). Software breakpoints (Z0) are not int3 patches: the CPU's
// debug unit stops before the instruction (so the read-only vsyscall page takes breakpoints too);
// hardware breakpoints (Z1) are the same kind of stop, and watchpoints (Z2 write, Z3 read, Z4
// access) stop after the instruction that touched the bytes, as x86 debug registers do.
//
// Bad input never reaches the machine: a damaged packet is NAKed, bad arguments get `E01`, a request
// the machine refuses gets `E14`, and the connection can close at any moment (server.ts detaches).

import type { DebugClient } from '../client.ts';
import type { BreakpointType, FpuChange, FpuRegisters, RegisterValues, StopReason } from '../protocol.ts';
import {
  bytesFromHex, escapeBinary, frame, hexBytes, hexToText, hexWord, MAX_PACKET, PacketError, PacketReader, parseHex,
  textToHex, unescapeBinary, wordFromHex,
} from './packets.ts';
import { registerBytes, targetRegisters, targetXml, type TargetRegister, type TargetUnits } from './target-description.ts';

const SIGINT = 2, SIGTRAP = 5;
const BREAKPOINT_TYPES: BreakpointType[] = ['software', 'hardware', 'write', 'read', 'access'];
const WATCH_REPLY: Record<string, string> = { write: 'watch', read: 'rwatch', access: 'awatch' };

/** What the stub shares with the server: the machine's state across connections. */
export interface StubTarget {
  client: DebugClient;
  /** The stop reply for `?` (the machine's last stop). */
  lastStop: StopReason | null;
  /** The machine is running (or has not reported its first stop yet). */
  running: boolean;
  /** End the machine (k, vKill). */
  kill(): void;
}

export class GdbStub {
  private readonly reader = new PacketReader();
  private ackMode = true;
  private clientFeatures = new Set<string>();
  /** A c/s/vCont is outstanding: the next stop is reported to this gdb. */
  private waitingForStop = false;
  /** Packets are answered one at a time, in order (each may wait for the worker). */
  private queue: Promise<void> = Promise.resolve();
  /** Breakpoints this gdb inserted, by address, with their Z type (for the swbreak/hwbreak reason). */
  private readonly breakpointTypes = new Map<number, BreakpointType>();
  private closed = false;
  /** The model's units and the registers they give, asked of the machine once (it cannot change). */
  private units: TargetUnits | null = null;
  private registerList: TargetRegister[] = [];

  constructor(private readonly target: StubTarget, private readonly write: (text: string) => void) {}

  /** Bytes from the socket. */
  receive(bytes: Uint8Array): void {
    for (const item of this.reader.push(bytes)) {
      switch (item.kind) {
        case 'packet':
          if (this.ackMode) this.write('+');
          this.enqueue(() => this.handle(item.data));
          break;
        case 'corrupt':
          if (this.ackMode) this.write('-');
          break;
        case 'interrupt':
          // Ctrl-C in gdb: stop the running machine; the stop reply (SIGINT) comes with the stop. In
          // line with the packets, so that a `c` that came just before has resumed the machine first.
          this.enqueue(async () => { if (this.waitingForStop) await this.target.client.stop(); });
          break;
        default: // acks and naks of our replies: with no resend buffer, nothing to do
      }
    }
  }

  /** The machine stopped (the server passes every stop on). */
  stopped(reason: StopReason): void {
    if (!this.waitingForStop || this.closed) return;
    this.waitingForStop = false;
    this.send(this.stopReply(reason));
  }

  /** The machine is gone: gdb hears how the program ended. */
  ended(description: string, outcome: { code: number } | { signal: number } | null): void {
    if (this.closed) return;
    this.send(`O${textToHex(`gate86: ${description}\n`)}`);
    if (outcome !== null && 'signal' in outcome) this.send(`X${hexWord(outcome.signal, 1)}`);
    else this.send(`W${hexWord(outcome?.code ?? 0, 1)}`);
  }

  close(): void {
    this.closed = true;
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      // A reply the machine could not give (it ended, it refused): an error packet, never a crash.
      this.send(`E${error instanceof PacketError ? '01' : '14'}`);
    });
  }

  private send(data: string): void {
    if (!this.closed) this.write(frame(data));
  }

  private stopReply(reason: StopReason): string {
    const thread = 'thread:01;';
    switch (reason.kind) {
      case 'interrupted': return `T${hexWord(SIGINT, 1)}${thread}`;
      case 'watchpoint': return `T${hexWord(SIGTRAP, 1)}${WATCH_REPLY[reason.watch.kind]}:${reason.watch.address.toString(16)};${thread}`;
      case 'breakpoint': {
        const type = this.breakpointTypes.get(reason.address);
        const why = type === 'software' && this.clientFeatures.has('swbreak') ? 'swbreak:;' : type === 'hardware' && this.clientFeatures.has('hwbreak') ? 'hwbreak:;' : '';
        return `T${hexWord(SIGTRAP, 1)}${why}${thread}`;
      }
      default: return `T${hexWord(SIGTRAP, 1)}${thread}`;
    }
  }

  private async handle(packet: string): Promise<void> {
    const client = this.target.client;
    const [head, rest] = [packet[0] ?? '', packet.slice(1)];
    switch (head) {
      case '?': this.send(this.stopReply(await this.haltedReason())); return;
      case 'g': {
        const [registers, values, fpu] = await this.readRegisters();
        this.send(registers.map((r) => registerHex(r, values, fpu)).join(''));
        return;
      }
      case 'G': await this.writeAllRegisters(rest); return;
      case 'p': {
        const [registers, values, fpu] = await this.readRegisters();
        const r = registers[parseHex(rest)];
        if (r === undefined) throw new PacketError(`no register ${rest}`);
        this.send(registerHex(r, values, fpu));
        return;
      }
      case 'P': await this.writeOneRegister(rest); return;
      case 'm': {
        const [address, length] = addressLength(rest);
        const bytes = await client.readMemory(address, Math.min(length, (MAX_PACKET - 4) >> 1));
        this.send(bytes.length === 0 && length > 0 ? 'E14' : hexBytes(bytes));
        return;
      }
      case 'M': case 'X': {
        const colon = rest.indexOf(':');
        if (colon < 0) throw new PacketError('no data');
        const [address, length] = addressLength(rest.slice(0, colon));
        const data = head === 'M' ? bytesFromHex(rest.slice(colon + 1)) : unescapeBinary(rest.slice(colon + 1));
        if (data.length !== length) throw new PacketError('length and data disagree');
        const written = length === 0 ? 0 : await client.writeMemory(address, data);
        this.send(written === length ? 'OK' : 'E14');
        return;
      }
      case 'c': case 'C': await this.resume('continue'); return;
      case 's': case 'S': await this.resume('step'); return;
      case 'Z': case 'z': await this.breakpoint(head === 'Z', rest); return;
      case 'H': case 'T': this.send('OK'); return;
      case 'D': this.send('OK'); await client.detach(); return;
      case 'k': this.target.kill(); return;
      case 'q': case 'Q': await this.query(packet); return;
      case 'v': await this.verbose(packet); return;
      default: this.send('');
    }
  }

  private async resume(how: 'continue' | 'step'): Promise<void> {
    this.waitingForStop = true;
    this.target.running = true;
    await this.target.client.resume({ kind: how });
  }

  /**
   * Why the machine is stopped, stopping it first if it runs: gdb attaching to a running machine
   * stops it, as with QEMU (and a machine told to wait for gdb may not have reported its stop yet).
   */
  private async haltedReason(): Promise<StopReason> {
    const target = this.target;
    if (!target.running && target.lastStop !== null) return target.lastStop;
    const stop = target.client.nextStop();
    await target.client.stop();
    return await stop;
  }

  private async query(packet: string): Promise<void> {
    const client = this.target.client;
    if (packet.startsWith('qSupported')) {
      this.clientFeatures = new Set(packet.slice('qSupported:'.length).split(';').filter((f) => f.endsWith('+')).map((f) => f.slice(0, -1)));
      this.send(`PacketSize=${MAX_PACKET.toString(16)};qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+`);
    } else if (packet === 'QStartNoAckMode') {
      this.send('OK');
      this.ackMode = false;
    } else if (packet.startsWith('qXfer:features:read:')) {
      const [annex, range] = packet.slice('qXfer:features:read:'.length).split(':') as [string, string | undefined];
      if (annex !== 'target.xml' || range === undefined) { this.send('E00'); return; }
      const [offset, length] = addressLength(range);
      const xml = targetXml(await this.targetUnits());
      const part = xml.slice(offset, offset + Math.min(length, MAX_PACKET / 2));
      this.send((offset + part.length >= xml.length ? 'l' : 'm') + escapeBinary(part));
    } else if (packet.startsWith('qRcmd,')) {
      const text = await client.monitor(hexToText(packet.slice('qRcmd,'.length)));
      const output = text.endsWith('\n') ? text : text + '\n';
      // O packets carry console output; split so that none exceeds the packet size.
      for (let i = 0; i < output.length; i += MAX_PACKET / 4) this.send(`O${textToHex(output.slice(i, i + MAX_PACKET / 4))}`);
      this.send('OK');
    } else if (packet === 'qAttached') this.send('1');
    else if (packet === 'qC') this.send('QC01');
    else if (packet === 'qfThreadInfo') this.send('m01');
    else if (packet === 'qsThreadInfo') this.send('l');
    else if (packet.startsWith('qThreadExtraInfo')) this.send(textToHex('gate86 CPU'));
    else if (packet.startsWith('qSymbol')) this.send('OK');
    else this.send('');
  }

  private async verbose(packet: string): Promise<void> {
    if (packet === 'vCont?') { this.send('vCont;c;C;s;S'); return; }
    if (packet.startsWith('vCont;')) {
      // One thread: the first action is the one that applies to it.
      const action = packet.slice('vCont;'.length).split(';')[0]!.split(':')[0]!;
      const letter = action[0];
      if (letter === 'c' || letter === 'C') { await this.resume('continue'); return; }
      if (letter === 's' || letter === 'S') { await this.resume('step'); return; }
      throw new PacketError(`vCont action ${action}`);
    }
    if (packet.startsWith('vKill')) { this.send('OK'); this.target.kill(); return; }
    this.send('');
  }

  private async breakpoint(insert: boolean, rest: string): Promise<void> {
    const [typeText, addressText, kindText] = rest.split(',');
    const type = BREAKPOINT_TYPES[Number(typeText)];
    if (type === undefined || addressText === undefined || kindText === undefined) { this.send(''); return; }
    const address = parseHex(addressText);
    const length = parseHex(kindText.split(';')[0]!);
    await this.target.client.breakpoint(insert, type, address, length);
    if (type === 'software' || type === 'hardware') {
      if (insert) this.breakpointTypes.set(address, type); else this.breakpointTypes.delete(address);
    }
    this.send('OK');
  }

  /** Which units the model has: a model without an FPU answers null, one without SSE no XMM. */
  private async targetUnits(): Promise<TargetUnits> {
    if (this.units === null) {
      const fpu = await this.target.client.fpu();
      this.units = { x87: fpu !== null, sse: fpu !== null && fpu.xmm !== null };
      this.registerList = targetRegisters(this.units);
    }
    return this.units;
  }

  private async readRegisters(): Promise<[TargetRegister[], RegisterValues, FpuRegisters | null]> {
    const units = await this.targetUnits();
    const client = this.target.client;
    return [this.registerList, await client.registers(), units.x87 ? await client.fpu() : null];
  }

  private async writeAllRegisters(hex: string): Promise<void> {
    const [registers, values, fpu] = await this.readRegisters();
    let at = 0;
    for (const r of registers) {
      const digits = r.bits / 4;
      const field = hex.slice(at, at + digits);
      at += digits;
      if (field.length < digits) break;                 // a short G packet sets the first registers only
      if (field.includes('x')) continue;                // "unavailable": leave it
      const current = registerBytes(r, values, fpu);
      if (current === null || hexBytes(current) === field.toLowerCase()) continue;
      await this.writeRegister(r, field);
    }
    this.send('OK');
  }

  private async writeOneRegister(rest: string): Promise<void> {
    const [indexText, valueText] = rest.split('=');
    const [registers, values, fpu] = await this.readRegisters();
    const r = registers[parseHex(indexText ?? '')];
    if (r === undefined || valueText === undefined || valueText.length !== r.bits / 4) throw new PacketError('no such register, or a value of the wrong size');
    if (registerBytes(r, values, fpu) === null) { this.send('E14'); return; }
    await this.writeRegister(r, valueText);
    this.send('OK');
  }

  /** Write one register from its hex (target byte order). */
  private async writeRegister(r: TargetRegister, hex: string): Promise<void> {
    const client = this.target.client;
    const s = r.source;
    if (s.kind === 'machine') { await client.writeRegister(s.name, wordFromHex(hex)); return; }
    const bytes = bytesFromHex(hex);
    const change: FpuChange = s.kind === 'st' ? { kind: 'st', index: s.index, bytes }
      : s.kind === 'xmm' ? { kind: 'xmm', index: s.index, bytes }
      : s.kind === 'x87' ? { kind: 'word', name: s.name, value: wordFromHex(hex) }
      : { kind: 'mxcsr', value: wordFromHex(hex) };
    await client.writeFpu(change);
  }
}

function addressLength(text: string): [number, number] {
  const [a, l] = text.split(',');
  if (a === undefined || l === undefined) throw new PacketError('want ADDR,LENGTH');
  return [parseHex(a), parseHex(l)];
}

function registerHex(r: TargetRegister, values: RegisterValues, fpu: FpuRegisters | null): string {
  const bytes = registerBytes(r, values, fpu);
  return bytes === null ? 'x'.repeat(r.bits / 4) : hexBytes(bytes);
}
