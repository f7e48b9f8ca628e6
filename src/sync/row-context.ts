/**
 * What one run of a row carries from its job to its calls: the customer's lock, the signals (the job's,
 * the lease's, the cancel's gate) and the count of calls made. Shared by a sync row (row-sync.ts) and a
 * revert row (revert-row.ts).
 */
import { cancelledRowResult } from '../domain/row-results.js';
import type { RowResult, ValidRow } from '../domain/types.js';
import { isNotSent } from '../enkash/errors.js';
import { LinkedSignal } from '../enkash/linked-signal.js';
import { LeaseLostError, type KeyLock, type Lease } from '../queue/key-lock.js';
import type { Known } from '../queue/row-ledger.js';
import { KeyBusyError } from './row-failure.js';

export type RowContext = {
  jobId: string;
  /** This run of the row job (job id + BullMQ's per-run token): the owner of the per-customer lock. */
  runId: string;
  attemptsMade: number;
  signal?: AbortSignal;
  /** Aborts when the row's import is cancelled: calls not yet sent are not sent (CallOptions `gate`). */
  gate?: AbortSignal;
  /**
   * The customer's lock, already taken by the row's start (src/queue/row-ledger.ts), with what the
   * registry knew under it; the caller releases it (with the row's result). Absent: taken here.
   */
  held?: { lease: Lease; known: Known };
};

/** Runs `fn` holding the customer's lock; its signal aborts when the lease is lost. */
export async function withLease<T>(
  deps: { locks: KeyLock },
  keyHash: string,
  ctx: RowContext,
  fn: (ctx: RowContext) => Promise<T>,
): Promise<T> {
  const lease = ctx.held?.lease ?? (await deps.locks.lease(keyHash, ctx.runId));
  if (!lease) throw new KeyBusyError();
  const linked = ctx.signal ? new LinkedSignal([ctx.signal, lease.signal]) : undefined;
  try {
    return await fn({ ...ctx, signal: linked?.signal ?? lease.signal });
  } catch (err) {
    // Whatever failed after the lease was lost (an aborted call), the row is another run's now.
    if (lease.lost && !ctx.signal?.aborted) throw new LeaseLostError();
    throw err;
  } finally {
    linked?.dispose();
    if (!ctx.held) await lease.release();
  }
}

/** The calls a row made, by operation; `writes`: how many of them were writes (begun). */
export class Calls {
  readonly counts: Record<string, number> = {};
  writes = 0;
  add(op: string, write = false) {
    this.counts[op] = (this.counts[op] ?? 0) + 1;
    if (write) this.writes += 1;
  }
  /** A counted call its gate stopped: it was not made. */
  unsent(op: string) {
    if (this.counts[op]) this.counts[op] -= 1;
  }
}

/** The next call's options: the cancel gate applies until the row's first write has been sent. */
export function callOptions(ctx: { signal?: AbortSignal; gate?: AbortSignal }, calls?: Calls) {
  const gate = calls && calls.writes > 0 ? undefined : ctx.gate;
  return { signal: ctx.signal, ...(gate ? { gate } : {}) };
}

/**
 * Runs a row's calls, counted in a fresh {@link Calls}; when the cancel's gate stopped one before the
 * row's first write was sent, the row ends with the skipped-by-cancel result cancel-rows gives the rows
 * it takes out of the queue (a resume sends it again).
 */
export async function stoppedByCancel<T extends { result: RowResult; calls: Record<string, number> }>(
  row: ValidRow,
  run: (calls: Calls) => Promise<T>,
): Promise<T | { result: RowResult; calls: Record<string, number> }> {
  const calls = new Calls();
  try {
    return await run(calls);
  } catch (err) {
    if (!isNotSent(err)) throw err;
    calls.unsent(err.operation);
    return { result: cancelledRowResult(row), calls: calls.counts };
  }
}
