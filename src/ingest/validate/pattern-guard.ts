/**
 * The last check before a payload leaves validation: every patterned field against EnKash's own pattern
 * on the whole value (Java `matches()` semantics, contract.ts `PATTERNS`); contacts.ts does the same for
 * each key contact's mobile. E-mail is not checked twice: email.ts already tests EnKash's own pattern,
 * and it is the costliest expression of all. The field checks before it are
 * stricter, so this only fires if they and EnKash ever disagree: then the row is refused here, with
 * EnKash's rule named, instead of by EnKash with a 400.
 */
import { PATTERNS, type CustomerCreate, type PatternName } from '../../contract/enkash-api.js';
import type { ColumnRef } from '../column-map.js';
import type { CompiledMap } from './compiled-map.js';
import type { RowReader } from './row-reader.js';

const EXPECTED: Partial<Record<PatternName, string>> = {
  panOrGstin: 'a GSTIN or a PAN',
  contactNumber: '10 digits, optionally after a country code',
  mobile: '10 digits, optionally after a country code',
  accountNumber: '9 to 36 letters or digits',
  ifsc: '4 letters, 0, then 6 letters or digits',
  pinCode: '6 digits',
  companyId: 'CEK followed by 7 capital letters or digits (the ENKASH_COMPANY_ID setting)',
  email: 'an e-mail address',
};

export function guardPatterns(customer: CustomerCreate, r: RowReader, compiled: CompiledMap): void {
  for (const [name, column] of compiled.guarded) {
    const value = customer[name];
    if (value !== undefined) checkPattern(r, column, name, name, value);
  }
}

/** Records a problem when `value` does not match EnKash's pattern `pattern` as a whole. */
export function checkPattern(
  r: RowReader,
  column: ColumnRef | undefined,
  field: string,
  pattern: PatternName,
  value: string,
): void {
  if (PATTERNS[pattern].test(value)) return;
  r.fail(column, field, value, `does not match EnKash's ${pattern} pattern: expected ${EXPECTED[pattern]}`);
}
