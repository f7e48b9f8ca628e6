/** Building a row's result line: one place, so sync, validate and cancel write rows alike. */
import {
  formatFieldError,
  type InvalidRow,
  type Outcome,
  type ParsedRow,
  type RowResult,
  type ValidRow,
} from './types.js';

/** The result of a valid row with no EnKash error; its warnings go in `errors`. */
export function validRowResult(row: ValidRow, outcome: Outcome, customerId: string): RowResult {
  return {
    row: row.row,
    uniqueRefNo: row.customer.uniqueRefNo ?? '',
    legalName: row.customer.legalName,
    outcome,
    customerId,
    attempts: 0,
    httpStatus: null,
    errorType: '',
    errors: row.warnings.join('; '),
    requestId: '',
    changes: '',
  };
}

export function invalidRowResult(row: InvalidRow): RowResult {
  return {
    row: row.row,
    uniqueRefNo: row.uniqueRefNo,
    legalName: row.legalName,
    outcome: 'invalid',
    customerId: '',
    attempts: 0,
    httpStatus: null,
    errorType: row.errorType ?? 'INVALID_ROW',
    errors: row.errors.map(formatFieldError).join('; '),
    requestId: '',
    changes: '',
  };
}

/** A row the mode or an existing customer leaves alone, with the reason. */
export function skippedRowResult(row: ValidRow, customerId: string, reason: string): RowResult {
  return { ...validRowResult(row, 'skipped', customerId), errors: reason };
}

/** A row not sent because its import was cancelled first; an invalid row keeps its own columns. */
export function cancelledRowResult(row: ParsedRow): RowResult {
  const result =
    row.kind === 'valid'
      ? validRowResult(row, 'skipped', '')
      : { ...invalidRowResult(row), outcome: 'skipped' as const, errorType: '' };
  return { ...result, errors: CANCELLED_NOTE };
}

const CANCELLED_NOTE = 'import cancelled before this row was sent';

/** `updated`, or `activated`/`deactivated` when only the status changes; `would-…` in a dry run. */
export function updatedOutcome(
  fieldsChanged: number,
  status: 'activate' | 'deactivate' | undefined,
  dryRun: boolean,
): Outcome {
  const outcome =
    fieldsChanged === 0 && status ? (status === 'activate' ? 'activated' : 'deactivated') : 'updated';
  return dryRun ? DRY_RUN_OUTCOMES[outcome] : outcome;
}

const DRY_RUN_OUTCOMES = {
  activated: 'would-activate',
  deactivated: 'would-deactivate',
  updated: 'would-update',
} as const satisfies Record<string, Outcome>;

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
