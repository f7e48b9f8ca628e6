/**
 * One row job at a time per EnKash customer (match key), across imports, workers and hosts.
 *
 * The owner is one *run* of a row job (job id + BullMQ's per-run token), never the job id alone: when
 * BullMQ re-runs a job it thinks stalled while the first run is in fact alive (Redis was unreachable
 * longer than the job lock, or the process was frozen), the second run must wait for the first instead
 * of creating the same customer beside it.
 *
 * The lock lives `ttlMs` (WORKER_LOCK_MS) and its holder renews it every quarter of that: a crashed
 * worker's locks expire about when BullMQ hands its jobs to another worker. A holder that cannot renew
 * in time (Redis down) loses its lease: {@link Lease.signal} aborts a quarter of the TTL before the lock
 * can expire in Redis, so no EnKash call of the old run is sent once another run could hold the lock.
 */
import type { Redis } from 'ioredis';
import { acquireOwned, extendOwned, releaseOwned } from '../redis/owned-key.js';
import { customerKeys } from './keys.js';

/** The holder could not renew the lock in time: another run may hold it now. */
export class LeaseLostError extends Error {
  constructor() {
    super('the per-customer lock could not be renewed in time (Redis unreachable?); the row is handed back');
    this.name = 'LeaseLostError';
  }
}

export class KeyLock {
  private readonly keys: ReturnType<typeof customerKeys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    readonly ttlMs = 30_000,
  ) {
    this.keys = customerKeys(prefix);
  }

  async acquire(keyHash: string, owner: string): Promise<boolean> {
    return acquireOwned(this.redis, this.keys.lock(keyHash), owner, this.ttlMs);
  }

  /** Renews the lock for another `ttlMs` if `owner` still holds it. */
  async extend(keyHash: string, owner: string): Promise<boolean> {
    return extendOwned(this.redis, this.keys.lock(keyHash), owner, this.ttlMs);
  }

  async release(keyHash: string, owner: string): Promise<void> {
    await releaseOwned(this.redis, this.keys.lock(keyHash), owner);
  }

  /** Takes the lock and keeps renewing it until released; null when another run holds it. */
  async lease(keyHash: string, owner: string): Promise<Lease | null> {
    const askedAt = Date.now();
    if (!(await this.acquire(keyHash, owner))) return null;
    return new Lease(this, keyHash, owner, askedAt);
  }

  /**
   * The lease of a lock another script took for `owner` (src/queue/row-ledger.ts's row start), asked for
   * at `askedAt`: renewed from now on like one {@link lease} took.
   */
  adopt(keyHash: string, owner: string, askedAt: number): Lease {
    return new Lease(this, keyHash, owner, askedAt);
  }
}

export class Lease {
  private readonly controller = new AbortController();
  private readonly renewTimer: NodeJS.Timeout;
  private expiryTimer: NodeJS.Timeout | undefined;
  private renewing = false;
  private released = false;

  constructor(
    private readonly locks: KeyLock,
    private readonly keyHash: string,
    private readonly owner: string,
    /** When the command that took the lock was sent: the lock lives at least ttlMs from then. */
    acquiredAt: number,
  ) {
    this.armExpiry(acquiredAt);
    this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(locks.ttlMs / 4)));
  }

  /** Aborts when the lease is lost: pass it to every EnKash call made under the lock. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get lost(): boolean {
    return this.controller.signal.aborted;
  }

  /** True once released (here, or by a script: {@link releasedElsewhere}). */
  get done(): boolean {
    return this.released;
  }

  /** The lock's holder, for a script that releases it ({@link releasedElsewhere} after). */
  get holder(): string {
    return this.owner;
  }

  async release(): Promise<void> {
    this.releasedElsewhere();
    await this.locks.release(this.keyHash, this.owner);
  }

  /** A script released the lock (src/queue/row-ledger.ts's row finish): stop renewing it. */
  releasedElsewhere(): void {
    this.released = true;
    clearInterval(this.renewTimer);
    clearTimeout(this.expiryTimer);
  }

  private armExpiry(renewedAt: number) {
    clearTimeout(this.expiryTimer);
    // A quarter of the TTL before the lock may expire in Redis: a call sent until then is answered (or
    // aborted) before another run can take the lock and look the customer up.
    const lostAt = renewedAt + this.locks.ttlMs - this.locks.ttlMs / 4;
    this.expiryTimer = setTimeout(() => this.lose(), Math.max(0, lostAt - Date.now()));
  }

  private async renew() {
    if (this.renewing || this.released || this.lost) return;
    this.renewing = true;
    const sentAt = Date.now();
    try {
      if (await this.locks.extend(this.keyHash, this.owner)) {
        if (!this.released && !this.lost) this.armExpiry(sentAt);
      } else this.lose();
    } catch {
      // Redis unreachable: the next tick tries again; the expiry timer decides when it is too late.
    } finally {
      this.renewing = false;
    }
  }

  private lose() {
    clearInterval(this.renewTimer);
    clearTimeout(this.expiryTimer);
    if (!this.released) this.controller.abort(new LeaseLostError());
  }
}
