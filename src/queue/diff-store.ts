/**
 * Per import, what each row job wrote in EnKash (src/domain/row-diff.ts): a hash row → sealed RowDiff,
 * kept as long as the import's state (JOB_RETENTION_SEC after it ends; src/queue/import-store.ts expires
 * it with the results). Before/after values are personal data: sealed like row results.
 */
import type { Redis } from 'ioredis';
import type { RowDiff } from '../domain/row-diff.js';
import { importKeys } from './keys.js';
import type { Sealer } from './sealer.js';

export class DiffStore {
  private readonly keys: ReturnType<typeof importKeys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly sealer: Sealer,
  ) {
    this.keys = importKeys(prefix);
  }

  /** First write wins, like the row's result: a row job that runs twice keeps what its first run wrote. */
  async record(importId: string, diff: RowDiff): Promise<void> {
    await this.redis.hsetnx(this.keys.diffs(importId), String(diff.row), this.sealer.seal(diff));
  }

  /** The records of these rows, in their order; undefined where none was kept. */
  async getMany(importId: string, rows: readonly number[]): Promise<(RowDiff | undefined)[]> {
    if (rows.length === 0) return [];
    const values = await this.redis.hmget(this.keys.diffs(importId), ...rows.map(String));
    return values.map((v) => (v === null ? undefined : this.sealer.open<RowDiff>(v)));
  }
}
