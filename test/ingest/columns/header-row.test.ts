import { describe, expect, it } from 'vitest';
import { detectColumns, findHeaderRow } from '../../../src/ingest/columns/index.js';
import type { RawRow } from '../../../src/ingest/raw-row.js';
import { h, hs, rows } from './rows.js';

const fileName = 'customers.xlsx';

/** A Tally report exported to Excel: company, address, report name, group, period, then the header. */
const tallyReport: RawRow[] = rows(
  ['Sharma Traders Pvt Ltd'],
  ['12, MG Road, Bengaluru'],
  [],
  ['List of Ledgers'],
  ['Sundry Debtors'],
  ['1-Apr-2025 to 31-Mar-2026'],
  [],
  ['Name', 'Under', 'Address', 'State', 'Pincode', 'Mobile No.', 'E-Mail', 'GSTIN/UIN', 'PAN/IT No.'],
  [
    'Acme Industries',
    'Sundry Debtors',
    'Plot 4, Peenya',
    'Karnataka',
    560058,
    9845012345,
    'ap@acme.in',
    '29AAACA1234A1Z5',
    'AAACA1234A',
  ],
  ['Grand Total', null, null, null, null, null, null, null, null],
);

describe('findHeaderRow', () => {
  it('skips the title block of an ERP report', () => {
    const found = findHeaderRow(tallyReport);
    expect(found?.index).toBe(7);
    expect(found?.row.row).toBe(8);
  });

  it('finds the header with a preset too', () => {
    expect(findHeaderRow(tallyReport, 'tally')?.row.row).toBe(8);
  });

  it('takes a lone name header, as in a Tally Group Summary', () => {
    const summary = rows(
      ['Sharma Traders Pvt Ltd'],
      ['Group Summary'],
      ['1-Apr-2025 to 31-Mar-2026'],
      ['Particulars', 'Closing Balance'],
      [null, 'Debit', 'Credit'],
      ['Acme Industries', 125000, null],
    );
    expect(findHeaderRow(summary)?.row.row).toBe(4);
  });

  it('prefers the first of two equally good header lines (SAP DTW: field names, then database names)', () => {
    const dtw = rows(
      ['CardCode', 'CardName', 'CardType', 'Phone1', 'EmailAddress'],
      ['CardCode', 'CardName', 'CardType', 'Phone1', 'E_Mail'],
      ['C0001', 'Acme Industries', 'cCustomer', '9845012345', 'ap@acme.in'],
    );
    expect(findHeaderRow(dtw)?.row.row).toBe(1);
  });

  it('returns null when nothing looks like customer columns', () => {
    expect(findHeaderRow(rows(['Date', 'Voucher No', 'Amount'], ['2025-04-01', 'S-1', 1000]))).toBeNull();
    expect(findHeaderRow([])).toBeNull();
  });

  it('searches only the first 30 rows', () => {
    const late = rows(...Array.from({ length: 30 }, () => ['note']), ['Party Name', 'GSTIN']);
    expect(findHeaderRow(late)).toBeNull();
  });
});

describe('detectColumns', () => {
  it('maps the header found under a title block', () => {
    const map = detectColumns(tallyReport, { preset: 'tally', fileName });
    expect(map.headerRow).toBe(8);
    expect(h(map.fields.legalName)).toBe('Name');
    expect(h(map.fields.gstin)).toBe('GSTIN/UIN');
    expect(hs(map.address)).toEqual(['Address']);
    expect(hs(map.unused)).toEqual(['Under']);
  });

  it('explains a file with no customer columns: file, headers found, names expected, what to do', () => {
    const ledger = rows(['Sales Register'], ['Date', 'Amount'], ['2025-04-01', 1000]);
    expect(() => detectColumns(ledger, { fileName: 'customers.csv' })).toThrow(
      'customers.csv: no customer columns found. Headers in row 2: "Date", "Amount". ' +
        'Expected a name column such as "Party Name", "Customer Name" or "Legal Name", ' +
        'with columns such as "Customer Code", "GSTIN" and "Mobile"; ' +
        'use --preset (tally, zoho-books, busy, sap-b1, marg) or --mapping FILE (see docs/mapping-file.md).',
    );
  });

  it('says which preset was tried, and quotes the preset’s own names', () => {
    expect(() => detectColumns(rows(['Date', 'Amount']), { preset: 'tally', fileName: 'x.xlsx' })).toThrow(
      /^x\.xlsx: no customer columns found \(with preset tally\)\. Headers in row 1: "Date", "Amount"\. Expected a name column such as "Mailing Name", "Name" or "Name of Ledger"/,
    );
  });

  it('says so when the file is empty', () => {
    expect(() => detectColumns([], { fileName: 'empty.csv' })).toThrow(
      'empty.csv: no customer columns found. The first 30 rows are empty.',
    );
  });

  it('shortens a long header list', () => {
    const wide = rows(Array.from({ length: 25 }, (_, i) => `Col ${i + 1}`));
    expect(() => detectColumns(wide, { fileName })).toThrow('"Col 20" … and 5 more.');
  });
});
