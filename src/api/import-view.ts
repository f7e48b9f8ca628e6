/** What the API shows of an import: no server paths (file or report folder), links instead. */
import { shownState } from '../domain/import-lifecycle.js';
import type { ImportMeta } from '../queue/import-store.js';
import type { ImportViewT } from './schemas.js';

export function importLinks(id: string) {
  const self = `/imports/${id}`;
  return {
    self,
    'results.csv': `${self}/results.csv`,
    'results.xlsx': `${self}/results.xlsx`,
    'summary.json': `${self}/summary.json`,
    'errors.csv': `${self}/errors.csv`,
    'failed.csv': `${self}/failed.csv`,
    retryFailed: `${self}/retry-failed`,
    revert: `${self}/revert`,
  };
}

export function importView(meta: ImportMeta): ImportViewT {
  const o = meta.options;
  return {
    id: meta.id,
    submittedBy: meta.submittedBy,
    kind: meta.kind,
    state: shownState(meta.state, meta.cancelRequested),
    fileName: meta.fileName,
    origin: meta.origin,
    options: {
      mode: o.mode,
      dryRun: o.dryRun,
      matchKey: o.matchKey,
      ...(o.preset ? { preset: o.preset } : {}),
      ...(o.sheet ? { sheet: o.sheet } : {}),
      ...(o.retryOf ? { retryOf: o.retryOf } : {}),
      ...(o.revertOf ? { revertOf: o.revertOf } : {}),
      ...(o.onlyRows ? { onlyRowCount: o.onlyRows.length } : {}),
    },
    progress: { parsed: meta.parsed, total: meta.total, done: meta.done },
    counts: meta.counts,
    blankRows: meta.blankRows,
    totalsRows: meta.totalsRows,
    timings: {
      createdAt: meta.createdAt,
      ...(meta.startedAt ? { startedAt: meta.startedAt } : {}),
      ...(meta.parsedAt ? { parsedAt: meta.parsedAt } : {}),
      ...(meta.finishedAt ? { finishedAt: meta.finishedAt } : {}),
    },
    ...(meta.sheet ? { sheet: meta.sheet } : {}),
    warnings: meta.warnings,
    ...(meta.error ? { error: meta.error } : {}),
    cancelRequested: meta.cancelRequested,
    reportReady: meta.reportDir !== undefined && meta.reportDir !== '',
    links: importLinks(meta.id),
  };
}
