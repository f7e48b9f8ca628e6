/**
 * The import and row BullMQ queues and their job catalog (the third, `schedules`, is src/schedule's).
 * - `imports`: one `import` job per file (parse, validate, plan, enqueue rows) and one `finalize` job
 *   per import (write the report once every row has its result).
 * - `rows`: one job per row that needs EnKash; any number of workers on any number of hosts share them.
 * Job ids are derived from the import id and the row number, so every enqueue is idempotent.
 * Job data holds ids and sealed row data only: no secrets, no personal data in clear.
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';

export const QUEUE_NAMES = { imports: 'imports', rows: 'rows' } as const;

export const ImportJobSchema = z.object({ importId: z.string().regex(/^imp-[a-z0-9-]+$/) });

export const RowJobSchema = z.object({
  importId: z.string(),
  row: z.number().int().positive(),
  /** Sealed RowWork (src/sync/row-sync.ts). */
  work: z.string(),
});
export type RowJobData = z.infer<typeof RowJobSchema>;

export const JOB_NAMES = {
  import: 'import',
  finalize: 'finalize',
  row: 'row',
  /** Imports queue: plans a revert of another import (src/sync/revert-job.ts). */
  revert: 'revert',
  /** Rows queue: puts one row of a reverted import back (src/sync/revert-row.ts). */
  revertRow: 'revert-row',
} as const;

/** BullMQ ids must not contain ':' nor be all digits. */
export const jobIds = {
  import: (importId: string) => `${importId}.import`,
  finalize: (importId: string) => `${importId}.finalize`,
  row: (importId: string, row: number) => `${importId}.r${row}`,
};

export type QueueSettings = { prefix: string; attempts: number; retentionSec: number };

export function rowJobOptions(s: QueueSettings, importId: string, row: number): JobsOptions {
  return {
    jobId: jobIds.row(importId, row),
    attempts: s.attempts,
    backoff: { type: 'full-jitter' },
    // Results live in the import's results hash: finished row jobs are only kept for inspection.
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: s.retentionSec },
  };
}

export function importJobOptions(s: QueueSettings, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: 3,
    backoff: { type: 'full-jitter' },
    removeOnComplete: { age: s.retentionSec },
    removeOnFail: { age: s.retentionSec },
  };
}

export type Queues = { imports: Queue; rows: Queue; close(): Promise<void> };

/**
 * `onError`: Redis errors of the queues' connections (Redis restarting, unreachable). ioredis reconnects
 * and BullMQ carries on by itself; without a listener BullMQ prints each error raw on stderr.
 */
export function createQueues(connection: Redis, prefix: string, onError?: (err: Error) => void): Queues {
  const imports = new Queue(QUEUE_NAMES.imports, { connection, prefix });
  // Row jobs are queued by the hundred (src/sync/import-job.ts): on a connection of their own, so the
  // scripts of the rows already running (their start, slots, end) are not answered behind them. (Alone it
  // did not end the stall at an import's start: that was the import queueing 20,000 rows ahead.)
  const bulk = connection.duplicate();
  bulk.on('error', (err) => onError?.(err));
  const rows = new Queue(QUEUE_NAMES.rows, { connection: bulk, prefix });
  for (const queue of [imports, rows]) queue.on('error', (err) => onError?.(err));
  return {
    imports,
    rows,
    async close() {
      // With Redis away BullMQ's close would wait for it (as app.ts does for the shared connection).
      if (bulk.status !== 'ready') bulk.disconnect();
      await Promise.all([imports.close(), rows.close()]);
      bulk.disconnect();
    },
  };
}
