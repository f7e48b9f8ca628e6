/**
 * Which sheets of a workbook to read. By name when the user (or a mapping file) says so; otherwise the
 * worksheets that hold data, visible sheets before hidden ones, chart sheets never. A caller that knows
 * what customer data looks like (the column matcher) passes `pickSheet`: it sees each sheet's first rows
 * and says yes or no, and every sheet it says yes to is read; when it says no to every sheet, the first
 * sheet with data is read, so the user gets the column matcher's "no customer columns found" rather than a
 * vaguer error here. Without `pickSheet`, only the first sheet with data.
 */
import { FileReadError, type RawRow } from '../raw-row.js';
import type { SheetInfo } from './xlsx-workbook.js';

/** Decides from a sheet's first non-empty rows (at most SHEET_PROBE_ROWS) whether it holds the customers. */
export type SheetPicker = (firstRows: RawRow[], sheetName: string) => boolean;

export type SheetChoice = { sheet?: string; pickSheet?: SheetPicker };

/** Rows shown to `pickSheet`: enough to get past a title block to the header and a few data rows. */
export const SHEET_PROBE_ROWS = 20;

/** A sheet not read, and why (`empty`, `a chart`, `no customer header row in its first rows`, …). */
export type SkippedSheet = { name: string; reason: string };

/**
 * The sheet read first; with `pickSheet` and no sheet named, also every other sheet the picker says holds
 * customers (`more`, in tab order), and every sheet not read with the reason. Hidden sheets are read only
 * when no visible sheet holds customers (a hidden sheet is usually a lookup list or last year's copy).
 */
export type SheetsChosen = { first: SheetInfo; more: SheetInfo[]; skipped: SkippedSheet[] };

export async function chooseSheets(
  sheets: SheetInfo[],
  choice: SheetChoice,
  fileName: string,
  read: (sheet: SheetInfo) => AsyncIterable<RawRow>,
): Promise<SheetsChosen> {
  if (choice.sheet !== undefined) {
    const first = sheetByName(sheets, choice.sheet, fileName);
    const skipped = sheets.filter((s) => s !== first).map((s) => ({ name: s.name, reason: 'not picked' }));
    return { first, more: [], skipped };
  }
  const picked: SheetInfo[] = [];
  const skipped = new Map<SheetInfo, string>();
  let firstWithData: SheetInfo | undefined;
  for (const sheet of sheets) {
    if (sheet.kind !== 'worksheet') {
      skipped.set(sheet, sheet.kind === 'chartsheet' ? 'a chart' : 'not a table of cells');
      continue;
    }
    const rows = await firstRows(read(sheet), choice.pickSheet ? SHEET_PROBE_ROWS : 1);
    if (rows.length === 0) skipped.set(sheet, 'empty');
    else if (!choice.pickSheet || choice.pickSheet(rows, sheet.name)) picked.push(sheet);
    else skipped.set(sheet, 'no customer header row in its first rows (notes, a summary?)');
    if (rows.length > 0 && (!firstWithData || (firstWithData.hidden && !sheet.hidden))) firstWithData = sheet;
  }
  const visible = picked.filter((s) => !s.hidden);
  const toRead = visible.length > 0 ? visible : picked;
  for (const s of picked) if (!toRead.includes(s)) skipped.set(s, 'hidden');
  // Without a picker, or when it knows none of them: the first sheet with data, as before there were pickers.
  const chosen = choice.pickSheet && toRead.length > 0 ? toRead : firstWithData ? [firstWithData] : [];
  const [first, ...more] = chosen;
  if (!first)
    throw new FileReadError(`${fileName} has no sheet with data (sheets: ${list(sheets)}).`, fileName);
  skipped.delete(first);
  const notRead = sheets
    .filter((s) => !chosen.includes(s))
    .map((s) => ({ name: s.name, reason: skipped.get(s) ?? 'not read' }));
  return { first, more, skipped: notRead };
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
