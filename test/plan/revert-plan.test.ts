import { describe, expect, it } from 'vitest';
import type { CustomerResponse } from '../../src/contract/enkash-api.js';
import type { RowDiff } from '../../src/domain/row-diff.js';
import { planRevert } from '../../src/plan/revert-plan.js';

const who = {
  row: 2,
  key: { field: 'uniqueRefNo' as const, value: 'C-1' },
  keyHash: 'h',
  uniqueRefNo: 'C-1',
  legalName: 'Alpha New',
  customerId: 'KC00000000000001',
};

const updated: RowDiff = {
  ...who,
  kind: 'updated',
  fields: [
    { field: 'legalName', before: 'Alpha', after: 'Alpha New' },
    { field: 'address', before: null, after: '10 Park Street' },
  ],
  contacts: {
    before: [{ name: 'Ravi', mobile: '9876500001', keyContactPersonId: 'KCP1' }],
    after: [{ name: 'Sunita', mobile: '9876500033' }],
  },
  status: { before: 'ACTIVE', after: 'INACTIVE' },
};

const now = (over: Partial<CustomerResponse> = {}): CustomerResponse => ({
  customerId: who.customerId,
  legalName: 'Alpha New',
  address: '10 Park Street',
  active: false,
  customerKeyContacts: [
    { name: 'Sunita', mobile: '9876500033', keyContactPersonId: 'KCP2', deleted: 'false' },
  ],
  ...over,
});

describe('planRevert', () => {
  it('puts every field still holding the import value back, clears one that was empty, reverses status', () => {
    const plan = planRevert(updated, now());
    expect(plan.kind).toBe('write');
    if (plan.kind !== 'write') return;
    expect(plan.patch).toEqual({
      legalName: 'Alpha',
      address: null,
      customerKeyContacts: [
        {
          name: 'Ravi',
          mobile: '9876500001',
          legalName: 'Alpha',
          deleted: false,
          keyContactPersonId: 'KCP1',
        },
      ],
    });
    expect(plan.status).toBe('activate');
    expect(plan.changes.map((c) => c.field)).toEqual([
      'legalName',
      'address',
      'customerKeyContacts',
      'status',
    ]);
  });

  it('a field changed since makes the row a conflict with both values, and nothing to write', () => {
    const plan = planRevert(updated, now({ address: '99 Changed Lane' }));
    expect(plan).toEqual({
      kind: 'conflict',
      conflicts: [{ field: 'address', imported: '10 Park Street', current: '99 Changed Lane' }],
    });
    expect(
      planRevert(updated, now({ customerKeyContacts: [{ name: 'Other', mobile: '9000000000' }] })).kind,
    ).toBe('conflict');
  });

  it('a row already back as before the import is unchanged (reverting twice)', () => {
    const back = now({
      legalName: 'Alpha',
      address: null,
      active: true,
      customerKeyContacts: [{ name: 'Ravi', mobile: '9876500001' }],
    });
    expect(planRevert(updated, back)).toEqual({ kind: 'unchanged' });
  });

  it('compares as the sync does: case of a GSTIN, a mobile with its country code', () => {
    const diff: RowDiff = {
      ...who,
      kind: 'updated',
      fields: [{ field: 'panOrGstin', before: '29AABCS1429B1ZQ', after: '29AAFCK5678K1ZS' }],
    };
    const plan = planRevert(diff, now({ panOrGstin: '29aafck5678k1zs' }));
    expect(plan.kind === 'write' && plan.patch).toEqual({ panOrGstin: '29AABCS1429B1ZQ' });
  });

  it('a created customer is deactivated (once); its record lets a revert of the revert reactivate it', () => {
    const created: RowDiff = { ...who, kind: 'created' };
    const plan = planRevert(created, now({ active: true }));
    expect(plan.kind === 'write' && plan.status).toBe('deactivate');
    expect(planRevert(created, now({ active: false }))).toEqual({ kind: 'unchanged' });
    if (plan.kind !== 'write') return;
    const redo = planRevert(plan.record, now({ active: false }));
    expect(redo.kind === 'write' && redo.status).toBe('activate');
  });

  it('the record of a revert redoes the import when reverted', () => {
    const plan = planRevert(updated, now());
    if (plan.kind !== 'write') throw new Error('expected a write');
    const afterRevert = now({
      legalName: 'Alpha',
      address: null,
      active: true,
      customerKeyContacts: [{ name: 'Ravi', mobile: '9876500001', keyContactPersonId: 'KCP1' }],
    });
    const redo = planRevert(plan.record, afterRevert);
    expect(redo.kind === 'write' && redo.patch).toMatchObject({
      legalName: 'Alpha New',
      address: '10 Park Street',
      customerKeyContacts: [{ name: 'Sunita', mobile: '9876500033' }],
    });
    expect(redo.kind === 'write' && redo.status).toBe('deactivate');
  });
});
