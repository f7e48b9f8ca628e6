/**
 * exceljs cell values → RawValue. exceljs hands back strings, numbers, booleans, Dates and objects for rich
 * text, formulas, hyperlinks and errors; consumers get one of the RawValue shapes and nothing else.
 *
 * Known losses in exceljs 4.4's stream reader that we cannot see past (rare in exported customer lists):
 * an inline string (`t="inlineStr"`) in rich text keeps only its last run; a formula's boolean result
 * arrives as 1 or 0; which error a formula ended in is lost (FORMULA_ERROR); ISO-dated cells (`t="d"`)
 * would read as the number their text starts with, so "Strict Open XML" workbooks, which use them, are
 * refused when opened (xlsx-workbook.ts).
 */
import type { CellValue, Row } from 'exceljs';
import type { RawValue } from '../raw-row.js';
import type { TextTable } from '../text-table.js';

/**
 * A formula whose cached result is an error: exceljs's stream reader parses the result as a number and
 * loses which error it was, so we can only say that it was one.
 */
export const FORMULA_ERROR = '#ERROR!';

/** `_xHHHH_`: how OOXML escapes characters XML cannot hold (`_x000D_` is CR, `_x005F_` an underscore). */
const OOXML_ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

/**
 * A cell the workbook contradicts: it refers to a shared string the table does not have. Read as empty, a
 * row of such cells would vanish as blank and a name would go missing without a word, so the reader
 * refuses the file instead, naming the row and column.
 */
export class DanglingSharedStringError extends Error {
  constructor(
    readonly index: number,
    /** 0 = column A; -1 until rowValues knows it. */
    readonly column = -1,
  ) {
    super(`a cell refers to shared string ${index}, which the workbook does not have`);
    this.name = 'DanglingSharedStringError';
  }
}

/** Cells left to right, index 0 = column A; null where a cell is empty. */
export function rowValues(row: Row, date1904: boolean, strings: TextTable): RawValue[] {
  const sparse = row.values as CellValue[];
  const values: RawValue[] = new Array<RawValue>(Math.max(sparse.length - 1, 0)).fill(null);
  for (let col = 1; col < sparse.length; col++) {
    const value = sparse[col];
    if (value === undefined || value === null) continue;
    try {
      values[col - 1] = isFormula(value)
        ? formulaResult(row, col, value, date1904, strings)
        : toRawValue(value, strings);
    } catch (err) {
      throw err instanceof DanglingSharedStringError
        ? new DanglingSharedStringError(err.index, col - 1)
        : err;
    }
  }
  return values;
}

export function toRawValue(value: unknown, strings: TextTable): RawValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return unescapeOoxml(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'object') return null;
  if ('sharedString' in value && typeof value.sharedString === 'number') {
    const text = strings.get(value.sharedString);
    if (text === undefined) throw new DanglingSharedStringError(value.sharedString);
    return unescapeOoxml(text);
  }
  if ('error' in value) return { error: String(value.error) };
  if ('richText' in value && Array.isArray(value.richText)) {
    return unescapeOoxml(
      value.richText
        .map((run: { text?: unknown }) => (typeof run.text === 'string' ? run.text : ''))
        .join(''),
    );
  }
  if ('text' in value) return toRawValue(value.text, strings);
  if ('result' in value) return toRawValue(value.result, strings);
  return null;
}

export function unescapeOoxml(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(OOXML_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function isFormula(value: CellValue): boolean {
  if (typeof value !== 'object' || value === null || value instanceof Date) return false;
  return 'formula' in value || 'sharedFormula' in value;
}

/**
 * The cached result of a formula. exceljs loses it in two ways we work around: the value of a formula
 * cell drops a falsy result (a formula that came to 0, "" or FALSE would read as empty), so it is taken
 * from the cell; and a cell that continues a shared formula (`<f t="shared" si="0"/>`, what Excel writes
 * when a formula is filled down) becomes a plain object with an empty formula, whose result only that
 * object holds. exceljs also converts date-formatted numbers to Dates for plain cells only, so `=A2+30`
 * in a date-formatted cell is converted here.
 */
function formulaResult(
  row: Row,
  col: number,
  value: CellValue,
  date1904: boolean,
  strings: TextTable,
): RawValue {
  const cell = row.getCell(col);
  const result: unknown = cell.result !== undefined ? cell.result : (value as { result?: unknown }).result;
  if (typeof result === 'number') {
    if (Number.isNaN(result)) return { error: FORMULA_ERROR };
    return isDateFormat(cell.numFmt) ? excelSerialToDate(result, date1904) : result;
  }
  return toRawValue(result, strings);
}

/** Same test as exceljs's utils.isDateFmt, so formula results and plain cells agree. */
export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  const bare = format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhMsb]+/.test(bare);
}

/** Excel serial day → Date whose UTC fields are the wall-clock date and time shown in Excel. */
export function excelSerialToDate(serial: number, date1904: boolean): Date {
  const days = serial - 25569 + (date1904 ? 1462 : 0);
  return new Date(Math.round(days * 24 * 3600 * 1000));
}
