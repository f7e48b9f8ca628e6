/**
 * What each job's runs left behind, in one Redis hash per job: the last run (time, outcome, import,
 * rows, reason), the last successful run's row count (the minRowsShare baseline), the source file's
 * mtime (to tell a new export from the old one) and a held file awaiting approval.
 */
import type { Redis } from 'ioredis';

export const RUN_OUTCOMES = ['imported', 'awaiting-approval', 'failed', 'skipped'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export type RunRecord = {
  lastRunAt?: string;
  outcome?: RunOutcome;
  importId?: string;
  dryRunId?: string;
  rows?: number;
  reason?: string;
  sourceMtimeMs?: number;
  lastSuccessAt?: string;
  lastSuccessRows?: number;
  heldFile?: string;
  heldName?: string;
  heldSourceMtimeMs?: number;
  /** An import held for review (its reading in doubt): approving the run approves it. */
  heldImportId?: string;
};

const NUMBERS = new Set(['rows', 'sourceMtimeMs', 'lastSuccessRows', 'heldSourceMtimeMs']);

export class RunStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(job: string) {
    return `${this.prefix}:schedule:job:${job}`;
  }

  async get(job: string): Promise<RunRecord> {
    const h = await this.redis.hgetall(this.key(job));
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(h)) out[k] = NUMBERS.has(k) ? Number(v) : v;
    return out as RunRecord;
  }

  /** Records a run; fields set to undefined are removed (a new run clears the last one's reason). */
  async record(job: string, fields: Partial<Record<keyof RunRecord, string | number | undefined>>) {
    const set: Record<string, string | number> = {};
    const del: string[] = [];
    for (const [k, v] of Object.entries(fields))
      if (v === undefined) del.push(k);
      else set[k] = v;
    const m = this.redis.multi();
    if (Object.keys(set).length > 0) m.hset(this.key(job), set);
    if (del.length > 0) m.hdel(this.key(job), ...del);
    await m.exec();
  }

  /** One run of a job at a time, whichever process the scheduler handed it to. */
  async tryLock(job: string, ttlMs: number): Promise<boolean> {
    return (
      (await this.redis.set(`${this.key(job)}:running`, String(process.pid), 'PX', ttlMs, 'NX')) === 'OK'
    );
  }

  async unlock(job: string): Promise<void> {
    await this.redis.del(`${this.key(job)}:running`);
  }
}
