/** RFC 4180 CSV text as Excel reads it: UTF-8 with a BOM, CRLF line ends, quotes only where needed. */
import { neutraliseCsvCell } from '../domain/neutralise.js';

/** Excel decodes a CSV as the machine's ANSI code page unless the file starts with this BOM. */
export const UTF8_BOM = '\uFEFF';
export const CRLF = '\r\n';

const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF; inner quotes doubled. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A cell of a report: text is neutralised against formula injection, numbers are written as numerals. */
export type CsvCell = string | number | null;

function cellText(cell: CsvCell): string {
  if (cell === null) return '';
  return typeof cell === 'number' ? String(cell) : neutraliseCsvCell(cell);
}

/** One CSV record with its CRLF. */
export function csvLine(cells: readonly CsvCell[]): string {
  return cells.map((c) => csvField(cellText(c))).join(',') + CRLF;
}
