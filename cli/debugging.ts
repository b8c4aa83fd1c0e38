// What `gate86 run`, `gate86 boot` and `gate86 machine` share for watching a machine: the gdb stub
// (--gdb [HOST:]PORT; machine's -s/-S), the step view (--step) and the trace options (--trace,
// --trace-json). The machine runs in its worker; the debugger lives here, on the main thread.

import { UsageError } from './usage.ts';
import { DebugClient } from '../vm/debug/client.ts';
import { GdbServer, parseListenAddress } from '../vm/debug/gdb/server.ts';
import type { WorkerHost } from '../vm/worker/host.ts';

/** QEMU's -s: gdb on TCP port 1234. */
export const QEMU_GDB_PORT = 1234;

export interface DebugChoice {
  gdb: { host: string; port: number } | null;
  step: boolean;
}

export function parseGdbAddress(text: string): { host: string; port: number } {
  const address = parseListenAddress(text);
  if (address === null) throw new UsageError(`--gdb wants [HOST:]PORT, not '${text}'`);
  return address;
}

/** The trace kinds a command takes, checked. */
export function parseTraceKinds(text: string, known: readonly string[]): Set<string> {
  const kinds = new Set<string>();
  for (const kind of text.split(',')) {
    if (!known.includes(kind)) throw new UsageError(`unknown trace kind '${kind}' (known: ${known.join(', ')})`);
    kinds.add(kind);
  }
  return kinds;
}

/** A debug client for a machine about to start, when the user asked for a debugger. */
export function debugClientFor(choice: DebugChoice): DebugClient | null {
  return choice.gdb !== null || choice.step ? new DebugClient() : null;
}

/**
 * Start the gdb server for a machine whose worker was started with `client` (stopped before its first
 * instruction when `wait`). Resolves once it listens; a port that cannot be had is an error message.
 */
export async function serveGdb(client: DebugClient, host: WorkerHost, address: { host: string; port: number }, command: string, waiting: boolean): Promise<GdbServer | string> {
  const server = new GdbServer({
    client, host: address.host, port: address.port,
    kill: () => { void host.terminate(); },
    note: (line) => process.stderr.write(`gate86 ${command}: ${line}\n`),
  });
  try {
    const port = await server.listening;
    const where = `${address.host}:${port}`;
    process.stderr.write(`gate86 ${command}: gdb stub on ${where}${waiting ? ', waiting for gdb before the first instruction' : ''} (gdb: target remote ${where})\n`);
    return server;
  } catch (error) {
    void host.terminate();
    return `cannot listen on ${address.host}:${address.port} for gdb: ${(error as Error).message}`;
  }
}
