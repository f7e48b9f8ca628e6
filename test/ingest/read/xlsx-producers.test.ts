/**
 * Workbooks written by Excel, Google Sheets and LibreOffice (/work/shared/corpus/xlsx-producers, from
 * exceljs's integration tests): each is read without crashing or hanging, and its values are the ones the
 * producer stored.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileReadError } from '../../../src/ingest/raw-row.js';
import { readAll, readError, table } from './helpers.js';

const CORPUS = '/work/shared/corpus/xlsx-producers';
const file = (name: string) => join(CORPUS, name);

describe('xlsx-producers corpus', () => {
  it.each(readdirSync(CORPUS).filter((f) => f.endsWith('.xlsx')))(
    '%s is read, or refused with a FileReadError, within seconds',
    async (name) => {
      try {
        const { info, rows } = await readAll(file(name));
        expect(info.format).toBe('xlsx');
        expect(rows.length).toBeGreaterThan(0);
      } catch (err) {
        expect(err).toBeInstanceOf(FileReadError);
      }
    },
    5000,
  );

  it('chart-sheet.xlsx: the chart sheet is skipped, the data sheet read', async () => {
    const { info, rows } = await readAll(file('chart-sheet.xlsx'));
    expect(info).toMatchObject({ sheet: 'Sheet1', sheets: ['Chart1', 'Sheet1'] });
    expect(table(rows).slice(0, 3)).toEqual([
      [1, 'Month', 'Bears', 'Dolphins', 'Whales'],
      [2, 'Jan', 8, 150, 80],
      [3, 'Feb', 54, 77, 54],
    ]);
    expect(rows).toHaveLength(7);
    const error = await readError(file('chart-sheet.xlsx'), { sheet: 'Chart1' });
    expect(error.message).toBe(
      'chart-sheet.xlsx: sheet "Chart1" is a chart; its sheets are "Chart1", "Sheet1".',
    );
  });

  it('dateIssue.xlsx (LibreOffice, DD/MM/YY): the date arrives as a Date', async () => {
    const { rows } = await readAll(file('dateIssue.xlsx'));
    expect(table(rows)).toEqual([
      [1, 'Date'],
      [2, new Date(Date.UTC(2020, 10, 20))],
    ]);
  });

  it('formulas.xlsx: cached results, a hyperlinked formula cell as its text', async () => {
    const { rows } = await readAll(file('formulas.xlsx'));
    expect(table(rows)).toEqual([
      [1, 'someone@example.com', '(formula with hyperlink)'],
      [2, 'someone@example.com', '(formula without link)'],
    ]);
  });

  it.each([
    'google-sheets.xlsx',
    'libre-calc-as-excel-2007-365.xlsx',
    'libre-calc-as-office-open-xml-spreadsheet.xlsx',
  ])('%s: hidden rows and columns are read, with their row numbers', async (name) => {
    const { info, rows } = await readAll(file(name));
    expect(info.sheet).toBe('Sheet1');
    expect(table(rows)).toEqual([
      [1, 'BEGIN', 'HIDDEN', 'VISIBLE'],
      [2, 'HIDDEN'],
      [3, 'VISIBLE'],
    ]);
  });

  it('many-columns.xlsx: rows of different widths', async () => {
    const { rows } = await readAll(file('many-columns.xlsx'));
    expect(rows[0]?.values).toHaveLength(12);
    expect(rows[1]?.values).toHaveLength(20);
    expect(rows[1]?.values.slice(-4)).toEqual(['bla', 'bla', 'bla', 'bla']);
  });

  it('shared_string_with_escape.xlsx: _x005F_ escapes an underscore, so the cell reads _x000D_', async () => {
    const { rows } = await readAll(file('shared_string_with_escape.xlsx'));
    expect(table(rows)).toEqual([[1, '_x000D_']]);
  });
});
