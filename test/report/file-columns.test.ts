/**
 * Issue 15, reports in the user's words: a file validated end to end (validateFile, the report a user
 * opens) names the file's own columns beside EnKash's, keeps warnings apart from errors, and lists every
 * problem of a row. results.csv keeps its stable, documented column names.
 */
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESULT_COLUMNS } from '../../src/domain/types.js';
import { enkashField } from '../../src/ingest/plan/file-columns.js';
import { validateFile } from '../../src/sync/validate-file.js';
import { tempDir } from './helpers.js';

const CSV = [
  'Customer Code,Customer Name,GSTIN/UIN,Contact Person,Mobile No.,Remarks',
  // Row 2: valid, with a landline in the mobile column (a warning).
  'C-1,Shree Ganesh Traders,27AABCS1429B1ZU,Ravi Kumar,(022) 2345 6789,ok',
  // Row 3: a GSTIN too short (an error) and a landline (a warning): both reported.
  'C-2,Short GSTIN Co,27AAACE1234,A Kumar,022-23456789,',
  // Row 4: valid, nothing to say.
  'C-3,Clean Co,29AAGCB7383J1Z4,B Rao,9820012345,',
].join('\r\n');

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ root, cleanup } = await tempDir()));
afterEach(async () => cleanup());

async function validate() {
  const path = join(root, 'customers.csv');
  await writeFile(path, CSV);
  return validateFile(path, { matchKey: 'uniqueRefNo', reportDir: join(root, 'report') });
}

function csvRows(text: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: true,
  });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

describe('reports in the file’s own words', () => {
  it('results.csv: stable column names; errors only errors, warnings apart, every problem of a row', async () => {
    const files = await validate();
    const text = await readFile(files.resultsCsv, 'utf8');
    expect(text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(RESULT_COLUMNS.join(','));
    const byRow = new Map(csvRows(text).map((r) => [r.row, r]));
    const landline =
      /^Mobile No\. \(column E, customerKeyContacts\[0\]\.mobile\): "[^"]+" looks like a landline/;
    // A valid row's warning is in `warnings`, not `errors`.
    expect(byRow.get('2')).toMatchObject({ outcome: 'valid', errors: '', sheet: '' });
    expect(byRow.get('2')?.warnings).toMatch(landline);
    // An invalid row lists its error with the file's column, its letter and EnKash's field, and keeps
    // its landline warning.
    expect(byRow.get('3')).toMatchObject({
      outcome: 'invalid',
      errors: 'GSTIN/UIN (column C, panOrGstin): "27AAACE1234" has 11 characters; a GSTIN has 15',
    });
    expect(byRow.get('3')?.warnings).toMatch(landline);
    expect(byRow.get('4')).toMatchObject({ outcome: 'valid', errors: '', warnings: '' });
  });

  it('results.xlsx: the Results header names the file’s columns; the Summary sheet lists each column', async () => {
    const files = await validate();
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(files.resultsXlsx);
    const header = (book.getWorksheet('Results')!.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(
      RESULT_COLUMNS.map((c) =>
        c === 'uniqueRefNo'
          ? 'Customer Code (uniqueRefNo)'
          : c === 'legalName'
            ? 'Customer Name (legalName)'
            : c,
      ),
    );
    const results = book.getWorksheet('Results')!;
    const col = (name: string) => RESULT_COLUMNS.indexOf(name as (typeof RESULT_COLUMNS)[number]) + 1;
    expect(results.getRow(3).getCell(col('errors')).value).toMatch(/^GSTIN\/UIN \(column C, panOrGstin\)/);
    expect(results.getRow(3).getCell(col('warnings')).value).toMatch(/looks like a landline/);
    expect(results.getRow(2).getCell(col('errors')).value ?? '').toBe('');
    const summary = new Map<unknown, unknown>();
    book.getWorksheet('Summary')!.eachRow((row) => summary.set(row.getCell(1).value, row.getCell(2).value));
    expect(summary.get('Customer Code (column A)')).toBe('uniqueRefNo');
    expect(summary.get('GSTIN/UIN (column C)')).toBe('panOrGstin');
    expect(summary.get('Mobile No. (column E)')).toBe('customerKeyContacts[0].mobile');
    expect(summary.get('Remarks (column F)')).toBe('not used');
  });

  it('errors.csv: the row to fix, in the file’s own columns, with its errors and its warnings', async () => {
    const files = await validate();
    const rows = csvRows(await readFile(files.errorsCsv, 'utf8'));
    expect(rows.map((r) => r['Customer Code'])).toEqual(['C-2']);
    expect(rows[0]?.Error).toMatch(
      /^row 3: GSTIN\/UIN \(column C, panOrGstin\): "27AAACE1234" has 11 characters; a GSTIN has 15 \(warnings: Mobile No\. \(column E, [^)]+\): "022-23456789" looks like a landline/,
    );
  });

  it('summary.json lists the file’s columns beside EnKash’s fields', async () => {
    const files = await validate();
    const json = JSON.parse(await readFile(files.summaryJson, 'utf8')) as { columns: unknown };
    expect(json.columns).toEqual([
      { column: 'A', header: 'Customer Code', field: 'uniqueRefNo' },
      { column: 'B', header: 'Customer Name', field: 'legalName' },
      { column: 'C', header: 'GSTIN/UIN', field: 'panOrGstin' },
      { column: 'D', header: 'Contact Person', field: 'customerKeyContacts[0].name' },
      { column: 'E', header: 'Mobile No.', field: 'customerKeyContacts[0].mobile' },
      { column: 'F', header: 'Remarks', field: null },
    ]);
  });

  it('names plan targets in EnKash’s words', () => {
    const targets = ['gstin', 'pan', 'contact.mobile', 'contact2.firstName', 'address'];
    expect(targets.map(enkashField)).toEqual([
      'panOrGstin',
      'panOrGstin',
      'customerKeyContacts[0].mobile',
      'customerKeyContacts[1].name',
      'address',
    ]);
  });
});
