/**
 * The `import` job: streams the file, validates each row, settles what it can without EnKash (invalid
 * rows, duplicates, rows whose fingerprint says nothing changed) and enqueues the rest as row jobs, batch
 * by batch — so the first EnKash call never waits for the whole file to be parsed.
 *
 * Before the first batch is enqueued it decides how rows will find their customers: when reading the
 * whole account in pages of 5000 costs fewer calls than one search per row, it takes a snapshot and
 * hands each row job the customer it matched.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from '../logger.js';
import { canMove } from '../domain/import-lifecycle.js';
import type { EnkashClient } from '../enkash/client.js';
import { matchKeyString, type MatchKey, type ParsedRow } from '../domain/types.js';
import { sheetIndexOf } from '../domain/sheet-rows.js';
import { ingestFile, type IngestedFile } from '../ingest/ingest-file.js';
import {
  settleByFingerprint,
  settleBySnapshot,
  snapshotChoice,
  sortBatch,
  type PendingRow,
} from '../plan/plan-batch.js';
import type { CustomerRegistry } from '../queue/customer-registry.js';
import type { ImportMeta, ImportStore } from '../queue/import-store.js';
import {
  JOB_NAMES,
  importJobOptions,
  jobIds,
  rowJobOptions,
  type QueueSettings,
  type Queues,
} from '../queue/queues.js';
import type { MappingProfiles } from '../queue/mapping-profiles.js';
import type { Sealer } from '../queue/sealer.js';
import { dropQueuedRows } from './cancel-rows.js';
import { reviewGate } from './review-gate.js';
import type { RowWork } from './row-sync.js';
import { countCustomers, loadSnapshot, snapshotPages, type Snapshot } from './snapshot.js';
import type { RetryPolicy } from './with-retries.js';
import { readingOptions } from './import-reading.js';
import type { ReportAhead } from './report-ahead.js';

const BATCH_ROWS = 500;
/**
 * Row jobs waiting in the queue before parsing pauses: keeps Redis memory flat for huge files, and the
 * import's reading (in the process the rows run in) from holding their start back: at 20,000, an import
 * of 20,000 rows at R = 1,000 sent 1 create in its first 2.5-5 s while it queued them all. 2,500 rows
 * are 2.5 s of work at 1,000 a second; the queue is looked at every 250 ms.
 */
const MAX_ROWS_AHEAD = 2_500;
const QUEUE_SLICE = 100;
const READ_SLICE_MS = 5;

export type ImportDeps = {
  store: ImportStore;
  registry: CustomerRegistry;
  sealer: Sealer;
  client: EnkashClient;
  queues: Queues;
  settings: QueueSettings;
  retry: RetryPolicy;
  companyId?: string;
  logger: Logger;
  profiles: MappingProfiles;
  /** Writes the report's settled rows while the import runs (absent: the report is written at the end). */
  reportAhead?: ReportAhead;
};

type Plan = { snapshot: Snapshot | null; decided: boolean };

export async function runImportJob(deps: ImportDeps, importId: string, signal?: AbortSignal): Promise<void> {
  const meta = await deps.store.get(importId);
  if (!meta || !canMove(meta.state, 'parsing')) return;
  const log = deps.logger.child({ importId });
  // `parsed` counts again from 0: a retried import job reads the file again from the start.
  await deps.store.setState(importId, 'parsing', {
    startedAt: meta.startedAt ?? new Date().toISOString(),
    parsed: 0,
  });

  let file: IngestedFile;
  try {
    file = await ingestFile(meta.filePath, readingOptions(meta, deps.profiles, deps));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await deps.store.setState(importId, 'failed', {
      error: message,
      refused: 1,
      finishedAt: new Date().toISOString(),
    });
    log.warn({ event: 'import_refused' }, 'import refused: the file cannot be read');
    // The job fails too (once: reading the same bytes again cannot help), so operators see a refused
    // file as failed in Bull Board, with the reason, not as completed.
    throw new UnrecoverableError(message);
  }
  await deps.store.set(importId, {
    // The sheet actually read, so the report re-reads the same one for errors.csv.
    ...(file.source.info.sheet ? { sheet: file.source.info.sheet } : {}),
    // Several sheets: which, in order (row numbers and the report's re-reading depend on it).
    ...(file.sheets.length > 1 ? { sheets: JSON.stringify(file.sheets) } : {}),
    ...(file.sameColumns ? {} : { columnsDiffer: 1 }),
    headers: JSON.stringify(file.columns.headers),
    warnings: JSON.stringify(file.warnings),
    // Once here, not in every row job's work (half its bytes): only a failed row reads them.
    labels: deps.sealer.seal(file.labels),
  });
  if (await reviewGate(deps, meta, file)) return;
  // Every row read is handed to the report written ahead, in order (src/sync/report-ahead.ts).
  const ahead = deps.reportAhead?.begin(importId, meta.options.reportDir);

  const only = meta.options.onlyRows ? new Set(meta.options.onlyRows) : null;
  const plan: Plan = { snapshot: null, decided: false };
  const counts = { total: 0, lastRow: 0, blank: 0, totals: 0 };
  const sheetEnds: number[] = [];
  let batch: ParsedRow[] = [];
  // What failed while planning (Redis, EnKash) is not the file breaking: it fails this attempt of the
  // import job, which BullMQ retries (rows already settled are skipped, row jobs re-added as no-ops).
  const failure = { failed: false, err: undefined as unknown };
  // One batch is planned (its Redis round trips, its row jobs queued) while the next is read: the file's
  // parsing fills the waits. Batches are still planned one at a time, in order. `planning` never
  // rejects: its failure is kept in `failure`.
  let planning: Promise<void> = Promise.resolve();
  const planned = async () => {
    await planning;
    if (failure.failed) throw failure.err;
  };
  let ranSince = performance.now();
  try {
    for await (const event of file.events(signal)) {
      signal?.throwIfAborted();
      // Reading hands the event loop back every few ms: the rows already queued run in this process too
      // (their answers, their next job's fetch), and a 100,000-row re-sync's reading kept it ~95 % busy.
      if (performance.now() - ranSince > READ_SLICE_MS) {
        await nextTurn();
        ranSince = performance.now();
      }
      if (event.kind !== 'row') {
        if (event.kind === 'blank') counts.blank += 1;
        else counts.totals += 1;
        continue;
      }
      if (only && !only.has(event.parsed.row)) continue;
      counts.total += 1;
      counts.lastRow = event.parsed.row;
      sheetEnds[sheetIndexOf(event.parsed.row)] = event.parsed.row;
      batch.push(event.parsed);
      if (batch.length >= BATCH_ROWS) {
        await planned();
        const rows = batch;
        batch = [];
        ahead?.expect(rows);
        planning = flushBatch(deps, meta, plan, rows, false, signal).catch((err: unknown) => {
          failure.failed = true;
          failure.err = err;
        });
      }
    }
    await planned();
  } catch (err) {
    // Nothing of this attempt is left running when it ends.
    await planning;
    if (signal?.aborted) throw err;
    if (failure.failed) throw failure.err;
    // A file that breaks mid-way: the rows read so far are synced and reported; the rest is named.
    const message = err instanceof Error ? err.message : String(err);
    await deps.store.set(importId, { error: message });
    log.warn({ event: 'import_read_error', row: counts.lastRow }, 'file could not be read to the end');
  }
  ahead?.expect(batch);
  await flushBatch(deps, meta, plan, batch, true, signal);
  ahead?.parsed();
  await deps.store.set(importId, {
    blankRows: counts.blank,
    totalsRows: counts.totals,
    // A sheet with no row read ends at 0: its range is empty.
    ...(file.sheets.length > 1 ? { sheetEnds: JSON.stringify(endsOf(sheetEnds, file.sheets.length)) } : {}),
  });
  const complete = await deps.store.finishParsing(importId, counts.total, counts.lastRow);
  log.info({ event: 'import_parsed', rows: counts.total, snapshot: plan.snapshot !== null }, 'file read');
  if (complete) await enqueueFinalize(deps, importId);
}

function endsOf(ends: readonly (number | undefined)[], sheets: number): number[] {
  return Array.from({ length: sheets }, (_, i) => ends[i] ?? 0);
}

async function flushBatch(
  deps: ImportDeps,
  meta: ImportMeta,
  plan: Plan,
  batch: ParsedRow[],
  lastBatch: boolean,
  signal?: AbortSignal,
): Promise<void> {
  if (batch.length === 0) return;
  const importId = meta.id;
  // One round trip of reads, one of writes (and a cancel check when rows were queued): each used to wait
  // for the one before it, ~9 per batch.
  const hashes = new Map<string, string>();
  const hashOf = (key: MatchKey) => {
    const text = matchKeyString(key);
    let hash = hashes.get(text);
    if (hash === undefined) hashes.set(text, (hash = deps.sealer.hash(text)));
    return hash;
  };
  const keyHashes = batch.flatMap((r) => (r.kind === 'valid' ? [hashOf(r.key)] : []));
  const [already, cancelled, entries] = await allOf([
    deps.store.rowsWithResults(
      importId,
      batch.map((r) => r.row),
    ),
    deps.store.cancelRequested(importId),
    deps.registry.getMany(keyHashes),
    waitForRoom(deps, signal),
  ]);
  const entryOf = new Map(keyHashes.map((hash, i) => [hash, entries[i]]));
  const { direct, pending } = sortBatch(batch, already, cancelled, hashOf);
  const toQueue = settleByFingerprint(
    pending,
    pending.map((p) => entryOf.get(p.keyHash)),
    direct,
  );

  if (!plan.decided && toQueue.length > 0)
    await decideSnapshot(deps, meta, plan, toQueue.length, lastBatch, signal);
  const { queue: jobs, learned } = plan.snapshot
    ? settleBySnapshot(toQueue, (key) => plan.snapshot?.get(key), meta.options.mode, direct)
    : { queue: toQueue, learned: [] };
  await allOf([
    meta.options.dryRun ? null : deps.registry.putMany(learned),
    queueRows(deps, meta, plan, jobs),
    deps.store.addCounts(importId, { parsed: batch.length }),
    deps.store.recordResults(importId, direct),
  ]);
  // A cancel that came after this batch was planned took out only the jobs queued before it.
  if (jobs.length > 0 && !cancelled && (await deps.store.cancelRequested(importId)))
    await dropQueuedRows(deps, importId);
}

/**
 * The batch's row jobs, QUEUE_SLICE at a time: sealing and serialising 500 jobs in one go held this
 * process's event loop ~50 ms, and BullMQ's worker fetches its jobs one round trip at a time (up to its
 * concurrency) before it starts any of them: the rows already queued waited for the import.
 */
async function queueRows(deps: ImportDeps, meta: ImportMeta, plan: Plan, jobs: PendingRow[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += QUEUE_SLICE) {
    await deps.queues.rows.addBulk(
      jobs.slice(i, i + QUEUE_SLICE).map((p) => ({
        name: JOB_NAMES.row,
        data: { importId: meta.id, row: p.row.row, work: deps.sealer.seal(rowWork(meta, plan, p)) },
        opts: rowJobOptions(deps.settings, meta.id, p.row.row),
      })),
    );
  }
}

/** Promise.all that waits for every one before failing: nothing of a failed batch is left running. */
async function allOf<T extends readonly unknown[]>(
  values: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(values);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}

function rowWork(meta: ImportMeta, plan: Plan, p: PendingRow): RowWork {
  const work: RowWork = {
    importId: meta.id,
    row: p.row,
    keyHash: p.keyHash,
    mode: meta.options.mode,
    dryRun: meta.options.dryRun,
  };
  if (plan.snapshot) {
    const existing = plan.snapshot.get(p.row.key);
    if (existing !== undefined) work.existing = existing;
  }
  return work;
}

/** Snapshot when its pages cost fewer calls than the rows that would each need a search. */
async function decideSnapshot(
  deps: ImportDeps,
  meta: ImportMeta,
  plan: Plan,
  rowsNeedingLookup: number,
  lastBatch: boolean,
  signal?: AbortSignal,
): Promise<void> {
  plan.decided = true;
  const count = await countCustomers(deps.client, deps.retry, signal);
  await deps.store.addCounts(meta.id, { 'calls:search': 1 });
  const choice = snapshotChoice(count, snapshotPages(count), rowsNeedingLookup, lastBatch, BATCH_ROWS);
  if (choice === 'search') return;
  if (choice === 'empty') {
    plan.snapshot = { size: 0, get: () => null };
    return;
  }
  const { snapshot, calls } = await loadSnapshot(deps.client, meta.options.matchKey, deps.retry, signal);
  await deps.store.addCounts(meta.id, { 'calls:search': calls });
  plan.snapshot = snapshot;
  deps.logger.info(
    { importId: meta.id, event: 'snapshot_loaded', customers: count, calls },
    'account snapshot',
  );
}

async function waitForRoom(deps: ImportDeps, signal?: AbortSignal): Promise<void> {
  for (;;) {
    const waiting = await deps.queues.rows.getJobCountByTypes('waiting', 'delayed', 'prioritized');
    if (waiting < MAX_ROWS_AHEAD || signal?.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function enqueueFinalize(deps: Pick<ImportDeps, 'queues' | 'settings'>, importId: string) {
  await deps.queues.imports.add(
    JOB_NAMES.finalize,
    { importId },
    importJobOptions(deps.settings, jobIds.finalize(importId)),
  );
}
