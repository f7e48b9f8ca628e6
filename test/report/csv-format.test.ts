import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from '../../src/report/csv-format.js';
import { needsNeutralising, neutraliseCsvCell, stripNeutralisation } from '../../src/domain/neutralise.js';
import { errorText } from '../../src/report/result-cells.js';
import { xlsxText, EXCEL_MAX_CELL_CHARS } from '../../src/report/xlsx-layout.js';
import { result } from './helpers.js';

describe('CSV cells', () => {
  it('quotes only fields with a comma, quote, CR or LF, doubling inner quotes (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('');
  });

  it('ends each record with CRLF, writes numbers as numerals and null as empty', () => {
    expect(csvLine([14, 'Ācme, Pvt', null, '=1+1'])).toBe(`14,"Ācme, Pvt",,'=1+1\r\n`);
  });
});

describe('formula neutralisation', () => {
  const triggers = ['=1+1', '+1', '-1+1', '@SUM(A1)', '\tX', '\rX', '=HYPERLINK("http://x","y")', '-5'];

  it.each(triggers)('prefixes %j with an apostrophe', (value) => {
    expect(needsNeutralising(value)).toBe(true);
    expect(neutraliseCsvCell(value)).toBe(`'${value}`);
  });

  it('leaves ordinary text alone, including text with a trigger later on', () => {
    for (const value of ['', 'Acme', "O'Brien", 'a=b', '1-2', 'x@y.in', ' =1']) {
      expect(neutraliseCsvCell(value)).toBe(value);
    }
  });

  it('is undone exactly by stripNeutralisation (for errors.csv coming back)', () => {
    for (const value of [...triggers, "'quoted'", "'", 'Acme']) {
      expect(stripNeutralisation(neutraliseCsvCell(value))).toBe(value);
    }
    expect(stripNeutralisation("'quoted'")).toBe("'quoted'");
  });
});

describe('error text', () => {
  it('starts with the row number and, for a failed call, names the error type and requestId', () => {
    const invalid = result(14, 'invalid', {
      errors: 'GSTIN/UIN: "27AAACE1234" has 11 characters; a GSTIN has 15',
    });
    expect(errorText(invalid)).toBe('row 14: GSTIN/UIN: "27AAACE1234" has 11 characters; a GSTIN has 15');
    expect(errorText(result(9, 'failed'))).toBe(
      'row 9: problem on row 9 [INTERNAL_ERROR] (HTTP 500) (requestId req-9)',
    );
    expect(
      errorText(result(3, 'failed', { errors: '', errorType: 'TIMEOUT', httpStatus: null, requestId: '' })),
    ).toBe('row 3: TIMEOUT');
  });
});

describe('XLSX text', () => {
  it("cuts text at Excel's cell limit and turns carriage returns into line feeds", () => {
    const long = xlsxText('x'.repeat(EXCEL_MAX_CELL_CHARS + 10));
    expect(long).toHaveLength(EXCEL_MAX_CELL_CHARS);
    expect(long).toMatch(/results\.csv\]$/);
    expect(xlsxText('a\r\nb\rc')).toBe('a\nb\nc');
  });
});
