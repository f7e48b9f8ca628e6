import { describe, expect, it } from 'vitest';
import {
  cancelledRowResult,
  failedRowResult,
  invalidRowResult,
  skippedRowResult,
  validRowResult,
  updatedOutcome,
} from '../../src/domain/row-results.js';
import type { InvalidRow, ValidRow } from '../../src/domain/types.js';

const valid: ValidRow = {
  kind: 'valid',
  row: 7,
  key: { field: 'uniqueRefNo', value: 'C-7' },
  customer: { legalName: 'Seven Traders', uniqueRefNo: 'C-7', customerKeyContacts: [] },
  warnings: ['Mobile 2 ignored: empty'],
};
const invalid: InvalidRow = {
  kind: 'invalid',
  row: 8,
  uniqueRefNo: 'C-8',
  legalName: 'Eight',
  errors: [
    { column: 'Code', letter: 'A', field: 'uniqueRefNo', value: '', problem: 'also appears in row 2' },
  ],
  warnings: ['Mobile: "022 2345 6789" looks like a landline'],
  errorType: 'DUPLICATE_IN_FILE',
};

describe('row results', () => {
  it('calls an update by what it changes, in the conditional for a dry run', () => {
    expect(updatedOutcome(2, undefined, false)).toBe('updated');
    expect(updatedOutcome(2, 'activate', false)).toBe('updated');
    expect(updatedOutcome(0, 'activate', false)).toBe('activated');
    expect(updatedOutcome(0, 'deactivate', false)).toBe('deactivated');
    expect(updatedOutcome(1, 'deactivate', true)).toBe('would-update');
    expect(updatedOutcome(0, 'activate', true)).toBe('would-activate');
    expect(updatedOutcome(0, 'deactivate', true)).toBe('would-deactivate');
  });

  it('says why a row was skipped or cancelled, as a note before its warnings, keeping its errors', () => {
    expect(skippedRowResult(valid, 'KC1', 'create-only mode')).toMatchObject({
      row: 7,
      outcome: 'skipped',
      customerId: 'KC1',
      errors: '',
      warnings: 'create-only mode; Mobile 2 ignored: empty',
    });
    expect(cancelledRowResult(invalid)).toMatchObject({
      row: 8,
      uniqueRefNo: 'C-8',
      outcome: 'skipped',
      errorType: '',
      errors: 'Code (column A, uniqueRefNo): also appears in row 2',
      warnings: 'import cancelled before this row was sent; Mobile: "022 2345 6789" looks like a landline',
    });
  });

  it('keeps warnings out of errors: a valid row has them in warnings, an invalid row has both', () => {
    expect(validRowResult(valid, 'created', 'KC7')).toMatchObject({
      errors: '',
      warnings: 'Mobile 2 ignored: empty',
    });
    expect(invalidRowResult(invalid)).toMatchObject({
      outcome: 'invalid',
      errors: 'Code (column A, uniqueRefNo): also appears in row 2',
      warnings: 'Mobile: "022 2345 6789" looks like a landline',
    });
  });

  it('carries the sheet a row was read from, and none for a CSV row', () => {
    expect(validRowResult({ ...valid, sheet: 'Debtors' }, 'created', 'KC7').sheet).toBe('Debtors');
    expect(invalidRowResult({ ...invalid, sheet: 'Debtors' }).sheet).toBe('Debtors');
    expect(validRowResult(valid, 'created', 'KC7')).not.toHaveProperty('sheet');
  });

  it('puts a failure in the row line with its attempts', () => {
    const failure = {
      httpStatus: 422,
      errorType: 'VALIDATION',
      errors: 'PAN: EnKash says bad',
      requestId: 'r-1',
    };
    expect(failedRowResult(valid, 3, failure)).toMatchObject({
      row: 7,
      outcome: 'failed',
      attempts: 3,
      customerId: '',
      ...failure,
    });
  });
});
