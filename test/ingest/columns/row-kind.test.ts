import { describe, expect, it } from 'vitest';
import { buildColumnMap, isBlankRow, isTotalsRow } from '../../../src/ingest/columns/index.js';
import type { RawValue } from '../../../src/ingest/raw-row.js';
import { header } from './rows.js';

const map = buildColumnMap(header(['Party Name', 'Code', 'GSTIN', 'Mobile', 'Closing Balance']), {
  fileName: 'x.xlsx',
});
const row = (...values: RawValue[]) => ({ row: 9, values });

describe('isTotalsRow', () => {
  it.each([
    ['Grand Total'],
    ['Total'],
    ['TOTAL:'],
    ['Totals'],
    ['Sub-Total'],
    ['Sub Total'],
    ['Total (125 ledgers)'],
    ['Total 1,23,456.00'],
    ['  grand   total  '],
  ])('recognises %j with the key columns empty', (word) => {
    expect(isTotalsRow(row(word, null, '', null, 1234567.5), map)).toBe(true);
  });

  it('finds the word in the first non-empty cell, wherever it is', () => {
    expect(isTotalsRow(row(null, 'Total', null, null, 99), map)).toBe(true);
  });

  it.each([
    ['a customer called "Total Traders"', row('Total Traders', null, null, null, 10)],
    ['a customer called "Totally Fresh Foods"', row('Totally Fresh Foods', null, null, null, 10)],
    ['a total with a code', row('Total', 'C-9', null, null, 10)],
    ['a total with a GSTIN', row('Total', null, '29AAACA1234A1Z5', null, 10)],
    ['a total with a mobile', row('Total', null, null, 9845012345, 10)],
    ['a name with the word in another column', row('Acme Industries', 'Total')],
    ['an ordinary row', row('Acme Industries', 'C-1', '29AAACA1234A1Z5', '9845012345', 10)],
    ['a blank row', row(null, '', '  ')],
  ])('does not take %s for a totals row', (_label, candidate) => {
    expect(isTotalsRow(candidate, map)).toBe(false);
  });
});

describe('isBlankRow', () => {
  it('is true for no cells, nulls, empty and whitespace strings', () => {
    expect(isBlankRow(row())).toBe(true);
    expect(isBlankRow(row(null, '', '   ', '\u00a0'))).toBe(true);
  });

  it('is false as soon as one cell holds anything, even 0 or false', () => {
    expect(isBlankRow(row(null, 0))).toBe(false);
    expect(isBlankRow(row(false))).toBe(false);
    expect(isBlankRow(row(null, { error: '#N/A' }))).toBe(false);
    expect(isBlankRow(row('', 'x'))).toBe(false);
  });
});
