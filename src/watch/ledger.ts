/**
 * The watched folder's memory in Redis (AOF-persisted in production, so it survives restarts and is
 * shared by every watcher on the folder): content hash → the claim importing it, and per-claim locks so
 * that one watcher at a time works on a file in processing/.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { extendOwned, releaseOwned, takeOwned } from '../redis/owned-key.js';

const EntrySchema = z.object({
  claimName: z.string(),
  state: z.enum(['importing', 'done']),
  importId: z.string().optional(),
  at: z.string(),
});
export type LedgerEntry = z.infer<typeof EntrySchema>;

export class WatchLedger {
  private readonly base: string;
  private readonly owner = randomBytes(8).toString('hex');

  constructor(
    private readonly redis: Redis,
    prefix: string,
    folderPath: string,
  ) {
    this.base = `${prefix}:watch:${createHash('sha256').update(folderPath).digest('hex').slice(0, 16)}`;
  }

  private get ledgerKey() {
    return `${this.base}:ledger`;
  }

  /** Reserves `hash` for this claim; the existing entry when the bytes are already someone's. */
  async reserve(hash: string, claimName: string): Promise<LedgerEntry | null> {
    const entry: LedgerEntry = { claimName, state: 'importing', at: new Date().toISOString() };
    if (await this.redis.hsetnx(this.ledgerKey, hash, JSON.stringify(entry))) return null;
    return this.get(hash);
  }

  async get(hash: string): Promise<LedgerEntry | null> {
    const raw = await this.redis.hget(this.ledgerKey, hash);
    if (!raw) return null;
    const parsed = EntrySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  async put(hash: string, entry: LedgerEntry): Promise<void> {
    await this.redis.hset(this.ledgerKey, hash, JSON.stringify(entry));
  }

  /** Forgets `hash` if it is still this claim's (a failed file may be dropped again and retried). */
  async release(hash: string, claimName: string): Promise<void> {
    const entry = await this.get(hash);
    if (entry?.claimName === claimName) await this.redis.hdel(this.ledgerKey, hash);
  }

  /** Forgets `hash` whoever's it was (`customer-sync watch forget`): the same bytes may be imported again. */
  async forget(hash: string): Promise<boolean> {
    return (await this.redis.hdel(this.ledgerKey, hash)) === 1;
  }

  private lockKey(claimName: string) {
    return `${this.base}:lock:${claimName}`;
  }

  async lock(claimName: string, ttlMs: number): Promise<boolean> {
    return takeOwned(this.redis, this.lockKey(claimName), this.owner, ttlMs);
  }

  async extend(claimName: string, ttlMs: number): Promise<boolean> {
    return extendOwned(this.redis, this.lockKey(claimName), this.owner, ttlMs);
  }

  async unlock(claimName: string): Promise<void> {
    await releaseOwned(this.redis, this.lockKey(claimName), this.owner);
  }
}
