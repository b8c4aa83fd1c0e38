// The PC devices against their data sheets, driven through the I/O bus as a guest would drive them.
import test from 'ava';
import { IoBus } from '../../vm/memory/io-bus.ts';
import { PcDevices } from '../../vm/devices/pc-devices.ts';

function machine() {
  let now = 0;
  const out: number[] = [];
  const input: number[] = [];
  let exitStatus = -1;
  let ignne = 0;
  const bus = new IoBus();
  const pc = new PcDevices({
    clock: () => now,
    consoleOut: (b) => out.push(b),
    consoleIn: () => input.shift() ?? -1,
    exit: (s) => { exitStatus = s; },
    ignoreNumericErrors: () => { ignne++; },
  }, bus);
  return { bus, pc, out, input, advance: (ns: number) => { now += ns; }, exitStatus: () => exitStatus, ignne: () => ignne };
}

function initPics(bus: IoBus, masterMask: number, slaveMask: number): void {
  bus.out(0x20, 1, 0x11); bus.out(0xa0, 1, 0x11);
  bus.out(0x21, 1, 0x20); bus.out(0xa1, 1, 0x28);
  bus.out(0x21, 1, 0x04); bus.out(0xa1, 1, 0x02);
  bus.out(0x21, 1, 0x01); bus.out(0xa1, 1, 0x01);
  bus.out(0x21, 1, masterMask); bus.out(0xa1, 1, slaveMask);
}

test('8259A: an edge is requested, acknowledged into ISR, and ended by EOI; priorities hold', (t) => {
  const { bus, pc } = machine();
  initPics(bus, 0x00, 0x00);
  pc.pic.setIrq(4, true);
  pc.pic.setIrq(1, true);
  t.true(pc.pic.interruptPending());
  t.is(pc.pic.acknowledge(), 0x21, 'IRQ 1 outranks IRQ 4');
  t.false(pc.pic.interruptPending(), 'IRQ 4 waits while IRQ 1 is in service');
  bus.out(0x20, 1, 0x0b);
  t.is(bus.in(0x20, 1), 0x02, 'ISR shows IRQ 1');
  bus.out(0x20, 1, 0x20); // non-specific EOI
  t.is(pc.pic.acknowledge(), 0x24);
  bus.out(0x20, 1, 0x20);
  t.false(pc.pic.interruptPending());
  pc.pic.setIrq(4, true); // still high: no new edge
  t.false(pc.pic.interruptPending(), 'a level held high is not a second edge');
});

test('8259A: the slave cascades through IRQ 2 and masks apply', (t) => {
  const { bus, pc } = machine();
  initPics(bus, 0xff, 0x00);
  pc.pic.setIrq(12, true);
  t.false(pc.pic.interruptPending(), 'IRQ 2 masked on the master');
  bus.out(0x21, 1, 0xfb);
  t.true(pc.pic.interruptPending());
  t.is(pc.pic.acknowledge(), 0x2c);
  t.is(bus.in(0xa1, 1), 0x00);
  t.is(bus.in(0x21, 1), 0xfb);
});

test('8254: channel 0 in mode 2 raises IRQ 0 once per period of virtual time', (t) => {
  const { bus, pc, advance } = machine();
  initPics(bus, 0xfe, 0xff);
  bus.out(0x43, 1, 0x34);
  bus.out(0x40, 1, 11932 & 0xff);
  bus.out(0x40, 1, 11932 >> 8);
  const period = (11932 / 1_193_182) * 1e9;
  t.true(Math.abs(pc.nextDeadline() - period) < 1000);
  advance(period / 2);
  pc.tick();
  t.false(pc.pic.interruptPending());
  advance(period / 2 + 1000);
  pc.tick();
  t.true(pc.pic.interruptPending());
  t.is(pc.pic.acknowledge(), 0x20);
  // the counter counts down: latch and read it half a period later
  advance(period / 2);
  bus.out(0x43, 1, 0x00);
  const count = bus.in(0x40, 1) | (bus.in(0x40, 1) << 8);
  t.true(count > 5000 && count < 7000, `count ${count}`);
});

test('16550: THR goes out at once, loopback brings bytes back, IIR reports RX then THRE', (t) => {
  const { bus, pc, out, input } = machine();
  bus.out(0x3f8, 1, 0x41);
  t.deepEqual(out, [0x41]);
  t.is(bus.in(0x3fd, 1) & 0x61, 0x60, 'THR and transmitter empty, no data');
  input.push(0x62);
  pc.com1.pollInput();
  t.is(bus.in(0x3fd, 1) & 1, 0, 'the other end waits for RTS');
  bus.out(0x3fc, 1, 0x0b); // DTR, RTS, OUT2
  t.is(bus.in(0x3fd, 1) & 1, 1, 'data ready');
  bus.out(0x3f9, 1, 0x03); // RX and THRE interrupts
  t.is(bus.in(0x3fa, 1), 0x04, 'received data outranks THR empty');
  t.is(bus.in(0x3f8, 1), 0x62);
  t.is(bus.in(0x3fa, 1), 0x02, 'then THR empty');
  t.is(bus.in(0x3fa, 1), 0x01, 'reading IIR acknowledged THRE');
  bus.out(0x3fc, 1, 0x10); // loopback
  bus.out(0x3f8, 1, 0x99);
  t.deepEqual(out, [0x41], 'loopback bytes do not leave');
  t.is(bus.in(0x3f8, 1), 0x99);
  bus.out(0x3fb, 1, 0x80);
  bus.out(0x3f8, 1, 0x01);
  t.is(bus.in(0x3f8, 1), 0x01, 'DLAB selects the divisor latch');
});

test('isa-debug-exit: writing V exits with (V << 1) | 1', (t) => {
  const { bus, exitStatus } = machine();
  bus.out(0xf4, 1, 0x10);
  t.is(exitStatus(), 0x21);
});

test('numeric error latch: FERR# raises IRQ 13 (vector 0x2d after ICW2 0x28); a write to port 0xF0 lowers it and asserts IGNNE#', (t) => {
  const { bus, pc, ignne } = machine();
  initPics(bus, 0x00, 0x00);
  t.false(pc.pic.interruptPending());
  pc.numericError.assertFerr();
  t.true(pc.pic.interruptPending());
  t.is(pc.pic.acknowledge(), 0x2d, 'IRQ 13: the slave\'s line 5');
  bus.out(0xf0, 1, 0);
  t.is(ignne(), 1, 'IGNNE# asserted');
  bus.out(0xa0, 1, 0x20);
  bus.out(0x20, 1, 0x20);
  t.false(pc.pic.interruptPending(), 'the latch is clear: no second IRQ 13');
});
