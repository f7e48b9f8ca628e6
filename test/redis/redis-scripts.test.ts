import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { acquireOwned, extendOwned, releaseOwned, takeOwned } from '../../src/redis/owned-key.js';
import { RedisScript } from '../../src/redis/redis-script.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';

const SCRIPTS = new URL('../../src/redis/scripts/', import.meta.url);
const scriptNames = readdirSync(SCRIPTS)
  .filter((f) => f.endsWith('.lua'))
  .map((f) => f.slice(0, -'.lua'.length));

let redis: Redis;
const prefix = randomPrefix();
beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('Redis scripts as files', () => {
  it.each(scriptNames)('%s has a KEYS/ARGV/output header and compiles in Redis', async (name) => {
    const script = RedisScript.load(name);
    expect(script.source).toMatch(/^--\[\[\n[\s\S]*Input:[\s\S]*Output:[\s\S]*\]\]/);
    expect(script.source).not.toContain('@include');
    const keysNamed = new Set(script.source.match(/KEYS\[\d+\]/g));
    expect(keysNamed.size).toBe(script.keyCount);
    // SCRIPT LOAD compiles without running: a syntax error in a file fails here, not in production.
    expect(await redis.script('LOAD', script.source)).toBe(script.sha);
  });

  it('pulls each include in once, and refuses a call with the wrong number of keys', async () => {
    const failure = RedisScript.load('breakerFailure-2');
    expect(failure.source.match(/local function releaseOwned/g)).toHaveLength(1);
    expect(failure.source.match(/redis\.call\('TIME'\)/g)).toHaveLength(1);
    await expect(RedisScript.load('releaseOwned-1').run(redis, [], ['x'])).rejects.toThrow(/takes 1 keys/);
  });

  it('no TypeScript file in src carries Lua of its own', () => {
    const offenders: string[] = [];
    const walk = (dir: URL) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
        if (entry.isDirectory()) walk(url);
        else if (entry.name.endsWith('.ts') && readFileSync(url, 'utf8').includes('redis.call(')) {
          offenders.push(entry.name);
        }
      }
    };
    walk(new URL('../../src/', import.meta.url));
    expect(offenders).toEqual([]);
  });
});

describe('owned keys', () => {
  it('only the owner extends or releases; a newcomer is never deleted by a late owner', async () => {
    const key = `${prefix}:owned:a`;
    expect(await takeOwned(redis, key, 'run-1', 10_000)).toBe(true);
    expect(await takeOwned(redis, key, 'run-1', 10_000)).toBe(false);
    expect(await extendOwned(redis, key, 'run-2', 60_000)).toBe(false);
    expect(await extendOwned(redis, key, 'run-1', 60_000)).toBe(true);
    expect(await redis.pttl(key)).toBeGreaterThan(10_000);
    expect(await releaseOwned(redis, key, 'run-2')).toBe(false);
    expect(await redis.get(key)).toBe('run-1');
    expect(await releaseOwned(redis, key, 'run-1')).toBe(true);
    expect(await redis.exists(key)).toBe(0);
    expect(await releaseOwned(redis, key, 'run-1')).toBe(false);
  });

  it('acquireOwned is re-entrant for its owner and refuses anyone else', async () => {
    const key = `${prefix}:owned:b`;
    expect(await acquireOwned(redis, key, 'run-1', 10_000)).toBe(true);
    expect(await acquireOwned(redis, key, 'run-1', 20_000)).toBe(true);
    expect(await redis.pttl(key)).toBeGreaterThan(10_000);
    expect(await acquireOwned(redis, key, 'run-2', 10_000)).toBe(false);
    expect(await redis.get(key)).toBe('run-1');
  });
});
