/** The lines of results.xlsx's Summary sheet, as plain data (the XLSX writer only lays them out). */
import { OUTCOMES } from '../domain/types.js';
import type { OutcomeCounts } from './reconcile.js';
import { DEFAULT_REPORT_TIMEZONE, localTimestamp } from './local-time.js';
import type { ReportSummary } from './types.js';

export type SummaryLine =
  | { kind: 'heading'; label: string }
  | { kind: 'value'; label: string; value: string | number }
  | { kind: 'gap' };

export type SummaryExtras = {
  errorRows: number;
  failedRows: number;
  /** Notes added while writing the report (e.g. errors.csv fell back to result columns). */
  reportWarnings: string[];
};

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}

function importLines(s: ReportSummary): SummaryLine[] {
  return [
    { kind: 'heading', label: 'Import' },
    { kind: 'value', label: 'Import id', value: s.importId },
    { kind: 'value', label: 'File', value: s.fileName },
    { kind: 'value', label: 'Origin', value: s.origin },
    { kind: 'value', label: 'Kind', value: s.kind },
    { kind: 'value', label: 'Mode', value: text(s.options['mode'] ?? '') },
    { kind: 'value', label: 'Dry run', value: s.dryRun ? 'yes' : 'no' },
    { kind: 'value', label: 'Rows read', value: s.rowsRead },
    { kind: 'value', label: 'Blank rows skipped', value: s.blankRowsSkipped },
    { kind: 'value', label: 'Totals rows skipped', value: s.totalsRowsSkipped },
  ];
}

function countLines(counts: OutcomeCounts, extras: SummaryExtras): SummaryLine[] {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return [
    { kind: 'heading', label: 'Outcomes' },
    ...OUTCOMES.map((o): SummaryLine => ({ kind: 'value', label: o, value: counts[o] })),
    { kind: 'value', label: 'total', value: total },
    { kind: 'value', label: 'rows in errors.csv (to fix)', value: extras.errorRows },
    { kind: 'value', label: 'rows in failed.csv (to retry)', value: extras.failedRows },
  ];
}

export function zoneOf(s: ReportSummary): string {
  return s.timezone ?? DEFAULT_REPORT_TIMEZONE;
}

function timingLines(s: ReportSummary): SummaryLine[] {
  const calls = Object.entries(s.enkashCalls ?? {});
  return [
    { kind: 'heading', label: 'Timings' },
    { kind: 'value', label: 'Time zone', value: zoneOf(s) },
    { kind: 'value', label: 'Queued at', value: localTimestamp(s.timings.queuedAt, zoneOf(s)) },
    { kind: 'value', label: 'Started at', value: localTimestamp(s.timings.startedAt, zoneOf(s)) },
    { kind: 'value', label: 'Finished at', value: localTimestamp(s.timings.finishedAt, zoneOf(s)) },
    { kind: 'value', label: 'Duration (s)', value: Math.round(s.timings.durationMs) / 1000 },
    ...(calls.length ? [{ kind: 'heading', label: 'EnKash calls' } as const] : []),
    ...calls.map(([op, n]): SummaryLine => ({ kind: 'value', label: op, value: n })),
  ];
}

/** Each column of the file beside the EnKash field it feeds: `GSTIN/UIN (column D)` → `panOrGstin`. */
function columnLines(s: ReportSummary): SummaryLine[] {
  const columns = s.columns ?? [];
  if (columns.length === 0) return [];
  return [
    { kind: 'heading', label: 'Columns of the file' },
    ...columns.map((c): SummaryLine => ({
      kind: 'value',
      label: `${c.header || '(no header)'} (column ${c.column})`,
      value: c.field ?? 'not used',
    })),
    { kind: 'gap' },
  ];
}

function noteLines(s: ReportSummary, extras: SummaryExtras): SummaryLine[] {
  const options = Object.entries(s.options);
  const warnings = [...s.warnings, ...extras.reportWarnings];
  return [
    ...(options.length ? [{ kind: 'heading', label: 'Options' } as const] : []),
    ...options.map(([k, v]): SummaryLine => ({ kind: 'value', label: k, value: text(v) })),
    { kind: 'heading', label: 'Warnings' },
    ...(warnings.length
      ? warnings.map((w): SummaryLine => ({ kind: 'value', label: '', value: w }))
      : [{ kind: 'value', label: '', value: 'none' } as const]),
  ];
}

export function summaryLines(s: ReportSummary, counts: OutcomeCounts, extras: SummaryExtras): SummaryLine[] {
  const gap: SummaryLine = { kind: 'gap' };
  return [
    ...importLines(s),
    gap,
    ...countLines(counts, extras),
    gap,
    ...timingLines(s),
    gap,
    ...columnLines(s),
    ...noteLines(s, extras),
  ];
}
