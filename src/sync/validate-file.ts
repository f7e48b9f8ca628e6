/**
 * `validate`: everything a sync does to a file before EnKash — read, map, normalise, validate, find
 * duplicates — offline (no Redis, no network), writing the same report files a sync writes, with each
 * row `valid` or `invalid`.
 */
import { basename } from 'node:path';
import { invalidRowResult, validRowResult } from '../domain/row-results.js';
import type { ParsedRow, RowResult, MatchKeyField } from '../domain/types.js';
import type { ReportFiles, ReportSummary } from '../report/types.js';
import { writeReport } from '../report/write-report.js';
import { cellText, ingestFile } from '../ingest/ingest-file.js';
import { reportOptions } from '../report/types.js';
import { fileColumns } from '../ingest/plan/file-columns.js';
import { sourceRows } from '../ingest/more-sheets.js';

export type ValidateOptions = {
  sheet?: string;
  preset?: string;
  mapping?: string;
  matchKey: MatchKeyField;
  companyId?: string;
  reportDir: string;
  /** REPORT_TIMEZONE: the zone the report shows its times in. */
  timezone?: string;
};

export async function validateFile(path: string, options: ValidateOptions): Promise<ReportFiles> {
  const fileName = basename(path);
  const startedAt = new Date().toISOString();
  const file = await ingestFile(path, { ...options, fileName });
  const summary: ReportSummary = {
    importId: `validate-${startedAt.replace(/[-:.]/g, '')}`,
    fileName,
    origin: 'cli',
    kind: 'validate',
    dryRun: true,
    options: reportOptions(options),
    rowsRead: 0,
    blankRowsSkipped: 0,
    totalsRowsSkipped: 0,
    warnings: file.warnings,
    columns: fileColumns(file.plan),
    timings: { queuedAt: startedAt, startedAt, finishedAt: startedAt, durationMs: 0 },
    ...(options.timezone ? { timezone: options.timezone } : {}),
  };

  // One pass over the file: the writer reads the summary's counts only after the last result.
  async function* results(): AsyncGenerator<RowResult> {
    for await (const event of file.events()) {
      if (event.kind === 'blank') summary.blankRowsSkipped += 1;
      else if (event.kind === 'totals') summary.totalsRowsSkipped += 1;
      else {
        summary.rowsRead += 1;
        yield toResult(event.parsed);
      }
    }
    const finishedAt = new Date().toISOString();
    summary.timings = {
      ...summary.timings,
      finishedAt,
      durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
    };
  }

  return writeReport({
    dir: options.reportDir,
    summary,
    results: results(),
    sourceHeaders: file.columns.headers,
    ...(file.sameColumns
      ? {
          sourceRows: (wanted: ReadonlySet<number>) =>
            sourceRows(
              path,
              { fileName, sheet: file.source.info.sheet, sheets: file.sheets },
              wanted,
              cellText,
            ),
        }
      : {}),
  });
}

function toResult(parsed: ParsedRow): RowResult {
  return parsed.kind === 'valid' ? validRowResult(parsed, 'valid', '') : invalidRowResult(parsed);
}
