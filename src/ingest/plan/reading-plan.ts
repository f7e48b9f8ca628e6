/**
 * Terminology
 * - reading plan: how a file is read, made before any write — the sheets, the header row, each column →
 *   EnKash field with where the match came from and a confidence, unused columns with sample values,
 *   skipped rows, the expected outcomes, and the doubts that hold the import for review.
 * - header set: the file's headers as a set of normalised names; with the sheet layout it keys a saved
 *   mapping profile, so the next file of the same shape is read the same way without a hold.
 * - doubt: a reason not to write on the reading as guessed (./doubt-rules.ts).
 *
 * Pure: built from what the reader saw (source info, column map, sample rows). Counts are added later.
 */
import { createHash } from 'node:crypto';
import { WOULD_WRITE_OUTCOMES, type MatchKeyField } from '../../domain/types.js';
import type { ColumnMap, MatchSource } from '../column-map.js';
import { columnLetter, headerKey } from '../columns/normalise-header.js';
import { sampleText } from '../columns/content-kind.js';
import type { RawRow, RowSourceInfo } from '../raw-row.js';
import { evaluateDoubts, type Doubt, type SheetLayout } from './doubt-rules.js';

export const SAMPLES_PER_COLUMN = 3;
const SAMPLE_CHARS = 40;

export type PlanColumn = {
  /** Excel column letter. */
  column: string;
  header: string;
  /** The field it feeds (`uniqueRefNo`, `address`, `contact.mobile`), or null when unused. */
  target: string | null;
  source?: MatchSource;
  confidence?: number;
  /** The fuzzy or content rule that matched (`party-words`, `gstin`, …). */
  rule?: string;
  /** The first filled values (from the first rows), for a person to judge the reading by. */
  samples: string[];
  /** Unused and its values are unique and code-like: perhaps a customer code under an unknown name. */
  identifierLike?: boolean;
};

/** Outcomes a plan expects; dry runs report the same names. */
export const EXPECTED_OUTCOMES = [...WOULD_WRITE_OUTCOMES, 'unchanged', 'invalid'] as const;
export type ExpectedOutcome = (typeof EXPECTED_OUTCOMES)[number];

export type ReadingPlan = {
  file: string;
  format: RowSourceInfo['format'];
  encoding?: string;
  sheets: SheetLayout[];
  /** Sheets of the workbook not read, and why (empty, a chart, notes or a summary, not picked, hidden). */
  skippedSheets?: { name: string; reason: string }[];
  headerRow: number;
  /** Key of the header set (sheet layout included): what a saved mapping profile is found by. */
  headerSet: string;
  origin: string;
  matchKey: MatchKeyField;
  columns: PlanColumn[];
  /** Rows not read as customers, and why; null until the whole file has been read. */
  skipped: { aboveHeader: number; blank: number; totals: number } | null;
  /** Expected outcomes; null until known (a dry run or `customer-sync plan` fills them). */
  expected: Partial<Record<ExpectedOutcome, number>> | null;
  /** A held import: the dry run that counts its expected outcomes (src/sync/expected-counts.ts). */
  countedBy?: string;
  /** Why `expected` is null (EnKash could not be read, still counting), when it is known. */
  expectedWhyNot?: string;
  /** Rows read as customers; null until the whole file has been read. */
  rows: number | null;
  doubts: Doubt[];
  /** The header set had a saved (approved) mapping. */
  confirmed: boolean;
};

export type PlanInput = {
  info: RowSourceInfo;
  columns: ColumnMap;
  /** The rows the columns were decided on: the header and the first data rows. */
  sampleRows: readonly RawRow[];
  matchKey: MatchKeyField;
  confirmed: boolean;
  /** Other sheets with customer data (multi-sheet workbooks), with their own header sets. */
  otherSheets?: SheetLayout[];
  skippedSheets?: { name: string; reason: string }[];
};

/** The header set's key: its normalised non-empty headers, sorted (column order does not change it). */
export function headerSetKey(headers: readonly string[]): string {
  const keys = [...new Set(headers.map(headerKey).filter((k) => k !== ''))].sort();
  return createHash('sha256').update(keys.join('\n')).digest('base64url').slice(0, 22);
}

export function buildReadingPlan(input: PlanInput): ReadingPlan {
  const { columns, info } = input;
  const headerSet = headerSetKey(columns.headers);
  const matches = new Map((columns.matches ?? []).map((m) => [m.index, m]));
  const identifierLike = new Set((columns.identifierLike ?? []).map((r) => r.index));
  const data = input.sampleRows.filter((r) => r.row > columns.headerRow);
  const planColumns: PlanColumn[] = [];
  columns.headers.forEach((header, index) => {
    const match = matches.get(index);
    if (header === '' && !match) return;
    const column: PlanColumn = {
      column: columnLetter(index),
      header,
      target: match?.target ?? null,
      samples: samplesOf(data, index),
    };
    if (match) {
      column.source = match.source;
      column.confidence = match.confidence;
      if (match.rule) column.rule = match.rule;
    }
    if (identifierLike.has(index)) column.identifierLike = true;
    planColumns.push(column);
  });
  const sheet: SheetLayout = {
    ...(info.sheet ? { name: info.sheet } : {}),
    headerRow: columns.headerRow,
    headerSet,
  };
  const sheets = [sheet, ...(input.otherSheets ?? [])];
  const layouts = [...new Set(sheets.map((s) => s.headerSet))];
  const plan: ReadingPlan = {
    file: info.fileName,
    format: info.format,
    ...(info.encoding ? { encoding: info.encoding } : {}),
    sheets,
    ...(input.skippedSheets?.length ? { skippedSheets: input.skippedSheets } : {}),
    headerRow: columns.headerRow,
    // Sheets of one layout are read by that layout's profile; differing layouts are one profile together.
    headerSet: layouts.length > 1 ? headerSetKey(layouts) : headerSet,
    origin: columns.origin,
    matchKey: input.matchKey,
    columns: planColumns,
    skipped: null,
    expected: null,
    rows: null,
    doubts: [],
    confirmed: input.confirmed,
  };
  return { ...plan, doubts: evaluateDoubts(plan, columns) };
}

function samplesOf(rows: readonly RawRow[], index: number): string[] {
  const samples: string[] = [];
  for (const row of rows) {
    const text = sampleText(row.values[index]);
    if (text === '') continue;
    samples.push(text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS - 1)}…` : text);
    if (samples.length >= SAMPLES_PER_COLUMN) break;
  }
  return samples;
}

/** Which targets a plan's columns feed, as `header → target | null`: what approving it saves. */
export function planReading(plan: ReadingPlan): Record<string, string | null> {
  const reading: Record<string, string | null> = {};
  for (const c of plan.columns) if (c.header !== '' && !(c.header in reading)) reading[c.header] = c.target;
  return reading;
}

/**
 * The plan once the file has been read: rows skipped and why, rows read, and — from a dry run's outcomes
 * (which speak in the conditional) — what the import is expected to do.
 */
export function planWithCounts(
  plan: ReadingPlan,
  read: { rows: number; blank: number; totals: number; counts?: Partial<Record<string, number>> },
): ReadingPlan {
  const expected: Partial<Record<ExpectedOutcome, number>> = {};
  if (read.counts) for (const o of EXPECTED_OUTCOMES) expected[o] = read.counts[o] ?? 0;
  return {
    ...plan,
    rows: read.rows,
    skipped: { aboveHeader: Math.max(plan.headerRow - 1, 0), blank: read.blank, totals: read.totals },
    expected: read.counts ? expected : plan.expected,
    ...(read.counts ? { expectedWhyNot: undefined } : {}),
  };
}
