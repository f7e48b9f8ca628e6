import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_COLUMNS, type RowResult } from '../../src/domain/types.js';
import type { RawRow } from '../../src/ingest/raw-row.js';
import { openRowSource } from '../../src/ingest/read/open-file.js';
import { writeReport } from '../../src/report/write-report.js';
import type { ReportFiles } from '../../src/report/types.js';
import { input, result, summary, tempDir, unzipText } from './helpers.js';

const PAYLOADS = ['=1+1', '+1', '-1+1', '@SUM(A1)', '\tX', '\rX', '=HYPERLINK("http://x","y")'];
const TEXT_COLUMNS = RESULT_COLUMNS.filter((c) => !['row', 'attempts', 'httpStatus'].includes(c));

function poisoned(row: number, payload: string): RowResult {
  const text = Object.fromEntries(TEXT_COLUMNS.filter((c) => c !== 'outcome').map((c) => [c, payload]));
  return { ...result(row, 'invalid'), ...text };
}

const RESULTS = PAYLOADS.map((p, i) => poisoned(i + 2, p));

function csvRows(text: string): string[][] {
  return Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { newline: '\r\n', skipEmptyLines: true }).data;
}

let files: ReportFiles;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  files = await writeReport({
    ...input(join(t.root, 'imp-1'), RESULTS),
    summary: summary(RESULTS.length, { fileName: '=HYPERLINK("http://x","y").csv', warnings: ['@SUM(A1)'] }),
    sourceHeaders: ['=Code', 'Name'],
    sourceRows: async function* (rows) {
      for (const row of rows) yield { row, values: [PAYLOADS[row - 2]!, PAYLOADS[row - 2]!] };
    },
  });
});
afterAll(async () => cleanup());

describe('formula injection', () => {
  it('prefixes every dangerous text cell of results.csv with an apostrophe', async () => {
    const [, ...rows] = csvRows(await readFile(files.resultsCsv, 'utf8'));
    expect(rows).toHaveLength(PAYLOADS.length);
    rows.forEach((cells, i) => {
      for (const column of TEXT_COLUMNS.filter((c) => c !== 'outcome')) {
        expect(cells[RESULT_COLUMNS.indexOf(column)]).toBe(`'${PAYLOADS[i]}`);
      }
    });
  });

  it("prefixes errors.csv's source cells and headers too", async () => {
    const [header, ...rows] = csvRows(await readFile(files.errorsCsv, 'utf8'));
    expect(header).toEqual(["'=Code", 'Name', 'Error']);
    rows.forEach((cells, i) => expect(cells.slice(0, 2)).toEqual([`'${PAYLOADS[i]}`, `'${PAYLOADS[i]}`]));
  });

  it("errors.csv uploaded again reads back as the user's values: the apostrophe is the report's, not data", async () => {
    const source = await openRowSource(files.errorsCsv);
    const rows: RawRow[] = [];
    for await (const row of source.rows()) rows.push(row);
    expect(rows[0]?.values).toEqual(['=Code', 'Name', 'Error']);
    expect(rows.slice(1).map((r) => r.values.slice(0, 2))).toEqual(PAYLOADS.map((p) => [p, p]));
  });

  it('writes no formula anywhere in results.xlsx (no <f> in any sheet XML)', async () => {
    const entries = await unzipText(files.resultsXlsx);
    const sheets = [...entries.keys()].filter((name) => name.startsWith('xl/worksheets/'));
    expect(sheets).toHaveLength(2);
    for (const name of sheets) expect(entries.get(name)).not.toMatch(/<f[\s>/]/);
    expect(entries.get('xl/worksheets/sheet1.xml')).toContain(
      '=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)',
    );
  });

  it('reads back every XLSX cell as a plain string equal to the payload', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(files.resultsXlsx);
    let formulas = 0;
    book.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula || cell.formula) formulas += 1;
        }),
      ),
    );
    expect(formulas).toBe(0);
    const sheet = book.getWorksheet('Results')!;
    PAYLOADS.forEach((payload, i) => {
      const cell = sheet.getRow(i + 2).getCell(RESULT_COLUMNS.indexOf('legalName') + 1);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      // XML has no raw carriage return: it is written as the line feed Excel uses inside a cell.
      expect(cell.value).toBe(payload.replace('\r', '\n'));
    });
  });
});
