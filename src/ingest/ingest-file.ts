/**
 * The ingest pipeline for one file: open it (CSV or XLSX, decided from content), find the header row,
 * map columns to EnKash fields, then stream every row as valid, invalid, blank or totals. Used by the
 * sync engine's import job and by the offline `validate` command alike, so both see the same rows.
 */
import { columnLabel, type ParsedRow, type MatchKeyField } from '../domain/types.js';
import type { ColumnMap, ColumnRef } from './column-map.js';
import { columnLetter } from './read/column-letter.js';
import { detectColumns, findHeaderRow, isBlankRow, isTotalsRow } from './columns/index.js';
import { loadMappingFile, type MappingFile } from './columns/mapping-file.js';
import { getPreset } from './columns/preset-lookup.js';
import { overridesToMapping, withOverrides, type ColumnOverrides } from './columns/reading-overrides.js';
import { buildReadingPlan, headerSetKey, type ReadingPlan } from './plan/reading-plan.js';
import type { RawRow, RowSource } from './raw-row.js';
import { openRowSource } from './read/open-file.js';
import { numbered, readOtherSheets, sameColumns } from './more-sheets.js';
import { rowId } from '../domain/sheet-rows.js';
import { DuplicateTracker } from './validate/duplicates.js';
import { toParsedRow } from './validate/validate-row.js';
import { maskText } from '../domain/mask.js';

/**
 * Rows read before the columns are decided: the header is searched in the first 30 (title blocks are
 * rarely longer), and all of them are samples for content recognition and the reading plan.
 */
export const SAMPLE_ROWS = 200;

export type IngestOptions = {
  fileName: string;
  sheet?: string;
  preset?: string;
  /** Path of a JSON mapping file. */
  mapping?: string;
  matchKey: MatchKeyField;
  companyId?: string;
  /** Corrections to the reading, header → field or null (`--map`, the mapping endpoint). */
  map?: ColumnOverrides;
  /** The saved mapping profile of a header set, if any (never consulted when a mapping file is given). */
  savedMapping?: (headerSet: string) => Promise<ColumnOverrides | undefined>;
};

export type IngestEvent =
  { kind: 'row'; parsed: ParsedRow } | { kind: 'blank'; row: number } | { kind: 'totals'; row: number };

export type IngestedFile = {
  source: RowSource;
  /** The first sheet's column map (every sheet's, when they share a layout). */
  columns: ColumnMap;
  /** Column warnings for the report: unused columns, where the column map came from. */
  warnings: string[];
  /**
   * EnKash field → its column in the user's words beside EnKash's (`GSTIN/UIN (column D, panOrGstin)`), to
   * put EnKash's messages about a field where the user will look.
   */
  labels: Record<string, string>;
  /** How the file is read, made before any row is: see src/ingest/plan/reading-plan.ts. */
  plan: ReadingPlan;
  /** XLSX: the sheets read, in the order their rows come (one, unless several hold customers). */
  sheets: string[];
  /**
   * Every sheet read has the first sheet's headers in the same order, so its rows can be re-read under
   * them (errors.csv in the file's own columns). Always true for one sheet.
   */
  sameColumns: boolean;
  events(signal?: AbortSignal): AsyncGenerator<IngestEvent>;
  /** Releases the file when its rows will not be read (a plan made alone). */
  close(): Promise<void>;
};

export async function ingestFile(path: string, options: IngestOptions): Promise<IngestedFile> {
  // Before the reader: an unknown preset named inside the sheet picker reads as a damaged workbook.
  if (options.preset) getPreset(options.preset);
  const mapping = options.mapping ? await loadMappingFile(options.mapping) : undefined;
  const sheet = options.sheet ?? mapping?.sheet;
  const source = await openRowSource(path, {
    fileName: options.fileName,
    // Without --sheet: every sheet whose first rows hold a customer header row.
    ...(sheet ? { sheet } : { pickSheet: (rows: RawRow[]) => findHeaderRow(rows, options.preset) !== null }),
  });
  const iterator = source.rows()[Symbol.asyncIterator]();
  const head: RawRow[] = [];
  while (head.length < SAMPLE_ROWS) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
  }
  let first = await readColumns(head, mapping, options);
  let more = await readOtherSheets(source.moreSheets ?? [], SAMPLE_ROWS, (rows) =>
    readColumns(rows, mapping, options),
  );
  // Sheets in differing layouts, approved together once: one profile for them all, keyed by every layout.
  const layouts = new Set(
    [first.columns, ...more.others.map((o) => o.columns)].map((c) => headerSetKey(c.headers)),
  );
  const together = layouts.size > 1 ? headerSetKey([...layouts]) : undefined;
  if (together && !mapping && (await options.savedMapping?.(together))) {
    first = await readColumns(head, mapping, options, together);
    more = await readOtherSheets(source.moreSheets ?? [], SAMPLE_ROWS, (rows) =>
      readColumns(rows, mapping, options, together),
    );
  }
  const { columns, confirmed } = first;
  const others = more.others;
  const plan = buildReadingPlan({
    info: source.info,
    columns,
    sampleRows: head,
    matchKey: options.matchKey,
    confirmed: confirmed && others.every((o) => o.confirmed),
    otherSheets: others.map((o) => ({
      name: o.sheet.name,
      headerRow: o.columns.headerRow,
      headerSet: headerSetKey(o.columns.headers),
    })),
    skippedSheets: [...(source.info.skippedSheets ?? []), ...more.skipped],
  });
  const warnings = columnWarnings(columns);
  const labels = fieldLabels(columns);
  const names = source.info.sheet ? [source.info.sheet, ...others.map((o) => o.sheet.name)] : [];
  const several = others.length > 0;

  async function* events(signal?: AbortSignal): AsyncGenerator<IngestEvent> {
    // One tracker for every sheet: the same code on two branch sheets is a duplicate like one in a sheet.
    const duplicates = new DuplicateTracker(columns, several ? names : undefined);
    const rest: AsyncIterable<RawRow> = { [Symbol.asyncIterator]: () => iterator };
    // The first sheet in two parts (the rows already read for the plan, then the rest), then the others.
    const parts = [
      { index: 0, map: columns, rows: head as Iterable<RawRow> | AsyncIterable<RawRow> },
      { index: 0, map: columns, rows: rest },
      ...others.map((o, i) => ({ index: i + 1, map: o.columns, rows: o.sheet.rows(signal) })),
    ];
    let previous = 0;
    let sheetIndex = -1;
    for (const { index, map, rows } of parts) {
      const toRow = { matchKey: options.matchKey, companyId: options.companyId, sheet: names[index] };
      // Readers leave blank rows out (exceljs never sees them): the gaps in row numbers are the blank rows.
      if (index !== sheetIndex) [sheetIndex, previous] = [index, map.headerRow];
      for await (const raw of rows) {
        if (raw.row <= map.headerRow) continue;
        for (let gap = previous + 1; gap < raw.row; gap++) yield { kind: 'blank', row: rowId(index, gap) };
        previous = raw.row;
        const row = numbered(raw, index);
        if (isBlankRow(raw)) yield { kind: 'blank', row: row.row };
        else if (isTotalsRow(raw, map)) yield { kind: 'totals', row: row.row };
        else {
          const parsed = toParsedRow(row, map, toRow);
          yield { kind: 'row', parsed: parsed.kind === 'valid' ? duplicates.check(parsed) : parsed };
        }
      }
    }
  }

  const close = async () => {
    await iterator.return?.();
  };
  return {
    source,
    columns,
    warnings,
    labels,
    plan,
    sheets: names,
    sameColumns: others.every((o) => sameColumns(o.columns, columns)),
    events,
    close,
  };
}

/**
 * The column map, by precedence: a mapping file (it wins over everything), then `--map` corrections, then
 * the header set's saved profile, then detection. A saved profile is the whole reading (no detection).
 */
async function readColumns(
  head: readonly RawRow[],
  file: MappingFile | undefined,
  options: IngestOptions,
  profileKey?: string,
): Promise<{ columns: ColumnMap; confirmed: boolean }> {
  const corrections = options.map
    ? overridesToMapping(options.map, { source: 'mapping', autoDetect: true, name: '--map' })
    : undefined;
  const base = { preset: options.preset, fileName: options.fileName };
  const columns = detectColumns(head, { ...base, mapping: withOverrides(file, corrections) });
  if (file || !options.savedMapping) return { columns, confirmed: false };
  const saved = await options.savedMapping(profileKey ?? headerSetKey(columns.headers));
  if (!saved) return { columns, confirmed: false };
  const profile = overridesToMapping(saved, {
    source: 'saved-mapping',
    autoDetect: false,
    name: 'saved mapping',
  });
  const mapping = { ...(withOverrides(corrections, profile) ?? profile), autoDetect: false };
  return { columns: detectColumns(head, { ...base, mapping }), confirmed: true };
}

function columnWarnings(columns: ColumnMap): string[] {
  const warnings = [`columns: ${columns.origin}, header in row ${columns.headerRow}`];
  if (columns.unused.length > 0) {
    // Headers can hold personal data (a data row taken for the header row): masked, like every message.
    warnings.push(`columns not used: ${columns.unused.map((c) => `"${maskText(c.header)}"`).join(', ')}`);
  }
  return warnings;
}

/** `GSTIN/UIN (column D, panOrGstin)`; several columns (the address parts) joined with ` + `. */
function labelOf(refs: readonly ColumnRef[], field: string): string {
  const headers = refs.map((r) => r.header).join(' + ');
  return columnLabel(headers, refs.map((r) => columnLetter(r.index)).join(', '), field);
}

function fieldLabels(columns: ColumnMap): Record<string, string> {
  const labels: Record<string, string> = {};
  const put = (field: string, ref: ColumnRef | undefined) => {
    if (ref) labels[field] = labelOf([ref], field);
  };
  for (const [field, ref] of Object.entries(columns.fields)) put(field, ref);
  put('panOrGstin', columns.fields.gstin ?? columns.fields.pan ?? columns.fields.panOrGstin);
  if (columns.address.length > 0) labels.address = labelOf(columns.address, 'address');
  columns.contacts.forEach((c, i) => {
    put(`customerKeyContacts[${i}].name`, c.name ?? c.firstName);
    put(`customerKeyContacts[${i}].mobile`, c.mobile);
    put(`customerKeyContacts[${i}].email`, c.email);
  });
  if (!labels.contactNumber) put('contactNumber', columns.contacts[0]?.mobile);
  return labels;
}

/** A cell as text, for errors.csv (the user's own values, as close to what they typed as we can). */
export function cellText(value: RawRow['values'][number]): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') return value.error;
  return String(value);
}
