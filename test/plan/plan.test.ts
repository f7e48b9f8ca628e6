import { describe, expect, it } from 'vitest';
import type { CustomerResponse } from '../../src/contract/enkash-api.js';
import type { ValidRow } from '../../src/domain/types.js';
import { decide } from '../../src/plan/decide.js';
import { diffCustomer, formatChanges } from '../../src/plan/diff.js';
import { canonicalJson, fingerprint } from '../../src/plan/fingerprint.js';

function row(overrides: Partial<ValidRow['customer']> = {}, status?: ValidRow['status']): ValidRow {
  return {
    kind: 'valid',
    row: 2,
    key: { field: 'uniqueRefNo', value: 'C-001' },
    customer: {
      legalName: 'Acme Traders Pvt Ltd',
      uniqueRefNo: 'C-001',
      panOrGstin: '27AAPFU0939F1ZV',
      contactNumber: '9876543210',
      customerKeyContacts: [
        { name: 'Ravi Kumar', mobile: '9876543210', legalName: 'Acme Traders Pvt Ltd', deleted: false },
      ],
      ...overrides,
    },
    ...(status ? { status } : {}),
    warnings: [],
  };
}

const existing: CustomerResponse = {
  customerId: 'KCABCDEFGHIJ1234',
  legalName: 'Acme Traders Pvt Ltd',
  uniqueRefNo: 'C-001',
  panOrGstin: '27aapfu0939f1zv',
  contactNumber: '+919876543210',
  active: true,
  customerKeyContacts: [
    { keyContactPersonId: 'P1', name: 'Ravi Kumar', mobile: '9876543210', deleted: false },
    { keyContactPersonId: 'P0', name: 'Old Contact', mobile: '9000000000', deleted: 'true' },
  ],
};

describe('diffCustomer', () => {
  it('finds nothing to change when only case and phone format differ, and deleted contacts are ignored', () => {
    expect(diffCustomer(row(), existing).changes).toEqual([]);
  });

  it('patches only the fields that differ, with a before → after description', () => {
    const diff = diffCustomer(row({ legalName: 'Acme Traders LLP', pinCode: '400001' }), existing);
    expect(diff.patch).toEqual({ legalName: 'Acme Traders LLP', pinCode: '400001' });
    expect(formatChanges(diff.changes)).toBe(
      'legalName: "Acme Traders Pvt Ltd" → "Acme Traders LLP"; pinCode: "" → "400001"',
    );
  });

  it('keeps a field the row leaves empty (never clears EnKash data)', () => {
    const diff = diffCustomer(row({ panOrGstin: undefined }), existing);
    expect(diff.patch).toEqual({});
  });

  it('sends the whole contact list when contacts differ, reusing keyContactPersonId by mobile', () => {
    const r = row({
      customerKeyContacts: [
        { name: 'Ravi K', mobile: '9876543210', legalName: 'Acme Traders Pvt Ltd', deleted: false },
        { name: 'Sita', mobile: '9123456780', legalName: 'Acme Traders Pvt Ltd', deleted: false },
      ],
    });
    const diff = diffCustomer(r, existing);
    expect(diff.patch.customerKeyContacts?.[0]?.keyContactPersonId).toBe('P1');
    expect(diff.patch.customerKeyContacts?.[1]?.keyContactPersonId).toBeUndefined();
    expect(diff.changes.map((c) => c.field)).toEqual(['customerKeyContacts']);
  });

  it('asks for deactivation when the status column says Inactive', () => {
    const diff = diffCustomer(row({}, 'INACTIVE'), existing);
    expect(diff.status).toBe('deactivate');
    expect(diff.patch).toEqual({});
    expect(diffCustomer(row({}, 'ACTIVE'), { ...existing, active: false }).status).toBe('activate');
    expect(diffCustomer(row({}, 'ACTIVE'), existing).status).toBeUndefined();
  });
});

describe('decide', () => {
  it('creates a missing customer unless the mode is update-only', () => {
    expect(decide(row(), null, 'upsert')).toEqual({ kind: 'create', deactivateAfter: false });
    expect(decide(row({}, 'INACTIVE'), null, 'create-only')).toEqual({
      kind: 'create',
      deactivateAfter: true,
    });
    expect(decide(row(), null, 'update-only').kind).toBe('skip');
  });

  it('updates, leaves unchanged, or skips an existing customer by mode', () => {
    expect(decide(row(), existing, 'upsert')).toEqual({ kind: 'unchanged', customerId: existing.customerId });
    expect(decide(row({ state: 'Maharashtra' }), existing, 'update-only').kind).toBe('update');
    const skip = decide(row({ state: 'Maharashtra' }), existing, 'create-only');
    expect(skip).toMatchObject({ kind: 'skip', customerId: existing.customerId });
  });
});

describe('fingerprint', () => {
  it('is stable across key order and changes with any value or the status', () => {
    const a = row();
    const b: ValidRow = { ...a, customer: JSON.parse(canonicalJson(a.customer)) as ValidRow['customer'] };
    expect(fingerprint(b)).toBe(fingerprint(a));
    expect(fingerprint(row({ pinCode: '400001' }))).not.toBe(fingerprint(a));
    expect(fingerprint(row({}, 'INACTIVE'))).not.toBe(fingerprint(a));
  });
});
