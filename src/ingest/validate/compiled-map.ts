/**
 * What validation derives from a column map once per file, not once per row: the status vocabulary and
 * the EnKash field paths of numbered contacts. Cached by identity, so the per-row path allocates none of
 * it (a column map is built once per import and never changed afterwards).
 */
import type { MatchKey } from '../../domain/types.js';
import type { ColumnMap, ColumnRef } from '../column-map.js';
import { buildStatusWords, type StatusWords } from './normalise.js';

export type ContactFields = { name: string; mobile: string; email: string };

export type CompiledMap = {
  map: ColumnMap;
  words: StatusWords;
  /** Per contact column group: `customerKeyContacts[i].name` etc., for FieldError.field. */
  contactFields: ContactFields[];
  /** Payload fields with an EnKash pattern, and the column to name when one fails (pattern-guard.ts). */
  guarded: ReadonlyArray<readonly [GuardedField, ColumnRef | undefined]>;
};

export type GuardedField =
  'panOrGstin' | 'contactNumber' | 'accountNumber' | 'ifsc' | 'pinCode' | 'companyId';

const cache = new WeakMap<ColumnMap, CompiledMap>();

export function compileMap(map: ColumnMap): CompiledMap {
  let compiled = cache.get(map);
  if (compiled === undefined) {
    compiled = {
      map,
      words: buildStatusWords(map.statusWords, map.statusInverted),
      contactFields: map.contacts.map((_, i) => ({
        name: `customerKeyContacts[${i}].name`,
        mobile: `customerKeyContacts[${i}].mobile`,
        email: `customerKeyContacts[${i}].email`,
      })),
      guarded: guardedColumns(map),
    };
    cache.set(map, compiled);
  }
  return compiled;
}

/**
 * The column a match key came from (undefined when none is mapped: then the EnKash field names it).
 * A panOrGstin key of 15 characters came from the GSTIN column, one of 10 from the PAN column.
 */
export function keyColumn(map: ColumnMap, key: MatchKey): ColumnRef | undefined {
  const f = map.fields;
  switch (key.field) {
    case 'uniqueRefNo':
      return f.uniqueRefNo;
    case 'accountNumber':
      return f.accountNumber;
    case 'panOrGstin': {
      const own = key.value.length === 15 ? f.gstin : f.pan;
      return own ?? f.panOrGstin ?? f.gstin ?? f.pan;
    }
  }
}

function guardedColumns(map: ColumnMap): Array<readonly [GuardedField, ColumnRef | undefined]> {
  const f = map.fields;
  return [
    ['panOrGstin', f.gstin ?? f.pan ?? f.panOrGstin],
    ['contactNumber', f.contactNumber ?? map.contacts[0]?.mobile],
    ['accountNumber', f.accountNumber],
    ['ifsc', f.ifsc],
    ['pinCode', f.pinCode],
    // The company id comes from the ENKASH_COMPANY_ID setting, not from the file.
    ['companyId', undefined],
  ];
}
