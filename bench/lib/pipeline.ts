/**
 * The whole ingest pipeline as a row counter: read → header row and columns → normalise and validate →
 * duplicates. What `validate` and every import do to a file before EnKash.
 */
import { basename } from 'node:path';
import { ingestFile } from '../../src/ingest/ingest-file.js';
import type { RowCounter } from './readers.js';

export const countIngest: RowCounter = async (path) => {
  const file = await ingestFile(path, { fileName: basename(path), matchKey: 'uniqueRefNo' });
  let rows = 1; // the header row, as the raw counters count it
  let valid = 0;
  for await (const event of file.events()) {
    rows++;
    if (event.kind === 'row' && event.parsed.kind === 'valid') valid++;
  }
  // A generator bug that made every row invalid would make the pipeline look fast: refuse to time it.
  if (valid < (rows - 1) * 0.99)
    throw new Error(`only ${valid} of ${rows - 1} rows valid: check the generator`);
  return rows;
};
