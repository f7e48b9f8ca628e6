import { describe, expect, it } from 'vitest';
import {
  cancelledRowResult,
  failedRowResult,
  skippedRowResult,
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
  errors: [],
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

  it('says why a row was skipped or cancelled, keeping the row and its names', () => {
    expect(skippedRowResult(valid, 'KC1', 'create-only mode')).toMatchObject({
      row: 7,
      outcome: 'skipped',
      customerId: 'KC1',
      errors: 'create-only mode',
    });
    expect(cancelledRowResult(invalid)).toMatchObject({
      row: 8,
      uniqueRefNo: 'C-8',
      outcome: 'skipped',
      errorType: '',
      errors: 'import cancelled before this row was sent',
    });
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
