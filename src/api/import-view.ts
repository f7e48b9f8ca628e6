/** What the API shows of an import: no server paths (file or report folder), links instead. */
import { shownState } from '../domain/import-lifecycle.js';
import type { ImportMeta } from '../queue/import-store.js';
import { localTimeText } from '../report/local-time.js';
import type { ImportViewT } from './schemas.js';
import { stateReason } from './state-reason.js';

/** `fixes`: a follow-up of rows fixed in the page, whose report has fixes.csv. */
export function importLinks(id: string, fixes = false) {
  const self = `/imports/${id}`;
  return {
    self,
    'results.csv': `${self}/results.csv`,
    'results.xlsx': `${self}/results.xlsx`,
    'summary.json': `${self}/summary.json`,
    'errors.csv': `${self}/errors.csv`,
    'failed.csv': `${self}/failed.csv`,
    retryFailed: `${self}/retry-failed`,
    resume: `${self}/resume`,
    revert: `${self}/revert`,
    rows: `${self}/rows`,
    rowsToFix: `${self}/rows-to-fix`,
    fixes: `${self}/fixes`,
    ...(fixes ? { 'fixes.csv': `${self}/fixes.csv` } : {}),
  };
}

/** Each timing as stored (UTC, ISO 8601), and beside it in `timeZone` for a person (`createdAtLocal`). */
function timings(meta: ImportMeta, timeZone: string): ImportViewT['timings'] {
  const out: Record<string, string> = {};
  for (const name of ['createdAt', 'startedAt', 'parsedAt', 'finishedAt'] as const) {
    const at = meta[name] ?? '';
    // createdAt is always there (an import is created with it); the others once reached.
    if (at === '' && name !== 'createdAt') continue;
    out[name] = at;
    out[`${name}Local`] = localTimeText(at, timeZone);
  }
  return out as ImportViewT['timings'];
}

/** `timeZone`: REPORT_TIMEZONE, the zone the `*Local` times and the state reason are written in. */
export function importView(meta: ImportMeta, timeZone: string): ImportViewT {
  const o = meta.options;
  const reason = stateReason(meta, timeZone);
  return {
    id: meta.id,
    submittedBy: meta.submittedBy,
    kind: meta.kind,
    state: shownState(meta.state, meta.cancelRequested),
    ...(reason ? { stateReason: reason } : {}),
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
      ...(o.resumeOf ? { resumeOf: o.resumeOf } : {}),
      ...(o.review ? { review: true } : {}),
      ...(o.fixOf ? { fixOf: o.fixOf } : {}),
      ...(o.onlyRows ? { onlyRowCount: o.onlyRows.length } : {}),
    },
    progress: { parsed: meta.parsed, total: meta.total, done: meta.done },
    counts: meta.counts,
    blankRows: meta.blankRows,
    totalsRows: meta.totalsRows,
    timeZone,
    timings: timings(meta, timeZone),
    ...(meta.sheet ? { sheet: meta.sheet } : {}),
    warnings: meta.warnings,
    ...(meta.error ? { error: meta.error } : {}),
    cancelRequested: meta.cancelRequested,
    reportReady: meta.reportDir !== undefined && meta.reportDir !== '',
    links: importLinks(meta.id, o.fixOf !== undefined),
  };
}
