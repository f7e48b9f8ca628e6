/**
 * Real Redis for tests, isolated by a random key prefix and cleaned up after. Tests never assume an
 * empty Redis.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** A fresh hash-tagged prefix, e.g. `{cs-test-3f9a0c1d}`. */
export function randomPrefix(): string {
  return `{cs-test-${randomBytes(4).toString('hex')}}`;
}

/** A client of the shared test Redis, or of `url` (a scenario's own redis-server). */
export function testRedis(url = TEST_REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** Deletes every key under `prefix` (SCAN, never KEYS). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  const stream = redis.scanStream({ match: `${prefix}*`, count: 500 });
  for await (const keys of stream as AsyncIterable<string[]>) {
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  }
  return deleted;
}
