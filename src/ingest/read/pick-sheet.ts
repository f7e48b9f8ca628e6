/**
 * Which sheet of a workbook to read. By name when the user (or a mapping file) says so; otherwise the first
 * worksheet in tab order that holds data, visible sheets before hidden ones, chart sheets never. A caller
 * that knows what customer data looks like (the column matcher) passes `pickSheet`: it sees each sheet's
 * first rows and says yes or no; when it says no to every sheet, the first sheet with data is read, so the
 * user gets the column matcher's "no customer columns found" rather than a vaguer error here.
 */
import { FileReadError, type RawRow } from '../raw-row.js';
import type { SheetInfo } from './xlsx-workbook.js';

/** Decides from a sheet's first non-empty rows (at most SHEET_PROBE_ROWS) whether it holds the customers. */
export type SheetPicker = (firstRows: RawRow[], sheetName: string) => boolean;

export type SheetChoice = { sheet?: string; pickSheet?: SheetPicker };

/** Rows shown to `pickSheet`: enough to get past a title block to the header and a few data rows. */
export const SHEET_PROBE_ROWS = 20;

export async function chooseSheet(
  sheets: SheetInfo[],
  choice: SheetChoice,
  fileName: string,
  read: (sheet: SheetInfo) => AsyncIterable<RawRow>,
): Promise<SheetInfo> {
  if (choice.sheet !== undefined) return sheetByName(sheets, choice.sheet, fileName);
  const worksheets = sheets.filter((s) => s.kind === 'worksheet');
  const ordered = [...worksheets.filter((s) => !s.hidden), ...worksheets.filter((s) => s.hidden)];
  let firstWithData: SheetInfo | undefined;
  for (const sheet of ordered) {
    const rows = await firstRows(read(sheet), choice.pickSheet ? SHEET_PROBE_ROWS : 1);
    if (rows.length === 0) continue;
    if (!choice.pickSheet || choice.pickSheet(rows, sheet.name)) return sheet;
    firstWithData ??= sheet;
  }
  if (firstWithData) return firstWithData;
  throw new FileReadError(`${fileName} has no sheet with data (sheets: ${list(sheets)}).`, fileName);
}

function sheetByName(sheets: SheetInfo[], wanted: string, fileName: string): SheetInfo {
  const key = wanted.trim().toLowerCase();
  const sheet =
    sheets.find((s) => s.name === wanted) ?? sheets.find((s) => s.name.trim().toLowerCase() === key);
  if (!sheet) {
    throw new FileReadError(
      `${fileName} has no sheet named "${wanted}"; its sheets are ${list(sheets)}.`,
      fileName,
    );
  }
  if (sheet.kind !== 'worksheet') {
    const what = sheet.kind === 'chartsheet' ? 'a chart' : 'not a table of cells';
    throw new FileReadError(
      `${fileName}: sheet "${sheet.name}" is ${what}; its sheets are ${list(sheets)}.`,
      fileName,
    );
  }
  return sheet;
}

async function firstRows(rows: AsyncIterable<RawRow>, count: number): Promise<RawRow[]> {
  const found: RawRow[] = [];
  for await (const row of rows) {
    found.push(row);
    if (found.length >= count) break;
  }
  return found;
}

function list(sheets: SheetInfo[]): string {
  return sheets.length === 0 ? '(none)' : sheets.map((s) => `"${s.name}"`).join(', ');
}
