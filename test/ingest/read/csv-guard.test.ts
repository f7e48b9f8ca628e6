/**
 * CsvGuard must agree with papaparse on where records end (or the row numbers in its messages are wrong)
 * and must refuse exactly what papaparse would mis-read.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { FileReadError } from '../../../src/ingest/raw-row.js';
import { CsvGuard } from '../../../src/ingest/read/csv-guard.js';
import type { Dialect } from '../../../src/ingest/read/dialect.js';
import { DEFAULT_READ_LIMITS } from '../../../src/ingest/read/limits.js';

/** Feeds `text` in the given pieces; returns the row being read at the end, or the error. */
function guard(pieces: string[], dialect: Dialect, limits = DEFAULT_READ_LIMITS): number | FileReadError {
  const g = new CsvGuard('t.csv', dialect, limits);
  try {
    for (const piece of pieces) g.feed(piece);
    g.end();
    return g.currentRow;
  } catch (err) {
    if (err instanceof FileReadError) return err;
    throw err;
  }
}

function randomText(rnd: () => number, alphabet: string[], length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
  return s;
}

function splitRandomly(rnd: () => number, text: string): string[] {
  const pieces: string[] = [];
  let i = 0;
  while (i < text.length) {
    const n = 1 + Math.floor(rnd() * 6);
    pieces.push(text.slice(i, i + n));
    i += n;
  }
  return pieces;
}

function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

describe('CsvGuard against papaparse', () => {
  // U+00A0 is whitespace to String#trim, which papaparse uses after a closing quote.
  const alphabet = ['a', 'b', ',', ';', '"', '"', '\n', '\r', ' ', '\t', '\u00a0'];
  const dialects: Dialect[] = [
    { delimiter: ',', newline: '\n' },
    { delimiter: ',', newline: '\r\n' },
    { delimiter: ';', newline: '\r' },
    { delimiter: '\t', newline: '\n' },
  ];

  it.each(dialects)(
    'agrees on record count and on every quote error (%o), 4,000 random inputs',
    (dialect) => {
      const rnd = lcg(42);
      for (let n = 0; n < 4000; n++) {
        const text = randomText(rnd, alphabet, Math.floor(rnd() * 30));
        const papa = Papa.parse<string[]>(text, { delimiter: dialect.delimiter, newline: dialect.newline });
        const ours = guard(splitRandomly(rnd, text), dialect);
        const context = JSON.stringify(text);
        if (papa.errors.length > 0) {
          expect(ours, context).toBeInstanceOf(FileReadError);
        } else {
          expect(ours, context).not.toBeInstanceOf(FileReadError);
          if (text.length > 0) expect(ours, context).toBe(papa.data.length);
        }
      }
    },
  );
});

describe('CsvGuard messages', () => {
  const csv: Dialect = { delimiter: ',', newline: '\r\n' };

  it('names the row and column of a quote that is never closed', () => {
    const error = guard(['code,name,city\r\n', 'C1,"Sharma Traders,Pune\r\n', 'C2,Gupta,Delhi\r\n'], csv);
    expect(error).toBeInstanceOf(FileReadError);
    expect((error as Error).message).toMatch(
      /^t\.csv row 2: a quote opened in column B is never closed \(the cell runs to the end of the file\)/,
    );
  });

  it('stops a runaway quote at the cell limit, long before the end of the file', () => {
    const error = guard(['a,b\r\n', '1,"x', 'y'.repeat(40_000), 'never read'], csv);
    expect((error as Error).message).toMatch(
      /row 2: a quote opened in column B is not closed within 32,767 characters/,
    );
  });

  it('refuses text after a closing quote, which papaparse and Excel read differently', () => {
    const error = guard(['name,city\n', '"Sharma" Traders,Pune\n'], { delimiter: ',', newline: '\n' });
    expect((error as Error).message).toMatch(
      /row 2: the quoted cell in column A has text after its closing quote/,
    );
  });

  it('accepts spaces between a closing quote and the delimiter, as papaparse does', () => {
    expect(guard(['"a"  ,b\n', '"c" \t\n'], { delimiter: ',', newline: '\n' })).toBe(3);
  });

  it('counts columns, cells and row length against the limits', () => {
    const limits = { ...DEFAULT_READ_LIMITS, maxColumns: 3, maxCellChars: 5, maxRowChars: 12 };
    const lf: Dialect = { delimiter: ',', newline: '\n' };
    expect((guard(['a,b,c\n', '1,2,3,4\n'], lf, limits) as Error).message).toMatch(
      /row 2: the row has more than 3 columns/,
    );
    expect(
      (guard(['a,b\n', 'abcdef\n'], { delimiter: ',', newline: '\n' }, limits) as Error).message,
    ).toMatch(/row 2: the cell in column A is longer than 5 characters/);
    expect((guard(['abcd,abcd,abcd\n'], { delimiter: ',', newline: '\n' }, limits) as Error).message).toMatch(
      /row 1: the row is longer than 12 characters/,
    );
  });

  it('handles a CRLF split across two chunks', () => {
    expect(guard(['a,b\r', '\n1,2\r', '\n'], csv)).toBe(3);
    expect(guard(['a,"b"\r', '\n1,2'], csv)).toBe(2);
  });
});
