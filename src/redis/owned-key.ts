/**
 * A Redis key that one owner holds for a while: every lock and lease of customer-sync (per-customer row
 * locks, the watched folder's claim locks, the token fetch lock, the circuit breaker's probe, an active
 * file's import) takes, extends and releases its key through here, so "only if I still own it" is written
 * once (scripts/includes/releaseOwned.lua, scripts/extendOwned-1.lua).
 */
import type { Redis } from 'ioredis';
import { RedisScript } from './redis-script.js';

const ACQUIRE = RedisScript.load('acquireOwned-1');
const EXTEND = RedisScript.load('extendOwned-1');
const RELEASE = RedisScript.load('releaseOwned-1');

/** SET NX: true when `owner` now holds `key` for `ttlMs`; false when anyone (even `owner`) holds it. */
export async function takeOwned(redis: Redis, key: string, owner: string, ttlMs: number): Promise<boolean> {
  return (await redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK';
}

/** Like {@link takeOwned}, but an owner asking again gets it again (and its TTL restarts). */
export async function acquireOwned(
  redis: Redis,
  key: string,
  owner: string,
  ttlMs: number,
): Promise<boolean> {
  return Number(await ACQUIRE.run(redis, [key], [owner, ttlMs])) === 1;
}

/** Restarts the key's TTL if `owner` still holds it; false when it expired or is someone else's. */
export async function extendOwned(redis: Redis, key: string, owner: string, ttlMs: number): Promise<boolean> {
  return Number(await EXTEND.run(redis, [key], [owner, ttlMs])) === 1;
}

/** Deletes the key if `owner` still holds it; false when it expired or is someone else's. */
export async function releaseOwned(redis: Redis, key: string, owner: string): Promise<boolean> {
  return Number(await RELEASE.run(redis, [key], [owner])) === 1;
}
