/** Building a row's result line: one place, so sync, validate and cancel write rows alike. */
import { formatFieldError, type InvalidRow, type Outcome, type RowResult, type ValidRow } from './types.js';

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
