/**
 * A workbook with customers on several sheets (one per branch, one per region): every sheet the reader
 * found customer data on is read, each with its own header row and column map. Sheets of one layout (the
 * same header set) sync together as one import; differing layouts hold the import for review
 * (`sheets-differ`, ./plan/doubt-rules.ts). Rows keep their number on their sheet and carry its name; inside
 * the import they are numbered by src/domain/sheet-rows.ts.
 */
import { UserError } from '../domain/errors.js';
import { rowId, sheetIndexOf } from '../domain/sheet-rows.js';
import type { ColumnMap } from './column-map.js';
import { headerSetKey } from './plan/reading-plan.js';
import type { MoreSheet, RawRow } from './raw-row.js';
import { openRowSource } from './read/open-file.js';

/** A sheet read after the first: its column map, decided on its own first rows. */
export type OtherSheet = { sheet: MoreSheet; columns: ColumnMap; confirmed: boolean };

export type ReadColumns = (head: RawRow[]) => Promise<{ columns: ColumnMap; confirmed: boolean }>;

/**
 * Each further sheet's first `sampleRows` rows, and its column map. A sheet the reader took for customers
 * but whose columns cannot be read (no customer columns) is skipped, with the reason.
 */
export async function readOtherSheets(
  sheets: readonly MoreSheet[],
  sampleRows: number,
  readColumns: ReadColumns,
): Promise<{ others: OtherSheet[]; skipped: { name: string; reason: string }[] }> {
  const others: OtherSheet[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const sheet of sheets) {
    const head: RawRow[] = [];
    for await (const row of sheet.rows()) {
      head.push(row);
      if (head.length >= sampleRows) break;
    }
    try {
      others.push({ sheet, ...(await readColumns(head)) });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      skipped.push({ name: sheet.name, reason: `its columns cannot be read: ${err.message}` });
    }
  }
  return { others, skipped };
}

/** Same layout: the same headers, whatever their order (what a saved mapping profile is keyed by). */
export function sameLayout(a: ColumnMap, b: ColumnMap): boolean {
  return headerSetKey(a.headers) === headerSetKey(b.headers);
}

/** The same headers in the same order: the sheets' cells can go under one set of errors.csv columns. */
export function sameColumns(a: ColumnMap, b: ColumnMap): boolean {
  return a.headers.length === b.headers.length && a.headers.every((h, i) => h === b.headers[i]);
}

/** A row of the sheet at `sheetIndex`, numbered for the import (src/domain/sheet-rows.ts). */
export function numbered(raw: RawRow, sheetIndex: number): RawRow {
  return sheetIndex === 0 ? raw : { row: rowId(sheetIndex, raw.row), values: raw.values };
}

/**
 * The source cells of the wanted rows (import-wide numbers, ascending), re-read from the file sheet by
 * sheet: what errors.csv shows in the file's own columns. `sheets` are the names read, in order; none for a
 * CSV or a workbook read on one sheet (then `sheet`, if any, is that sheet).
 */
export async function* sourceRows(
  path: string,
  where: { fileName: string; sheet?: string; sheets?: readonly string[] },
  wanted: ReadonlySet<number>,
  cellText: (value: RawRow['values'][number]) => string,
): AsyncGenerator<{ row: number; values: string[] }> {
  if (wanted.size === 0) return;
  const sheets = where.sheets && where.sheets.length > 1 ? where.sheets : [where.sheet];
  const last: number[] = [];
  for (const id of wanted) {
    const index = sheetIndexOf(id);
    last[index] = Math.max(last[index] ?? 0, id);
  }
  for (const [index, sheet] of sheets.entries()) {
    const end = last[index];
    if (end === undefined) continue;
    const source = await openRowSource(path, { fileName: where.fileName, ...(sheet ? { sheet } : {}) });
    for await (const raw of source.rows()) {
      const id = rowId(index, raw.row);
      if (wanted.has(id)) yield { row: id, values: raw.values.map(cellText) };
      if (id >= end) break;
    }
  }
}
