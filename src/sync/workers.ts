/**
 * The BullMQ workers of one process: an `imports` worker (import and finalize jobs) and a `rows` worker
 * (one EnKash customer per job). What a failed attempt leads to is decided by one place, the row-error
 * policy (row-error-policy.ts); a 429 pauses
 * the whole rows queue for every worker until Retry-After without using up the row's attempts, and so
 * does the circuit breaker while EnKash is down (until its next probe).
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RowResult } from '../domain/types.js';
import { isTerminal } from '../domain/import-lifecycle.js';
import { cancelledRowResult } from '../domain/row-results.js';
import type { ImportStore } from '../queue/import-store.js';
import type { KeyLock } from '../queue/key-lock.js';
import type { RowLedger, RowStart } from '../queue/row-ledger.js';
import { JOB_NAMES, QUEUE_NAMES, ImportJobSchema, RowJobSchema, jobIds } from '../queue/queues.js';
import type { CancelWatch } from './cancel-watch.js';
import { enqueueFinalize, runImportJob } from './import-job.js';
import { runRevertJob, type RevertDeps } from './revert-job.js';
import { revertRow, type RevertWork } from './revert-row.js';
import { runFinalizeJob } from './finalize-job.js';
import { KeyBusyError, failedResult, syncRow, type RowSyncOutput, type RowWork } from './row-sync.js';
import { asksBreaker, bullmqFailureIsFinal, decideOnError, type ErrorDecision } from './row-error-policy.js';
import { backoffDelayMs } from '../enkash/errors.js';
import { isRedisConnectionError } from '../queue/redis-connection.js';

export type EngineDeps = RevertDeps & {
  store: ImportStore;
  locks: KeyLock;
  /** A row job's start and end, one round trip each (src/queue/row-ledger.ts). */
  ledger: RowLedger;
  /** This process's watch on the cancel of the imports it has rows of in hand (absent: none). */
  cancelWatch?: CancelWatch;
  connection: Redis;
  /** The rate ceiling (null: none, the adaptive rate finds it). */
  ratePerSec: number | null;
  concurrency: number;
  rateLimitedMaxRetries: number;
  lockMs: number;
  /** REPORT_TIMEZONE: the zone reports show their times in. */
  reportTimezone?: string;
};

export type Workers = { close(timeoutMs: number): Promise<{ timedOut: boolean }> };

export function startWorkers(deps: EngineDeps): Workers {
  const settings = {
    backoffStrategy: (attemptsMade: number) =>
      backoffDelayMs(attemptsMade, deps.retry.baseMs, deps.retry.maxMs, Math.random),
  };
  const common = {
    connection: deps.connection,
    prefix: deps.settings.prefix,
    settings,
    maxStalledCount: 5,
    lockDuration: deps.lockMs,
    stalledInterval: deps.lockMs,
  };

  const rows: Worker = new Worker(
    QUEUE_NAMES.rows,
    (job, token, signal) => processRow(deps, rows, job, token, signal),
    {
      ...common,
      concurrency: deps.concurrency,
      // Counts job starts, not HTTP calls: the client's shared limiter paces the calls exactly. This one
      // is required for worker.rateLimit() (a 429 pauses the queue) and keeps job starts near the budget;
      // at exactly R its fixed window left the HTTP budget idle (bench/sync (a): 0.67 R → 0.74 R at 2 R).
      // Without a ceiling the client's adaptive rate is the only pace: job starts are not held back.
      limiter: { max: Math.max(1, Math.ceil((deps.ratePerSec ?? 5000) * 2)), duration: 1000 },
    },
  );
  rows.on('failed', (job, err) => {
    if (job) void recordUnexpectedFailure(deps, job, err);
  });

  const imports = new Worker(
    QUEUE_NAMES.imports,
    async (job, token, signal) => {
      const { importId } = ImportJobSchema.parse(job.data);
      try {
        if (job.name === JOB_NAMES.finalize) await runFinalizeJob(deps, importId);
        else if (job.name === JOB_NAMES.revert) await runRevertJob(deps, importId);
        else await runImportJob(deps, importId, signal);
      } catch (err) {
        if (signal?.aborted) await handBack(job, token);
        throw err;
      }
      if (signal?.aborted) await handBack(job, token);
    },
    { ...common, concurrency: 2 },
  );
  imports.on('failed', (job, err) => {
    if (job) void recordImportFailure(deps, job, err);
  });
  for (const w of [rows, imports]) {
    w.on('error', (err) => {
      if (isRedisConnectionError(err)) return; // said once per interval by openRedis
      deps.logger.error({ event: 'worker_error', err: err.message }, 'worker error');
    });
  }

  return {
    async close(timeoutMs) {
      // Stop taking work and let in-flight rows finish. Past the timeout, abort them: each hands its job
      // back to the queue (see handBack) for another worker, without using up an attempt.
      const closing = Promise.all([rows.close(), imports.close()]);
      if (await settlesWithin(closing, timeoutMs)) return { timedOut: false };
      rows.cancelAllJobs('shutdown');
      imports.cancelAllJobs('shutdown');
      if (!(await settlesWithin(closing, 5000))) await Promise.all([rows.close(true), imports.close(true)]);
      return { timedOut: true };
    },
  };
}

async function processRow(
  deps: EngineDeps,
  worker: Worker,
  job: Job,
  token: string | undefined,
  signal?: AbortSignal,
): Promise<string> {
  const data = RowJobSchema.parse(job.data);
  const work = deps.sealer.open<RowWork | RevertWork>(data.work);
  // The row, not the BullMQ job: any run of this row (a retry, a re-queued copy) is the same work.
  const jobId = jobIds.row(data.importId, data.row);
  const runId = `${job.id ?? ''}:${token ?? randomUUID()}`;
  // One round trip: recorded already? cancelled? else the customer's lock and the registry under it
  // (and the creating marker, for a row whose snapshot says its customer is to be created).
  const mark = job.name !== JOB_NAMES.revertRow && expectsCreate(work as RowWork);
  const start = await deps.ledger.start(data.importId, data.row, work.keyHash, runId, mark);
  if (start.state === 'done') return 'already-done';
  const lease = start.state === 'locked' ? start.lease : undefined;
  // A row in hand stops before sending once its import's cancel is seen (src/sync/cancel-watch.ts).
  const watch = start.state === 'locked' ? deps.cancelWatch?.hold(data.importId) : undefined;
  try {
    const end = start.state === 'cancelled' ? { result: cancelledRowResult(work.row) } : undefined;
    const output =
      end ??
      (await runRow(deps, worker, job, token, signal, {
        data,
        work,
        jobId,
        runId,
        start,
        gate: watch?.signal,
      }));
    const { complete } = await deps.ledger.finish(data.importId, {
      calls: {},
      ...output,
      keyHash: work.keyHash,
      ...(lease ? { lease } : {}),
      ...(start.state === 'locked' && start.known.marked && sentNoCreate(output) ? { unmark: true } : {}),
    });
    if (complete) await enqueueFinalize(deps, data.importId);
    return output.result.outcome;
  } finally {
    watch?.release();
    // Released with the result by finish; here only when the row ended another way (a retry, a throw).
    if (lease && !lease.done) await lease.release();
  }
}

/** A sync row whose snapshot says EnKash has no customer for its key, and which may create one. */
function expectsCreate(work: RowWork): boolean {
  return work.existing === null && !work.dryRun && work.mode !== 'update-only';
}

/** The row ended without sending a create (a failed row may have: its marker stays). */
function sentNoCreate(output: { result: RowResult; calls?: Record<string, number> }): boolean {
  return output.result.outcome !== 'failed' && !output.calls?.create;
}

type RowRun = {
  data: { importId: string; row: number };
  work: RowWork | RevertWork;
  jobId: string;
  runId: string;
  start: RowStart;
  /** Aborts when the import's cancel is seen (CancelWatch). */
  gate: AbortSignal | undefined;
};

/** Syncs (or reverts) the row; a failure is decided by the row-error policy (a failed row's result). */
async function runRow(
  deps: EngineDeps,
  worker: Worker,
  job: Job,
  token: string | undefined,
  signal: AbortSignal | undefined,
  run: RowRun,
): Promise<Pick<RowSyncOutput, 'result' | 'calls' | 'remember' | 'diff'>> {
  const { data, work, start } = run;
  try {
    if (start.state !== 'locked') throw new KeyBusyError();
    const ctx = {
      jobId: run.jobId,
      runId: run.runId,
      attemptsMade: job.attemptsMade,
      signal,
      ...(run.gate ? { gate: run.gate } : {}),
      held: { lease: start.lease, known: start.known },
    };
    return job.name === JOB_NAMES.revertRow
      ? await revertRow(deps, work as RevertWork, ctx)
      : await syncRow(deps, work as RowWork, ctx);
  } catch (err) {
    const attempt = { made: job.attemptsMade, waits: job.attemptsStarted - job.attemptsMade - 1 };
    const rowJob = {
      kind: 'row' as const,
      attempts: job.opts.attempts ?? 1,
      maxWaits: deps.rateLimitedMaxRetries,
      aborted: signal?.aborted ?? false,
    };
    let decision = decideOnError(err, attempt, rowJob);
    // Only a call failure that would cost an attempt asks Redis whether EnKash is down for everybody.
    if ((decision.action === 'retry' || decision.action === 'fail') && asksBreaker(err)) {
      const outageWaitMs = await deps.client.outageWaitMs();
      if (outageWaitMs !== undefined) decision = decideOnError(err, attempt, { ...rowJob, outageWaitMs });
    }
    await act(decision, worker, job, token, err);
    const result = failedResult(await withLabels(deps, work), err, job.attemptsMade + 1);
    deps.logger.warn(
      {
        importId: data.importId,
        row: data.row,
        event: 'row_failed',
        errorType: result.errorType,
        httpStatus: result.httpStatus,
      },
      'row failed',
    );
    return { result, calls: {} };
  }
}

/** Carries out the policy's decision; returns only when the row is to be reported failed. */
async function act(
  decision: ErrorDecision,
  worker: Worker,
  job: Job,
  token: string | undefined,
  err: unknown,
) {
  switch (decision.action) {
    case 'hand-back':
      return handBack(job, token);
    case 'delay':
      await job.moveToDelayed(Date.now() + decision.delayMs, token);
      throw new DelayedError();
    case 'wait':
      // The whole rows queue, for every worker: a 429 or an EnKash outage is everybody's.
      await worker.rateLimit(decision.waitMs);
      throw Worker.RateLimitError();
    case 'retry':
      throw err;
    case 'fail':
      return;
  }
}

async function finish(deps: EngineDeps, importId: string, result: RowResult) {
  const { complete } = await deps.ledger.finish(importId, { result, calls: {} });
  if (complete) await enqueueFinalize(deps, importId);
}

/** A row job BullMQ failed on its own (stalled too often, lost lock): the row still gets its line. */
async function recordUnexpectedFailure(deps: EngineDeps, job: Job, err: Error) {
  try {
    const data = RowJobSchema.parse(job.data);
    if (await deps.store.hasResult(data.importId, data.row)) return;
    // A failure BullMQ will retry is not final, unless the job stalled too often (then it is).
    if (!bullmqFailureIsFinal(job.attemptsMade, job.opts.attempts ?? 1, err)) return;
    const work = await withLabels(deps, deps.sealer.open<RowWork>(data.work));
    await finish(deps, data.importId, failedResult(work, err, job.attemptsMade));
  } catch (e) {
    deps.logger.error(
      { event: 'record_failure_error', err: (e as Error).message },
      'could not record a failed row',
    );
  }
}

/** The column labels a failed row's errors are named by: the job's own (queued before), else its import's. */
async function withLabels<W extends { importId: string; labels?: Record<string, string> }>(
  deps: EngineDeps,
  work: W,
): Promise<W & { labels: Record<string, string> }> {
  if (work.labels) return { ...work, labels: work.labels };
  const labels = await deps.store.getPlan<Record<string, string>>(work.importId, 'labels').catch(() => null);
  return { ...work, labels: labels ?? {} };
}

/** Returns the job to the queue at once, without using up an attempt (used on shutdown). */
async function handBack(job: Job, token: string | undefined): Promise<never> {
  await job.moveToDelayed(Date.now(), token);
  throw new DelayedError();
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return result;
}

/**
 * An import or finalize job that used up its attempts (EnKash down while the account was read, a report
 * that could not be written): the import ends `failed` with the reason, instead of staying in progress.
 */
async function recordImportFailure(deps: EngineDeps, job: Job, err: Error) {
  if (!bullmqFailureIsFinal(job.attemptsMade, job.opts.attempts ?? 1, err)) return;
  try {
    const { importId } = ImportJobSchema.parse(job.data);
    const state = await deps.store.state(importId);
    if (!state || isTerminal(state)) return;
    const stage = job.name === JOB_NAMES.finalize ? 'writing the report' : 'reading the file';
    await deps.store.setState(importId, 'failed', {
      error: `the import stopped while ${stage}: ${err.message}`,
      finishedAt: new Date().toISOString(),
    });
    deps.logger.error({ importId, event: 'import_failed', stage }, 'import failed');
  } catch (e) {
    deps.logger.error(
      { event: 'record_failure_error', err: (e as Error).message },
      'could not record a failed import',
    );
  }
}
