/**
 * writeReport: one pass over the results writes results.csv, the Results sheet and a spool of the error
 * rows while checking that they reconcile; then errors.csv, the Summary sheet and summary.json; then the
 * folder is published whole (see publish-dir.ts). Nothing is published when anything fails. The pass is a
 * {@link ReportWriter}, which can also be handed the rows one at a time while they settle.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULT_COLUMNS, type RowResult } from '../domain/types.js';
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
  type ReportSummary,
  type ReportSummaryFile,
} from './types.js';

const SPOOL_NAME = '.error-rows.jsonl';
const FAILED_SPOOL_NAME = '.failed-rows.jsonl';

type Writers = { csv: BufferedFile; xlsx: ResultsXlsxWriter; spool: ErrorSpool; failed: ErrorSpool };
type Written = { counts: OutcomeCounts; errorRows: number; failedRows: number; errors: ErrorsCsvOutcome };

async function writeJson(path: string, value: unknown): Promise<void> {
  const file = await BufferedFile.create(path);
  await file.write(`${JSON.stringify(value, null, 2)}\n`);
  await file.close();
}

/** After the last row: errors.csv, failed.csv, the Summary sheet, summary.json. */
async function writeRest(
  temp: string,
  input: ReportEnd,
  w: Writers,
  counts: OutcomeCounts,
): Promise<Written> {
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

/**
 * Writes the report folder `input.dir` (results.csv, results.xlsx, summary.json, errors.csv) and returns
 * where its files are. Throws {@link ReportReconcileError} when the results do not account for every row
 * read exactly once; then, as on any error, nothing is published and the temp folder is removed.
 */
export async function writeReport(input: ReportInput, options: ReportOptions = {}): Promise<ReportFiles> {
  const writer = await ReportWriter.open(input, options);
  try {
    for await (const result of input.results) await writer.add(result);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return writer.finish(input, options);
}

/** What the report needs once its rows are written: everything but the results. */
export type ReportEnd = Omit<ReportInput, 'results'>;

/**
 * A report written row by row, in row order, into its temp folder beside `dir`: {@link writeReport} with
 * the rows handed over one at a time (src/sync/report-ahead.ts writes the rows already settled while the
 * import still runs), then {@link finish} once the last one is in. The same files, byte for byte.
 */
export class ReportWriter {
  private readonly tally = new RowTally();

  private constructor(
    readonly dir: string,
    readonly columns: ReportSummary['columns'],
    private readonly temp: string,
    private readonly w: Writers,
    private readonly startedMs: number,
  ) {}

  /** The temp folder and its files, results.csv's header written. */
  static async open(
    layout: Pick<ReportInput, 'dir'> & { summary: Pick<ReportSummary, 'columns'> },
    options: ReportOptions = {},
  ): Promise<ReportWriter> {
    const startedMs = Date.now();
    const { columns } = layout.summary;
    const temp = await makeTempBeside(layout.dir);
    try {
      const csv = await BufferedFile.create(join(temp, REPORT_FILE_NAMES.resultsCsv));
      const spool = await ErrorSpool.create(join(temp, SPOOL_NAME));
      const failed = await ErrorSpool.create(join(temp, FAILED_SPOOL_NAME));
      const xlsx = new ResultsXlsxWriter(join(temp, REPORT_FILE_NAMES.resultsXlsx), {
        maxRowsPerSheet: options.xlsxMaxRowsPerSheet,
        ...(columns ? { columns } : {}),
      });
      const writer = new ReportWriter(layout.dir, columns, temp, { csv, xlsx, spool, failed }, startedMs);
      await writer.guard(() => csv.write(UTF8_BOM + csvLine(RESULT_COLUMNS)));
      return writer;
    } catch (err) {
      await rm(temp, { recursive: true, force: true });
      throw err;
    }
  }

  /** Rows written so far. */
  get rows(): number {
    return this.tally.total;
  }

  /** The next row's result (rows in increasing order, each once: checked). */
  async add(result: RowResult): Promise<void> {
    const { csv, xlsx, spool, failed } = this.w;
    this.tally.add(result);
    await csv.write(csvLine(resultCells(result)));
    await xlsx.add(result);
    if (isRowToFix(result)) await spool.add(result);
    else if (isRetryableFailure(result)) await failed.add(result);
  }

  /**
   * Checks that the rows written account for `input.summary.rowsRead`, writes the rest and publishes the
   * folder. Throws {@link ReportReconcileError} when they do not; then, as on any error, nothing is
   * published and the temp folder is removed.
   */
  async finish(input: ReportEnd, options: ReportOptions = {}): Promise<ReportFiles> {
    const written = await this.guard(async () => {
      const done = await writeRest(this.temp, input, this.w, this.tally.finish(input.summary.rowsRead));
      await publishDir(this.temp, input.dir);
      return done;
    });
    const { counts, errorRows, failedRows, errors } = written;
    options.logger?.info(
      {
        rowsRead: input.summary.rowsRead,
        counts,
        errorRows,
        failedRows,
        durationMs: Date.now() - this.startedMs,
      },
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

  /** Stops writing and removes the temp folder: nothing is published. */
  async abort(): Promise<void> {
    const { csv, xlsx, spool, failed } = this.w;
    await Promise.all([xlsx.abort(), csv.abort(), spool.abort(), failed.abort()]);
    await rm(this.temp, { recursive: true, force: true });
  }

  private async guard<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      await this.abort();
      throw err;
    }
  }
}
