/**
 * The `finalize` job: once every row read has its result, write the report (atomically, after the
 * counts reconcile) and mark the import done.
 */
import type { Logger } from '../logger.js';
import { cellText } from '../ingest/ingest-file.js';
import { fileColumns } from '../ingest/plan/file-columns.js';
import { planWithCounts, type ReadingPlan } from '../ingest/plan/reading-plan.js';
import { sourceRows } from '../ingest/more-sheets.js';
import type { ImportMeta, ImportStore } from '../queue/import-store.js';
import type { ReportSummary } from '../report/types.js';
import { writeReport, type ReportEnd } from '../report/write-report.js';
import { readFixLog } from '../report/fixes-report.js';
import { pathExists } from '../domain/path-exists.js';
import { canMove } from '../domain/import-lifecycle.js';
import { reportOptions } from '../report/types.js';
import type { ReportAhead } from './report-ahead.js';

export type FinalizeDeps = {
  store: ImportStore;
  logger: Logger;
  reportTimezone?: string;
  /** The report's rows written while the import ran, in this process (src/sync/report-ahead.ts). */
  reportAhead?: ReportAhead;
};

export async function runFinalizeJob(deps: FinalizeDeps, importId: string): Promise<void> {
  const meta = await deps.store.get(importId);
  if (!meta || !canMove(meta.state, 'finalizing')) return;
  await deps.store.setState(importId, 'finalizing');
  const finishedAt = new Date().toISOString();
  const plan = await deps.store.getPlan<ReadingPlan>(importId);
  const summary = summaryOf(meta, finishedAt);
  if (deps.reportTimezone) summary.timezone = deps.reportTimezone;
  if (plan) {
    summary.columns = fileColumns(plan);
    const read = { rows: summary.rowsRead, blank: meta.blankRows, totals: meta.totalsRows };
    summary.plan = planWithCounts(plan, meta.options.dryRun ? { ...read, counts: meta.counts } : read);
  }
  // A follow-up of rows fixed in the page: its change log goes into its report.
  const fixes = meta.options.fixOf ? await readFixLog(meta.filePath) : null;
  if (meta.options.fixOf && !fixes)
    summary.warnings = [...summary.warnings, 'the change log of these fixed rows was not found'];
  const end: ReportEnd = {
    dir: meta.options.reportDir,
    summary,
    sourceHeaders: meta.headers,
    ...(fixes ? { fixes } : {}),
    ...((await pathExists(meta.filePath)) && !meta.columnsDiffer
      ? { sourceRows: (rows) => sourceRows(meta.filePath, meta, rows, cellText) }
      : {}),
  };
  // Its rows written ahead, only the rest is left; else (or when that cannot stand for it) whole.
  const files =
    (await deps.reportAhead?.finish(importId, end)) ??
    (await writeReport({
      ...end,
      results: deps.store.results(importId, meta.lastRow, undefined, meta.sheetEnds),
    }));
  const state = meta.cancelRequested ? 'cancelled' : 'done';
  await deps.store.setState(importId, state, { finishedAt, reportDir: files.dir });
  await deps.store.expire(importId);
  deps.logger.info(
    { importId, event: 'import_finished', counts: files.counts, reportDir: files.dir },
    'import finished',
  );
}

export function summaryOf(meta: ImportMeta, finishedAt: string): ReportSummary {
  const startedAt = meta.startedAt ?? meta.createdAt;
  return {
    importId: meta.id,
    fileName: meta.fileName,
    origin: meta.origin,
    kind: meta.kind,
    dryRun: meta.options.dryRun,
    options: reportOptions(meta.options),
    rowsRead: meta.total ?? meta.done,
    blankRowsSkipped: meta.blankRows,
    totalsRowsSkipped: meta.totalsRows,
    warnings: meta.error ? [...meta.warnings, `file not read to the end: ${meta.error}`] : meta.warnings,
    timings: {
      queuedAt: meta.createdAt,
      startedAt,
      finishedAt,
      durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
    },
    enkashCalls: meta.calls,
  };
}
