// The gdb stub at the packet level, with a client that sends what gdb would not: garbage between
// packets, wrong checksums, bad arguments, an oversized packet, an interrupt while running, and a
// connection that just drops. None of it may disturb the machine: the program ends as it would
// without a debugger. And `gate86 machine -S` waits for gdb before the first instruction, as QEMU.
import test from 'ava';
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { frame } from '../../vm/debug/gdb/packets.ts';
import { readElf, readSymbolTable } from '../../vm/elf/reader.ts';
import { buildKernel, runGate86 } from '../machine/support/kernels.ts';
import { buildTestProgram } from '../kernel/support.ts';
import { plainRun, root, startGate86, stubAddress } from './support.ts';

const GETUID = root + 'build/userland/getuid.elf';

/** A bare RSP client: what the socket says, as acks and packets, in order. */
class RawClient {
  private text = '';
  private readonly waiters: (() => void)[] = [];
  closed = false;
  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => { this.text += d.toString('latin1'); for (const w of this.waiters.splice(0)) w(); });
    socket.on('close', () => { this.closed = true; for (const w of this.waiters.splice(0)) w(); });
  }
  static open(address: string): Promise<RawClient> {
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }
  raw(bytes: string): void { this.socket.write(bytes, 'latin1'); }
  send(data: string): void { this.raw(frame(data)); }
  /** The next acknowledgement byte or packet (its data), skipping O (console output) packets. */
  async next(): Promise<string> {
    for (;;) {
      const item = this.take();
      if (item !== null) { if (item.startsWith('O') && item.length > 1 && item !== 'OK') continue; return item; }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
  private take(): string | null {
    const c = this.text[0];
    if (c === undefined) return null;
    if (c === '+' || c === '-') { this.text = this.text.slice(1); return c; }
    const end = this.text.indexOf('#');
    if (c !== '$' || end < 0 || end + 2 >= this.text.length) return null;
    const data = this.text.slice(1, end);
    this.text = this.text.slice(end + 3);
    return data;
  }
  /** Send a packet, expect its ack, return the reply. */
  async ask(data: string): Promise<string> {
    this.send(data);
    const ack = await this.next();
    if (ack !== '+') throw new Error(`expected + for ${data}, got ${ack}`);
    return this.next();
  }
}

test('gdb stub: garbage, bad checksums, bad arguments and an oversized packet get NAKs and errors; a dropped connection lets the program finish as without gdb', async (t) => {
  const plain = plainRun([GETUID]);
  const gate86 = startGate86(['run', '--gdb', '127.0.0.1:0', GETUID]);
  const gdb = await RawClient.open(await stubAddress(gate86));
  gdb.raw('hello, stub\r\n');                               // noise between packets is ignored
  gdb.raw('$?#00');                                         // a wrong checksum: resend, please
  t.is(await gdb.next(), '-');
  t.regex(await gdb.ask('?'), /^T05thread:01;$/, 'stopped before the first instruction');
  t.is(await gdb.ask('mzz,4'), 'E01');
  t.is(await gdb.ask('m0,'), 'E01');
  t.is(await gdb.ask('M10,4:123'), 'E01', 'odd hex data');
  t.is(await gdb.ask('Z9,0,1'), '', 'an unknown breakpoint type: unsupported');
  t.is(await gdb.ask('vFrobnicate'), '', 'an unknown packet: the empty reply');
  gdb.raw('$' + 'x'.repeat(20000) + '#00');                // far past PacketSize
  t.is(await gdb.next(), '-');
  const xml = await gdb.ask('qXfer:features:read:target.xml:0,3fff');
  t.regex(xml, /^[ml]/);
  t.true(xml.includes('org.gnu.gdb.i386.core') && xml.includes('name="eflags"'), xml.slice(0, 200));
  const g = await gdb.ask('g');
  // pentium3: the core registers, st0-st7 (10 bytes each) and the eight x87 words, xmm0-xmm7 and
  // mxcsr (the sse feature), the system registers; every one available.
  t.true(xml.includes('org.gnu.gdb.i386.sse') && xml.includes('name="xmm7"') && xml.includes('name="mxcsr"'));
  t.is(g.length, 16 * 8 + 8 * 20 + 8 * 8 + 8 * 32 + 8 + 13 * 8, 'every register of the description');
  t.regex(g, /^[0-9a-f]+$/);
  // Paging is off at the first instruction: the vsyscall page is not mapped yet, so no byte is readable.
  t.is(await gdb.ask('mffffe400,3'), 'E14');
  t.is(await gdb.ask('Mffffe400,1:cc'), 'E14');
  gdb.socket.destroy();                                     // gone, without a word
  t.is(await gate86.exited, plain.status);
  t.is(gate86.stdout(), plain.stdout);
  t.regex(gate86.stderr(), /gdb went away/);
});

test('gdb stub on a model without SSE (pentium2): no sse feature, no XMM in g; P writes st0 and a 10-byte value of the wrong size is refused', async (t) => {
  const gate86 = startGate86(['run', '--cpu', 'pentium2', '--gdb', '127.0.0.1:0', GETUID]);
  const gdb = await RawClient.open(await stubAddress(gate86));
  const xml = await gdb.ask('qXfer:features:read:target.xml:0,3fff');
  t.false(xml.includes('org.gnu.gdb.i386.sse'));
  t.regex(xml, /name="fop" bitsize="32" type="int" regnum="31" group="float"/);
  t.regex(xml, /name="cr0" bitsize="32" type="uint32" regnum="32" group="system"/, 'the system registers follow the x87 ones');
  const g = await gdb.ask('g');
  t.is(g.length, 16 * 8 + 8 * 20 + 8 * 8 + 13 * 8);
  // st0 = 1.0 (significand 0x8000000000000000, exponent 0x3fff), read back through p (register 16).
  t.is(await gdb.ask('P10=0000000000000080ff3f'), 'OK');
  t.is(await gdb.ask('p10'), '0000000000000080ff3f');
  t.is(await gdb.ask('P10=00'), 'E01', 'a value of the wrong size');
  t.is(await gdb.ask('p2d'), 'E01', 'register 45 (the last system register on an SSE model) does not exist here');
  gdb.socket.destroy();
  await gate86.exited;
});

test('gdb stub: a breakpoint in the read-only vsyscall page; an interrupt (0x03) stops a spinning program with SIGINT; a memory write through the stub lets it end after detach', async (t) => {
  const spin = buildTestProgram('spin');
  const release = readSymbolTable(readElf(new Uint8Array(readFileSync(spin)), spin)).find((s) => s.name === 'release')!.value >>> 0;
  const getuid = startGate86(['run', '--gdb', '127.0.0.1:0', GETUID]);
  const first = await RawClient.open(await stubAddress(getuid));
  t.regex(await first.ask('?'), /^T05/);
  t.is(await first.ask('Z0,ffffe405,1'), 'OK', 'no patch needed: the CPU stops before the instruction');
  t.is(await first.ask('c'), 'T05thread:01;', 'this client announced no swbreak+, so the reply gives no reason');
  t.is(await first.ask('p8'), '05e4ffff', 'stopped at the sysenter instruction, before it ran');
  t.is(await first.ask('mffffe405,2'), '0f34', 'the page still holds SYSENTER');
  t.is(await first.ask('D'), 'OK');
  first.socket.end();
  t.is(await getuid.exited, 0);

  const gate86 = startGate86(['run', '--gdb', '127.0.0.1:0', spin]);
  const gdb = await RawClient.open(await stubAddress(gate86));
  t.regex(await gdb.ask('?'), /^T05/);
  gdb.send('c');
  t.is(await gdb.next(), '+');
  gdb.raw('\x03');                                         // gdb's Ctrl-C, while the loop spins
  t.regex(await gdb.next(), /^T02thread:01;$/, 'SIGINT');
  t.regex(await gdb.ask('g'), /^.{80}73000000/, 'CS 0x73: it was spinning in ring 3');
  t.is(await gdb.ask(`M${release.toString(16)},4:01000000`), 'OK');
  t.is(await gdb.ask('D'), 'OK');
  gdb.socket.end();
  t.is(await gate86.exited, 7, 'released by the write, it exits with its own status');
});

test('gate86 machine -S: a Multiboot kernel waits for gdb at its entry point; continue runs it to its isa-debug-exit, which gdb hears as the exit status', async (t) => {
  const kernel = buildKernel('int80');
  const plain = runGate86(kernel);
  const entry = readElf(new Uint8Array(readFileSync(kernel)), kernel).entry >>> 0;
  const gate86 = startGate86(['machine', '-S', '--gdb', '127.0.0.1:0', kernel]);
  const gdb = await RawClient.open(await stubAddress(gate86));
  t.regex(await gdb.ask('?'), /^T05/);
  const eip = await gdb.ask('p8');
  t.is(parseInt(eip.match(/../g)!.reverse().join(''), 16), entry, 'EIP is the kernel entry: nothing ran yet');
  t.is(gate86.stdout(), '', 'no output before gdb said continue');
  t.is(await gdb.ask('c'), `W${(plain.status ?? 0).toString(16).padStart(2, '0')}`);
  t.is(await gate86.exited, plain.status);
  t.is(gate86.stdout(), plain.output);
});
