/** Every encoding a finance team's CSV arrives in reads back cell for cell. */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll, readError, tempDir, type TempDir } from './helpers.js';

const ROWS = [
  ['Customer Code', 'Legal Name', 'City', 'Note'],
  ['C001', 'Café Coffee Day Global Ltd', 'Bengaluru', '“Priority” client’s dues: €1,200'],
  ['C002', 'Sharma & Sons', 'Pune', 'naïve résumé'],
];
const INDIC = [
  ['Code', 'Name', 'Amount'],
  ['C003', 'राम ट्रेडर्स', '₹ 5,000'],
  ['C004', 'சென்னை ஸ்டோர்ஸ்', '😀 emoji'],
];

function csvText(rows: string[][], delimiter: string, newline: string): string {
  const cell = (v: string) => (v.includes(delimiter) || v.includes('"') ? `"${v.replaceAll('"', '""')}"` : v);
  return rows.map((r) => r.map(cell).join(delimiter)).join(newline) + newline;
}

let dir: TempDir;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

describe('CSV encodings', () => {
  it('UTF-8 without BOM', async () => {
    const path = await dir.file('utf8.csv', csvText([...ROWS, ...INDIC.slice(1)], ',', '\n'));
    const { info, rows } = await readAll(path);
    expect(info.encoding).toBe('utf-8');
    expect(rows.map((r) => r.values)).toEqual([...ROWS, ...INDIC.slice(1)]);
  });

  it('UTF-8 with BOM (Excel "CSV UTF-8"): the BOM is not part of the first header', async () => {
    const path = await dir.file('bom.csv', '\ufeff' + csvText(INDIC, ',', '\r\n'));
    const { info, rows } = await readAll(path);
    expect(info.encoding).toBe('utf-8-bom');
    expect(rows.map((r) => r.values)).toEqual(INDIC);
  });

  it('UTF-16LE with BOM and tabs (Excel "Unicode Text")', async () => {
    const text = csvText([...ROWS, ...INDIC.slice(1)], '\t', '\r\n');
    const path = await dir.file(
      'unicode.txt',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    const { info, rows } = await readAll(path);
    expect(info).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', newline: '\r\n' });
    expect(rows.map((r) => r.values)).toEqual([...ROWS, ...INDIC.slice(1)]);
  });

  it('UTF-16BE with BOM', async () => {
    const text = csvText(INDIC, ';', '\n');
    const path = await dir.file('be.csv', iconv.encode(text, 'utf-16be', { addBOM: true }));
    const { info, rows } = await readAll(path);
    expect(info).toMatchObject({ encoding: 'utf-16be', delimiter: ';' });
    expect(rows.map((r) => r.values)).toEqual(INDIC);
  });

  it('UTF-16LE without BOM, recognised from its NUL bytes', async () => {
    const path = await dir.file('nobom16.csv', Buffer.from(csvText(ROWS, ',', '\r\n'), 'utf16le'));
    const { info, rows } = await readAll(path);
    expect(info.encoding).toBe('utf-16le');
    expect(rows.map((r) => r.values)).toEqual(ROWS);
  });

  it('Windows-1252 (Excel "CSV"): € ’ “ ” and é, which latin1 would get wrong', async () => {
    const path = await dir.file('ansi.csv', iconv.encode(csvText(ROWS, ',', '\r\n'), 'windows-1252'));
    const { info, rows } = await readAll(path);
    expect(info.encoding).toBe('windows-1252');
    expect(rows.map((r) => r.values)).toEqual(ROWS);
  });

  it('Windows-1252 whose first accented letter comes after megabytes of ASCII', async () => {
    const filler = Array.from({ length: 40_000 }, (_, i) => [`C${i}`, `Plain Name ${i}`, 'Mumbai', 'ok']);
    const all = [ROWS[0] ?? [], ...filler, ...ROWS.slice(1)];
    const path = await dir.file('late-ansi.csv', iconv.encode(csvText(all, ',', '\r\n'), 'windows-1252'));
    const { info, rows } = await readAll(path);
    expect(info.encoding).toBe('windows-1252');
    expect(rows.at(-2)?.values).toEqual(ROWS[1]);
    expect(rows.at(-1)?.row).toBe(all.length);
  });

  it('a UTF-8 file with a Windows-1252 row megabytes in is refused at that row, never read as U+FFFD', async () => {
    const filler = Array.from({ length: 60_000 }, (_, i) => `C${i},Plain Name ${i},Mumbai,ok`).join('\r\n');
    const bytes = Buffer.concat([
      Buffer.from(`Code,Name,City,Note\r\nC-a,राम ट्रेडर्स,Pune,ok\r\n${filler}\r\n`, 'utf8'),
      iconv.encode('C-b,Café Coffee,Pune,ok\r\n', 'windows-1252'),
    ]);
    const path = await dir.file('late-1252-row.csv', bytes);
    expect((await readError(path)).message).toBe(
      'late-1252-row.csv row 60003: the cell in column B holds characters that could not be read as UTF-8 ' +
        '(shown as \uFFFD): the file mixes text encodings or is damaged. Save it again from Excel as ' +
        '"CSV UTF-8 (Comma delimited)" and check that cell.',
    );
  });

  it('a file mixing the two encodings early is read as UTF-8 when most of it is: its UTF-8 names are never mojibake', async () => {
    const bytes = Buffer.concat([
      Buffer.from('Code,Name\r\n', 'utf8'),
      iconv.encode('C1,Café\r\n', 'windows-1252'),
      Buffer.from('C2,राम ट्रेडर्स ₹\r\n', 'utf8'),
    ]);
    const error = await readError(await dir.file('mixed.csv', bytes));
    expect(error.message).toMatch(
      /^mixed\.csv row 2: the cell in column B holds characters that could not be read as UTF-8/,
    );
  });

  it('Windows-1252 with an accented capital before a symbol (valid UTF-8 by accident) stays Windows-1252', async () => {
    const rows = [
      ['Code', 'Name'],
      ['C1', 'NESTLÉ® India'],
      ['C2', 'Café Coffee Day'],
      ['C3', 'Crème Brûlée Co'],
    ];
    const path = await dir.file('accident.csv', iconv.encode(csvText(rows, ',', '\r\n'), 'windows-1252'));
    const { info, rows: read } = await readAll(path);
    expect(info.encoding).toBe('windows-1252');
    expect(read.map((r) => r.values)).toEqual(rows);
  });

  it("a U+FFFD written in a UTF-8 file is the user's text: read as it is, the file stays UTF-8", async () => {
    const path = await dir.file('lost.csv', 'Code,Name\nC1,Good\nC2,Caf\uFFFD Coffee\n');
    const { info, rows } = await readAll(path);
    expect(info.encoding).toBe('utf-8');
    expect(rows.at(-1)?.values).toEqual(['C2', 'Caf\uFFFD Coffee']);
  });

  it('a Windows-1252 file holding a byte that is no character there is refused at that row', async () => {
    const bytes = Buffer.concat([
      iconv.encode('Code,Name\r\nC1,Café\r\nC2,X', 'windows-1252'),
      Buffer.from([0x81]),
      Buffer.from('Y\r\n'),
    ]);
    expect((await readError(await dir.file('undefined-byte.csv', bytes))).message).toMatch(
      /^undefined-byte\.csv row 3: the cell in column B holds characters that could not be read as WINDOWS-1252/,
    );
  });

  it('UTF-8 characters that straddle every read-chunk boundary come out whole', async () => {
    // 2-, 3- and 4-byte characters at every offset: some land across each 64 KiB chunk edge.
    const rows: string[][] = [['code', 'name']];
    for (let i = 0; i < 12_000; i++) rows.push([`C${i}`, 'é€😀'.repeat(1 + (i % 5)) + 'x'.repeat(i % 3)]);
    const path = await dir.file('straddle.csv', csvText(rows, ',', '\n'));
    const read = await readAll(path);
    expect(read.rows.map((r) => r.values)).toEqual(rows);
    expect(read.rows.some((r) => r.values.some((v) => typeof v === 'string' && v.includes('\ufffd')))).toBe(
      false,
    );
  });

  it('UTF-16LE surrogate pairs that straddle chunk boundaries come out whole', async () => {
    const rows: string[][] = [['code', 'name']];
    for (let i = 0; i < 8_000; i++) rows.push([`C${i}`, '😀ராம'.repeat(1 + (i % 4)) + 'y'.repeat(i % 2)]);
    const text = csvText(rows, '\t', '\r\n');
    const path = await dir.file(
      'straddle16.txt',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    expect((await readAll(path)).rows.map((r) => r.values)).toEqual(rows);
  });
});
