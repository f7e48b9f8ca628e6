/**
 * One table: for every kind of cell, how it is read (cell-text.ts) and checked (normalise.ts and
 * friends). `checkCell` is the single path a cell takes from the file to a field value; validate-row.ts
 * and the table-driven fixtures (fixtures/validation-cases.json) both go through it.
 */
import type { RawValue } from '../raw-row.js';
import { cellText, stringProblem, type CellKind } from './cell-text.js';
import type { Checked } from './check-result.js';
import { normaliseEmail } from './email.js';
import { checkGstin, checkPan, checkPanOrGstin } from './gstin.js';
import {
  ACCOUNT_FROM_NUMBER,
  DEFAULT_STATUS_WORDS,
  cleanText,
  isPlaceholder,
  normaliseAccountNumber,
  normaliseIfsc,
  normalisePinCode,
  normaliseStatus,
  normaliseYesNo,
  type StatusWords,
} from './normalise.js';
import { normalisePhone } from './phone.js';

export const FIELD_KINDS = [
  'legalName',
  'uniqueRefNo',
  'customerCompanyId',
  'state',
  'addressPart',
  'contactName',
  'gstin',
  'pan',
  'panOrGstin',
  'mobile',
  'contactNumber',
  'email',
  'accountNumber',
  'ifsc',
  'pinCode',
  'status',
  'yesNo',
] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

type FieldRule = {
  cell: CellKind;
  /**
   * Receives the cleaned text (trimmed, inner whitespace collapsed), or the text as read when `raw` is
   * set (phone cells: a line break separates two numbers, so it must survive until split), or a boolean
   * for `flag` cells. Absent: the cleaned text is the value.
   */
  check?: (value: string | boolean, words: StatusWords) => Checked<string | boolean>;
  raw?: boolean;
  /** A note for a cell that was a number in the file, for IDs whose leading zeros Excel drops. */
  fromNumber?: string;
};

const text: FieldRule = { cell: 'text' };
const id: FieldRule = { cell: 'id' };

const RULES: Record<FieldKind, FieldRule> = {
  legalName: text,
  uniqueRefNo: id,
  customerCompanyId: id,
  state: text,
  addressPart: text,
  contactName: text,
  gstin: { cell: 'id', check: (v) => checkGstin(String(v)) },
  pan: { cell: 'id', check: (v) => checkPan(String(v)) },
  panOrGstin: { cell: 'id', check: (v) => checkPanOrGstin(String(v)) },
  mobile: { cell: 'id', raw: true, check: (v) => normalisePhone(String(v), 'mobile') },
  contactNumber: { cell: 'id', raw: true, check: (v) => normalisePhone(String(v), 'phone') },
  email: { cell: 'text', check: (v) => normaliseEmail(String(v)) },
  accountNumber: {
    cell: 'id',
    check: (v) => normaliseAccountNumber(String(v)),
    fromNumber: ACCOUNT_FROM_NUMBER,
  },
  ifsc: { cell: 'id', check: (v) => normaliseIfsc(String(v)) },
  pinCode: { cell: 'id', check: (v) => normalisePinCode(String(v)) },
  status: { cell: 'flag', check: (v, words) => normaliseStatus(v, words) },
  yesNo: { cell: 'flag', check: (v) => normaliseYesNo(v) },
};

/**
 * A checked cell. `text` is the cell as read, for messages. `value` is '' for an empty cell or a
 * placeholder (N/A, -, nil…); otherwise the field's value: a string, 'ACTIVE'/'INACTIVE' for status, a
 * boolean for yes/no.
 */
export type CellCheck =
  | { ok: true; text: string; value: string | boolean; warning?: string }
  | { ok: false; text: string; problem: string };

const EMPTY: CellCheck = { ok: true, text: '', value: '' };

export function checkCell(
  kind: FieldKind,
  raw: RawValue | undefined,
  words: StatusWords = DEFAULT_STATUS_WORDS,
): CellCheck {
  if (raw === null || raw === undefined || raw === '') return EMPTY;
  const rule = RULES[kind];
  let text: string;
  let input: string | boolean;
  if (typeof raw === 'string') {
    // Text cells (every CSV cell) skip the intermediate CellRead object: this runs for every cell.
    const problem = stringProblem(raw, rule.cell);
    if (problem !== undefined) return { ok: false, text: raw, problem };
    text = input = raw;
  } else {
    const read = cellText(raw, rule.cell);
    if (!read.ok) return read;
    text = read.text;
    input = read.value;
  }
  if (typeof input === 'string') {
    const cleaned = cleanText(input);
    if (cleaned === '' || isPlaceholder(cleaned)) return { ok: true, text, value: '' };
    if (!rule.raw) input = cleaned;
  }
  const note = noteOnType(raw, rule);
  if (rule.check === undefined)
    return note === undefined
      ? { ok: true, text, value: input }
      : { ok: true, text, value: input, warning: note };
  const checked = rule.check(input, words);
  if (!checked.ok) return { ok: false, text, problem: checked.problem };
  const warning = joinNotes(note, checked.warning);
  return warning === undefined
    ? { ok: true, text, value: checked.value }
    : { ok: true, text, value: checked.value, warning };
}

const DATE_AS_TEXT =
  'was a date in the file and is sent as this ISO date; if something else was typed (a house number ' +
  'such as 12/3), Excel turned it into a date: format the column as Text and re-enter it';

/** What the cell's type in the file says about Excel having changed it, for free-text and ID cells. */
function noteOnType(raw: RawValue, rule: FieldRule): string | undefined {
  if (typeof raw === 'number') return rule.fromNumber;
  return raw instanceof Date && rule.cell === 'text' ? DATE_AS_TEXT : undefined;
}

function joinNotes(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined ? b : b === undefined ? a : `${a}; ${b}`;
}
