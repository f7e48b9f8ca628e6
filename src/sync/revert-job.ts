/**
 * The `revert` job (imports queue): reads what the reverted import wrote, row by row (its kept records,
 * src/queue/diff-store.ts), and enqueues one `revert-row` job per row it changed — the rows queue, its
 * workers, rate limit, per-customer locks and retries are those of any import. A changed row with no
 * record (an import from before records were kept) is reported `skipped` with the reason. The revert is
 * an import of its own: its id, progress, cancel and report work as for a file.
 */
import { canMove } from '../domain/import-lifecycle.js';
import { cancelledRowResult, skippedRowResult } from '../domain/row-results.js';
import { isWriteOutcome, type RowResult } from '../domain/types.js';
import type { DiffStore } from '../queue/diff-store.js';
import type { ImportMeta } from '../queue/import-store.js';
import { JOB_NAMES, rowJobOptions } from '../queue/queues.js';
import { dropQueuedRows } from './cancel-rows.js';
import { enqueueFinalize, type ImportDeps } from './import-job.js';
import { rowOfDiff, type RevertWork } from './revert-row.js';

const BATCH_ROWS = 500;

export type RevertDeps = ImportDeps & { diffs: DiffStore };

export async function runRevertJob(deps: RevertDeps, revertId: string): Promise<void> {
  const meta = await deps.store.get(revertId);
  if (!meta || !canMove(meta.state, 'parsing')) return;
  await deps.store.setState(revertId, 'parsing', { startedAt: meta.startedAt ?? new Date().toISOString() });
  const original = meta.options.revertOf ? await deps.store.get(meta.options.revertOf) : null;
  if (!original) {
    await deps.store.setState(revertId, 'failed', {
      error: `import ${meta.options.revertOf ?? '?'} is no longer kept (JOB_RETENTION_SEC): nothing to revert`,
      finishedAt: new Date().toISOString(),
    });
    return;
  }
  let total = 0;
  let lastRow = 0;
  let batch: RowResult[] = [];
  for await (const result of deps.store.results(
    original.id,
    original.lastRow,
    undefined,
    original.sheetEnds,
  )) {
    if (!isWriteOutcome(result.outcome)) continue;
    total += 1;
    lastRow = result.row;
    batch.push(result);
    if (batch.length >= BATCH_ROWS) {
      await flush(deps, meta, original.id, batch);
      batch = [];
    }
  }
  await flush(deps, meta, original.id, batch);
  const complete = await deps.store.finishParsing(revertId, total, lastRow);
  deps.logger.info({ importId: revertId, event: 'revert_planned', rows: total }, 'revert planned');
  if (complete) await enqueueFinalize(deps, revertId);
}

async function flush(deps: RevertDeps, meta: ImportMeta, originalId: string, batch: RowResult[]) {
  if (batch.length === 0) return;
  const rows = batch.map((r) => r.row);
  const [diffs, already, cancelled] = await Promise.all([
    deps.diffs.getMany(originalId, rows),
    deps.store.rowsWithResults(meta.id, rows),
    deps.store.cancelRequested(meta.id),
  ]);
  const direct: RowResult[] = [];
  const works: RevertWork[] = [];
  batch.forEach((result, i) => {
    const diff = diffs[i];
    if (already.has(result.row)) return;
    if (!diff) direct.push(unrecorded(result));
    else if (cancelled) direct.push(cancelledRowResult(rowOfDiff(diff)));
    else works.push(workOf(meta, diff));
  });
  if (works.length > 0) {
    await deps.queues.rows.addBulk(
      works.map((work) => ({
        name: JOB_NAMES.revertRow,
        data: { importId: meta.id, row: work.row.row, work: deps.sealer.seal(work) },
        opts: rowJobOptions(deps.settings, meta.id, work.row.row),
      })),
    );
    if (await deps.store.cancelRequested(meta.id)) await dropQueuedRows(deps, meta.id);
  }
  await deps.store.addCounts(meta.id, { parsed: batch.length });
  await deps.store.recordResults(meta.id, direct);
}

function workOf(meta: ImportMeta, diff: RevertWork['diff']): RevertWork {
  return {
    importId: meta.id,
    row: rowOfDiff(diff),
    keyHash: diff.keyHash,
    dryRun: meta.options.dryRun,
    labels: {},
    diff,
  };
}

/** A row the import wrote whose record is not kept: said, never silently left out. */
function unrecorded(result: RowResult): RowResult {
  const row = rowOfDiff({
    kind: 'created',
    row: result.row,
    ...(result.sheet === undefined ? {} : { sheet: result.sheet }),
    key: { field: 'uniqueRefNo', value: result.uniqueRefNo },
    keyHash: '',
    uniqueRefNo: result.uniqueRefNo,
    legalName: result.legalName,
    customerId: result.customerId,
  });
  return skippedRowResult(
    row,
    result.customerId,
    `the import's record of what it wrote to this row is not kept (imports before undo existed keep none): ` +
      `nothing written`,
  );
}
