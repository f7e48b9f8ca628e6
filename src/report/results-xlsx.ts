/**
 * results.xlsx through exceljs's streaming writer: the "Results" sheet row by row while the results
 * stream by, then the "Summary" sheet once the counts are known. The streaming writer writes sheets in the
 * order they are committed, so Results must be finished before Summary is started.
 */
import ExcelJS from 'exceljs';
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { RESULT_COLUMNS, type RowResult } from '../domain/types.js';
import type { SummaryLine } from './summary-sheet.js';
import type { ReportColumn } from './types.js';
import {
  EXCEL_MAX_ROWS,
  LAST_COLUMN,
  OUTCOME_FILLS,
  resultSheetColumns,
  resultSheetValues,
  xlsxText,
} from './xlsx-layout.js';
import { waitForZip } from './zip-backpressure.js';

/** How often (in rows) to let the zip catch up: often enough to bound memory, rare enough to be free. */
const DRAIN_EVERY_ROWS = 256;

export type ResultsXlsxOptions = {
  maxRowsPerSheet?: number;
  /** The file's columns: the Results header names the file's own beside ours. */
  columns?: readonly ReportColumn[];
};

export class ResultsXlsxWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly out: WriteStream;
  private readonly maxRows: number;
  private readonly columns: readonly ReportColumn[] | undefined;
  private sheet: ExcelJS.Worksheet | undefined;
  private sheets = 0;
  private rowsInSheet = 0;
  private writeError: Error | undefined;
  private readonly styles = new Map<string, Partial<ExcelJS.Style>>();

  constructor(
    readonly path: string,
    options: ResultsXlsxOptions = {},
  ) {
    this.maxRows = Math.min(options.maxRowsPerSheet ?? EXCEL_MAX_ROWS, EXCEL_MAX_ROWS);
    this.columns = options.columns;
    this.out = createWriteStream(path, { flags: 'wx' });
    this.out.on('error', (err) => (this.writeError ??= err));
    // useStyles: without it exceljs silently drops every font and fill.
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: this.out,
      useSharedStrings: false,
      useStyles: true,
    });
    this.workbook.creator = 'customer-sync';
  }

  async add(result: RowResult): Promise<void> {
    if (this.writeError) throw this.writeError;
    if (!this.sheet || this.rowsInSheet >= this.maxRows) this.startResultsSheet();
    const sheet = this.sheet as ExcelJS.Worksheet;
    const row = sheet.addRow(resultSheetValues(result));
    const fill = OUTCOME_FILLS[result.outcome];
    for (let c = 1; c <= RESULT_COLUMNS.length; c += 1) {
      const cell = row.getCell(c);
      if (fill) cell.fill = fill;
      cell.style = this.sharedStyle(c, fill ? result.outcome : '', typeof cell.value, cell.style);
    }
    row.commit();
    this.rowsInSheet += 1;
    if (this.rowsInSheet % DRAIN_EVERY_ROWS === 0) await waitForZip(sheet, () => this.writeError);
  }

  /** Ends the Results sheet(s); then {@link finish} adds the Summary sheet. */
  endResults(): void {
    if (!this.sheet) this.startResultsSheet();
    this.commitResultsSheet();
  }

  /** Writes the Summary sheet, closes the zip and fsyncs the file. */
  async finish(lines: SummaryLine[]): Promise<void> {
    const sheet = this.workbook.addWorksheet('Summary');
    sheet.columns = [{ width: 28 }, { width: 80 }];
    for (const line of lines) {
      if (line.kind === 'gap') sheet.addRow([]).commit();
      else if (line.kind === 'heading') {
        const row = sheet.addRow([line.label]);
        row.font = { bold: true };
        row.commit();
      } else {
        const value = typeof line.value === 'string' ? xlsxText(line.value) : line.value;
        sheet.addRow([xlsxText(line.label), value]).commit();
      }
    }
    sheet.commit();
    await this.workbook.commit();
    if (this.writeError) throw this.writeError;
    const handle = await open(this.path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Stops writing; the caller removes the file with its temp folder. Resolves once the file is closed: a
   * file still being opened would otherwise appear in the folder while it is being removed.
   */
  async abort(): Promise<void> {
    const zip = (this.workbook as unknown as { zip?: { abort?: () => void } }).zip;
    zip?.abort?.();
    if (this.out.closed) return;
    const closed = new Promise<void>((resolve) => this.out.once('close', () => resolve()));
    this.out.destroy();
    await closed;
  }

  /**
   * One style object per column, fill and kind of value, shared by every cell that has that style: exceljs
   * remembers a style's id by the object, so a shared one is looked up once; the new object each cell gets
   * was rendered to XML and looked up again for every cell (~40 % of a 100,000-row report's CPU).
   */
  private sharedStyle(
    column: number,
    fill: string,
    kind: string,
    style: Partial<ExcelJS.Style>,
  ): Partial<ExcelJS.Style> {
    const key = `${column}|${fill}|${kind}`;
    const shared = this.styles.get(key);
    if (shared) return shared;
    this.styles.set(key, style);
    return style;
  }

  private startResultsSheet(): void {
    if (this.sheet) this.commitResultsSheet();
    this.sheets += 1;
    const name = this.sheets === 1 ? 'Results' : `Results ${this.sheets}`;
    const sheet = this.workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    // Setting columns with headers writes the header row; it must be committed before any data row.
    sheet.columns = resultSheetColumns(this.columns);
    const header = sheet.getRow(1);
    header.font = { bold: true };
    header.commit();
    this.sheet = sheet;
    this.rowsInSheet = 1;
  }

  private commitResultsSheet(): void {
    const sheet = this.sheet;
    if (!sheet) return;
    // The filter covers the data, not only the header, so Excel filters every row of this sheet.
    sheet.autoFilter = `A1:${LAST_COLUMN}${this.rowsInSheet}`;
    sheet.commit();
  }
}
