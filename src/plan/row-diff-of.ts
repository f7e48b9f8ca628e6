/**
 * What a row job changed in EnKash, as the record a revert reads back (src/domain/row-diff.ts). Pure.
 */
import type { CustomerResponse, KeyContact, UpdatableField } from '../contract/enkash-api.js';
import type { KeptContact, RowDiff, RowIdentity } from '../domain/row-diff.js';
import { isWriteOutcome, type RowResult } from '../domain/types.js';
import type { RowAction } from './decide.js';
import { isDeleted, type ContactLike, type CustomerDiff } from './diff.js';

/** The record of a written row; undefined when the row wrote nothing (or only would have: a dry run). */
export function rowDiffOf(
  identity: Omit<RowIdentity, 'customerId'>,
  action: RowAction,
  existing: CustomerResponse | null,
  result: RowResult,
): RowDiff | undefined {
  const who = { ...identity, customerId: result.customerId };
  if (result.outcome === 'created') return { kind: 'created', ...who };
  if (action.kind !== 'update' || !existing || !isWriteOutcome(result.outcome)) return undefined;
  return updateRecord(who, action.diff, existing);
}

/**
 * The record of an update about to be sent: kept before the first write, so that an attempt cut short
 * after its PATCH (and retried against what it already wrote) still leaves the values before the import.
 */
export function updateRecord(who: RowIdentity, action: CustomerDiff, existing: CustomerResponse): RowDiff {
  const { patch, status } = action;
  const diff: RowDiff = { kind: 'updated', ...who, fields: [] };
  for (const [field, after] of Object.entries(patch)) {
    if (field === 'customerKeyContacts' || typeof after !== 'string') continue;
    const before = existing[field as UpdatableField];
    diff.fields.push({ field: field as UpdatableField, before: before ?? null, after });
  }
  if (patch.customerKeyContacts) {
    diff.contacts = {
      before: keptContacts((existing.customerKeyContacts ?? []).filter((c) => !isDeleted(c))),
      after: keptContacts(patch.customerKeyContacts),
    };
  }
  if (status) {
    diff.status =
      status === 'activate'
        ? { before: 'INACTIVE', after: 'ACTIVE' }
        : { before: 'ACTIVE', after: 'INACTIVE' };
  }
  return diff;
}

export function keptContacts(
  contacts: readonly (ContactLike & { keyContactPersonId?: string | null })[],
): KeptContact[] {
  return contacts.map((c) => ({
    name: c.name ?? '',
    mobile: c.mobile ?? '',
    ...(c.email ? { email: c.email } : {}),
    ...(c.keyContactPersonId ? { keyContactPersonId: c.keyContactPersonId } : {}),
  }));
}

/** Kept contacts as an update body sends them (every contact carries the customer's legal name). */
export function contactsToSend(contacts: readonly KeptContact[], legalName: string): KeyContact[] {
  return contacts.map((c) => ({
    name: c.name,
    mobile: c.mobile,
    legalName,
    deleted: false,
    ...(c.email ? { email: c.email } : {}),
    ...(c.keyContactPersonId ? { keyContactPersonId: c.keyContactPersonId } : {}),
  }));
}
