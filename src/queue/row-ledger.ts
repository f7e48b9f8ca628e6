/**
 * What a row job reads at its start and writes at its end, one Redis round trip each (a script apiece),
 * instead of one command per fact: the per-row Redis round trips were what bounded one process
 * (bench/sync `unlimited`).
 *
 * - {@link RowLedger.start}: the row already has its result? the import is being cancelled? If neither,
 *   the customer's lock (src/queue/key-lock.ts) and, read under it, the registry's entry and the
 *   "create in flight" marker (src/queue/customer-registry.ts); for a row that expects to create its
 *   customer, the marker set when the registry knows nothing of it (the create then sets none itself).
 * - {@link RowLedger.finish}: the row's diff for a revert, its result (first write wins), its call counts,
 *   the registry's new entry (clearing the "create in flight" marker: a created customer is remembered
 *   here, not in a step of its own) and the lock's release, all in one script: a crash leaves all or none.
 *
 * Nothing is held back in memory between rows: what is acknowledged to BullMQ is already in Redis, so a
 * kill -9 loses nothing the engine has counted as done.
 */
import type { Redis } from 'ioredis';
import type { RowDiff } from '../domain/row-diff.js';
import type { RowResult } from '../domain/types.js';
import { RedisScript } from '../redis/redis-script.js';
import { CREATING_TTL_SEC, formatEntry, parseEntry, type RegistryEntry } from './customer-registry.js';
import type { KeyLock, Lease } from './key-lock.js';
import { customerKeys, importKeys } from './keys.js';
import type { Sealer } from './sealer.js';

// What each script does, its keys and arguments: the header of src/redis/scripts/<name>.lua.
const START = RedisScript.load('rowStart-5');
const FINISH = RedisScript.load('rowFinish-6');

/**
 * What the registry knew of the customer when the lock was taken; `marked`: the start set the creating
 * marker (it was not there: `creating` is false).
 */
export type Known = { entry: RegistryEntry | null; creating: boolean; marked?: boolean };

export type RowStart =
  { state: 'done' | 'cancelled' | 'busy' } | { state: 'locked'; lease: Lease; known: Known };

export type RowEnd = {
  result: RowResult;
  calls: Record<string, number>;
  diff?: RowDiff;
  /** The customer's entry to remember, written with the result. */
  remember?: RegistryEntry;
  /** The row's customer and the lease to release (absent: no lock held, nothing remembered). */
  keyHash?: string;
  lease?: Lease;
  /** Clear the creating marker although nothing is remembered (its start set it; no create was sent). */
  unmark?: boolean;
};

export class RowLedger {
  private readonly imports: ReturnType<typeof importKeys>;
  private readonly customers: ReturnType<typeof customerKeys>;

  constructor(
    private readonly deps: {
      redis: Redis;
      prefix: string;
      /** The account's namespace (src/queue/keys.ts accountNamespace), as the registry and locks use. */
      namespace: string;
      sealer: Sealer;
      locks: KeyLock;
      /** The registry's entry time to live, s. */
      entryTtlSec: number;
    },
  ) {
    this.imports = importKeys(deps.prefix);
    this.customers = customerKeys(deps.namespace);
  }

  /** `mark`: the row expects to create its customer (see Known's `marked`). */
  async start(
    importId: string,
    row: number,
    keyHash: string,
    owner: string,
    mark = false,
  ): Promise<RowStart> {
    const askedAt = Date.now();
    const keys = [
      this.imports.results(importId),
      this.imports.meta(importId),
      this.customers.lock(keyHash),
      this.customers.fingerprint(keyHash),
      this.customers.creating(keyHash),
    ];
    const args = [row, owner, this.deps.locks.ttlMs, mark ? '1' : '0', CREATING_TTL_SEC];
    const answer = (await START.run(this.deps.redis, keys, args)) as [string, string | null, number, number];
    const [state, entry, creating, marked] = answer;
    if (state !== 'locked') return { state: state as 'done' | 'cancelled' | 'busy' };
    const lease = this.deps.locks.adopt(keyHash, owner, askedAt);
    const known = { entry: parseEntry(entry), creating: creating === 1, marked: marked === 1 };
    return { state, lease, known };
  }

  /** Records the row's end; `complete` is true when every row read has its result. */
  async finish(importId: string, end: RowEnd): Promise<{ added: boolean; complete: boolean }> {
    const { result, lease, remember, keyHash = '' } = end;
    const owner = lease && !lease.done ? lease.holder : '';
    const args: (string | number)[] = [
      result.row,
      this.deps.sealer.seal(result),
      result.outcome,
      end.diff ? this.deps.sealer.seal(end.diff) : '',
      remember && keyHash ? formatEntry(remember) : '',
      this.deps.entryTtlSec,
      owner,
      end.unmark ? '1' : '0',
    ];
    for (const [op, n] of Object.entries(end.calls)) if (n !== 0) args.push(`calls:${op}`, n);
    const keys = [
      this.imports.meta(importId),
      this.imports.results(importId),
      this.imports.diffs(importId),
      this.customers.fingerprint(keyHash),
      this.customers.lock(keyHash),
      this.customers.creating(keyHash),
    ];
    const [added, , complete] = (await FINISH.run(this.deps.redis, keys, args)) as [number, number, number];
    if (owner) lease?.releasedElsewhere();
    return { added: added === 1, complete: complete === 1 };
  }
}
