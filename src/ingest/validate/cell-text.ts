/**
 * Cell text: turns a typed cell (XLSX numbers, dates, booleans, error cells; CSV strings) into the text a
 * field is checked against, refusing what Excel has already damaged. See ../shared/docs/field-notes.md,
 * "Excel damages data before we see it".
 *
 * Kinds:
 * - `text`: free text (names, addresses). Numbers print as JavaScript does, dates as ISO dates.
 * - `id`: identifiers made of digits and letters (mobile, phone, PIN code, account number, customer code,
 *   GSTIN/PAN, IFSC). A number must be a whole number Excel stored exactly; a date or a number in
 *   scientific notation means Excel rewrote what was typed, and is refused.
 * - `flag`: yes/no and status cells; a boolean cell stays a boolean.
 */
import type { RawValue } from '../raw-row.js';

export type CellKind = 'text' | 'id' | 'flag';

/** `text` is the cell as read (for messages); `value` is what the field's check receives. */
export type CellRead<T> = { ok: true; text: string; value: T } | { ok: false; text: string; problem: string };

/** 2^53 > 1e15: every integer below 1e15 has at most 15 digits, which Excel stores exactly. */
const EXCEL_EXACT_LIMIT = 1e15;

export const DIGITS_LOST =
  'digits lost by Excel: this column holds a number with more than 15 digits, which Excel cannot store ' +
  'exactly; format the column as Text and re-enter the value';

const NOT_WHOLE =
  'is not a whole number: Excel stored this identifier as a number and may have rounded it; format the ' +
  'column as Text and re-enter the value';

const SCIENTIFIC =
  'is in scientific notation: Excel shortened this number when the file was saved as CSV and the ' +
  'remaining digits are lost; format the column as Text in Excel, re-enter the values and save again';

/** Excel's own display form only (`9.87654E+09`): one digit, optional decimals, E, a sign, an exponent. */
const SCIENTIFIC_RE = /^[+-]?\d(?:[.,]\d+)?E[+-]\d{1,3}$/i;

/** Error values Excel writes into a CSV where a formula failed. */
const EXCEL_ERRORS: ReadonlySet<string> = new Set([
  '#N/A',
  '#REF!',
  '#VALUE!',
  '#DIV/0!',
  '#NAME?',
  '#NULL!',
  '#NUM!',
  '#SPILL!',
  '#CALC!',
  '#FIELD!',
  '#BLOCKED!',
  '#CONNECT!',
  '#BUSY!',
  '#UNKNOWN!',
  '#GETTING_DATA',
]);

export function excelErrorProblem(code: string): string {
  return `Excel error ${code} in this cell; fix the formula or type the value`;
}

export function cellText(value: RawValue | undefined, kind: 'flag'): CellRead<string | boolean>;
export function cellText(value: RawValue | undefined, kind: 'text' | 'id'): CellRead<string>;
export function cellText(value: RawValue | undefined, kind: CellKind): CellRead<string | boolean>;
export function cellText(value: RawValue | undefined, kind: CellKind): CellRead<string | boolean> {
  if (value === null || value === undefined) return { ok: true, text: '', value: '' };
  switch (typeof value) {
    case 'string':
      return fromString(value, kind);
    case 'number':
      return fromNumber(value, kind);
    case 'boolean':
      return kind === 'flag'
        ? { ok: true, text: value ? 'TRUE' : 'FALSE', value }
        : { ok: true, text: value ? 'TRUE' : 'FALSE', value: value ? 'TRUE' : 'FALSE' };
    default:
      return value instanceof Date ? fromDate(value, kind) : errorCell(value.error);
  }
}

function fromString(value: string, kind: CellKind): CellRead<string> {
  const problem = stringProblem(value, kind);
  return problem === undefined ? { ok: true, text: value, value } : { ok: false, text: value, problem };
}

/** What is wrong with a text cell before any field rule looks at it: an Excel error, Excel's E+ form. */
export function stringProblem(value: string, kind: CellKind): string | undefined {
  // Cheap first-character and length tests keep the common cell off the Set and the regex.
  if (value.charCodeAt(0) === 35 /* # */) {
    const code = value.trim().toUpperCase();
    if (EXCEL_ERRORS.has(code)) return excelErrorProblem(code);
  }
  if (kind === 'id' && value.length <= 24 && SCIENTIFIC_RE.test(value.trim())) return SCIENTIFIC;
  return undefined;
}

function fromNumber(n: number, kind: CellKind): CellRead<string> {
  const text = String(n);
  if (!Number.isFinite(n)) return { ok: false, text, problem: 'is not a number Excel can store' };
  if (kind !== 'id') return { ok: true, text, value: text };
  if (Math.abs(n) >= EXCEL_EXACT_LIMIT) return { ok: false, text, problem: DIGITS_LOST };
  if (!Number.isInteger(n)) return { ok: false, text, problem: NOT_WHOLE };
  // Below 1e21 String() never uses exponent notation; -0 prints as "0".
  return { ok: true, text, value: text };
}

function fromDate(d: Date, kind: CellKind): CellRead<string> {
  const time = d.getTime();
  if (Number.isNaN(time)) return { ok: false, text: '', problem: 'is not a valid date' };
  const text = isoDate(d);
  if (kind === 'text') return { ok: true, text, value: text };
  const problem =
    kind === 'id'
      ? 'was turned into a date by Excel; format the column as Text and re-enter the value'
      : 'is a date, not a yes/no value';
  return { ok: false, text, problem };
}

/**
 * Dates as ISO text. Readers give spreadsheet dates as UTC instants (exceljs does), so UTC fields are
 * the date as typed; a time of day is kept only when there is one.
 */
export function isoDate(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
}

function errorCell(code: string, text = ''): CellRead<never> {
  return { ok: false, text, problem: excelErrorProblem(code) };
}
