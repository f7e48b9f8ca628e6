/**
 * One raw row + its column map → a valid EnKash create payload, or every reason why not.
 *
 * Decisions where the brief was silent (see also contacts.ts, phone.ts, email.ts):
 * - GSTIN wins over PAN for `panOrGstin`; when a file has both, the PAN must be the one inside the GSTIN.
 * - `contactNumber` is the primary contact's mobile unless a phone column is mapped and filled.
 * - `externalSource` is true unless the map's defaults say otherwise (every row comes from outside
 *   EnKash); `source` is sent only when the map's defaults name one (the Tally preset sets TALLY).
 * - Empty optional fields are left out of the payload, never sent as "".
 * - Match key: `options.matchKey`; for `uniqueRefNo`, a row without one falls back to its GSTIN/PAN. "No
 *   match key" is reported only when no key field had a problem of its own (that problem is the fix).
 */
import type { InvalidRow, MatchKey, ParsedRow, ValidRow, MatchKeyField } from '../../domain/types.js';
import type { CustomerCreate, KeyContact } from '../../contract/enkash-api.js';
import type { ColumnMap, CustomerField } from '../column-map.js';
import type { RawRow } from '../raw-row.js';
import { compileMap } from './compiled-map.js';
import { readContacts } from './contacts.js';
import type { FieldKind } from './field-rules.js';
import { panOfGstin } from './gstin.js';
import { guardPatterns } from './pattern-guard.js';
import { RowReader } from './row-reader.js';

export type ValidateOptions = {
  matchKey: MatchKeyField;
  companyId?: string;
  /** The workbook sheet the row is on (absent for a CSV): the report names it beside the row. */
  sheet?: string | undefined;
};

/** Each value: '' when empty, undefined when its cell has a problem (already recorded). */
type Values = {
  legalName: string | undefined;
  uniqueRefNo: string | undefined;
  panOrGstin: string | undefined;
  contactNumber: string | undefined;
  accountNumber: string | undefined;
  ifsc: string | undefined;
  pinCode: string | undefined;
  address: string | undefined;
  state: string | undefined;
  customerCompanyId: string | undefined;
  status: string | undefined;
};

const NO_KEY_PREFIX = 'no match key:';
const NO_KEY: Record<MatchKeyField, string> = {
  uniqueRefNo: 'no match key: give a Customer Code or a GSTIN/PAN so this customer can be found again',
  panOrGstin:
    'no match key: this import matches customers by GSTIN/PAN; give one so this customer can be found again',
  accountNumber:
    'no match key: this import matches customers by bank account number; give one so this customer can be ' +
    'found again',
};

export function toParsedRow(raw: RawRow, map: ColumnMap, options: ValidateOptions): ParsedRow {
  const compiled = compileMap(map);
  const r = new RowReader(raw.values, compiled.words);
  const v = readValues(r, map);
  const contacts = readContacts(r, compiled, v.legalName ?? '');
  const key = readMatchKey(r, map, options.matchKey, v);
  if (r.errors.length > 0 || key === undefined) return onSheet(invalid(raw.row, r, map, v), options.sheet);
  const customer = buildCustomer(v, contacts, map, options.companyId);
  guardPatterns(customer, r, compiled);
  if (r.errors.length > 0) return onSheet(invalid(raw.row, r, map, v), options.sheet);
  const row: ValidRow = { kind: 'valid', row: raw.row, key, customer, warnings: r.warnings };
  if (v.status === 'ACTIVE' || v.status === 'INACTIVE') row.status = v.status;
  return onSheet(row, options.sheet);
}

function onSheet<T extends ParsedRow>(row: T, sheet: string | undefined): T {
  if (sheet !== undefined) row.sheet = sheet;
  return row;
}

// One object literal, in the order the user reads a customer (code, name, tax id…); every row gets the
// same object shape, which keeps this per-row path monomorphic.
function readValues(r: RowReader, map: ColumnMap): Values {
  return {
    uniqueRefNo: readField(r, map, 'uniqueRefNo', 'uniqueRefNo'),
    legalName: readLegalName(r, map),
    panOrGstin: readPanOrGstin(r, map),
    contactNumber: readContactNumber(r, map),
    accountNumber: readField(r, map, 'accountNumber', 'accountNumber'),
    ifsc: readField(r, map, 'ifsc', 'ifsc'),
    pinCode: readField(r, map, 'pinCode', 'pinCode'),
    address: readAddress(r, map),
    state: readField(r, map, 'state', 'state'),
    customerCompanyId: readField(r, map, 'customerCompanyId', 'customerCompanyId'),
    status: readField(r, map, 'status', 'status'),
  };
}

/**
 * The column map points contactNumber at the primary contact's mobile when the file has no phone column
 * of its own: that cell is read (and its problems reported) once, as the contact's mobile, and
 * buildCustomer falls back to that mobile for contactNumber.
 */
function readContactNumber(r: RowReader, map: ColumnMap): string | undefined {
  const own = map.fields.contactNumber;
  if (own !== undefined && own.index === map.contacts[0]?.mobile?.index) return '';
  return readField(r, map, 'contactNumber', 'contactNumber');
}

/**
 * A field's own column, or when that cell is empty the first filled of the map's per-row fallbacks
 * (Zoho's blank "Company Name" → "Display Name"). A problem in the own cell is reported, not skipped.
 */
function readField(r: RowReader, map: ColumnMap, field: CustomerField, kind: FieldKind): string | undefined {
  const value = r.read(map.fields[field], kind, field);
  const fallbacks = map.fallbacks?.[field];
  if (value !== '' || fallbacks === undefined) return value;
  for (const ref of fallbacks) {
    const other = r.read(ref, kind, field);
    if (other !== '') return other;
  }
  return '';
}

function readLegalName(r: RowReader, map: ColumnMap): string | undefined {
  const ref = map.fields.legalName;
  const name = readField(r, map, 'legalName', 'legalName');
  if (name !== '') return name;
  const text = r.textOf(ref);
  const need = 'EnKash requires a customer name';
  if (ref === undefined) r.fail(ref, 'legalName', '', `no column holds the customer name; ${need}`);
  else r.fail(ref, 'legalName', text, `${text === '' ? 'is empty' : 'counts as empty'}; ${need}`);
  return undefined;
}

/** GSTIN, else PAN, else a column that may hold either; a PAN beside a GSTIN must be the GSTIN's own. */
function readPanOrGstin(r: RowReader, map: ColumnMap): string | undefined {
  const f = map.fields;
  const gstin = r.read(f.gstin, 'gstin', 'panOrGstin');
  const pan = r.read(f.pan, 'pan', 'panOrGstin');
  const either = r.read(f.panOrGstin, 'panOrGstin', 'panOrGstin');
  if (gstin === undefined || pan === undefined || either === undefined) return undefined;
  if (gstin !== '' && pan !== '' && panOfGstin(gstin) !== pan) {
    const gstinColumn = f.gstin?.header ?? 'GSTIN';
    const problem = `does not match the PAN inside ${gstinColumn} "${gstin}" (${panOfGstin(gstin)})`;
    r.fail(f.pan, 'panOrGstin', r.textOf(f.pan), problem);
    return undefined;
  }
  return gstin || pan || either;
}

function readAddress(r: RowReader, map: ColumnMap): string | undefined {
  let address = '';
  let failed = false;
  for (const ref of map.address) {
    const part = r.read(ref, 'addressPart', 'address');
    if (part === undefined) failed = true;
    else if (part !== '') address = address === '' ? part : `${address}, ${part}`;
  }
  return failed ? undefined : address;
}

function readMatchKey(r: RowReader, map: ColumnMap, field: MatchKeyField, v: Values): MatchKey | undefined {
  const own = v[field];
  if (own === undefined) return undefined;
  if (own !== '') return { field, value: own };
  if (field === 'uniqueRefNo') {
    if (v.panOrGstin === undefined) return undefined;
    if (v.panOrGstin !== '') return { field: 'panOrGstin', value: v.panOrGstin };
  }
  const f = map.fields;
  const ref = field === 'panOrGstin' ? (f.gstin ?? f.pan ?? f.panOrGstin) : f[field];
  r.fail(ref, field, '', NO_KEY[field]);
  return undefined;
}

/** Empty optional fields are left out, never sent as "". */
function buildCustomer(
  v: Values,
  contacts: KeyContact[],
  map: ColumnMap,
  companyId: string | undefined,
): CustomerCreate {
  const customer: CustomerCreate = { legalName: v.legalName ?? '', customerKeyContacts: contacts };
  if (v.uniqueRefNo) customer.uniqueRefNo = v.uniqueRefNo;
  if (v.panOrGstin) customer.panOrGstin = v.panOrGstin;
  const phone = v.contactNumber || contacts[0]?.mobile;
  if (phone) customer.contactNumber = phone;
  if (v.accountNumber) customer.accountNumber = v.accountNumber;
  if (v.ifsc) customer.ifsc = v.ifsc;
  if (v.pinCode) customer.pinCode = v.pinCode;
  if (v.address) customer.address = v.address;
  if (v.state) customer.state = v.state;
  if (v.customerCompanyId) customer.customerCompanyId = v.customerCompanyId;
  if (companyId) customer.companyId = companyId;
  customer.externalSource = map.defaults.externalSource ?? true;
  if (map.defaults.source) customer.source = map.defaults.source;
  return customer;
}

function invalid(row: number, r: RowReader, map: ColumnMap, v: Values): InvalidRow {
  const invalidRow: InvalidRow = {
    kind: 'invalid',
    row,
    uniqueRefNo: v.uniqueRefNo || r.textOf(map.fields.uniqueRefNo),
    legalName: v.legalName || r.textOf(map.fields.legalName),
    // Left to right, as the user reads the row in Excel; problems with no column of their own go last.
    errors: r.errors.sort((a, b) => columnOrder(map, a.column) - columnOrder(map, b.column)),
  };
  // Every problem of the row: a warning (a landline in a mobile column) is not hidden by an error elsewhere.
  if (r.warnings.length > 0) invalidRow.warnings = r.warnings;
  // A row whose only fault is the missing key is counted apart: the fix is in the file's design, not a cell.
  if (r.errors.length === 1 && r.errors[0]?.problem.startsWith(NO_KEY_PREFIX))
    invalidRow.errorType = 'NO_MATCH_KEY';
  return invalidRow;
}

function columnOrder(map: ColumnMap, column: string): number {
  const index = map.headers.indexOf(column);
  return index < 0 ? Number.MAX_SAFE_INTEGER : index;
}
