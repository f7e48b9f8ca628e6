/**
 * writeReport: one pass over the results writes results.csv, the Results sheet and a spool of the error
 * rows while checking that they reconcile; then errors.csv, the Summary sheet and summary.json; then the
 * folder is published whole (see publish-dir.ts). Nothing is published when anything fails.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULT_COLUMNS } from '../domain/types.js';
import { BufferedFile } from './buffered-file.js';
import { UTF8_BOM, csvLine } from './csv-format.js';
import { ErrorSpool } from './error-spool.js';
import { FIXES_CSV, fixesSection, writeFixesCsv } from './fixes-report.js';
import { writeErrorsCsv, type ErrorsCsvOutcome } from './errors-csv.js';
import { makeTempBeside, publishDir } from './publish-dir.js';
import { RowTally, type OutcomeCounts } from './reconcile.js';
import { isRetryableFailure, isRowToFix, resultCells } from './result-cells.js';
import { ResultsXlsxWriter } from './results-xlsx.js';
import { localTimestamp } from './local-time.js';
import { summaryLines, zoneOf } from './summary-sheet.js';
import {
  REPORT_FILE_NAMES,
  type ReportFiles,
  type ReportInput,
  type ReportOptions,
  type ReportSummaryFile,
} from './types.js';

const SPOOL_NAME = '.error-rows.jsonl';
const FAILED_SPOOL_NAME = '.failed-rows.jsonl';

type Writers = { csv: BufferedFile; xlsx: ResultsXlsxWriter; spool: ErrorSpool; failed: ErrorSpool };
type Written = { counts: OutcomeCounts; errorRows: number; failedRows: number; errors: ErrorsCsvOutcome };

async function writeResults(
  input: ReportInput,
  { csv, xlsx, spool, failed }: Writers,
): Promise<OutcomeCounts> {
  const tally = new RowTally();
  await csv.write(UTF8_BOM + csvLine(RESULT_COLUMNS));
  for await (const result of input.results) {
    tally.add(result);
    await csv.write(csvLine(resultCells(result)));
    await xlsx.add(result);
    if (isRowToFix(result)) await spool.add(result);
    else if (isRetryableFailure(result)) await failed.add(result);
  }
  return tally.finish(input.summary.rowsRead);
}

async function writeJson(path: string, value: unknown): Promise<void> {
  const file = await BufferedFile.create(path);
  await file.write(`${JSON.stringify(value, null, 2)}\n`);
  await file.close();
}

async function writeAll(temp: string, input: ReportInput, w: Writers): Promise<Written> {
  const counts = await writeResults(input, w);
  await w.csv.close();
  await w.spool.close();
  await w.failed.close();
  // Committing the Results sheet now lets the zip compress it while errors.csv is written.
  w.xlsx.endResults();
  const errors = await writeErrorsCsv(join(temp, REPORT_FILE_NAMES.errorsCsv), w.spool, input);
  await w.spool.remove();
  // failed.csv has the same shape (the file's own columns + Error, the reason): it can be uploaded as is.
  const failed = await writeErrorsCsv(join(temp, REPORT_FILE_NAMES.failedCsv), w.failed, input);
  await w.failed.remove();
  const errorRows = w.spool.size;
  const failedRows = w.failed.size;
  const reportWarnings = [errors.warning, failed.warning?.replace(/^errors\.csv/, 'failed.csv')].filter(
    (w): w is string => w !== undefined,
  );
  await w.xlsx.finish(summaryLines(input.summary, counts, { errorRows, failedRows, reportWarnings }));
  const summary: ReportSummaryFile = {
    ...input.summary,
    warnings: [...input.summary.warnings, ...reportWarnings],
    counts,
    errorRows,
    failedRows,
    errorsCsvColumns: errors.columns,
    timezone: zoneOf(input.summary),
    timingsLocal: {
      queuedAt: localTimestamp(input.summary.timings.queuedAt, zoneOf(input.summary)),
      startedAt: localTimestamp(input.summary.timings.startedAt, zoneOf(input.summary)),
      finishedAt: localTimestamp(input.summary.timings.finishedAt, zoneOf(input.summary)),
    },
    files: REPORT_FILE_NAMES,
    reconciled: true,
  };
  if (input.fixes) {
    await writeFixesCsv(join(temp, FIXES_CSV), input.fixes, summary.timezone);
    summary.files = { ...REPORT_FILE_NAMES, fixesCsv: FIXES_CSV };
    summary.fixes = fixesSection(input.fixes, summary.timezone);
  }
  await writeJson(join(temp, REPORT_FILE_NAMES.summaryJson), summary);
  return { counts, errorRows, failedRows, errors };
}

async function writeInto(temp: string, input: ReportInput, options: ReportOptions): Promise<Written> {
  const csv = await BufferedFile.create(join(temp, REPORT_FILE_NAMES.resultsCsv));
  const spool = await ErrorSpool.create(join(temp, SPOOL_NAME));
  const failed = await ErrorSpool.create(join(temp, FAILED_SPOOL_NAME));
  const xlsx = new ResultsXlsxWriter(join(temp, REPORT_FILE_NAMES.resultsXlsx), {
    maxRowsPerSheet: options.xlsxMaxRowsPerSheet,
    ...(input.summary.columns ? { columns: input.summary.columns } : {}),
  });
  try {
    return await writeAll(temp, input, { csv, xlsx, spool, failed });
  } catch (err) {
    xlsx.abort();
    await Promise.all([csv.abort(), spool.abort(), failed.abort()]);
    throw err;
  }
}

/**
 * Writes the report folder `input.dir` (results.csv, results.xlsx, summary.json, errors.csv) and returns
 * where its files are. Throws {@link ReportReconcileError} when the results do not account for every row
 * read exactly once; then, as on any error, nothing is published and the temp folder is removed.
 */
export async function writeReport(input: ReportInput, options: ReportOptions = {}): Promise<ReportFiles> {
  const startedMs = Date.now();
  const temp = await makeTempBeside(input.dir);
  let written: Written;
  try {
    written = await writeInto(temp, input, options);
    await publishDir(temp, input.dir);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  const { counts, errorRows, failedRows, errors } = written;
  options.logger?.info(
    { rowsRead: input.summary.rowsRead, counts, errorRows, failedRows, durationMs: Date.now() - startedMs },
    'report written',
  );
  return {
    dir: input.dir,
    resultsCsv: join(input.dir, REPORT_FILE_NAMES.resultsCsv),
    resultsXlsx: join(input.dir, REPORT_FILE_NAMES.resultsXlsx),
    summaryJson: join(input.dir, REPORT_FILE_NAMES.summaryJson),
    errorsCsv: join(input.dir, REPORT_FILE_NAMES.errorsCsv),
    failedCsv: join(input.dir, REPORT_FILE_NAMES.failedCsv),
    counts,
    errorRows,
    failedRows,
    errorsCsvColumns: errors.columns,
    ...(input.fixes ? { fixesCsv: join(input.dir, FIXES_CSV) } : {}),
  };
}
