/**
 * A follow-up import: the same file with the same options, of only some rows of a finished import, linked
 * to it — a retry of its failed rows (`retryOf`) or the resume of a cancelled import's rows that its
 * cancel left unsent (`resumeOf`). One home for what the API routes (`retry-failed`, `resume`) and the
 * commands (`retry`, `resume`) share: which rows, why there is none, the submission.
 */
import { access } from 'node:fs/promises';
import { isTerminal } from '../domain/import-lifecycle.js';
import { leftByCancel } from '../domain/row-results.js';
import type { RowResult } from '../domain/types.js';
import type { ImportMeta, ImportOptions } from '../queue/import-store.js';
import { isRetryableFailure } from '../report/result-cells.js';
import type { ImportService, SubmitRequest } from './import-service.js';

type FollowUp = {
  /** The rows it sends again. */
  picks: (result: RowResult) => boolean;
  link: 'retryOf' | 'resumeOf';
  /** What its rows are, for the messages: `3 failed row(s) of imp-… again`. */
  rows: string;
};

const FOLLOW_UPS = {
  /** `POST /imports/{id}/retry-failed`: every failed row. */
  'retry-failed': { picks: (r) => r.outcome === 'failed', link: 'retryOf', rows: 'failed row(s)' },
  /** `customer-sync retry`: failed.csv's rows, failed on EnKash's side; rows to fix are left out. */
  retry: { picks: isRetryableFailure, link: 'retryOf', rows: 'failed row(s)' },
  /** A cancelled import's rows not sent because of the cancel. */
  resume: { picks: leftByCancel, link: 'resumeOf', rows: 'row(s) left unsent by the cancel' },
} as const satisfies Record<string, FollowUp>;

export type FollowUpKind = keyof typeof FOLLOW_UPS;

export type FollowUpRefusal =
  'not-finished' | 'not-cancelled' | 'is-a-revert' | 'nothing-to-retry' | 'nothing-to-resume' | 'file-gone';

export type FollowUpAnswer =
  | { ok: true; importId: string; duplicate: boolean; message: string }
  | { ok: false; reason: FollowUpRefusal; message: string };

type Who = Pick<SubmitRequest, 'origin' | 'submittedBy'>;

/** Submits the follow-up of `meta` (an import the caller may act on), or says why there is none. */
export async function submitFollowUp(
  imports: ImportService,
  meta: ImportMeta,
  kind: FollowUpKind,
  who: Who,
): Promise<FollowUpAnswer> {
  const refused = (reason: FollowUpRefusal, message: string) => ({ ok: false as const, reason, message });
  const id = meta.id;
  if (kind === 'resume' && meta.state !== 'cancelled')
    return refused(
      'not-cancelled',
      `import ${id} is ${meta.state}, not cancelled: there is nothing to resume`,
    );
  if (kind === 'resume' && !meta.reportDir)
    return refused('nothing-to-resume', `import ${id} was cancelled while held for review: nothing was read`);
  if (!isTerminal(meta.state) || !meta.reportDir)
    return refused('not-finished', `import ${id} is ${meta.state}: retry once it has finished`);
  if (meta.kind === 'revert') {
    const again = `revert ${meta.options.revertOf ?? '?'} again instead: it puts back what is left`;
    return refused('is-a-revert', `import ${id} is a revert: ${again}`);
  }
  const follow = FOLLOW_UPS[kind];
  const rows: number[] = [];
  let toFix = 0;
  for await (const result of imports.results(meta)) {
    if (follow.picks(result)) rows.push(result.row);
    else if (result.outcome === 'failed' || result.outcome === 'invalid') toFix++;
  }
  const fix = toFix > 0 ? `${toFix} row(s) to fix are left out: see its errors.csv` : '';
  if (rows.length === 0) {
    return kind === 'resume'
      ? refused('nothing-to-resume', `import ${id} has no rows its cancel left unsent`)
      : refused('nothing-to-retry', `import ${id} has no rows to retry${fix ? ` (${fix})` : ''}`);
  }
  try {
    await access(meta.filePath);
  } catch {
    return refused('file-gone', `the file of import ${id} is no longer kept: upload it again`);
  }
  const { reportDir: _own, retryOf: _r, resumeOf: _c, onlyRows: _o, ...options } = meta.options;
  const linked: Omit<ImportOptions, 'reportDir'> = { ...options, [follow.link]: id, onlyRows: rows };
  const submitted = await imports.submitOnce({
    filePath: meta.filePath,
    fileName: meta.fileName,
    ...who,
    options: linked,
  });
  const message =
    `import ${submitted.importId}: ${rows.length} ${follow.rows} of ${id} again` + (fix ? ` (${fix})` : '');
  return { ok: true, ...submitted, message };
}
