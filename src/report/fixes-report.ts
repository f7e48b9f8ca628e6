/**
 * The change log of a follow-up import made of rows fixed in the page (POST /imports/{id}/fixes): every
 * edited cell with its original and new value, who changed it (the API key's name) and when. It is kept
 * beside the follow-up's file (`<file>.fixes.json`, in UPLOAD_DIR, swept with it) and written into the
 * follow-up's report as fixes.csv and the `fixes` section of summary.json.
 *
 * Row numbers: `row` (with `sheet`) is the row in the first import's file, where a reader finds the
 * original; `fixedRow` is the row of the follow-up's file, the `row` of its results.csv.
 */
import { readFile } from 'node:fs/promises';
import { BufferedFile } from './buffered-file.js';
import { UTF8_BOM, csvLine } from './csv-format.js';
import { localTimestamp } from './local-time.js';

export type FixChange = {
  row: number;
  sheet?: string;
  fixedRow: number;
  /** The column as the file heads it, and its letter in the first import's file. */
  column: string;
  letter: string;
  /** The EnKash field it feeds; null for a column not read. */
  field: string | null;
  original: string;
  value: string;
  by: string;
  /** UTC, ISO 8601. */
  at: string;
};

export type FixLog = {
  /** The import whose rows were fixed. */
  fixOf: string;
  by: string;
  at: string;
  /** Every row sent, changed or not: where it was in the first import's file. */
  rows: { row: number; sheet?: string; fixedRow: number }[];
  changes: FixChange[];
};

/** summary.json's `fixes`: the log, with each time also in the report's zone. */
export type FixesSection = Omit<FixLog, 'changes'> & {
  atLocal: string;
  changes: (FixChange & { atLocal: string })[];
};

export const FIXES_CSV = 'fixes.csv';

export const FIXES_COLUMNS = [
  'row',
  'sheet',
  'fixedRow',
  'column',
  'letter',
  'field',
  'original',
  'new',
  'by',
  'at',
  'atLocal',
] as const;

/** Where the change log of the follow-up import reading `filePath` is kept. */
export function fixLogPath(filePath: string): string {
  return `${filePath}.fixes.json`;
}

/** The follow-up's change log, or null when it is not there (swept, or written by no fix). */
export async function readFixLog(filePath: string): Promise<FixLog | null> {
  try {
    return JSON.parse(await readFile(fixLogPath(filePath), 'utf8')) as FixLog;
  } catch {
    return null;
  }
}

export function fixesSection(log: FixLog, timeZone: string): FixesSection {
  return {
    ...log,
    atLocal: localTimestamp(log.at, timeZone),
    changes: log.changes.map((c) => ({ ...c, atLocal: localTimestamp(c.at, timeZone) })),
  };
}

/** fixes.csv: one line per edited cell, in row order; cells neutralised like every report's. */
export async function writeFixesCsv(path: string, log: FixLog, timeZone: string): Promise<void> {
  const out = await BufferedFile.create(path);
  try {
    await out.write(UTF8_BOM + csvLine(FIXES_COLUMNS));
    for (const c of log.changes) {
      await out.write(
        csvLine([
          c.row,
          c.sheet ?? '',
          c.fixedRow,
          c.column,
          c.letter,
          c.field ?? '',
          c.original,
          c.value,
          c.by,
          c.at,
          localTimestamp(c.at, timeZone),
        ]),
      );
    }
    await out.close();
  } catch (err) {
    await out.abort();
    throw err;
  }
}
