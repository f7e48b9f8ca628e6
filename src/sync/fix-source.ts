/**
 * Rows to fix, read again from a finished import: the rows its report put in errors.csv (invalid, or
 * refused by EnKash for what is in them), with the file's own columns and cells — re-read from the kept
 * file by the same code errors.csv is written with (src/ingest/more-sheets.ts sourceRows) — and each
 * problem tied to the column it concerns, as the ingest found it (the file is read again through the same
 * pipeline, with the import's options and reading).
 */
import { access } from 'node:fs/promises';
import { isTerminal } from '../domain/import-lifecycle.js';
import { rowId, sheetIndexOf, sheetRow } from '../domain/sheet-rows.js';
import type { FieldError, ParsedRow, RowResult } from '../domain/types.js';
import { cellText, ingestFile, type IngestedFile } from '../ingest/ingest-file.js';
import { sourceRows } from '../ingest/more-sheets.js';
import { fileColumns } from '../ingest/plan/file-columns.js';
import { columnLetter } from '../ingest/read/column-letter.js';
import type { ImportMeta, ImportStore } from '../queue/import-store.js';
import type { MappingProfiles } from '../queue/mapping-profiles.js';
import { isRowToFix } from '../report/result-cells.js';
import { readingOptions } from './import-reading.js';

/** Why rows of an import cannot be listed, checked or sent; `status` is the HTTP answer's. */
export class FixRefused extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 410,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FixRefused';
  }
}

/**
 * A column of the file. `key` names it in `cells`: the header as written, unless the header is empty or
 * repeated, then `Header (column F)` so that every column has its own key.
 */
export type FixColumn = { key: string; header: string; letter: string; index: number; field: string | null };

/** A problem of a row, at its column (`column` null: the field has no column in the file). */
export type CellError = { column: string | null; letter?: string; field: string; message: string };

export type RowToFix = {
  /** The row's number on its sheet, as Excel shows it (the import-wide number is internal). */
  row: number;
  sheet?: string;
  cells: Record<string, string>;
  errors: CellError[];
  warnings?: string[];
};

export type FixSourceDeps = { store: ImportStore; profiles: MappingProfiles; companyId?: string };

/** The file of a finished sync import, open for reading again as its import read it. */
export type FixSource = { meta: ImportMeta; file: IngestedFile; columns: FixColumn[] };

export async function openFixSource(deps: FixSourceDeps, meta: ImportMeta): Promise<FixSource> {
  if (!isTerminal(meta.state) || !meta.reportDir)
    throw new FixRefused(
      409,
      'NOT_FINISHED',
      `import ${meta.id} is ${meta.state}: fix its rows once it has finished`,
    );
  if (meta.kind !== 'sync')
    throw new FixRefused(
      409,
      'NOT_A_SYNC',
      `import ${meta.id} is a ${meta.kind}: it has no rows of a file to fix`,
    );
  if (meta.columnsDiffer)
    throw new FixRefused(
      409,
      'SHEETS_DIFFER',
      `import ${meta.id} read sheets with differing columns: fix its rows in errors.csv and upload it`,
    );
  try {
    await access(meta.filePath);
  } catch {
    throw new FixRefused(
      410,
      'FILE_GONE',
      `the file of import ${meta.id} is no longer kept: fix errors.csv instead`,
    );
  }
  const file = await ingestFile(meta.filePath, readingOptions(meta, deps.profiles, deps));
  return { meta, file, columns: columnsOf(file) };
}

function columnsOf(file: IngestedFile): FixColumn[] {
  const fields = new Map(fileColumns(file.plan).map((c) => [c.column, c.field]));
  const headers = file.columns.headers;
  const seen = new Map<string, number>();
  for (const h of headers) seen.set(h, (seen.get(h) ?? 0) + 1);
  return headers.map((header, index) => {
    const letter = columnLetter(index);
    const own = header.trim() !== '' && seen.get(header) === 1;
    return {
      key: own ? header : `${header.trim() || 'No header'} (column ${letter})`,
      header,
      letter,
      index,
      field: fields.get(letter) ?? null,
    };
  });
}

/** The import's rows to fix (those of errors.csv), import-wide number → result, in row order. */
export async function resultsToFix(store: ImportStore, meta: ImportMeta): Promise<Map<number, RowResult>> {
  const found = new Map<number, RowResult>();
  for await (const result of store.results(meta.id, meta.lastRow, undefined, meta.sheetEnds))
    if (isRowToFix(result)) found.set(result.row, result);
  return found;
}

/** The import-wide number of row `row` of `sheet` (absent for a CSV or a workbook read on one sheet). */
export function rowIdOf(meta: ImportMeta, row: number, sheet: string | undefined): number {
  if (meta.sheets.length <= 1) return row;
  const index = sheet === undefined ? 0 : meta.sheets.indexOf(sheet);
  if (index < 0) throw new FixRefused(400, 'NO_SUCH_ROW', `import ${meta.id} read no sheet "${sheet}"`);
  return rowId(index, row);
}

/** The sheet's name of an import-wide row number, when the import read several sheets. */
export function sheetOf(meta: ImportMeta, id: number): string | undefined {
  return meta.sheets.length > 1 ? meta.sheets[sheetIndexOf(id)] : meta.sheet;
}

/** The cells of the wanted rows as the file holds them (the text errors.csv shows), by import-wide row. */
export async function originalCells(
  source: FixSource,
  wanted: ReadonlySet<number>,
): Promise<Map<number, Record<string, string>>> {
  const cells = new Map<number, Record<string, string>>();
  for await (const { row, values } of sourceRows(source.meta.filePath, source.meta, wanted, cellText)) {
    cells.set(row, Object.fromEntries(source.columns.map((c) => [c.key, values[c.index] ?? ''])));
  }
  return cells;
}

/** Every row as the ingest parsed it, for the wanted rows (the file is read up to the last one). */
async function parsedRows(source: FixSource, wanted: ReadonlySet<number>): Promise<Map<number, ParsedRow>> {
  const parsed = new Map<number, ParsedRow>();
  const last = Math.max(0, ...wanted);
  for await (const event of source.file.events()) {
    if (event.kind !== 'row') continue;
    if (wanted.has(event.parsed.row)) parsed.set(event.parsed.row, event.parsed);
    if (event.parsed.row >= last) break;
  }
  return parsed;
}

/** A FieldError at the key of its column (the first of several, for an address made of parts). */
export function cellError(columns: readonly FixColumn[], e: FieldError): CellError {
  const letter = e.letter?.split(',')[0]?.trim();
  const column = columns.find((c) => c.letter === letter);
  return {
    column: column?.key ?? null,
    ...(column ? { letter: column.letter } : {}),
    field: e.field,
    message: e.value === '' ? e.problem : `"${e.value}" ${e.problem}`,
  };
}

/**
 * A row EnKash refused (valid as read): its answer, at the column it names when it names one (its
 * messages are put at `Header (column D, field)` by the row job's labels), else at none.
 */
function refusedErrors(columns: readonly FixColumn[], result: RowResult): CellError[] {
  const text = result.errors || result.errorType || result.outcome;
  return text.split('; ').map((part) => {
    const at = /\(columns? ([A-Z]+)[^)]*?(?:, ([A-Za-z][\w.[\]]*))?\)/.exec(part);
    const column = at ? columns.find((c) => c.letter === at[1]) : undefined;
    return {
      column: column?.key ?? null,
      ...(column ? { letter: column.letter } : {}),
      field: at?.[2] ?? column?.field ?? result.errorType,
      message: part,
    };
  });
}

/** One page of the rows to fix, with `total` of them all. */
export async function listRowsToFix(
  source: FixSource,
  store: ImportStore,
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: RowToFix[] }> {
  const results = await resultsToFix(store, source.meta);
  const ids = [...results.keys()].slice(page.offset, page.offset + page.limit);
  const wanted = new Set(ids);
  const [cells, parsed] = [await originalCells(source, wanted), await parsedRows(source, wanted)];
  const rows = ids.map((id): RowToFix => {
    const result = results.get(id) as RowResult;
    const read = parsed.get(id);
    const row: RowToFix = {
      row: sheetRow(id),
      ...(result.sheet ? { sheet: result.sheet } : {}),
      cells: cells.get(id) ?? Object.fromEntries(source.columns.map((c) => [c.key, ''])),
      errors:
        read?.kind === 'invalid'
          ? read.errors.map((e) => cellError(source.columns, e))
          : refusedErrors(source.columns, result),
    };
    if (result.warnings) row.warnings = result.warnings.split('; ');
    return row;
  });
  return { total: results.size, rows };
}

/** Runs `use` on the import's file read again, and releases the file whatever happens. */
export async function withFixSource<T>(
  deps: FixSourceDeps,
  meta: ImportMeta,
  use: (source: FixSource) => Promise<T>,
): Promise<T> {
  const source = await openFixSource(deps, meta);
  try {
    return await use(source);
  } finally {
    await source.file.close();
  }
}
