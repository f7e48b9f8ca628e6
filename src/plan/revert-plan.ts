/**
 * What reverting one row of an import does, given the customer as EnKash holds it now. Pure.
 *
 * Decisions (README "Undo an import"):
 * - A field (key contacts, status) that still holds the import's value goes back to its value before
 *   the import; one that already holds that earlier value needs nothing; any other value was changed
 *   since — by a later import or in EnKash's own screens — and makes the whole row a `conflict`: nothing
 *   is written for it, and both values are shown.
 * - A customer the import created is deactivated (EnKash has no delete), whatever was changed in it
 *   since: it would not exist without the import.
 * - The revert keeps its own record of what it wrote, so reverting a revert redoes the import.
 */
import type { CustomerResponse, CustomerUpdate } from '../contract/enkash-api.js';
import type { CustomerStatus, FieldValues, RowDiff } from '../domain/row-diff.js';
import type { FieldChange } from '../domain/types.js';
import { comparable, contactKey, isDeleted } from './diff.js';
import { contactsToSend, keptContacts } from './row-diff-of.js';

/** A value the import wrote that EnKash no longer holds. */
export type Conflict = { field: string; imported: string; current: string };

export type RevertPlan =
  | {
      kind: 'write';
      patch: CustomerUpdate;
      status?: 'activate' | 'deactivate';
      /** current → restored, per field, for the report's `changes`. */
      changes: FieldChange[];
      /** What this revert writes, kept so that it can be reverted in its turn. */
      record: RowDiff;
    }
  | { kind: 'unchanged' }
  | { kind: 'conflict'; conflicts: Conflict[] };

type Draft = { patch: CustomerUpdate; changes: FieldChange[]; conflicts: Conflict[]; fields: FieldValues[] };

export function planRevert(diff: RowDiff, current: CustomerResponse): RevertPlan {
  const { kind: _kind, ...identity } = diff;
  const status = statusOf(current);
  if (diff.kind === 'created') {
    if (status === 'INACTIVE') return { kind: 'unchanged' };
    return {
      kind: 'write',
      patch: {},
      status: 'deactivate',
      changes: [{ field: 'status', before: 'ACTIVE', after: 'INACTIVE' }],
      record: { ...identity, kind: 'updated', fields: [], status: { before: 'ACTIVE', after: 'INACTIVE' } },
    };
  }
  const draft: Draft = { patch: {}, changes: [], conflicts: [], fields: [] };
  for (const f of diff.fields) revertField(draft, f, current[f.field] ?? null);
  const contacts = diff.contacts ? revertContacts(draft, diff.contacts, current, diff.legalName) : undefined;
  let statusOp: 'activate' | 'deactivate' | undefined;
  let statusRecord: { before: CustomerStatus; after: CustomerStatus } | undefined;
  if (diff.status && status === diff.status.after && diff.status.before !== status) {
    statusOp = diff.status.before === 'ACTIVE' ? 'activate' : 'deactivate';
    statusRecord = { before: status, after: diff.status.before };
    draft.changes.push({ field: 'status', before: status, after: diff.status.before });
  }
  if (draft.conflicts.length > 0) return { kind: 'conflict', conflicts: draft.conflicts };
  if (draft.changes.length === 0) return { kind: 'unchanged' };
  const record: RowDiff = {
    ...identity,
    kind: 'updated',
    fields: draft.fields,
    ...(contacts ? { contacts } : {}),
    ...(statusRecord ? { status: statusRecord } : {}),
  };
  return {
    kind: 'write',
    patch: draft.patch,
    ...(statusOp ? { status: statusOp } : {}),
    changes: draft.changes,
    record,
  };
}

function revertField(draft: Draft, f: FieldValues, current: string | null): void {
  const now = comparable(f.field, current);
  if (now === comparable(f.field, f.before)) return;
  if (now !== comparable(f.field, f.after)) {
    draft.conflicts.push({ field: f.field, imported: f.after, current: current ?? '' });
    return;
  }
  // PATCH: null clears a field that had no value before the import.
  draft.patch[f.field] = f.before === null || f.before === '' ? null : f.before;
  draft.changes.push({ field: f.field, before: current ?? '', after: f.before ?? '' });
  draft.fields.push({ field: f.field, before: current, after: f.before ?? '' });
}

function revertContacts(
  draft: Draft,
  kept: NonNullable<Extract<RowDiff, { kind: 'updated' }>['contacts']>,
  current: CustomerResponse,
  legalName: string,
) {
  const now = keptContacts((current.customerKeyContacts ?? []).filter((c) => !isDeleted(c)));
  const key = (list: readonly { name: string; mobile: string; email?: string }[]) =>
    list.map(contactKey).sort().join('\n');
  // EnKash refuses an empty list: a customer always has a contact, so `before` is never empty.
  if (key(now) === key(kept.before) || kept.before.length === 0) return undefined;
  if (key(now) !== key(kept.after)) {
    draft.conflicts.push({
      field: 'customerKeyContacts',
      imported: describe(kept.after),
      current: describe(now),
    });
    return undefined;
  }
  const name = (draft.patch.legalName ?? current.legalName ?? legalName) || legalName;
  draft.patch.customerKeyContacts = contactsToSend(kept.before, name);
  draft.changes.push({ field: 'customerKeyContacts', before: describe(now), after: describe(kept.before) });
  return { before: now, after: kept.before };
}

function describe(contacts: readonly { name: string; mobile: string }[]): string {
  return contacts.map((c) => `${c.name} ${c.mobile}`.trim()).join(', ');
}

export function statusOf(customer: Pick<CustomerResponse, 'active'>): CustomerStatus {
  return customer.active === false ? 'INACTIVE' : 'ACTIVE';
}

/** `legalName: the import wrote "B", EnKash now has "C"` */
export function formatConflicts(conflicts: readonly Conflict[]): string {
  return conflicts
    .map((c) => `${c.field}: the import wrote "${c.imported}", EnKash now has "${c.current}"`)
    .join('; ');
}
