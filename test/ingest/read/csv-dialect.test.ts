/** Delimiters, line endings, title blocks and row numbers of CSV files as finance teams export them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectDialect } from '../../../src/ingest/read/dialect.js';
import { openRowSource } from '../../../src/ingest/read/open-file.js';
import { readAll, table, tempDir, type TempDir } from './helpers.js';
import { cpuMsSince } from '../../helpers/cpu-time.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

describe('delimiters', () => {
  const rows = [
    ['Customer Code', 'Legal Name', 'Address', 'Amount'],
    ['C001', 'Sharma Traders', '12, MG Road, Pune', '1.234,50'],
    ['C002', 'Gupta; Sons', 'Shop 4 | Main Bazar', '99'],
  ];
  const write = (delimiter: string) =>
    rows.map((r) => r.map((v) => (v.includes(delimiter) ? `"${v}"` : v)).join(delimiter)).join('\r\n');

  it.each([',', ';', '\t', '|'])('%j, with other candidates inside the cells', async (delimiter) => {
    const path = await dir.file(`delim-${delimiter.charCodeAt(0)}.csv`, write(delimiter));
    const { info, rows: read } = await readAll(path);
    expect(info.delimiter).toBe(delimiter);
    expect(info.newline).toBe('\r\n');
    expect(read.map((r) => r.values)).toEqual(rows);
  });

  it('sees through a title block with no delimiters or a stray comma', async () => {
    const text = [
      'ACME Industries Pvt Ltd, Pune',
      'Customer Master as on 31-03-2026',
      '',
      'Code;Name;GSTIN;City',
      'C1;Sharma Traders;27AAPFU0939F1ZV;Pune',
      'C2;Gupta, Sons & Co;07AAACG1234H1Z5;Delhi',
    ].join('\n');
    const path = await dir.file('title.csv', text);
    const { info, rows } = await readAll(path);
    expect(info.delimiter).toBe(';');
    expect(table(rows)).toEqual([
      [1, 'ACME Industries Pvt Ltd, Pune'],
      [2, 'Customer Master as on 31-03-2026'],
      [4, 'Code', 'Name', 'GSTIN', 'City'],
      [5, 'C1', 'Sharma Traders', '27AAPFU0939F1ZV', 'Pune'],
      [6, 'C2', 'Gupta, Sons & Co', '07AAACG1234H1Z5', 'Delhi'],
    ]);
  });

  it('follows Excel\'s "sep=" line and, like Excel, does not count it as a row', async () => {
    for (const [name, content] of [
      ['sep.csv', 'sep=;\r\nCode;Name\r\nC1;Sharma, Traders\r\n'],
      [
        'sep16.txt',
        Buffer.concat([
          Buffer.from([0xff, 0xfe]),
          Buffer.from('SEP=;\nCode;Name\nC1;Sharma, Traders\n', 'utf16le'),
        ]),
      ],
    ] as const) {
      const { info, rows } = await readAll(await dir.file(name, content));
      expect(info.delimiter).toBe(';');
      expect(table(rows)).toEqual([
        [1, 'Code', 'Name'],
        [2, 'C1', 'Sharma, Traders'],
      ]);
    }
  });

  it('defaults to a comma for a one-column file', () => {
    expect(detectDialect('Name\nSharma\nGupta\n', true)).toEqual({ delimiter: ',', newline: '\n' });
  });

  it('ignores delimiters inside quotes when scoring', () => {
    const sample = 'a;b\n"x,y,z,w";1\n"p,q,r,s";2\n';
    expect(detectDialect(sample, true).delimiter).toBe(';');
  });
});

describe('line endings and row numbers', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('%s', async (_name, newline) => {
    const path = await dir.file(`nl-${_name}.csv`, ['a,b', '1,2', '3,4'].join(newline) + newline);
    const { info, rows } = await readAll(path);
    expect(info.newline).toBe(newline);
    expect(table(rows)).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
      [3, '3', '4'],
    ]);
  });

  it('keeps line breaks inside quoted cells and numbers the rows after them as Excel does', async () => {
    const text =
      'code,address,city\r\n' +
      'C1,"12 MG Road\nNear Bus Stand\nOpp. Bank",Pune\r\n' +
      'C2,"Shop 4\r\nMain Bazar",Delhi\r\n' +
      'C3,Plain,Agra\r\n';
    const { rows } = await readAll(await dir.file('quoted-nl.csv', text));
    expect(table(rows)).toEqual([
      [1, 'code', 'address', 'city'],
      [2, 'C1', '12 MG Road\nNear Bus Stand\nOpp. Bank', 'Pune'],
      [3, 'C2', 'Shop 4\r\nMain Bazar', 'Delhi'],
      [4, 'C3', 'Plain', 'Agra'],
    ]);
  });

  it('does not glue rows together when a CRLF file has a bare LF line', async () => {
    const { rows } = await readAll(await dir.file('mixed.csv', 'a,b\r\n1,2\n3,4\r\n5,6\r\n'));
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4]);
    expect(rows.map((r) => r.values[0])).toEqual(['a', '1', '3', '5']);
  });

  it('keeps cells exactly: spaces, leading zeros, formulas-looking text', async () => {
    const { rows } = await readAll(await dir.file('exact.csv', 'a,b,c\n  007 ,=SUM(A1),"  x  "\n'));
    expect(rows[1]?.values).toEqual(['  007 ', '=SUM(A1)', '  x  ']);
  });

  it('skips rows whose cells are all empty but keeps counting them', async () => {
    const { rows } = await readAll(await dir.file('blank.csv', 'a,b\n,\n\n1,2\n,,\n'));
    expect(table(rows)).toEqual([
      [1, 'a', 'b'],
      [4, '1', '2'],
    ]);
  });
});

describe('RowSource', () => {
  it('reads again from the start, after a full read and after an early stop', async () => {
    const lines = ['code,name', ...Array.from({ length: 5000 }, (_, i) => `C${i},Name ${i}`)];
    const source = await openRowSource(await dir.file('again.csv', lines.join('\n')));
    let first = 0;
    for await (const row of source.rows()) {
      first = row.row;
      if (row.row === 10) break;
    }
    expect(first).toBe(10);
    const all = [];
    for await (const row of source.rows()) all.push(row);
    expect(all).toHaveLength(5001);
    expect(all.at(-1)).toEqual({ row: 5001, values: ['C4999', 'Name 4999'] });
  });

  it('stops when its signal is aborted', async () => {
    const lines = ['code,name', ...Array.from({ length: 2000 }, (_, i) => `C${i},Name ${i}`)];
    const source = await openRowSource(await dir.file('abort.csv', lines.join('\n')));
    const controller = new AbortController();
    let seen = 0;
    await expect(
      (async () => {
        for await (const row of source.rows(controller.signal)) {
          seen = row.row;
          if (row.row === 100) controller.abort();
        }
      })(),
    ).rejects.toThrow(/abort/i);
    expect(seen).toBe(100);
  });

  it('yields to the event loop while reading a large file', async () => {
    const lines = [
      'code,name,address',
      ...Array.from({ length: 100_000 }, (_, i) => `C${i},Name ${i},"${i}, MG Road"`),
    ];
    const source = await openRowSource(await dir.file('lag.csv', lines.join('\r\n')));
    // The gap is measured in CPU time of this process between two ticks: a busy neighbour stretches the
    // wall-clock gap without the parse blocking the loop any longer.
    let worstGapMs = 0;
    let last = process.cpuUsage();
    const ticker = setInterval(() => {
      worstGapMs = Math.max(worstGapMs, cpuMsSince(last));
      last = process.cpuUsage();
    }, 5);
    let count = 0;
    for await (const _ of source.rows()) count++;
    clearInterval(ticker);
    expect(count).toBe(100_001);
    // A blocking parse of this file would take seconds of CPU.
    expect(worstGapMs).toBeLessThan(500);
  });

  it('reports the file name the caller gives, not the temp path', async () => {
    const source = await openRowSource(await dir.file('x123.tmp', 'a,b\n'), {
      fileName: 'Customers March.csv',
    });
    expect(source.info).toMatchObject({ format: 'csv', fileName: 'Customers March.csv' });
  });
});
