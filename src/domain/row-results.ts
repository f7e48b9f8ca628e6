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
