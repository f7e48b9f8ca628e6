/**
 * What differs between a row and the customer EnKash holds, as a PATCH body of only those fields.
 *
 * Decisions (README "Sync rules"):
 * - A field the row leaves empty is kept as it is in EnKash, never cleared (a file that lacks a column
 *   must not wipe data).
 * - Key contacts are compared as a set of (name, mobile, e-mail); when it differs the whole list is sent
 *   (PATCH replaces the list), reusing EnKash's keyContactPersonId for contacts matched by mobile.
 */
import {
  UPDATABLE_FIELDS,
  type CustomerResponse,
  type CustomerUpdate,
  type KeyContact,
  type UpdatableField,
} from '../contract/enkash-api.js';
import type { FieldChange, ValidRow } from '../domain/types.js';

export type CustomerDiff = {
  patch: CustomerUpdate;
  changes: FieldChange[];
  /** Set when the row's status column asks for the other state. */
  status?: 'activate' | 'deactivate';
};

const CASE_INSENSITIVE: ReadonlySet<UpdatableField> = new Set(['panOrGstin', 'ifsc']);

/** A field's value as compared: trimmed; PAN/GSTIN and IFSC upper-cased; a phone number's last 10 digits. */
export function comparable(field: UpdatableField, value: string | null | undefined): string {
  const v = (value ?? '').trim();
  if (CASE_INSENSITIVE.has(field)) return v.toUpperCase();
  if (field === 'contactNumber') return lastTenDigits(v);
  return v;
}

function lastTenDigits(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length > 10 ? digits.slice(-10) : digits;
}

export type ContactLike = { name?: string | null; mobile?: string | null; email?: string | null };

/** A key contact as compared: name, mobile's last 10 digits, e-mail lower-cased. */
export function contactKey(c: ContactLike): string {
  return [(c.name ?? '').trim(), lastTenDigits(c.mobile ?? ''), (c.email ?? '').trim().toLowerCase()].join(
    '|',
  );
}

export function isDeleted(c: { deleted?: boolean | string | null }): boolean {
  return c.deleted === true || c.deleted === 'true';
}

function diffContacts(wanted: KeyContact[], existing: CustomerResponse): KeyContact[] | null {
  const current = (existing.customerKeyContacts ?? []).filter((c) => !isDeleted(c));
  const a = wanted.map(contactKey).sort().join('\n');
  const b = current.map(contactKey).sort().join('\n');
  if (a === b) return null;
  const idByMobile = new Map(
    current
      .filter((c) => c.keyContactPersonId)
      .map((c) => [lastTenDigits(c.mobile ?? ''), c.keyContactPersonId]),
  );
  return wanted.map((c) => {
    const id = idByMobile.get(lastTenDigits(c.mobile));
    return id ? { ...c, keyContactPersonId: id } : c;
  });
}

function describeContacts(contacts: ContactLike[]): string {
  return contacts.map((c) => `${c.name ?? ''} ${c.mobile ?? ''}`.trim()).join(', ');
}

export function diffCustomer(
  row: Pick<ValidRow, 'customer' | 'status'>,
  existing: CustomerResponse,
): CustomerDiff {
  const patch: CustomerUpdate = {};
  const changes: FieldChange[] = [];
  for (const field of UPDATABLE_FIELDS) {
    const wanted = row.customer[field];
    if (wanted === undefined || wanted === '') continue;
    if (comparable(field, wanted) === comparable(field, existing[field])) continue;
    patch[field] = wanted;
    changes.push({ field, before: existing[field] ?? '', after: wanted });
  }
  const contacts = diffContacts(row.customer.customerKeyContacts, existing);
  if (contacts) {
    patch.customerKeyContacts = contacts;
    changes.push({
      field: 'customerKeyContacts',
      before: describeContacts((existing.customerKeyContacts ?? []).filter((c) => !isDeleted(c))),
      after: describeContacts(contacts),
    });
  }
  const diff: CustomerDiff = { patch, changes };
  if (row.status) {
    const isActive = existing.active !== false;
    if (row.status === 'ACTIVE' && !isActive) diff.status = 'activate';
    if (row.status === 'INACTIVE' && isActive) diff.status = 'deactivate';
    if (diff.status) {
      changes.push({ field: 'status', before: isActive ? 'ACTIVE' : 'INACTIVE', after: row.status });
    }
  }
  return diff;
}

/** `legalName: "Old" → "New"; status: ACTIVE → INACTIVE` */
export function formatChanges(changes: FieldChange[]): string {
  return changes
    .map((c) =>
      c.field === 'status' ? `status: ${c.before} → ${c.after}` : `${c.field}: "${c.before}" → "${c.after}"`,
    )
    .join('; ');
}
