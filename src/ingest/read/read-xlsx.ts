/**
 * XLSX → raw rows: the chosen sheet streamed from the zip through exceljs's sheet parser. Row numbers are
 * the sheet's own (`<row r="…">`), so a title block, gaps and hidden rows keep the numbers Excel shows.
 * Rows without any value are not yielded.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Row } from 'exceljs';
import { FileReadError, type RawRow, type RawValue, type RowSource } from '../raw-row.js';
import { columnLetter } from './column-letter.js';
import { formatCount, type ReadLimits } from './limits.js';
import { chooseSheets, type SheetChoice } from './pick-sheet.js';
import { DanglingSharedStringError, rowValues } from './xlsx-values.js';
import { loadWorkbook, type SheetInfo, type Workbook } from './xlsx-workbook.js';
import { ZipError } from './zip-directory.js';

export async function openXlsx(
  path: string,
  fileName: string,
  file: FileHandle,
  fileSize: number,
  limits: ReadLimits,
  choice: SheetChoice,
): Promise<RowSource> {
  const workbook = await asFileReadError(fileName, () => loadWorkbook(path, file, fileSize, limits));
  const read = (sheet: SheetInfo, signal?: AbortSignal) =>
    readSheetRows(workbook, sheet, fileName, limits, signal);
  const { first, more, skipped } = await asFileReadError(fileName, () =>
    chooseSheets(workbook.sheets, choice, fileName, read),
  );
  return {
    info: {
      format: 'xlsx',
      fileName,
      sheet: first.name,
      sheets: workbook.sheets.map((s) => s.name),
      ...(skipped.length > 0 ? { skippedSheets: skipped } : {}),
    },
    rows: (signal) => read(first, signal),
    ...(more.length > 0
      ? {
          moreSheets: more.map((sheet) => ({
            name: sheet.name,
            rows: (signal?: AbortSignal) => read(sheet, signal),
          })),
        }
      : {}),
  };
}

async function* readSheetRows(
  workbook: Workbook,
  sheet: SheetInfo,
  fileName: string,
  limits: ReadLimits,
  signal?: AbortSignal,
): AsyncGenerator<RawRow> {
  signal?.throwIfAborted();
  const where = `${fileName} (sheet "${sheet.name}")`;
  const textBudget = workbook.textBudget;
  let text = 0;
  try {
    for await (const row of workbook.rows(sheet)) {
      const values = cellsOf(row, workbook, where, fileName);
      if (isBlank(values)) continue;
      checkRow(where, row.number, values, limits, fileName);
      text += textLength(values);
      if (text > textBudget) {
        throw new FileReadError(
          `${where} row ${row.number}: its cells hold more than ${formatCount(textBudget)} characters, far ` +
            'more than the file itself (long texts repeated from its shared strings): this does not look ' +
            'like a customer list.',
          fileName,
        );
      }
      signal?.throwIfAborted();
      yield { row: row.number, values };
    }
  } catch (err) {
    throw signal?.aborted ? err : toFileReadError(fileName, err);
  }
}

function cellsOf(row: Row, workbook: Workbook, where: string, fileName: string): RawValue[] {
  try {
    return rowValues(row, workbook.date1904, workbook.sharedStrings);
  } catch (err) {
    if (!(err instanceof DanglingSharedStringError)) throw err;
    throw new FileReadError(
      `${where} row ${row.number}: the cell in column ${columnLetter(err.column)} refers to text the ` +
        'workbook does not hold (it is damaged). Open it in Excel and save it again as "Excel Workbook (.xlsx)".',
      fileName,
    );
  }
}

function checkRow(
  where: string,
  row: number,
  values: RawValue[],
  limits: ReadLimits,
  fileName: string,
): void {
  const refuse = (message: string) => new FileReadError(`${where} ${message}`, fileName);
  if (!Number.isInteger(row) || row < 1)
    throw refuse('has a row without a valid row number: save it again from Excel.');
  if (row > limits.maxRows)
    throw refuse(`has more than ${formatCount(limits.maxRows)} rows: split it into smaller files.`);
  if (values.length > limits.maxColumns) {
    throw refuse(
      `row ${row} has a value in column ${columnLetter(values.length - 1)}, beyond the ` +
        `${formatCount(limits.maxColumns)} columns we read: this does not look like a customer list.`,
    );
  }
  for (let col = 0; col < values.length; col++) {
    const value = values[col];
    if (typeof value === 'string' && value.length > limits.maxCellChars) {
      throw refuse(
        `row ${row}: the cell in column ${columnLetter(col)} holds more than ` +
          `${formatCount(limits.maxCellChars)} characters (Excel's limit for a cell).`,
      );
    }
  }
}

function textLength(values: RawValue[]): number {
  let n = 0;
  for (const value of values) if (typeof value === 'string') n += value.length;
  return n;
}

function isBlank(values: RawValue[]): boolean {
  for (const value of values) if (value !== null && value !== '') return false;
  return true;
}

/**
 * Whatever exceljs, saxes or zlib throws (a malformed part, an undefined XML entity, a truncated stream)
 * becomes a message for the user: what is wrong, and to save the file again from Excel.
 */
function toFileReadError(fileName: string, err: unknown): unknown {
  if (err instanceof FileReadError) return err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  const detail =
    err instanceof ZipError ? err.message : `it is damaged or not a real .xlsx (${describe(err)})`;
  const advice = /save it as/.test(detail)
    ? ''
    : ' Open it in Excel and save it again as "Excel Workbook (.xlsx)".';
  return new FileReadError(`${fileName} cannot be read as an Excel workbook: ${detail}.${advice}`, fileName);
}

async function asFileReadError<T>(fileName: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toFileReadError(fileName, err);
  }
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}
