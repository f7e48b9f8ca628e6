/**
 * Files that must be refused, fast, with a message that names the file (and row) and says what to do:
 * never a stack trace, never minutes of work or gigabytes of memory.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readError, tempDir, type TempDir } from './helpers.js';
import { cpuTimed } from '../../helpers/cpu-time.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

/** Writes `head`, then `size` bytes of `fill` in 1 MB pieces, then `tail`. */
async function bigFile(name: string, head: string, fill: string, size: number, tail = ''): Promise<string> {
  const path = join(dir.path, name);
  const out = createWriteStream(path);
  out.write(head);
  const piece = fill.repeat(Math.ceil((1024 * 1024) / fill.length));
  for (let written = 0; written < size; written += piece.length) {
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end(tail);
  await once(out, 'finish');
  return path;
}

// CPU time, not wall time: see test/helpers/cpu-time.ts.
async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number; heapGrowthMb: number }> {
  const heap = process.memoryUsage().heapUsed;
  const { value, cpuMs } = await cpuTimed(run);
  return {
    value,
    ms: cpuMs,
    heapGrowthMb: (process.memoryUsage().heapUsed - heap) / 1048576,
  };
}

describe('not a table at all', () => {
  it('an empty file', async () => {
    expect((await readError(await dir.file('empty.csv', ''))).message).toBe('empty.csv: the file is empty.');
  });

  it('random bytes named .csv', async () => {
    const error = await readError(await dir.file('random.csv', randomBytes(64 * 1024)));
    expect(error.message).toMatch(/^random\.csv is not a CSV or Excel file: export the customer list/);
    expect(error.fileName).toBe('random.csv');
  });

  it('an old .xls (OLE2) named .xlsx', async () => {
    const ole2 = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), randomBytes(4096)]);
    expect((await readError(await dir.file('old.xlsx', ole2))).message).toMatch(
      /^old\.xlsx is an old Excel \.xls file or a password-protected workbook: .*save it as "Excel Workbook \(\.xlsx\)"/,
    );
  });

  it('a PDF named .csv', async () => {
    const error = await readError(await dir.file('statement.csv', '%PDF-1.7\n%âãÏÓ\n1 0 obj'));
    expect(error.message).toMatch(/^statement\.csv is a PDF document, not a CSV or Excel file/);
  });

  it('a path that is missing or a folder', async () => {
    expect((await readError(join(dir.path, 'nope.csv'))).message).toBe('nope.csv does not exist.');
    expect((await readError(dir.path)).message).toMatch(/is a folder, not a file\.$/);
  });

  it('a file over the size limit', async () => {
    const path = await dir.file('big.csv', 'a,b\n'.repeat(1000));
    expect((await readError(path, { limits: { maxFileBytes: 1000 } })).message).toMatch(
      /^big\.csv is 4 KB, over the 1 KB we read: split it into smaller files\.$/,
    );
  });
});

describe('CSV shapes that would hurt', () => {
  it('an unterminated quote on row 2 of a 30 MB file: refused fast, with the row and column', async () => {
    const path = await bigFile(
      'stray-quote.csv',
      'code,name,city\r\nC1,Sharma,"Pune\r\n',
      'C2,Gupta,Delhi\r\n',
      30 * 1024 * 1024,
    );
    const { value: error, ms } = await timed(() => readError(path));
    expect(error.message).toMatch(
      /^stray-quote\.csv row 2: a quote opened in column C is not closed within 32,767 characters\. Look for a stray "/,
    );
    expect(ms).toBeLessThan(2000);
  });

  it('an unterminated quote in a small file: the cell runs to the end of the file', async () => {
    const error = await readError(await dir.file('short.csv', 'code,name\nC1,"Sharma\nC2,Gupta\n'));
    expect(error.message).toMatch(
      /^short\.csv row 2: a quote opened in column B is never closed \(the cell runs to the end of the file\)/,
    );
  });

  it('text after a closing quote', async () => {
    const error = await readError(await dir.file('sharma.csv', 'code,name\nC1,"Sharma" Traders\nC2,x\n'));
    expect(error.message).toMatch(
      /^sharma\.csv row 2: the quoted cell in column B has text after its closing quote/,
    );
  });

  it('10,000 columns', async () => {
    const path = await dir.file(
      'wide.csv',
      Array.from({ length: 10_000 }, (_, i) => `h${i}`).join(',') + '\n',
    );
    expect((await readError(path)).message).toMatch(
      /^wide\.csv row 1: the row has more than 1,000 columns \(read with "," as the delimiter\)/,
    );
  });

  it('a 50 MB cell, unquoted: refused in bounded time and memory', async () => {
    const path = await bigFile('cell50.csv', 'code,name\nC1,', 'x', 50 * 1024 * 1024, '\n');
    const { value: error, ms, heapGrowthMb } = await timed(() => readError(path));
    expect(error.message).toMatch(
      /^cell50\.csv row 2: the cell in column B is longer than 32,767 characters/,
    );
    expect(ms).toBeLessThan(2000);
    expect(heapGrowthMb).toBeLessThan(64);
  });

  it('a 50 MB quoted cell: refused in bounded time and memory', async () => {
    const path = await bigFile('quoted50.csv', 'code,name\nC1,"', 'y', 50 * 1024 * 1024, '"\n');
    const { value: error, ms, heapGrowthMb } = await timed(() => readError(path));
    expect(error.message).toMatch(
      /^quoted50\.csv row 2: a quote opened in column B is not closed within 32,767 characters/,
    );
    expect(ms).toBeLessThan(2000);
    expect(heapGrowthMb).toBeLessThan(64);
  });

  it('more rows than the limit', async () => {
    const path = await dir.file('rows.csv', 'a\n'.repeat(50));
    expect((await readError(path, { limits: { maxRows: 20 } })).message).toBe(
      'rows.csv has more than 20 rows: split it into smaller files.',
    );
  });
});
