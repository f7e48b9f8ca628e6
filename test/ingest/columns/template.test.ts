import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectColumns } from '../../../src/ingest/columns/index.js';
import {
  buildTemplateWorkbook,
  INSTRUCTIONS_SHEET,
  TEMPLATE_SHEET,
  templateCsv,
  templateHeaders,
  templateNotes,
} from '../../../src/ingest/columns/template.js';
import type { RawValue } from '../../../src/ingest/raw-row.js';
import { summary } from './rows.js';

const expectedMap = {
  fields: {
    uniqueRefNo: 'Customer Code',
    legalName: 'Legal Name',
    gstin: 'GSTIN',
    pan: 'PAN',
    contactNumber: 'Mobile',
    state: 'State',
    pinCode: 'Pincode',
    accountNumber: 'Bank Account Number',
    ifsc: 'IFSC',
    status: 'Status',
  },
  fallbacks: {},
  address: ['Address', 'City'],
  contacts: [
    { name: 'Contact Person', mobile: 'Mobile', email: 'Email' },
    { name: 'Contact Person 2', mobile: 'Mobile 2', email: 'Email 2' },
  ],
  unused: [],
};

describe('template', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'template-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an XLSX whose headers our own matcher maps completely', async () => {
    const path = join(dir, 'customer-template.xlsx');
    await buildTemplateWorkbook().xlsx.writeFile(path);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet(TEMPLATE_SHEET);
    expect(sheet).toBeDefined();
    const values = (sheet?.getRow(1).values as RawValue[]).slice(1);
    expect(values).toEqual(templateHeaders());

    const map = detectColumns([{ row: 1, values }], { fileName: 'customer-template.xlsx' });
    expect(summary(map)).toEqual(expectedMap);
    expect(map.origin).toBe('auto');
    expect(map.headerRow).toBe(1);
  });

  it('formats every column as Text, notes every header, validates where it helps', async () => {
    const path = join(dir, 'checked.xlsx');
    await buildTemplateWorkbook().xlsx.writeFile(path);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet(TEMPLATE_SHEET);
    if (!sheet) throw new Error('no sheet');

    templateHeaders().forEach((_, i) => {
      expect(sheet.getColumn(i + 1).numFmt).toBe('@');
      expect(sheet.getRow(1).getCell(i + 1).note).toBeTruthy();
    });
    const status = templateHeaders().indexOf('Status') + 1;
    const pincode = templateHeaders().indexOf('Pincode') + 1;
    expect(sheet.getRow(2).getCell(status).dataValidation).toMatchObject({
      type: 'list',
      formulae: ['"Active,Inactive"'],
    });
    expect(sheet.getRow(500).getCell(pincode).dataValidation).toMatchObject({
      type: 'textLength',
      operator: 'equal',
      formulae: [6],
    });
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    const instructions = workbook.getWorksheet(INSTRUCTIONS_SHEET);
    expect(instructions?.getRow(1).values).toEqual([
      undefined,
      'Column',
      'Required',
      'What it takes',
      'Example',
      'EnKash field',
    ]);
    expect(instructions?.getRow(3).getCell(1).value).toBe('Legal Name');
    expect(instructions?.getRow(3).getCell(2).value).toBe('Yes');
  });

  it('writes a CSV of the header line alone, UTF-8 with a BOM, that maps the same way', () => {
    const csv = templateCsv();
    expect(csv.startsWith('\uFEFFCustomer Code,Legal Name,')).toBe(true);
    expect(csv.endsWith('Email 2\r\n')).toBe(true);
    const values = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split(',');
    const map = detectColumns([{ row: 1, values }], { fileName: 'customer-template.csv' });
    expect(map.unused).toEqual([]);
    expect(map.contacts).toHaveLength(2);
  });

  it('has a note for every column to print beside a CSV', () => {
    const notes = templateNotes();
    for (const h of templateHeaders()) expect(notes).toContain(`  ${h} `);
    expect(notes).toContain('(required)');
  });
});
