/** How a row job's attempt can fail in ways of its own, and the line of a row whose attempts failed. */
import { EnkashError } from '../enkash/errors.js';
import { failedRowResult, type RowFailure } from '../domain/row-results.js';
import type { MatchKey, RowResult, ValidRow } from '../domain/types.js';

/** The customer is being synced by another job right now: try again shortly. */
export class KeyBusyError extends Error {
  constructor() {
    super('another job is syncing this customer');
    this.name = 'KeyBusyError';
  }
}

/** Two EnKash customers share the row's match key: a person must decide which one is meant. */
export class AmbiguousKeyError extends Error {
  constructor(
    readonly key: MatchKey,
    readonly customerIds: string[],
  ) {
    super(
      `${customerIds.length} EnKash customers share ${key.field} "${key.value}" (${customerIds.join(', ')}); ` +
        `merge or correct them in EnKash, then sync again`,
    );
    this.name = 'AmbiguousKeyError';
  }
}

/** What names a failed row: the row, and EnKash field → the user's column header. */
type FailingWork = { row: ValidRow; labels: Record<string, string> };

/** The final result of a row whose attempts failed, in the user's column names. */
export function failedResult(work: FailingWork, err: unknown, attempts: number): RowResult {
  return failedRowResult(work.row, attempts, failureOf(work, err));
}

function failureOf(work: Pick<FailingWork, 'labels'>, err: unknown): RowFailure {
  const none = { httpStatus: null, requestId: '' };
  if (err instanceof AmbiguousKeyError) return { ...none, errorType: 'AMBIGUOUS_MATCH', errors: err.message };
  if (err instanceof EnkashError) {
    const fieldMessages = err.fieldErrors.map(
      (f) => `${work.labels[f.field] ?? f.field}: EnKash says ${f.message}`,
    );
    return {
      httpStatus: err.httpStatus,
      errorType: err.errorType,
      errors: fieldMessages.length > 0 ? fieldMessages.join('; ') : err.message,
      requestId: err.requestId,
    };
  }
  return { ...none, errorType: 'INTERNAL_ERROR', errors: err instanceof Error ? err.message : String(err) };
}
