/**
 * Rows of a workbook whose several sheets are read as one import. Inside customer-sync a row is known by
 * one number (its job id, its result in Redis, the order of the report), so the rows of the second and
 * later sheets are numbered past every row a sheet can have: row r of the sheet at position p (0 for the
 * first sheet read) is `p × SHEET_ROW_SPAN + r`. The first sheet's rows, and every CSV's, keep their own
 * number. What a user sees — results.csv, results.xlsx, errors.csv, messages — is always the row on its
 * sheet ({@link sheetRow}) beside the sheet's name.
 */

/** Excel's rows per sheet (1,048,576): no sheet has a row beyond it. */
export const SHEET_ROW_SPAN = 2 ** 20;

/** The import-wide number of row `row` of the sheet at position `sheetIndex` among the sheets read. */
export function rowId(sheetIndex: number, row: number): number {
  return sheetIndex * SHEET_ROW_SPAN + row;
}

/** The row's number on its own sheet, as Excel shows it. */
export function sheetRow(id: number): number {
  return ((id - 1) % SHEET_ROW_SPAN) + 1;
}

/** The position of the row's sheet among the sheets read (0: the first, or a CSV). */
export function sheetIndexOf(id: number): number {
  return Math.floor((id - 1) / SHEET_ROW_SPAN);
}

/** `row 14` or `row 14 of sheet "Pune"`: a row as messages name it. */
export function rowLabel(id: number, sheet?: string): string {
  return sheet === undefined ? `row ${sheetRow(id)}` : `row ${sheetRow(id)} of sheet "${sheet}"`;
}
