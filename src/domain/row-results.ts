/** Building a row's result line: one place, so sync, validate and cancel write rows alike. */
import {
  formatFieldError,
  WRITE_OUTCOMES,
  type InvalidRow,
  type Outcome,
  type ParsedRow,
  type RowResult,
  type ValidRow,
} from './types.js';

/** The row's own columns: its number, its sheet (workbooks only) and the names that identify it. */
function rowColumns(row: ParsedRow): Pick<RowResult, 'row' | 'sheet' | 'uniqueRefNo' | 'legalName'> {
  const names =
    row.kind === 'valid'
      ? { uniqueRefNo: row.customer.uniqueRefNo ?? '', legalName: row.customer.legalName }
      : { uniqueRefNo: row.uniqueRefNo, legalName: row.legalName };
  return row.sheet === undefined ? { row: row.row, ...names } : { row: row.row, sheet: row.sheet, ...names };
}

/** The result of a valid row with no EnKash error; its warnings in `warnings`, never in `errors`. */
export function validRowResult(row: ValidRow, outcome: Outcome, customerId: string): RowResult {
  return {
    ...rowColumns(row),
    outcome,
    customerId,
    attempts: 0,
    httpStatus: null,
    errorType: '',
    errors: '',
    warnings: row.warnings.join('; '),
    requestId: '',
    changes: '',
  };
}

/** Every error of the row, and every warning its cells carry as well. */
export function invalidRowResult(row: InvalidRow): RowResult {
  return {
    ...rowColumns(row),
    outcome: 'invalid',
    customerId: '',
    attempts: 0,
    httpStatus: null,
    errorType: row.errorType ?? 'INVALID_ROW',
    errors: row.errors.map(formatFieldError).join('; '),
    warnings: (row.warnings ?? []).join('; '),
    requestId: '',
    changes: '',
  };
}

/** A row the mode or an existing customer leaves alone: the reason is a note, not an error. */
export function skippedRowResult(row: ValidRow, customerId: string, reason: string): RowResult {
  return withNote(validRowResult(row, 'skipped', customerId), reason);
}

/**
 * A row not sent because its import was cancelled first. An invalid row keeps its errors (they still need
 * fixing) and its own columns; the cancellation is a note.
 */
export function cancelledRowResult(row: ParsedRow): RowResult {
  const result =
    row.kind === 'valid'
      ? validRowResult(row, 'skipped', '')
      : { ...invalidRowResult(row), outcome: 'skipped' as const, errorType: '' };
  return withNote(result, CANCELLED_NOTE);
}

const CANCELLED_NOTE = 'import cancelled before this row was sent';

/** A row its import's cancel left unsent (what a resume sends). */
export function leftByCancel(result: RowResult): boolean {
  return result.outcome === 'skipped' && result.warnings.startsWith(CANCELLED_NOTE);
}

/** The note first (it says why the row has its outcome), then the row's own warnings. */
function withNote(result: RowResult, note: string): RowResult {
  return { ...result, warnings: result.warnings ? `${note}; ${result.warnings}` : note };
}

/** `updated`, or `activated`/`deactivated` when only the status changes; `would-…` in a dry run. */
export function updatedOutcome(
  fieldsChanged: number,
  status: 'activate' | 'deactivate' | undefined,
  dryRun: boolean,
): Outcome {
  const outcome =
    fieldsChanged === 0 && status ? (status === 'activate' ? 'activated' : 'deactivated') : 'updated';
  return dryRun ? WRITE_OUTCOMES[outcome] : outcome;
}

/** Why a row is reported `created` although this attempt did not see EnKash say so. */
export const CREATED_NOTES = {
  /** The create's answer was lost (timeout, connection); a lookup by match key found the customer. */
  lostAnswer: 'created; the answer was lost and the customer was found by a lookup',
  /** An earlier run created the customer and stopped before recording the row. */
  rerun: 'created; the worker stopped before recording it and the customer was found again',
} as const;

/** What a failed row's line says: the HTTP status, the error type and the reasons in the user's words. */
export type RowFailure = { httpStatus: number | null; errorType: string; errors: string; requestId: string };

export function failedRowResult(row: ValidRow, attempts: number, failure: RowFailure): RowResult {
  return { ...validRowResult(row, 'failed', ''), attempts, ...failure };
}
