/** How results.xlsx looks: column widths, fills, and the limits Excel puts on a sheet and a cell. */
import type ExcelJS from 'exceljs';
import { RESULT_COLUMNS, type Outcome, type RowResult } from '../domain/types.js';
import { resultCells } from './result-cells.js';
import type { ReportColumn } from './types.js';

/** Excel's rows per sheet; past it the results continue on "Results 2", "Results 3", … */
export const EXCEL_MAX_ROWS = 1_048_576;
/** Excel's characters per cell: a longer cell makes Excel "repair" (empty) the sheet. */
export const EXCEL_MAX_CELL_CHARS = 32_767;
const CUT_NOTE = ' … [cut: the full text is in results.csv]';

type ResultColumn = (typeof RESULT_COLUMNS)[number];

const NUMBER_COLUMNS: ReadonlySet<ResultColumn> = new Set(['row', 'attempts', 'httpStatus']);

/** Widths in Excel's character units: wide enough for typical values, not for the longest. */
const WIDTHS: Record<ResultColumn, number> = {
  row: 8,
  sheet: 16,
  uniqueRefNo: 18,
  legalName: 36,
  outcome: 12,
  customerId: 22,
  attempts: 9,
  httpStatus: 11,
  errorType: 22,
  errors: 70,
  warnings: 50,
  requestId: 38,
  changes: 70,
};

/** Result columns that repeat a cell of the user's file: headed with the file's own name beside ours. */
const FROM_FILE: ReadonlySet<ResultColumn> = new Set(['uniqueRefNo', 'legalName']);

/**
 * The Results sheet's header for a column: results.csv's name, or for a column read from the file the
 * file's header(s) beside it, `Customer Code (uniqueRefNo)`, so a person finds it in their own words.
 */
export function resultSheetHeader(key: ResultColumn, columns: readonly ReportColumn[] = []): string {
  if (!FROM_FILE.has(key)) return key;
  const headers = [
    ...new Set(columns.filter((c) => c.field === key && c.header !== '').map((c) => c.header)),
  ];
  return headers.length === 0 ? key : `${headers.join(' / ')} (${key})`;
}

/**
 * Text columns get the Text number format (`@`) as well as a string value: a string starting with `=` is
 * already text, and with `@` Excel keeps it text even after the user edits the cell and presses Enter.
 */
export function resultSheetColumns(columns?: readonly ReportColumn[]): Partial<ExcelJS.Column>[] {
  return RESULT_COLUMNS.map((key) => ({
    header: xlsxText(resultSheetHeader(key, columns)),
    key,
    width: WIDTHS[key],
    ...(NUMBER_COLUMNS.has(key) ? {} : { style: { numFmt: '@' } }),
  }));
}

/** The last column's letter (A–Z is enough for our 13 columns). */
export const LAST_COLUMN = String.fromCharCode(64 + RESULT_COLUMNS.length);

function solid(argb: string): ExcelJS.Fill {
  return { type: 'pattern', pattern: 'solid', fgColor: { argb } };
}

/** Excel's own "Bad" and "Neutral" cell-style colours, which finance staff already read at a glance. */
export const OUTCOME_FILLS: Partial<Record<Outcome, ExcelJS.Fill>> = {
  invalid: solid('FFFFC7CE'),
  failed: solid('FFFFC7CE'),
  skipped: solid('FFFFEB9C'),
  conflict: solid('FFFFEB9C'),
};

/**
 * A string that Excel will open and read back as written: XML parsers turn a raw carriage return into a
 * line feed, so we do it first (a line break in a cell is `\n` in Excel); cut at Excel's cell limit.
 * Characters XML forbids, such as U+0001, are dropped by exceljs's XML encoder.
 */
export function xlsxText(value: string): string {
  const text = value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value;
  if (text.length <= EXCEL_MAX_CELL_CHARS) return text;
  return text.slice(0, EXCEL_MAX_CELL_CHARS - CUT_NOTE.length) + CUT_NOTE;
}

/** The row's cell values in column order: numbers as numbers, everything else a string, never a formula. */
export function resultSheetValues(result: RowResult): (string | number | null)[] {
  return resultCells(result).map((value) => (typeof value === 'string' ? xlsxText(value) : value));
}
