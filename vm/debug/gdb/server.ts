// The gdb server: a TCP listener on the main thread (`gate86 run --gdb [HOST:]PORT`, `gate86 machine
// -s` on QEMU's port 1234). One gdb at a time talks to the machine through a GdbStub; a second
// connection is refused while one is open. When gdb goes away — `detach`, `quit`, a dropped
// connection — its breakpoints are removed and the machine runs on, as under QEMU; another gdb may
// connect later. When the machine ends, the connected gdb hears how (W/X) and the server closes.

import { createServer, type Server, type Socket } from 'node:net';
import type { DebugClient } from '../client.ts';
import type { StopReason } from '../protocol.ts';
import { GdbStub, type StubTarget } from './stub.ts';

/** Where to listen: `1234`, `:1234`, `localhost:1234`, `0.0.0.0:1234`. The default host is loopback. */
export function parseListenAddress(text: string): { host: string; port: number } | null {
  const match = /^(?:(.*):)?(\d+)$/.exec(text);
  if (match === null) return null;
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  const host = match[1] === undefined || match[1] === '' ? '127.0.0.1' : match[1];
  return { host, port };
}

export interface GdbServerOptions {
  client: DebugClient;
  host: string;
  port: number;
  /** End the machine (gdb's kill). */
  kill(): void;
  /** One line of news for the user's terminal ("gdb connected ..."). */
  note(line: string): void;
}

export class GdbServer {
  private readonly server: Server;
  private connection: { socket: Socket; stub: GdbStub } | null = null;
  private readonly target: StubTarget;
  /** Resolves once the server listens, with the port (useful when asked for port 0). */
  readonly listening: Promise<number>;

  constructor(private readonly options: GdbServerOptions) {
    const client = options.client;
    this.target = { client, lastStop: null, running: true, kill: options.kill };
    client.onStop((reason: StopReason) => {
      this.target.lastStop = reason;
      this.target.running = false;
      this.connection?.stub.stopped(reason);
    });
    client.onEnd((description, outcome) => {
      this.connection?.stub.ended(description, outcome);
      this.close();
    });
    this.server = createServer((socket) => this.accept(socket));
    this.listening = new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(options.port, options.host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : options.port);
      });
    });
  }

  private accept(socket: Socket): void {
    if (this.connection !== null) {
      socket.end();                       // one debugger at a time
      return;
    }
    socket.setNoDelay(true);
    const stub = new GdbStub(this.target, (text) => { if (!socket.destroyed) socket.write(text, 'latin1'); });
    this.connection = { socket, stub };
    this.options.note(`gdb connected from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
    socket.on('data', (chunk: Buffer) => stub.receive(new Uint8Array(chunk)));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.disconnected(stub));
  }

  private disconnected(stub: GdbStub): void {
    stub.close();
    if (this.connection?.stub !== stub) return;
    this.connection = null;
    if (this.options.client.hasEnded) return;
    this.options.note('gdb went away: its breakpoints are gone and the machine runs on');
    this.target.running = true;
    void this.options.client.detach().catch(() => {});
  }

  /** Stop listening and drop the connection (the machine has ended). */
  close(): void {
    const connection = this.connection;
    this.connection = null;
    if (connection !== null) connection.socket.end();
    this.server.close();
  }
}
