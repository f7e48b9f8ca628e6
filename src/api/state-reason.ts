/**
 * Why an import is in its state, in plain words for the page's history: a failed import's error (a refused
 * file says so), who cancelled it and when, what holds it for review, a file read only in part. Pure.
 */
import { shownState } from '../domain/import-lifecycle.js';
import type { ImportMeta } from '../queue/import-store.js';
import { localTimeText } from '../report/local-time.js';

type ReasonMeta = Pick<
  ImportMeta,
  | 'state'
  | 'error'
  | 'refused'
  | 'cancelRequested'
  | 'cancelledBy'
  | 'cancelRequestedAt'
  | 'finishedAt'
  | 'doubts'
  | 'reportDir'
>;

/** The reason, or undefined for a state that needs none (queued, running, a clean `done`). */
export function stateReason(meta: ReasonMeta, timeZone: string): string | undefined {
  const state = shownState(meta.state, meta.cancelRequested);
  switch (state) {
    case 'failed':
      if (!meta.error) return 'the import failed; no reason was recorded';
      return meta.refused ? `the file was refused: ${meta.error}` : meta.error;
    case 'cancelled':
    case 'cancelling': {
      const who = meta.cancelledBy ? ` by ${meta.cancelledBy}` : '';
      const at = meta.cancelRequestedAt ?? (state === 'cancelled' ? meta.finishedAt : undefined);
      const when = at ? ` at ${localTimeText(at, timeZone)}` : '';
      if (state === 'cancelling') return `cancel requested${who}${when}: the rows already sent are finishing`;
      // Cancelled while held for review: no row was read, so no report was written.
      return meta.reportDir
        ? `cancelled${who}${when}: the rows not yet sent were skipped (resume sends them)`
        : `cancelled${who}${when} while held for review: nothing was written`;
    }
    case 'needs-review':
      return `held for review, nothing written: ${meta.doubts.map((d) => d.message).join('; ')}`;
    case 'done':
      return meta.error ? `the file could not be read to the end: ${meta.error}` : undefined;
    default:
      return undefined;
  }
}
