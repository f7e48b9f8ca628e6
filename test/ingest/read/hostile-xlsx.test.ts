/** Workbooks built to hurt: zip bombs, entity expansion, absurd widths, damaged zips. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnLetter } from '../../../src/ingest/read/column-letter.js';
import { readError, sharedStringsXml, tempDir, workbookXlsx, zip, type TempDir } from './helpers.js';
import { cpuMsSince } from '../../helpers/cpu-time.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

/** `count` identical rows of sheet XML: compresses about 1000:1. */
function repetitiveRows(count: number): string {
  const row =
    '<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>';
  return row.repeat(count);
}

describe('zip bombs', () => {
  it('a sheet that unpacks past the limit is refused from the zip directory, before any inflating', async () => {
    // 100 MB of XML in about 100 KB; the limit is lowered to keep the test small, the check is the same.
    const bomb = workbookXlsx({ sheets: [{ name: 'Sheet1', xml: repetitiveRows(1_000_000) }] });
    expect(bomb.length).toBeLessThan(1_000_000);
    const path = await dir.file('bomb.xlsx', bomb);
    const cpu = process.cpuUsage();
    const error = await readError(path, { limits: { maxSheetXmlBytes: 50 * 1024 * 1024 } });
    expect(error.message).toMatch(
      /^bomb\.xlsx cannot be read as an Excel workbook: its sheet "Sheet1" unpacks to \d+ MB, over the 50 MB we read/,
    );
    expect(cpuMsSince(cpu)).toBeLessThan(1000);
  });

  it('a directory that lies about sizes is caught while inflating, after the declared bytes', async () => {
    const parts = [
      {
        name: '_rels/.rels',
        data: '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      },
      {
        name: 'xl/workbook.xml',
        data: '<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="r1"/></sheets></workbook>',
      },
      {
        name: 'xl/_rels/workbook.xml.rels',
        data: '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
      },
      {
        name: 'xl/worksheets/sheet1.xml',
        data: `<worksheet><sheetData>${repetitiveRows(500_000)}</sheetData></worksheet>`,
        declaredSize: 4096,
      },
    ];
    const path = await dir.file('liar.xlsx', zip(parts));
    const cpu = process.cpuUsage();
    const error = await readError(path);
    expect(error.message).toMatch(/xl\/worksheets\/sheet1\.xml unpacks to more than the zip directory says/);
    expect(cpuMsSince(cpu)).toBeLessThan(1000);
  });

  it('a zip64 directory declaring a 5 GB sheet is refused without reading it', async () => {
    const sheets = [{ name: 'S', xml: '', zip64DeclaredSize: 5n * 1024n * 1024n * 1024n }];
    const error = await readError(await dir.file('zip64.xlsx', workbookXlsx({ sheets })));
    expect(error.message).toMatch(/its sheet "S" unpacks to 5\.0 GB, over the 1\.0 GB we read/);
  });
});

describe('XML attacks', () => {
  it('billion laughs in sharedStrings.xml: entities are not expanded, the file is refused', async () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
      Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
      ).join('') +
      ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>';
    const path = await dir.file(
      'laughs.xlsx',
      workbookXlsx({
        sharedStrings: laughs,
        sheets: [{ name: 'S', xml: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' }],
      }),
    );
    const heap = process.memoryUsage().heapUsed;
    const error = await readError(path);
    expect(error.message).toMatch(
      /^laughs\.xlsx cannot be read as an Excel workbook: it is damaged or not a real \.xlsx \(.*undefined entity/,
    );
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(50 * 1024 * 1024);
  });
});

describe('absurd shapes', () => {
  it('10,000 columns', async () => {
    const cells = Array.from({ length: 10_000 }, (_, i) => `<c r="${columnLetter(i)}1"><v>${i}</v></c>`).join(
      '',
    );
    const path = await dir.file(
      'wide.xlsx',
      workbookXlsx({ sheets: [{ name: 'Wide', xml: `<row r="1">${cells}</row>` }] }),
    );
    expect((await readError(path)).message).toBe(
      'wide.xlsx (sheet "Wide") row 1 has a value in column NTP, beyond the 1,000 columns we read: this does not look like a customer list.',
    );
  });

  it('a row number past the limit', async () => {
    const xml = '<row r="1"><c r="A1"><v>1</v></c></row><row r="500"><c r="A500"><v>2</v></c></row>';
    const path = await dir.file('tall.xlsx', workbookXlsx({ sheets: [{ name: 'S', xml }] }));
    expect((await readError(path, { limits: { maxRows: 100 } })).message).toBe(
      'tall.xlsx (sheet "S") has more than 100 rows: split it into smaller files.',
    );
  });

  it('one long shared string in every cell: refused once the cells hold far more text than the file', async () => {
    // 20 KB of zip expanding to 90 million characters: every row, report line and Redis result would carry it.
    const rows = Array.from(
      { length: 1500 },
      (_, i) =>
        `<row r="${i + 2}"><c r="A${i + 2}" t="s"><v>0</v></c><c r="B${i + 2}" t="s"><v>0</v></c></row>`,
    ).join('');
    const path = await dir.file(
      'amplified.xlsx',
      workbookXlsx({
        sharedStrings: sharedStringsXml(['y'.repeat(30_000)]),
        sheets: [{ name: 'S', xml: rows }],
      }),
    );
    const cpu = process.cpuUsage();
    expect((await readError(path)).message).toBe(
      'amplified.xlsx (sheet "S") row 281: its cells hold more than 16,777,216 characters, far more than the file ' +
        'itself (long texts repeated from its shared strings): this does not look like a customer list.',
    );
    expect(cpuMsSince(cpu)).toBeLessThan(2000);
  });

  it('a cell past the length limit', async () => {
    const path = await dir.file(
      'long.xlsx',
      workbookXlsx({
        sharedStrings: sharedStringsXml(['x'.repeat(40_000)]),
        sheets: [{ name: 'S', xml: '<row r="2"><c r="B2" t="s"><v>0</v></c></row>' }],
      }),
    );
    expect((await readError(path)).message).toBe(
      'long.xlsx (sheet "S") row 2: the cell in column B holds more than 32,767 characters (Excel\'s limit for a cell).',
    );
  });
});

describe('damaged or foreign zips', () => {
  it('a truncated workbook', async () => {
    const whole = workbookXlsx({ sheets: [{ name: 'S', xml: '<row r="1"><c r="A1"><v>1</v></c></row>' }] });
    const error = await readError(
      await dir.file('cut.xlsx', whole.subarray(0, Math.floor(whole.length / 2))),
    );
    expect(error.message).toBe(
      'cut.xlsx cannot be read as an Excel workbook: the zip directory is missing (the file is truncated or not a workbook). Open it in Excel and save it again as "Excel Workbook (.xlsx)".',
    );
  });

  it('a Word document', async () => {
    const docx = zip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'word/document.xml', data: '<w:document/>' },
    ]);
    expect((await readError(await dir.file('letter.xlsx', docx))).message).toMatch(
      /^letter\.xlsx cannot be read as an Excel workbook: it is a zip file but not an Excel workbook\./,
    );
  });

  it('an OpenDocument spreadsheet', async () => {
    const ods = zip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', deflate: false },
      { name: 'content.xml', data: '<office:document-content/>' },
    ]);
    expect((await readError(await dir.file('calc.ods', ods))).message).toMatch(
      /it is an OpenDocument spreadsheet \(\.ods\): save it as "Excel 2007-365 \(\.xlsx\)"/,
    );
  });

  it('a workbook saved as Strict Open XML', async () => {
    const strict = zip([
      {
        name: 'xl/workbook.xml',
        data: '<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><sheets><sheet name="S" sheetId="1"/></sheets></workbook>',
      },
    ]);
    expect((await readError(await dir.file('strict.xlsx', strict))).message).toBe(
      'strict.xlsx cannot be read as an Excel workbook: it is saved as "Strict Open XML Spreadsheet": save it as "Excel Workbook (.xlsx)".',
    );
  });

  it('a malformed sheet', async () => {
    const path = await dir.file(
      'bad.xlsx',
      workbookXlsx({ sheets: [{ name: 'S', xml: '<row r="1"><c r="A1"><v>1</v></row>' }] }),
    );
    expect((await readError(path)).message).toMatch(
      /^bad\.xlsx cannot be read as an Excel workbook: it is damaged or not a real \.xlsx \(/,
    );
  });

  it('a cell pointing past the shared-string table is refused with its row and column, not read as empty', async () => {
    // Read as empty, a row of such cells would vanish as blank, and a name cell would go missing unnoticed.
    for (const [name, ref] of [
      ['dangling.xlsx', '5'],
      ['nan-index.xlsx', 'abc'],
    ]) {
      const xml =
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
        `<row r="2"><c r="A2" t="s"><v>0</v></c><c r="C2" t="s"><v>${ref}</v></c></row>`;
      const path = await dir.file(
        name!,
        workbookXlsx({ sharedStrings: sharedStringsXml(['Code', 'Name']), sheets: [{ name: 'S', xml }] }),
      );
      expect((await readError(path)).message).toBe(
        `${name} (sheet "S") row 2: the cell in column C refers to text the workbook does not hold (it is damaged). Open it in Excel and save it again as "Excel Workbook (.xlsx)".`,
      );
    }
  });

  it('cells without references (optional in the standard, unsupported by exceljs) are refused, not misplaced', async () => {
    const path = await dir.file(
      'noref.xlsx',
      workbookXlsx({ sheets: [{ name: 'S', xml: '<row><c><v>1</v></c><c><v>2</v></c></row>' }] }),
    );
    expect((await readError(path)).message).toMatch(
      /^noref\.xlsx cannot be read as an Excel workbook: it is damaged or not a real \.xlsx/,
    );
  });
});
