/** What the report writer needs, and what it writes. See README "Report format". */
import type { Outcome, RowResult } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { FixLog, FixesSection } from './fixes-report.js';

export type ReportSummary = {
  importId: string;
  /** The file as the user named it (no directories). */
  fileName: string;
  /** Where the import came from: cli, api, watch, schedule. */
  origin: string;
  /** `sync`, `validate` or `revert`. */
  kind: 'sync' | 'validate' | 'revert';
  dryRun: boolean;
  /** The import's options (mode, matchKey, preset, mapping, sheet, …); no secrets. */
  options: Record<string, unknown>;
  /** Rows read = the sum of the outcome counts; blank and totals rows are counted apart. */
  rowsRead: number;
  blankRowsSkipped: number;
  totalsRowsSkipped: number;
  /** Column warnings (unused columns, the column map's origin). */
  warnings: string[];
  /** UTC, ISO 8601 (machine-readable); summary.json adds them in `timezone` as `timingsLocal`. */
  timings: { queuedAt: string; startedAt: string; finishedAt: string; durationMs: number };
  /** The zone the report shows times in (REPORT_TIMEZONE; default Asia/Kolkata). */
  timezone?: string;
  /** EnKash calls made, by operation (create, search, update, …). */
  enkashCalls?: Record<string, number>;
  /** How the file was read (src/ingest/plan/reading-plan.ts): sheets, header row, columns, doubts. */
  plan?: object;
  /**
   * The file's columns beside EnKash's fields, in file order: `{ column: 'D', header: 'GSTIN/UIN', field:
   * 'panOrGstin' }`, `field` null for a column not read. results.xlsx heads its identifying columns with
   * these names and the Summary sheet lists them; results.csv keeps its stable column names.
   */
  columns?: ReportColumn[];
};

/** One column of the user's file and the EnKash field it feeds (null: not read). */
export type ReportColumn = { column: string; header: string; field: string | null };

export type ReportInput = {
  /** The report folder. It appears whole or not at all (written beside it, then renamed). */
  dir: string;
  summary: ReportSummary;
  /** Every row's result, in input (row number) order. Consumed once. */
  results: AsyncIterable<RowResult>;
  /** The file's own header row, for errors.csv. */
  sourceHeaders: string[];
  /**
   * Re-reads the source rows whose numbers are given, in row order, as the cells' text: errors.csv
   * repeats them with an Error column. Omitted when the source is gone: errors.csv then has only the
   * result columns.
   */
  sourceRows?: (rows: ReadonlySet<number>) => AsyncIterable<{ row: number; values: string[] }>;
  /** A follow-up of rows fixed in the page: its change log, written as fixes.csv and summary.json's `fixes`. */
  fixes?: FixLog;
};

export type ReportFiles = {
  dir: string;
  resultsCsv: string;
  resultsXlsx: string;
  summaryJson: string;
  errorsCsv: string;
  failedCsv: string;
  counts: Record<Outcome, number>;
  /** Rows in errors.csv: the rows to fix (invalid, or refused by EnKash for their content). */
  errorRows: number;
  /** Rows in failed.csv: failed with nothing wrong in them (5xx, timeouts after every retry): to retry. */
  failedRows: number;
  /** `source`: the file's own columns + Error; `results`: the result columns (the source was gone). */
  errorsCsvColumns: 'source' | 'results';
  /** A follow-up of fixed rows: its fixes.csv. */
  fixesCsv?: string;
};

/** The files of a report folder, by the names summary.json lists them under. */
export const REPORT_FILE_NAMES = {
  resultsCsv: 'results.csv',
  resultsXlsx: 'results.xlsx',
  summaryJson: 'summary.json',
  errorsCsv: 'errors.csv',
  failedCsv: 'failed.csv',
} as const;

/** summary.json. */
export type ReportSummaryFile = ReportSummary & {
  /** Every outcome, zeros included. */
  counts: Record<Outcome, number>;
  errorRows: number;
  failedRows: number;
  errorsCsvColumns: 'source' | 'results';
  timezone: string;
  /** The timings in `timezone`, with the offset: `2026-12-06T12:18:38+05:30`. */
  timingsLocal: { queuedAt: string; startedAt: string; finishedAt: string };
  /** File names relative to the report folder (`fixesCsv` only in a follow-up of fixed rows). */
  files: typeof REPORT_FILE_NAMES & { fixesCsv?: string };
  /** A follow-up of rows fixed in the page: what was changed, by whom, when (./fixes-report.ts). */
  fixes?: FixesSection;
  /** Always true: a report that does not reconcile is never published. */
  reconciled: true;
};

export type ReportOptions = {
  /** Gets one line per report, with counts only: row data is never logged. */
  logger?: Pick<Logger, 'info'>;
  /** Rows per Results sheet, header included (Excel's limit, 1,048,576, by default; lower in tests). */
  xlsxMaxRowsPerSheet?: number;
};

/**
 * An import's options as a report shows them: no server path (the report folder, a mapping file's
 * location) — a report is mailed and shared; a mapping file is named by its file name only.
 */
export function reportOptions(options: Record<string, unknown>): Record<string, unknown> {
  const { reportDir: _reportDir, mapping, ...rest } = options;
  const name = typeof mapping === 'string' ? mapping.split(/[\\/]/).pop() : undefined;
  return { ...rest, ...(name ? { mapping: name } : {}) };
}
