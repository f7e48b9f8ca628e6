/**
 * Counts the Redis commands one engine sends, by watching MONITOR on the shared Redis and keeping only the
 * commands that name its private key prefix (every command of ours and of BullMQ names a key). Commands a
 * Lua script runs are counted apart from the ones a client sent: the first are work inside Redis, the
 * second are what each process pays a round trip (or a pipeline slot) for. Independent of machine load,
 * unlike rows/s. MONITOR slows Redis: a counted run's wall time is not a figure.
 *
 * MONITOR is read from a plain socket, line by line (`+<time> [<db> <client>|lua] "cmd" "arg" …`): a
 * client library's monitor mode mistook another client's HELLO for a reply of its own and threw.
 */
import { connect } from 'node:net';

export type CommandCounts = {
  /** Sent by a client (a pipeline's or MULTI's commands each count). */
  sent: number;
  /** Run by a Lua script. */
  inScripts: number;
  /** Sent by a client, by command name (a script by its SHA's first characters). */
  byName: Record<string, number>;
};

export type CommandCounter = { stop(): Promise<CommandCounts> };

export async function countCommands(prefix: string, port = 6379): Promise<CommandCounter> {
  const counts: CommandCounts = { sent: 0, inScripts: 0, byName: {} };
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  let pending = '';
  const onLine = (line: string) => {
    if (!line.startsWith('+') || !line.includes(prefix)) return;
    const source = /\[\d+ ([^\]]+)\]/.exec(line)?.[1];
    if (source === 'lua') {
      counts.inScripts += 1;
      return;
    }
    const words = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');
    let name = (words[0] ?? '').toLowerCase();
    if (name === 'multi' || name === 'exec') return;
    if (name === 'evalsha') name = `evalsha ${(words[1] ?? '').slice(0, 6)}`;
    counts.sent += 1;
    counts.byName[name] = (counts.byName[name] ?? 0) + 1;
  };
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    const lines = pending.split('\r\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  socket.write('MONITOR\r\n');
  // MONITOR answers +OK before the first command it shows.
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  return {
    async stop() {
      socket.destroy();
      return counts;
    },
  };
}
