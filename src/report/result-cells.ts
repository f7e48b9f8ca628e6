/** A RowResult as report cells: pure, shared by results.csv, results.xlsx and errors.csv. */
import { RESULT_COLUMNS, type Outcome, type RowResult } from '../domain/types.js';
import type { CsvCell } from './csv-format.js';
import { rowLabel, sheetRow } from '../domain/sheet-rows.js';

/** The rows a user must fix or retry: they are highlighted in results.xlsx. */
export const ERROR_OUTCOMES: ReadonlySet<Outcome> = new Set(['invalid', 'failed']);

export function isErrorRow(result: RowResult): boolean {
  return ERROR_OUTCOMES.has(result.outcome);
}

/** Failures that name something wrong in the row itself (EnKash's 4xx answers, our own match checks). */
const ROW_FAULT_TYPES = new Set([
  'VALIDATION_ERROR',
  'UNPROCESSABLE_REQUEST',
  'RECORD_NOT_FOUND',
  'AMBIGUOUS_MATCH',
  'DUPLICATE_IN_FILE',
  'INVALID_ROW',
  'NO_MATCH_KEY',
]);

/**
 * A failed row nothing in the row explains: EnKash answered 5xx, 408, 429 or refused our credentials, or
 * the network, a timeout or the circuit breaker stopped it after every retry. It goes to failed.csv (to
 * retry, `customer-sync retry`), not errors.csv (to fix). An unknown cause counts as one to retry: no
 * row is sent back to its owner to fix without a reason in it.
 */
export function isRetryableFailure(result: RowResult): boolean {
  if (result.outcome !== 'failed') return false;
  const status = result.httpStatus;
  if (status !== null) return status >= 500 || [401, 403, 408, 429].includes(status);
  return !ROW_FAULT_TYPES.has(result.errorType);
}

/** errors.csv: the rows to fix (invalid, or refused by EnKash for what is in them). */
export function isRowToFix(result: RowResult): boolean {
  return result.outcome === 'invalid' || (result.outcome === 'failed' && !isRetryableFailure(result));
}

/**
 * The result in {@link RESULT_COLUMNS} order; numbers stay numbers, a missing HTTP status is empty, and so
 * is a column the result does not have (`sheet` for a CSV file, `warnings` in a result recorded before
 * that column existed).
 */
export function resultCells(result: RowResult): CsvCell[] {
  // A row's number on its own sheet (src/domain/sheet-rows.ts).
  return RESULT_COLUMNS.map((column) =>
    column === 'row' ? sheetRow(result.row) : (result[column] ?? (column === 'httpStatus' ? null : '')),
  );
}

/**
 * errors.csv's Error text: the row number first (the file the user re-uploads has no row column), then
 * the reasons; for a failed call also EnKash's error type and the requestId its support asks for; then
 * the row's warnings, so every problem of the row is in front of whoever fixes it.
 * `row 14: GSTIN/UIN (column D, panOrGstin): "27AAACE1234" has 11 characters; a GSTIN has 15`
 */
export function errorText(result: RowResult): string {
  const reasons = result.errors || result.errorType || result.outcome;
  const parts = [`${rowLabel(result.row, result.sheet)}: ${reasons}`];
  if (result.outcome === 'failed') {
    if (result.errorType && result.errorType !== reasons) parts.push(`[${result.errorType}]`);
    if (result.httpStatus !== null) parts.push(`(HTTP ${result.httpStatus})`);
    if (result.requestId) parts.push(`(requestId ${result.requestId})`);
  }
  if (result.warnings) parts.push(`(warnings: ${result.warnings})`);
  return parts.join(' ');
}
