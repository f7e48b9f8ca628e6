/** Cell values, dates and row numbers of XLSX files, written by exceljs or by hand. */
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRowSource } from '../../../src/ingest/read/open-file.js';
import { FORMULA_ERROR } from '../../../src/ingest/read/xlsx-values.js';
import { readAll, sharedStringsXml, table, tempDir, workbookXlsx, type TempDir } from './helpers.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

const DATE = new Date(Date.UTC(2024, 2, 31));
/** A 20-digit bank account number typed into a numeric cell: Excel keeps 15 significant digits of it. */
const LONG_NUMBER = Number('12345678901234567890');
const DATE_TIME = new Date(Date.UTC(2025, 0, 15, 13, 45, 30));

async function writeWorkbook(name: string, date1904: boolean): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  workbook.properties.date1904 = date1904;
  workbook.addWorksheet('Notes').addRow(['Read me first']);
  const sheet = workbook.addWorksheet('Customers');
  sheet.addRow([
    'Code',
    'Amount',
    'Since',
    'Active',
    'Name',
    'Total',
    'Site',
    'Check',
    'Account',
    'Due',
    'Updated',
  ]);
  sheet.addRow([
    'C001',
    1234.5,
    DATE,
    true,
    { richText: [{ text: 'Sharma ' }, { font: { bold: true }, text: 'Traders' }] },
    { formula: 'B2*2', result: 2469 },
    { text: 'ACME site', hyperlink: 'https://acme.example' },
    { error: '#N/A' },
    LONG_NUMBER,
    { formula: 'C2+30', result: new Date(Date.UTC(2024, 3, 30)) },
    DATE_TIME,
  ]);
  sheet.getCell('J2').numFmt = 'dd/mm/yyyy';
  sheet.getCell('K2').numFmt = 'dd/mm/yyyy hh:mm:ss';
  sheet.addRow([]);
  sheet.addRow(['C002', 0, null, false]);
  const path = join(dir.path, name);
  await workbook.xlsx.writeFile(path);
  return path;
}

describe('values from a workbook exceljs wrote', () => {
  it.each([false, true])('every kind of cell (1904 date system: %s)', async (date1904) => {
    const path = await writeWorkbook(`values-${date1904}.xlsx`, date1904);
    const { info, rows } = await readAll(path, { sheet: 'Customers' });
    expect(info).toMatchObject({ format: 'xlsx', sheet: 'Customers', sheets: ['Notes', 'Customers'] });
    expect(table(rows)).toEqual([
      [1, 'Code', 'Amount', 'Since', 'Active', 'Name', 'Total', 'Site', 'Check', 'Account', 'Due', 'Updated'],
      [
        2,
        'C001',
        1234.5,
        DATE,
        true,
        'Sharma Traders',
        2469,
        'ACME site',
        { error: '#N/A' },
        LONG_NUMBER,
        new Date(Date.UTC(2024, 3, 30)),
        DATE_TIME,
      ],
      [4, 'C002', 0, null, false],
    ]);
    // Already damaged by Excel's 15 digits; the validation module refuses it, the reader passes it on.
    expect(typeof rows[1]?.values[8]).toBe('number');
  });

  it('picks the first sheet with data unless told, and finds a sheet by name in any case', async () => {
    const path = await writeWorkbook('pick.xlsx', false);
    expect((await readAll(path)).info.sheet).toBe('Notes');
    expect((await readAll(path, { sheet: ' customers ' })).info.sheet).toBe('Customers');
  });

  it('reads again from the start, after a full read and after an early stop', async () => {
    const source = await openRowSource(await writeWorkbook('again.xlsx', false), { sheet: 'Customers' });
    for await (const row of source.rows()) if (row.row === 2) break;
    const rows = [];
    for await (const row of source.rows()) rows.push(row.row);
    expect(rows).toEqual([1, 2, 4]);
  });

  it('an unknown sheet name: the message lists the sheets', async () => {
    const path = await writeWorkbook('unknown.xlsx', false);
    await expect(readAll(path, { sheet: 'Custmers', fileName: 'March.xlsx' })).rejects.toThrow(
      'March.xlsx has no sheet named "Custmers"; its sheets are "Notes", "Customers".',
    );
  });

  it("a workbook from exceljs's streaming writer, sheet stored before sharedStrings.xml as Excel does", async () => {
    const path = join(dir.path, 'streamed.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
    const sheet = writer.addWorksheet('Customers');
    sheet.addRow(['Code', 'Name', 'Pincode']).commit();
    for (let i = 1; i <= 3000; i++) sheet.addRow([`C${i}`, `Name ${i % 50}`, 560000 + i]).commit();
    sheet.commit();
    await writer.commit();
    const { rows } = await readAll(path);
    expect(rows).toHaveLength(3001);
    expect(table(rows).at(-1)).toEqual([3001, 'C3000', 'Name 0', 563000]);
  });
});

const DATE_STYLES =
  '<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>' +
  '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>' +
  '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs>' +
  '</styleSheet>';

describe('values from hand-written workbooks', () => {
  it('LibreOffice writes date1904="true", which exceljs alone would read as the 1900 system', async () => {
    const path = await dir.file(
      'libre1904.xlsx',
      workbookXlsx({
        workbookPr: '<workbookPr date1904="true"/>',
        styles: DATE_STYLES,
        sheets: [
          { name: 'S', xml: '<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>43554</v></c></row>' },
        ],
      }),
    );
    expect(table((await readAll(path)).rows)).toEqual([
      [1, new Date(Date.UTC(1904, 0, 1)), new Date(Date.UTC(2023, 2, 31))],
    ]);
  });

  it('inline strings, booleans, errors, formula results, escapes and rich text', async () => {
    const sharedStrings =
      '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      '<si><r><t>Gupta </t></r><r><rPr><b/></rPr><t>&amp; Sons</t></r></si><si><t>line_x000D_break</t></si></sst>';
    const xml =
      '<row r="3">' +
      '<c r="A3" t="inlineStr"><is><t>Inline _x0041_</t></is></c>' +
      '<c r="B3" t="b"><v>1</v></c>' +
      '<c r="C3" t="e"><v>#REF!</v></c>' +
      '<c r="D3" t="e"><f>1/0</f><v>#DIV/0!</v></c>' +
      '<c r="E3" t="str"><f>"a"&amp;"x"</f><v>ax</v></c>' +
      '<c r="F3" t="s"><v>0</v></c>' +
      '<c r="G3" t="s"><v>1</v></c>' +
      '<c r="H3"><f>2+2</f></c>' +
      '<c r="I3"><f>A1-A1</f><v>0</v></c>' +
      '<c r="J3" t="b"><f>1=1</f><v>1</v></c>' +
      '</row>' +
      '<row r="7"><c r="C7"><v>9876543210</v></c></row>';
    const path = await dir.file('hand.xlsx', workbookXlsx({ sharedStrings, sheets: [{ name: 'S', xml }] }));
    expect(table((await readAll(path)).rows)).toEqual([
      // J3: exceljs parses a formula's boolean result as a number.
      [
        3,
        'Inline A',
        true,
        { error: '#REF!' },
        { error: FORMULA_ERROR },
        'ax',
        'Gupta & Sons',
        'line\rbreak',
        null,
        0,
        1,
      ],
      [7, null, null, 9876543210],
    ]);
  });

  it('formulas filled down (shared formulas) keep their cached results, 0 included', async () => {
    const xml =
      '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f><v>4</v></c></row>' +
      '<row r="2"><c r="A2"><v>3</v></c><c r="B2"><f t="shared" si="0"/><v>6</v></c></row>' +
      '<row r="3"><c r="A3"><v>0</v></c><c r="B3"><f t="shared" si="0"/><v>0</v></c>' +
      '<c r="C3" t="str"><f t="shared" ref="C3:C4" si="1">"t"&amp;"xt"</f><v>txt</v></c></row>' +
      '<row r="4"><c r="C4" t="str"><f t="shared" si="1"/><v>txt</v></c></row>';
    const path = await dir.file('shared-formulas.xlsx', workbookXlsx({ sheets: [{ name: 'S', xml }] }));
    expect(table((await readAll(path)).rows)).toEqual([
      [1, 2, 4],
      [2, 3, 6],
      [3, 0, 0, 'txt'],
      [4, null, null, 'txt'],
    ]);
  });

  it('styled but empty rows and cells are not rows', async () => {
    const xml = '<row r="1"><c r="A1" s="1"/></row><row r="2"><c r="A2"><v>1</v></c></row><row r="3" s="1"/>';
    const path = await dir.file(
      'styled.xlsx',
      workbookXlsx({ styles: DATE_STYLES, sheets: [{ name: 'S', xml }] }),
    );
    expect(table((await readAll(path)).rows)).toEqual([[2, 1]]);
  });
});

describe('choosing the sheet', () => {
  const strings = sharedStringsXml(['Read me', 'Code', 'GSTIN', 'C1', 'Hidden']);
  const notes = { name: 'Notes', xml: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' };
  const customers = {
    name: 'Customers',
    xml: '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row><row r="3"><c r="A3" t="s"><v>3</v></c></row>',
  };
  const looksLikeCustomers = (rows: { values: unknown[] }[]) => rows.some((r) => r.values.includes('GSTIN'));

  it('pickSheet sees the first rows of each sheet and picks the one it recognises', async () => {
    const path = await dir.file(
      'pick1.xlsx',
      workbookXlsx({ sharedStrings: strings, sheets: [notes, customers] }),
    );
    const seen: string[] = [];
    const { info } = await readAll(path, {
      pickSheet: (rows, name) => {
        seen.push(`${name}:${rows.length}`);
        return looksLikeCustomers(rows);
      },
    });
    expect(info.sheet).toBe('Customers');
    expect(seen).toEqual(['Notes:1', 'Customers:2']);
  });

  it('when pickSheet recognises no sheet, the first sheet with data is read', async () => {
    const path = await dir.file(
      'pick2.xlsx',
      workbookXlsx({ sharedStrings: strings, sheets: [notes, customers] }),
    );
    expect((await readAll(path, { pickSheet: () => false })).info.sheet).toBe('Notes');
  });

  it('skips empty sheets and chart sheets, and prefers visible sheets to hidden ones', async () => {
    const hidden = { name: 'Lookup', state: 'hidden', xml: '<row r="1"><c r="A1" t="s"><v>4</v></c></row>' };
    const sheets = [
      { name: 'Empty', xml: '' },
      { name: 'Chart', kind: 'chartsheet' as const },
      hidden,
      customers,
    ];
    const path = await dir.file('pick3.xlsx', workbookXlsx({ sharedStrings: strings, sheets }));
    const { info } = await readAll(path);
    expect(info).toMatchObject({ sheet: 'Customers', sheets: ['Empty', 'Chart', 'Lookup', 'Customers'] });
    const onlyHidden = await dir.file(
      'pick4.xlsx',
      workbookXlsx({ sharedStrings: strings, sheets: [{ name: 'Empty' }, hidden] }),
    );
    expect((await readAll(onlyHidden)).info.sheet).toBe('Lookup');
  });

  it('every sheet pickSheet recognises is read, in tab order; the others are named with why', async () => {
    const branch = (name: string) => ({ ...customers, name });
    const hiddenBranch = { ...customers, name: 'Old', state: 'hidden' };
    const sheets = [
      { name: 'Empty', xml: '' },
      notes,
      branch('North'),
      { name: 'Chart', kind: 'chartsheet' as const },
      hiddenBranch,
      branch('South'),
    ];
    const path = await dir.file('pick5.xlsx', workbookXlsx({ sharedStrings: strings, sheets }));
    const source = await openRowSource(path, { pickSheet: looksLikeCustomers });
    expect(source.info.sheet).toBe('North');
    expect(source.moreSheets?.map((s) => s.name)).toEqual(['South']);
    const south = [];
    for await (const row of source.moreSheets?.[0]?.rows() ?? []) south.push(row.row);
    expect(south).toEqual([2, 3]);
    expect(source.info.skippedSheets).toEqual([
      { name: 'Empty', reason: 'empty' },
      { name: 'Notes', reason: 'no customer header row in its first rows (notes, a summary?)' },
      { name: 'Chart', reason: 'a chart' },
      { name: 'Old', reason: 'hidden' },
    ]);
    // --sheet reads one sheet: the others are "not picked".
    const one = await openRowSource(path, { sheet: 'South' });
    expect(one.moreSheets).toBeUndefined();
    expect(one.info.skippedSheets?.map((s) => s.reason)).toEqual(Array(5).fill('not picked'));
  });

  it('a workbook with no data at all', async () => {
    const path = await dir.file(
      'nodata.xlsx',
      workbookXlsx({ sheets: [{ name: 'A' }, { name: 'B', xml: '<row r="1"/>' }] }),
    );
    await expect(readAll(path)).rejects.toThrow('nodata.xlsx has no sheet with data (sheets: "A", "B").');
  });
});
