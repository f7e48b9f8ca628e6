/**
 * "One at a time per thing": an owned key names the import under way for it (the same bytes with the
 * same options, a revert of the same import). Claiming it while that import is under way answers that
 * import instead; once it is over, the key is taken over.
 */
import type { Redis } from 'ioredis';
import { isTerminal } from '../domain/import-lifecycle.js';
import type { ImportStore } from '../queue/import-store.js';
import { releaseOwned, takeOwned } from '../redis/owned-key.js';

/** null: `id` holds the key now; otherwise the id of the import under way that holds it. */
export async function claimOnce(
  redis: Redis,
  store: Pick<ImportStore, 'state'>,
  key: string,
  id: string,
  ttlMs: number,
): Promise<string | null> {
  for (let tries = 0; tries < 3; tries++) {
    if (await takeOwned(redis, key, id, ttlMs)) return null;
    const other = await redis.get(key);
    const state = other ? await store.state(other) : null;
    if (other && state && !isTerminal(state)) return other;
    // The other import is over (or gone): the key may be taken again.
    if (other) await releaseOwned(redis, key, other);
  }
  throw new Error('could not claim the import (too much contention)');
}
