import { describe, expect, it } from 'vitest';
import type { CustomerResponse } from '../../src/contract/enkash-api.js';
import type { InvalidRow, ValidRow } from '../../src/domain/types.js';
import { fingerprint } from '../../src/plan/fingerprint.js';
import {
  settleByFingerprint,
  settleBySnapshot,
  snapshotChoice,
  sortBatch,
} from '../../src/plan/plan-batch.js';

function valid(row: number, ref: string): ValidRow {
  return {
    kind: 'valid',
    row,
    key: { field: 'uniqueRefNo', value: ref },
    customer: {
      legalName: `Customer ${ref}`,
      uniqueRefNo: ref,
      panOrGstin: '27AAPFU0939F1ZV',
      customerKeyContacts: [],
    },
    warnings: [],
  };
}

const invalid: InvalidRow = {
  kind: 'invalid',
  row: 3,
  uniqueRefNo: 'C-3',
  legalName: 'Bad Row',
  errors: [{ column: 'GSTIN', letter: 'C', field: 'panOrGstin', value: 'X', problem: 'is not a GSTIN' }],
};

const hash = (key: { field: string; value: string }) => `h:${key.value}`;

describe('sortBatch', () => {
  it('skips rows already recorded, settles invalid rows and hashes the rest', () => {
    const plan = sortBatch([valid(2, 'C-2'), invalid, valid(4, 'C-4')], new Set([4]), false, hash);
    expect(plan.pending).toEqual([{ row: valid(2, 'C-2'), keyHash: 'h:C-2' }]);
    expect(plan.direct).toHaveLength(1);
    expect(plan.direct[0]).toMatchObject({ row: 3, outcome: 'invalid', errorType: 'INVALID_ROW' });
    expect(plan.direct[0]?.errors).toBe('GSTIN (column C, panOrGstin): "X" is not a GSTIN');
  });

  it('reports every row skipped after a cancel, invalid ones included', () => {
    const plan = sortBatch([valid(2, 'C-2'), invalid], new Set(), true, hash);
    expect(plan.pending).toEqual([]);
    // The invalid row keeps its errors: they still need fixing; the cancellation is a note.
    expect(plan.direct.map((r) => [r.row, r.outcome, r.errorType, r.errors, r.warnings])).toEqual([
      [2, 'skipped', '', '', 'import cancelled before this row was sent'],
      [
        3,
        'skipped',
        '',
        'GSTIN (column C, panOrGstin): "X" is not a GSTIN',
        'import cancelled before this row was sent',
      ],
    ]);
  });
});

describe('settleByFingerprint', () => {
  it('settles a row whose fingerprint matches what was last sent, and queues the others', () => {
    const a = { row: valid(2, 'C-2'), keyHash: 'h:C-2' };
    const b = { row: valid(3, 'C-3'), keyHash: 'h:C-3' };
    const direct: never[] = [];
    const queue = settleByFingerprint(
      [a, b],
      [
        { customerId: 'KC1', fingerprint: fingerprint(a.row) },
        { customerId: 'KC2', fingerprint: 'old' },
      ],
      direct,
    );
    expect(queue).toEqual([b]);
    expect(direct).toMatchObject([{ row: 2, outcome: 'unchanged', customerId: 'KC1' }]);
  });
});

describe('settleBySnapshot', () => {
  const same: CustomerResponse = {
    customerId: 'KCSAME',
    legalName: 'Customer C-2',
    uniqueRefNo: 'C-2',
    panOrGstin: '27AAPFU0939F1ZV',
    active: true,
  };
  const lookup = (key: { value: string }) =>
    key.value === 'C-2' ? same : key.value === 'C-3' ? null : undefined;
  const rows = ['C-2', 'C-3', 'C-4'].map((ref, i) => ({ row: valid(i + 2, ref), keyHash: `h:${ref}` }));

  it('settles unchanged rows, learns them, and queues absent and ambiguous ones', () => {
    const direct: never[] = [];
    const { queue, learned } = settleBySnapshot(rows, lookup, 'upsert', direct);
    expect(direct).toMatchObject([{ row: 2, outcome: 'unchanged', customerId: 'KCSAME' }]);
    expect(learned).toEqual([
      { keyHash: 'h:C-2', customerId: 'KCSAME', fingerprint: fingerprint(rows[0]!.row) },
    ]);
    expect(queue.map((p) => p.keyHash)).toEqual(['h:C-3', 'h:C-4']);
  });

  it('settles rows the mode skips, with the reason', () => {
    const direct: never[] = [];
    const { queue } = settleBySnapshot(rows, lookup, 'update-only', direct);
    expect(direct).toMatchObject([
      { row: 2, outcome: 'unchanged' },
      {
        row: 3,
        outcome: 'skipped',
        errors: '',
        warnings: 'not found in EnKash; update-only mode creates nothing',
      },
    ]);
    expect(queue.map((p) => p.keyHash)).toEqual(['h:C-4']);
  });
});

describe('snapshotChoice', () => {
  it('reads the account only when its pages cost fewer calls than the searches', () => {
    expect(snapshotChoice(0, 1, 10, true, 500)).toBe('empty');
    expect(snapshotChoice(12_000, 3, 3, true, 500)).toBe('search');
    expect(snapshotChoice(12_000, 3, 4, true, 500)).toBe('load');
    // Not the last batch: at least a batch's worth of lookups is coming.
    expect(snapshotChoice(12_000, 3, 2, false, 500)).toBe('load');
  });
});
