/**
 * What customer-sync knows of each EnKash customer it has touched, per account and match key (hashed):
 * the customerId, the fingerprint of what it last sent, and a "create in flight" marker.
 *
 * - The fingerprint lets an unchanged re-run make no calls at all.
 * - The customerId lets a row find its customer without a search, even when a concurrent import created
 *   it after this import's snapshot was taken.
 * - The marker is set before every create and cleared after: a row that finds it (its earlier attempt
 *   died mid-create) looks the customer up before creating, so a retry never makes a second customer.
 */
import type { Redis } from 'ioredis';
import { customerKeys } from './keys.js';

export type RegistryEntry = { customerId: string; fingerprint: string };

/** How long a "create in flight" marker lives, s (also set by src/queue/row-ledger.ts's row start). */
export const CREATING_TTL_SEC = 7 * 24 * 3600;

export class CustomerRegistry {
  private readonly keys: ReturnType<typeof customerKeys>;

  constructor(
    private readonly redis: Redis,
    /** `${prefix}:acct:${accountId}` */
    private readonly namespace: string,
    private readonly ttlSec: number,
  ) {
    this.keys = customerKeys(namespace);
  }

  async get(keyHash: string): Promise<RegistryEntry | null> {
    return parseEntry(await this.redis.get(this.keys.fingerprint(keyHash)));
  }

  async getMany(keyHashes: string[]): Promise<(RegistryEntry | null)[]> {
    if (keyHashes.length === 0) return [];
    const values = await this.redis.mget(...keyHashes.map((k) => this.keys.fingerprint(k)));
    return values.map(parseEntry);
  }

  async put(keyHash: string, entry: RegistryEntry): Promise<void> {
    await this.redis.set(this.keys.fingerprint(keyHash), formatEntry(entry), 'EX', this.ttlSec);
  }

  async putMany(entries: (RegistryEntry & { keyHash: string })[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const e of entries)
      pipeline.set(this.keys.fingerprint(e.keyHash), formatEntry(e), 'EX', this.ttlSec);
    await pipeline.exec();
  }

  async forget(keyHash: string): Promise<void> {
    await this.redis.del(this.keys.fingerprint(keyHash));
  }

  async markCreating(keyHash: string): Promise<void> {
    await this.redis.set(this.keys.creating(keyHash), '1', 'EX', CREATING_TTL_SEC);
  }

  async isCreating(keyHash: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.creating(keyHash))) === 1;
  }

  /**
   * A create committed: remember the customer and clear the marker in one step, so that at every moment
   * one of the two tells a later run the customer exists (even a run that got the lock because this one
   * lost it). Instead of a fingerprint, the row job that created it ({@link createdBy}): the row's other
   * writes (a deactivate) may still be to come, and a re-run of that job after a crash reports the row
   * `created`, not `unchanged`. The fingerprint is put once the row's result is recorded.
   */
  async created(keyHash: string, customerId: string, jobId: string): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.fingerprint(keyHash), `${customerId}|${createdBy(jobId)}`, 'EX', this.ttlSec)
      .del(this.keys.creating(keyHash))
      .exec();
  }

  async clearCreating(keyHash: string): Promise<void> {
    await this.redis.del(this.keys.creating(keyHash));
  }
}

/** The fingerprint slot of a customer that row job `jobId` created and whose result is not yet recorded. */
export function createdBy(jobId: string): string {
  return `created-by:${jobId}`;
}

/** An entry as Redis holds it (also written by src/queue/row-ledger.ts's script). */
export function formatEntry(entry: RegistryEntry): string {
  return `${entry.customerId}|${entry.fingerprint}`;
}

export function parseEntry(value: string | null): RegistryEntry | null {
  if (!value) return null;
  const bar = value.indexOf('|');
  return { customerId: value.slice(0, bar), fingerprint: value.slice(bar + 1) };
}
