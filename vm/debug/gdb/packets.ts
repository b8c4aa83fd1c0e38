// The GDB remote serial protocol's framing (gdb manual, "Overview" of the remote protocol):
//
//   $<data>#<two hex digits: the sum of the data bytes mod 256>
//
// answered with `+` (received) or `-` (send it again) until both sides agree to QStartNoAckMode.
// A lone 0x03 byte outside a packet is an interrupt (Ctrl-C in gdb). In data, `}` escapes the next
// byte (XOR 0x20); `#`, `$`, `}` and `*` are always escaped in binary data. A debugger that sends
// garbage gets it thrown away: bytes before a `$`, a wrong checksum (a `-`, so gdb resends), a
// packet longer than we accept.

/** Longest packet accepted or sent (announced as PacketSize in qSupported). */
export const MAX_PACKET = 0x4000;

export type Incoming =
  | { kind: 'packet'; data: string }
  | { kind: 'interrupt' }
  | { kind: 'ack' }
  | { kind: 'nak' }
  /** A packet arrived damaged (bad checksum): in ack mode the reader answers `-`. */
  | { kind: 'corrupt' };

export function checksum(data: string): string {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum = (sum + data.charCodeAt(i)) & 0xff;
  return sum.toString(16).padStart(2, '0');
}

/** A packet as sent: `data` is latin1 (each char one byte). */
export function frame(data: string): string {
  return `$${data}#${checksum(data)}`;
}

/** Splits a byte stream into packets, interrupts and acknowledgements. */
export class PacketReader {
  private state: 'idle' | 'data' | 'check1' | 'check2' = 'idle';
  private data = '';
  private check = '';
  private overflow = false;

  /** Feed bytes; returns what they completed. */
  push(bytes: Uint8Array): Incoming[] {
    const out: Incoming[] = [];
    for (const byte of bytes) {
      const c = String.fromCharCode(byte);
      switch (this.state) {
        case 'idle':
          if (c === '$') { this.state = 'data'; this.data = ''; this.overflow = false; }
          else if (byte === 0x03) out.push({ kind: 'interrupt' });
          else if (c === '+') out.push({ kind: 'ack' });
          else if (c === '-') out.push({ kind: 'nak' });
          // anything else between packets is noise
          break;
        case 'data':
          if (c === '#') this.state = 'check1';
          else if (c === '$') { this.data = ''; this.overflow = false; }   // a packet restarted: drop the broken one
          else if (this.data.length < MAX_PACKET) this.data += c;
          else this.overflow = true;
          break;
        case 'check1':
          this.check = c;
          this.state = 'check2';
          break;
        case 'check2': {
          this.check += c;
          this.state = 'idle';
          const ok = !this.overflow && this.check.toLowerCase() === checksum(this.data);
          out.push(ok ? { kind: 'packet', data: this.data } : { kind: 'corrupt' });
          break;
        }
      }
    }
    return out;
  }
}

// --- Payload encodings -------------------------------------------------------------------------

const HEX = /^[0-9a-fA-F]+$/;

/** A hexadecimal number of the packet's arguments; throws on anything else (the stub answers E). */
export function parseHex(text: string): number {
  if (!HEX.test(text) || text.length > 8) throw new PacketError(`not a 32-bit hex number: '${text.slice(0, 20)}'`);
  return parseInt(text, 16) >>> 0;
}

export function hexBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function bytesFromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || (text.length > 0 && !HEX.test(text))) throw new PacketError('odd or non-hex byte data');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A 32-bit value as gdb's target byte order wants it in g/p replies: little-endian hex. */
export function hexWord(value: number, bytes = 4): string {
  let out = '';
  for (let i = 0; i < bytes; i++) out += ((value >>> (8 * i)) & 0xff).toString(16).padStart(2, '0');
  return out;
}

export function wordFromHex(text: string): number {
  const bytes = bytesFromHex(text);
  let value = 0;
  for (let i = 0; i < Math.min(4, bytes.length); i++) value |= bytes[i]! << (8 * i);
  return value >>> 0;
}

export function textToHex(text: string): string {
  return hexBytes(new TextEncoder().encode(text));
}

export function hexToText(hex: string): string {
  return new TextDecoder().decode(bytesFromHex(hex));
}

/** Binary data (X packets, qXfer replies): `}` escapes, the escaped byte XOR 0x20. */
export function unescapeBinary(data: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === 0x7d && i + 1 < data.length) out.push(data.charCodeAt(++i) ^ 0x20);
    else out.push(c & 0xff);
  }
  return Uint8Array.from(out);
}

export function escapeBinary(text: string): string {
  let out = '';
  for (const c of text) out += c === '#' || c === '$' || c === '}' || c === '*' ? '}' + String.fromCharCode(c.charCodeAt(0) ^ 0x20) : c;
  return out;
}

/** Bad arguments in a packet: the stub replies with an error, never crashes. */
export class PacketError extends Error {}
