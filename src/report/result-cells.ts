/** A RowResult as report cells: pure, shared by results.csv, results.xlsx and errors.csv. */
import { RESULT_COLUMNS, type Outcome, type RowResult } from '../domain/types.js';
import type { CsvCell } from './csv-format.js';

/** The rows a user must fix or retry: they go to errors.csv and are highlighted in results.xlsx. */
export const ERROR_OUTCOMES: ReadonlySet<Outcome> = new Set(['invalid', 'failed']);

export function isErrorRow(result: RowResult): boolean {
  return ERROR_OUTCOMES.has(result.outcome);
}

/** The result in {@link RESULT_COLUMNS} order; numbers stay numbers, a missing HTTP status is empty. */
export function resultCells(result: RowResult): CsvCell[] {
  return RESULT_COLUMNS.map((column) => result[column]);
}

/**
 * errors.csv's Error text: the row number first (the file the user re-uploads has no row column), then
 * the reasons; for a failed call also EnKash's error type and the requestId its support asks for.
 * `row 14: GSTIN/UIN: "27AAACE1234" has 11 characters; a GSTIN has 15`
 */
export function errorText(result: RowResult): string {
  const reasons = result.errors || result.errorType || result.outcome;
  const parts = [`row ${result.row}: ${reasons}`];
  if (result.outcome === 'failed') {
    if (result.errorType && result.errorType !== reasons) parts.push(`[${result.errorType}]`);
    if (result.httpStatus !== null) parts.push(`(HTTP ${result.httpStatus})`);
    if (result.requestId) parts.push(`(requestId ${result.requestId})`);
  }
  return parts.join(' ');
}
