/**
 * errors.csv: the rows a user must fix (invalid) or retry (failed), ready to correct and upload again.
 * Its columns are exactly the file's own headers plus `Error` at the end (the importer ignores an extra
 * column as "unused"); the row number is in the Error text because the re-uploaded file has no row column.
 * A file that already has an Error column (a re-uploaded errors.csv) keeps it and gets it overwritten,
 * so the columns do not grow `Error, Error, …` with each round.
 *
 * When the source cannot be re-read (`sourceRows` absent, or it throws), errors.csv lists the result
 * columns of those rows instead, and summary.json says so in `errorsCsvColumns`.
 */
import { rm } from 'node:fs/promises';
import { RESULT_COLUMNS, type RowResult } from '../domain/types.js';
import { BufferedFile } from './buffered-file.js';
import { UTF8_BOM, csvLine } from './csv-format.js';
import type { ErrorSpool } from './error-spool.js';
import { errorText, resultCells } from './result-cells.js';
import type { ReportInput } from './types.js';

export type ErrorsCsvColumns = 'source' | 'results';
export type ErrorsCsvOutcome = { columns: ErrorsCsvColumns; warning?: string };

type SourceLayout = { header: string[]; errorIndex: number };

export function sourceLayout(headers: readonly string[]): SourceLayout {
  const existing = headers.findIndex((h) => h.trim().toLowerCase() === 'error');
  if (existing >= 0) return { header: [...headers], errorIndex: existing };
  return { header: [...headers, 'Error'], errorIndex: headers.length };
}

/**
 * The source cells under the file's headers, with the Error text in its column. Cells past the last header
 * are dropped: they had no header, so the importer never read them, and keeping them would push Error out
 * of its column.
 */
export function sourceRecord(values: readonly string[], layout: SourceLayout, error: string): string[] {
  const cells = layout.header.map((_, i) => values[i] ?? '');
  cells[layout.errorIndex] = error;
  return cells;
}

async function fromSource(
  out: BufferedFile,
  spool: ErrorSpool,
  headers: readonly string[],
  sourceRows: NonNullable<ReportInput['sourceRows']>,
): Promise<void> {
  const layout = sourceLayout(headers);
  await out.write(UTF8_BOM + csvLine(layout.header));
  const pending = spool.read();
  let next = await pending.next();
  const missing = async (r: RowResult): Promise<void> =>
    out.write(
      csvLine(sourceRecord([], layout, `${errorText(r)} [the row was not found when the file was re-read]`)),
    );
  try {
    // A merge of two row-ordered streams: spooled results and re-read source rows. No error rows: the
    // source is not opened at all.
    const sources = next.done ? [] : sourceRows(spool.rows);
    for await (const source of sources) {
      while (!next.done && next.value.row < source.row) {
        await missing(next.value);
        next = await pending.next();
      }
      if (next.done) break;
      if (next.value.row !== source.row) continue; // a row we did not ask for
      await out.write(csvLine(sourceRecord(source.values, layout, errorText(next.value))));
      next = await pending.next();
    }
    for (; !next.done; next = await pending.next()) await missing(next.value);
  } finally {
    await pending.return(undefined);
  }
}

async function fromResults(out: BufferedFile, spool: ErrorSpool): Promise<void> {
  await out.write(UTF8_BOM + csvLine(RESULT_COLUMNS));
  for await (const result of spool.read()) await out.write(csvLine(resultCells(result)));
}

async function writeWith(path: string, fill: (out: BufferedFile) => Promise<void>): Promise<void> {
  const out = await BufferedFile.create(path);
  try {
    await fill(out);
    await out.close();
  } catch (err) {
    await out.abort();
    await rm(path, { force: true });
    throw err;
  }
}

export async function writeErrorsCsv(
  path: string,
  spool: ErrorSpool,
  input: Pick<ReportInput, 'sourceHeaders' | 'sourceRows'>,
): Promise<ErrorsCsvOutcome> {
  const { sourceRows, sourceHeaders } = input;
  if (sourceRows) {
    try {
      await writeWith(path, (out) => fromSource(out, spool, sourceHeaders, sourceRows));
      return { columns: 'source' };
    } catch {
      // Whatever went wrong (the file moved, a read error), the message may quote row data: it is not
      // kept. The report is still worth publishing with the result columns.
      await writeWith(path, (out) => fromResults(out, spool));
      return {
        columns: 'results',
        warning: 'errors.csv: the source file could not be re-read, so it lists the result columns instead',
      };
    }
  }
  await writeWith(path, (out) => fromResults(out, spool));
  return { columns: 'results' };
}
