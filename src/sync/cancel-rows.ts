/**
 * A cancel takes the import's row jobs still waiting in the rows queue out of it at once, and reports
 * those rows `skipped`. Leaving them queued (each job would find the cancel and skip its row) costs a
 * job start each, and the rows worker's limiter paces job starts at twice the rate ceiling: 946 queued
 * rows at a 10/s ceiling took 47 s to drain while no call was made. Only the rows already in a worker's
 * hands (at most the workers' concurrency) still reach EnKash; they record their own outcome.
 */
import type { Job } from 'bullmq';
import { cancelledRowResult } from '../domain/row-results.js';
import type { RowResult, ValidRow } from '../domain/types.js';
import type { ImportStore } from '../queue/import-store.js';
import {
  JOB_NAMES,
  RowJobSchema,
  importJobOptions,
  jobIds,
  type QueueSettings,
  type Queues,
} from '../queue/queues.js';
import type { Sealer } from '../queue/sealer.js';

/** Job states a row job waits in before a worker takes it (active jobs are locked and stay). */
const WAITING_STATES = ['waiting', 'prioritized', 'delayed'] as const;

export type CancelDeps = {
  queues: Pick<Queues, 'rows' | 'imports'>;
  store: ImportStore;
  sealer: Sealer;
  settings: QueueSettings;
};

/**
 * Removes the import's waiting row jobs and records their rows `skipped`; enqueues the finalize job when
 * that completes the import. Returns how many rows were taken out. Safe to run more than once and
 * concurrently: a job is reported only by whoever removed it.
 */
export async function dropQueuedRows(deps: CancelDeps, importId: string): Promise<number> {
  const prefix = jobIds.row(importId, 0).slice(0, -1);
  const ids = (await deps.queues.rows.getRanges([...WAITING_STATES], 0, -1)).filter((id) =>
    id.startsWith(prefix),
  );
  const results: RowResult[] = [];
  for (let i = 0; i < ids.length; i += 200) {
    const slice = await Promise.all(ids.slice(i, i + 200).map((id) => takeOut(deps, id)));
    for (const r of slice) if (r) results.push(r);
  }
  if (results.length === 0) return 0;
  results.sort((a, b) => a.row - b.row);
  const { complete } = await deps.store.recordResults(importId, results);
  if (complete) {
    await deps.queues.imports.add(
      JOB_NAMES.finalize,
      { importId },
      importJobOptions(deps.settings, jobIds.finalize(importId)),
    );
  }
  return results.length;
}

/** The job's skipped result when this call removed it; null when a worker holds it or it is gone. */
async function takeOut(deps: CancelDeps, id: string): Promise<RowResult | null> {
  const job = await deps.queues.rows.getJob(id);
  if (!job || !RowJobSchema.safeParse(job.data).success) return null;
  const result = cancelledResult(job, deps.sealer);
  return (await deps.queues.rows.remove(id)) === 1 ? result : null;
}

/** The line of a row whose job was taken out unsent (a sync row's work and a revert row's both name it). */
function cancelledResult(job: Job, sealer: Sealer): RowResult {
  const { work } = RowJobSchema.parse(job.data);
  return cancelledRowResult(sealer.open<{ row: ValidRow }>(work).row);
}
