import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ingestFile, type IngestEvent } from '../../src/ingest/ingest-file.js';

async function events(path: string, fileName: string): Promise<IngestEvent[]> {
  const file = await ingestFile(path, { fileName, matchKey: 'uniqueRefNo' });
  const out: IngestEvent[] = [];
  for await (const e of file.events()) out.push(e);
  return out;
}

describe('ingestFile', () => {
  it('reads the first sheet that holds customer data, skipping a notes sheet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cs-ingest-'));
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Notes').addRow(['This workbook lists our debtors']);
    const ws = wb.addWorksheet('Debtors');
    ws.addRow(['Party Name', 'Customer Code', 'Mobile No.']);
    ws.addRow(['Acme Traders', 'C1', 9876543210]);
    const path = join(dir, 'two-sheets.xlsx');
    await wb.xlsx.writeFile(path);
    const file = await ingestFile(path, { fileName: 'two-sheets.xlsx', matchKey: 'uniqueRefNo' });
    expect(file.source.info.sheet).toBe('Debtors');
    const [first] = await events(path, 'two-sheets.xlsx');
    // The row carries its sheet, for the report's `sheet` column.
    expect(first).toMatchObject({ kind: 'row', parsed: { kind: 'valid', row: 2, sheet: 'Debtors' } });
    // EnKash's field errors are put in the file's words beside EnKash's: header, letter, field.
    expect(file.labels).toMatchObject({
      legalName: 'Party Name (column A, legalName)',
      uniqueRefNo: 'Customer Code (column B, uniqueRefNo)',
      contactNumber: 'Mobile No. (column C, contactNumber)',
      'customerKeyContacts[0].mobile': 'Mobile No. (column C, customerKeyContacts[0].mobile)',
    });
    if (first?.kind === 'row' && first.parsed.kind === 'valid') {
      expect(first.parsed.customer.customerKeyContacts[0]?.mobile).toBe('9876543210');
    }
  });

  it('counts blank rows (which readers leave out) and a trailing totals row, and keeps Excel row numbers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cs-ingest-'));
    const path = join(dir, 'report.csv');
    await writeFile(
      path,
      'Acme Group\r\nCustomer list 1-Apr-2025 to 31-Mar-2026\r\n\r\nParty Name,Customer Code,Mobile No.\r\n' +
        'Acme Traders,C1,9876543210\r\n,,\r\n,,\r\nBeta Agencies,C2,9876500000\r\nGrand Total,,\r\n',
    );
    const kinds = (await events(path, 'report.csv')).map(
      (e) => `${e.kind}:${e.kind === 'row' ? e.parsed.row : e.row}`,
    );
    expect(kinds).toEqual(['row:5', 'blank:6', 'blank:7', 'row:8', 'totals:9']);
  });
});
