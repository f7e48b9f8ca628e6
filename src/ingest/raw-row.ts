/**
 * What a file reader yields: cells as the file holds them, before any column mapping or normalisation.
 * CSV cells are always strings; XLSX cells keep their type so that ID-like columns can tell a number that
 * Excel has already damaged (more than 15 significant digits) from text.
 */

/** A cell value. `{ error }` is an Excel error cell such as `#N/A` or `#REF!`. */
export type RawValue = string | number | boolean | Date | null | { error: string };

export type RawRow = {
  /** The row number the user sees in Excel (1-based, counting the header and any title block). */
  row: number;
  /** Cells left to right; index 0 is column A. Trailing empty cells may be missing. */
  values: RawValue[];
};
// Readers (src/ingest/read/) do not yield rows whose cells are all empty ('' or null); row numbers still
// count them, so numbers may jump.

export type FileFormat = 'csv' | 'xlsx';

export type RowSourceInfo = {
  format: FileFormat;
  /** The file name as the user gave it (no directories), for messages. */
  fileName: string;
  /** CSV: the encoding detected (`utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`, `windows-1252`). */
  encoding?: string;
  /** CSV: the delimiter detected. */
  delimiter?: string;
  /** CSV: the line ending detected (`\n`, `\r\n` or `\r`). */
  newline?: string;
  /** XLSX: the sheet read (the first, when several are), and every sheet in the workbook. */
  sheet?: string;
  sheets?: string[];
  /** XLSX: the sheets not read, and why (empty, a chart, no customer header row, not picked, hidden). */
  skippedSheets?: { name: string; reason: string }[];
};

/** Another sheet of the same workbook that holds customers, read like the first. */
export type MoreSheet = { name: string; rows(signal?: AbortSignal): AsyncIterable<RawRow> };

/**
 * An opened file. `rows()` streams: memory stays flat however long the file is. It may be called again
 * to read the file from the start (the report's errors.csv re-reads the rows that failed).
 */
export type RowSource = {
  info: RowSourceInfo;
  rows(signal?: AbortSignal): AsyncIterable<RawRow>;
  /** XLSX opened without a sheet named: the other sheets that hold customers, in tab order. */
  moreSheets?: MoreSheet[];
};

/**
 * A file that cannot be read at all (wrong type, corrupt, encrypted, no sheet with data). Its message is
 * for the user: it names the file and says what is wrong, and never holds a stack trace.
 */
export class FileReadError extends Error {
  constructor(
    message: string,
    readonly fileName: string,
  ) {
    super(message);
    this.name = 'FileReadError';
  }
}
