import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUTCOMES, RESULT_COLUMNS, type RowResult } from '../../src/domain/types.js';
import { writeReport } from '../../src/report/write-report.js';
import type { ReportSummaryFile } from '../../src/report/types.js';
import { input, iterate, listDir, result, tempDir } from './helpers.js';

const RESULTS: RowResult[] = [
  result(2, 'created', { legalName: 'श्री गणेश ट्रेडर्स, Pune' }),
  result(3, 'updated', { legalName: 'The "Best" Co', changes: 'legalName: "A" → "B"; city: "" → "Pune"' }),
  result(4, 'invalid', {
    legalName: 'Two\nLines Ltd',
    errors: 'GSTIN/UIN: "27AAACE1234" has 11 characters; a GSTIN has 15',
  }),
  result(6, 'failed'),
  result(7, 'skipped', { errors: 'duplicate of row 2' }),
  result(8, 'unchanged', { legalName: 'தமிழ் நிறுவனம்' }),
];

const SOURCE = new Map<number, string[]>([
  [2, ['C-2', 'श्री गणेश ट्रेडर्स, Pune', '27AAACE1234F1Z5']],
  [3, ['C-3', 'The "Best" Co', '']],
  [4, ['C-4', 'Two\nLines Ltd', '27AAACE1234']],
  [6, ['C-6', 'Customer 6', '29ABCDE1234F1Z5', 'extra cell past the headers']],
  [7, ['C-7', 'Customer 7', '']],
  [8, ['C-8', 'தமிழ் நிறுவனம்', '']],
]);

function sourceRows(requested: number[][]) {
  return async function* (rows: ReadonlySet<number>) {
    requested.push([...rows]);
    for (const [row, values] of SOURCE) if (rows.has(row)) yield { row, values };
  };
}

function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const parsed = Papa.parse<string[]>(text.slice(1), { newline: '\r\n', skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

function expectedCells(r: RowResult): string[] {
  return RESULT_COLUMNS.map((c) => String(r[c] ?? ''));
}

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ root, cleanup } = await tempDir()));
afterEach(async () => cleanup());

describe('writeReport', () => {
  it('writes results.csv: BOM, CRLF, RESULT_COLUMNS, one line per row in order, quoting intact', async () => {
    const files = await writeReport(input(join(root, 'imp-1'), RESULTS));
    const text = await readFile(files.resultsCsv, 'utf8');
    expect(
      text
        .replace(/"[^"]*"/g, '')
        .match(/\r?\n/g)
        ?.every((eol) => eol === '\r\n'),
    ).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...RESULT_COLUMNS]);
    expect(rows).toEqual(RESULTS.map(expectedCells));
    expect(await listDir(files.dir)).toEqual([
      'errors.csv',
      'failed.csv',
      'results.csv',
      'results.xlsx',
      'summary.json',
    ]);
    expect(await listDir(root)).toEqual(['imp-1']);
  });

  it('writes results.xlsx: bold frozen header, autofilter, widths, fills, numbers and text, Summary', async () => {
    const files = await writeReport(input(join(root, 'imp-1'), RESULTS));
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(files.resultsXlsx);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Results', 'Summary']);
    const sheet = book.getWorksheet('Results')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:M7');
    expect(sheet.getRow(1).values).toEqual([undefined, ...RESULT_COLUMNS]);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    const col = (name: (typeof RESULT_COLUMNS)[number]) => RESULT_COLUMNS.indexOf(name) + 1;
    expect(sheet.getColumn(col('errors')).width).toBeGreaterThan(40);
    const fillOf = (row: number) => sheet.getRow(row).getCell(2).fill as ExcelJS.FillPattern | undefined;
    expect(fillOf(4)?.fgColor?.argb).toBe('FFFFC7CE'); // invalid
    expect(fillOf(5)?.fgColor?.argb).toBe('FFFFC7CE'); // failed
    expect(fillOf(6)?.fgColor?.argb).toBe('FFFFEB9C'); // skipped
    expect(fillOf(2)?.fgColor).toBeUndefined(); // created
    RESULTS.forEach((r, i) => {
      const row = sheet.getRow(i + 2);
      expect(row.getCell(1).value).toBe(r.row);
      expect(row.getCell(col('legalName')).value).toBe(r.legalName);
      expect(row.getCell(col('httpStatus')).value ?? null).toBe(r.httpStatus);
    });
    const summary = new Map<unknown, unknown>();
    book.getWorksheet('Summary')!.eachRow((row) => summary.set(row.getCell(1).value, row.getCell(2).value));
    expect(summary.get('created')).toBe(1);
    expect(summary.get('invalid')).toBe(1);
    expect(summary.get('activated')).toBe(0);
    expect(summary.get('total')).toBe(6);
    expect(summary.get('Rows read')).toBe(6);
    expect(summary.get('File')).toBe('customers.csv');
    expect(summary.get('Import id')).toBe('imp-test');
    expect(summary.get('Mode')).toBe('upsert');
    expect(summary.get('Dry run')).toBe('no');
  });

  it('writes summary.json with every outcome counted, file names and reconciled: true', async () => {
    const files = await writeReport(input(join(root, 'imp-1'), RESULTS));
    const json = JSON.parse(await readFile(files.summaryJson, 'utf8')) as ReportSummaryFile;
    expect(Object.keys(json.counts)).toEqual([...OUTCOMES]);
    expect(json.counts).toMatchObject({ created: 1, updated: 1, invalid: 1, failed: 1, skipped: 1 });
    expect(json.counts.activated).toBe(0);
    expect(json.counts).toEqual(files.counts);
    expect(json.files).toEqual({
      resultsCsv: 'results.csv',
      resultsXlsx: 'results.xlsx',
      summaryJson: 'summary.json',
      errorsCsv: 'errors.csv',
      failedCsv: 'failed.csv',
    });
    expect(json).toMatchObject({
      reconciled: true,
      rowsRead: 6,
      importId: 'imp-test',
      errorRows: 1,
      failedRows: 1,
    });
  });

  it("writes errors.csv (rows to fix) and failed.csv (rows to retry) in the file's own columns + Error", async () => {
    const requested: number[][] = [];
    const files = await writeReport(
      input(join(root, 'imp-1'), RESULTS, { sourceRows: sourceRows(requested) }),
    );
    expect(requested).toEqual([[4], [6]]);
    const [header, ...rows] = parseCsv(await readFile(files.errorsCsv, 'utf8'));
    expect(header).toEqual(['Customer Code', 'Customer Name', 'GSTIN/UIN', 'Error']);
    expect(rows).toEqual([
      [
        'C-4',
        'Two\nLines Ltd',
        '27AAACE1234',
        'row 4: GSTIN/UIN: "27AAACE1234" has 11 characters; a GSTIN has 15',
      ],
    ]);
    // A 500 after every retry: nothing in the row is wrong, so it is to retry, not to fix.
    expect(parseCsv(await readFile(files.failedCsv, 'utf8'))).toEqual([
      ['Customer Code', 'Customer Name', 'GSTIN/UIN', 'Error'],
      [
        'C-6',
        'Customer 6',
        '29ABCDE1234F1Z5',
        'row 6: problem on row 6 [INTERNAL_ERROR] (HTTP 500) (requestId req-6)',
      ],
    ]);
    expect(files).toMatchObject({ errorsCsvColumns: 'source', errorRows: 1, failedRows: 1 });
  });

  it('a row EnKash refused for its content (4xx) is to fix; network, 5xx, 429 and credential failures are to retry', async () => {
    const rows = [
      result(2, 'failed', { httpStatus: 422, errorType: 'VALIDATION_ERROR' }),
      result(3, 'failed', { httpStatus: null, errorType: 'AMBIGUOUS_MATCH' }),
      result(4, 'failed', { httpStatus: 503, errorType: 'SYSTEM_ERROR' }),
      result(6, 'failed', { httpStatus: 429, errorType: 'RATE_LIMITED' }),
      result(7, 'failed', { httpStatus: 401, errorType: 'UNAUTHORIZED' }),
      result(8, 'failed', { httpStatus: null, errorType: 'TIMEOUT' }),
    ];
    const files = await writeReport(input(join(root, 'imp-2'), rows, { sourceRows: sourceRows([]) }));
    const firstCells = async (path: string) =>
      (parseCsv(await readFile(path, 'utf8')).slice(1) as string[][]).map((r) => r[0]);
    expect(await firstCells(files.errorsCsv)).toEqual(['C-2', 'C-3']);
    expect(await firstCells(files.failedCsv)).toEqual(['C-4', 'C-6', 'C-7', 'C-8']);
  });

  it('reuses an existing Error column (a re-uploaded errors.csv) instead of adding another', async () => {
    const files = await writeReport(
      input(join(root, 'imp-1'), [result(2, 'invalid')], {
        sourceHeaders: ['Customer Code', 'Error'],
        sourceRows: async function* () {
          yield { row: 2, values: ['C-2', 'row 2: old problem'] };
        },
      }),
    );
    expect(parseCsv(await readFile(files.errorsCsv, 'utf8'))).toEqual([
      ['Customer Code', 'Error'],
      ['C-2', 'row 2: problem on row 2'],
    ]);
  });

  it('keeps an error row the source no longer has, with empty cells and a note', async () => {
    const files = await writeReport(
      input(join(root, 'imp-1'), [result(2, 'invalid'), result(3, 'invalid')], {
        sourceRows: async function* () {
          yield { row: 3, values: ['C-3', 'Customer 3', ''] };
        },
      }),
    );
    const [, first, second] = parseCsv(await readFile(files.errorsCsv, 'utf8'));
    expect(first).toEqual([
      '',
      '',
      '',
      'row 2: problem on row 2 [the row was not found when the file was re-read]',
    ]);
    expect(second).toEqual(['C-3', 'Customer 3', '', 'row 3: problem on row 3']);
  });

  it('falls back to the result columns without sourceRows, or when re-reading the source fails', async () => {
    const plain = await writeReport(input(join(root, 'a'), RESULTS));
    const failing = await writeReport(
      input(join(root, 'b'), RESULTS, {
        sourceRows: async function* () {
          yield { row: 4, values: ['C-4', 'x', 'y'] };
          throw new Error('ENOENT: customers.csv');
        },
      }),
    );
    for (const files of [plain, failing]) {
      expect(files.errorsCsvColumns).toBe('results');
      const [header, ...rows] = parseCsv(await readFile(files.errorsCsv, 'utf8'));
      expect(header).toEqual([...RESULT_COLUMNS]);
      expect(rows).toEqual([RESULTS[2]].map((r) => expectedCells(r!)));
    }
    const json = JSON.parse(await readFile(failing.summaryJson, 'utf8')) as ReportSummaryFile;
    expect(json.errorsCsvColumns).toBe('results');
    expect(json.warnings.at(-1)).toMatch(/source file could not be re-read/);
  });

  it('writes a header-only report for an empty import', async () => {
    const files = await writeReport(input(join(root, 'imp-0'), [], { sourceRows: iterateNone }));
    expect(parseCsv(await readFile(files.resultsCsv, 'utf8'))).toEqual([[...RESULT_COLUMNS]]);
    expect(parseCsv(await readFile(files.errorsCsv, 'utf8'))).toEqual([
      ['Customer Code', 'Customer Name', 'GSTIN/UIN', 'Error'],
    ]);
    expect(Object.values(files.counts).every((n) => n === 0)).toBe(true);
  });

  it('continues on "Results 2" past the rows a sheet may hold', async () => {
    const many = Array.from({ length: 7 }, (_, i) => result(i + 2, 'created'));
    const files = await writeReport(input(join(root, 'imp-1'), many), { xlsxMaxRowsPerSheet: 4 });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(files.resultsXlsx);
    expect(book.worksheets.map((s) => [s.name, s.actualRowCount])).toEqual([
      ['Results', 4],
      ['Results 2', 4],
      ['Results 3', 2],
      ['Summary', expect.any(Number)],
    ]);
    expect(book.getWorksheet('Results 3')!.getRow(2).getCell(1).value).toBe(8);
    expect(book.getWorksheet('Results 2')!.autoFilter).toBe('A1:M4');
  });

  it('logs counts only, never row data', async () => {
    const lines: unknown[] = [];
    const logger = { info: (obj: unknown, msg?: string) => void lines.push({ obj, msg }) };
    await writeReport(input(join(root, 'imp-1'), RESULTS), { logger: logger as never });
    const logged = JSON.stringify(lines);
    expect(lines).toHaveLength(1);
    expect(logged).toContain('"rowsRead":6');
    for (const r of RESULTS) {
      expect(logged).not.toContain(r.legalName);
      expect(logged).not.toContain(r.uniqueRefNo);
    }
  });
});

function iterateNone(): AsyncIterable<{ row: number; values: string[] }> {
  return iterate([]);
}
