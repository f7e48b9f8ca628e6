/**
 * What an import changed in one EnKash customer, kept (sealed, for the import's retention) so the import
 * can be reverted: a customer it created, or each field it changed with the value before and after, the
 * whole key-contact list before and after, and the status before and after. Recorded by the row job that
 * wrote it; read by a revert (src/sync/revert-job.ts).
 */
import type { KeyContact, UpdatableField } from '../contract/enkash-api.js';
import type { MatchKey } from './types.js';

export type CustomerStatus = 'ACTIVE' | 'INACTIVE';

/** A key contact as kept for a revert: EnKash's own fields, enough to send it back (its id keeps the person). */
export type KeptContact = Pick<KeyContact, 'name' | 'mobile' | 'email' | 'keyContactPersonId'>;

export type FieldValues = {
  field: UpdatableField;
  /** null: EnKash had no value (a revert clears the field). */
  before: string | null;
  after: string;
};

/** Who the row is, for the revert's report line and its per-customer lock. */
export type RowIdentity = {
  row: number;
  /** The workbook sheet the row was read from; absent for CSV files. */
  sheet?: string;
  key: MatchKey;
  /** The match key's HMAC: the customer's name in Redis (registry, lock). */
  keyHash: string;
  uniqueRefNo: string;
  legalName: string;
  customerId: string;
};

export type RowDiff =
  | (RowIdentity & { kind: 'created' })
  | (RowIdentity & {
      kind: 'updated';
      fields: FieldValues[];
      contacts?: { before: KeptContact[]; after: KeptContact[] };
      status?: { before: CustomerStatus; after: CustomerStatus };
    });
