/**
 * Our Redis scripts, as files in `scripts/` (BullMQ's layout: `name-<key count>.lua`, a KEYS/ARGV/output
 * header, shared pieces in `scripts/includes/` pulled in by a `--- @include "includes/<name>"` line).
 *
 * Each script is read from disk once per process, on first use, and run by SHA (EVALSHA); only when Redis
 * does not know it (first call after a Redis restart or SCRIPT FLUSH: NOSCRIPT) is the body sent, which
 * also loads it for every later call. The `.lua` files are found next to this module, in `src/redis/` under
 * tsx and in `dist/redis/` once built (`npm run build` copies them).
 *
 * A script's command is written with the connection corked until the event loop's next check phase
 * (setImmediate): the commands a process issues in one turn of its event loop, across all the I/O
 * callbacks of that turn (a thousand rows a second issue several thousand), leave in one system call. On
 * loopback each write costs the writer the receiving side's work too: uncorked, those writes were a tenth
 * of a worker's CPU (bench/sync `unlimited-worker`). Corked only to the end of the current callback
 * (process.nextTick), each EnKash answer's callback wrote on its own: the worker's write system calls
 * (one a row is its HTTP request) were 3.0 a row, 2.0-2.3 corked to the check phase.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const SCRIPTS_DIR = new URL('./scripts/', import.meta.url);
const INCLUDE = /^--- @include "([\w/-]+)"$/gm;

export class RedisScript {
  private static readonly loaded = new Map<string, RedisScript>();

  private constructor(
    readonly name: string,
    readonly keyCount: number,
    readonly source: string,
    readonly sha: string,
  ) {}

  /** The script `scripts/<name>.lua`, e.g. `extendOwned-1`; read once, then shared. */
  static load(name: string): RedisScript {
    let script = RedisScript.loaded.get(name);
    if (!script) {
      const keyCount = Number(/-(\d+)$/.exec(name)?.[1]);
      if (!Number.isInteger(keyCount)) throw new Error(`Redis script ${name}: no key count in its name`);
      const source = expand(name, new Set());
      script = new RedisScript(name, keyCount, source, createHash('sha1').update(source).digest('hex'));
      RedisScript.loaded.set(name, script);
    }
    return script;
  }

  async run(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    if (keys.length !== this.keyCount) {
      throw new Error(`Redis script ${this.name} takes ${this.keyCount} keys, was given ${keys.length}`);
    }
    corkForThisTurn(redis);
    try {
      return await redis.evalsha(this.sha, this.keyCount, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, this.keyCount, ...keys, ...args);
    }
  }
}

/** The file's text with every include replaced by the included file's (each included once). */
function expand(name: string, seen: Set<string>): string {
  const text = readFileSync(new URL(`${name}.lua`, SCRIPTS_DIR), 'utf8');
  return text.replace(INCLUDE, (_line, include: string) => {
    if (seen.has(include)) return '';
    seen.add(include);
    return expand(include, seen).trimEnd();
  });
}

/** The connections whose socket is corked until the next check phase. */
const corked = new Set<Redis['stream']>();

/**
 * Holds the connection's writes until the event loop's check phase, after every I/O callback of this turn
 * has run, then lets them go together (any command issued meanwhile, BullMQ's too, waits at most that
 * long: the rest of this turn's callbacks).
 */
function corkForThisTurn(redis: Redis) {
  const { stream } = redis;
  if (!stream || corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  setImmediate(() => {
    corked.delete(stream);
    stream.uncork();
  });
}
