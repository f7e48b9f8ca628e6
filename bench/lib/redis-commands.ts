/**
 * Counts the Redis commands one engine sends, by watching MONITOR on the shared Redis and keeping only the
 * commands that name its private key prefix (every command of ours and of BullMQ names a key). Commands a
 * Lua script runs are counted apart from the ones a client sent: the first are work inside Redis, the
 * second are what each process pays a round trip (or a pipeline slot) for. Independent of machine load,
 * unlike rows/s. MONITOR slows Redis: a counted run's wall time is not a figure.
 */
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from '../../test/helpers/redis.js';

export type CommandCounts = {
  /** Sent by a client (a pipeline's or MULTI's commands each count). */
  sent: number;
  /** Run by a Lua script. */
  inScripts: number;
  /** Sent by a client, by command name (EVALSHA as `evalsha`). */
  byName: Record<string, number>;
};

export type CommandCounter = { stop(): Promise<CommandCounts> };

export async function countCommands(prefix: string): Promise<CommandCounter> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const counts: CommandCounts = { sent: 0, inScripts: 0, byName: {} };
  const monitor = await redis.monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (!args.some((a) => a.includes(prefix))) return;
    if (source === 'lua') {
      counts.inScripts += 1;
      return;
    }
    let name = (args[0] ?? '').toLowerCase();
    // A script by its first key's first two parts, ids left out (`enkash:rate`, `rows:wait`, `lock:*`).
    if (name === 'evalsha' || name === 'eval') {
      const parts = (args[3] ?? '').replace(prefix, '').split(':').filter(Boolean).slice(0, 2);
      const key = parts.map((p) => (p.length > 12 || /\d{4}/.test(p) ? '*' : p)).join(':');
      name = `${name} ${(args[1] ?? '').slice(0, 6)} ${key}`;
    }
    counts.sent += 1;
    counts.byName[name] = (counts.byName[name] ?? 0) + 1;
  });
  return {
    async stop() {
      monitor.disconnect();
      redis.disconnect();
      return counts;
    },
  };
}
