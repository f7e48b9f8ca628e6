/**
 * Row counters: the raw libraries, as a baseline, and our RowSource. A counter reads a whole file and
 * returns how many rows it saw; the ingest pipeline benchmark passes its own.
 */
import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { openRowSource } from '../../src/ingest/read/open-file.js';

export type RowCounter = (path: string) => Promise<number>;

/** papaparse as its README shows it for Node: a file stream piped into NODE_STREAM_INPUT. */
export const countRawPapaparse: RowCounter = async (path) => {
  const parser = createReadStream(path).pipe(Papa.parse(Papa.NODE_STREAM_INPUT, {}));
  let rows = 0;
  for await (const _ of parser) rows++;
  return rows;
};

/** exceljs's streaming WorkbookReader with the options a correct reader needs (styles, for dates). */
export const countRawExceljs: RowCounter = async (path) => {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let rows = 0;
  for await (const sheet of reader) for await (const _ of sheet) rows++;
  return rows;
};

export const countRowSource: RowCounter = async (path) => {
  const source = await openRowSource(path);
  let rows = 0;
  for await (const _ of source.rows()) rows++;
  return rows;
};
