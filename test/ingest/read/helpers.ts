/** Shared helpers for the reader tests: temp dirs, reading a whole source, checking a refusal. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { FileReadError, type RawRow, type RowSourceInfo } from '../../../src/ingest/raw-row.js';
import { openRowSource, type OpenOptions } from '../../../src/ingest/read/open-file.js';

export type TempDir = {
  path: string;
  file(name: string, content: string | Buffer): Promise<string>;
  remove(): Promise<void>;
};

export async function tempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'customer-sync-read-'));
  return {
    path,
    async file(name, content) {
      const file = join(path, name);
      await writeFile(file, content);
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

export async function readAll(
  path: string,
  options?: OpenOptions,
): Promise<{ info: RowSourceInfo; rows: RawRow[] }> {
  const source = await openRowSource(path, options);
  const rows: RawRow[] = [];
  for await (const row of source.rows()) rows.push(row);
  return { info: source.info, rows };
}

/** Rows as `[rowNumber, ...values]`, compact to compare. */
export function table(rows: RawRow[]): unknown[][] {
  return rows.map((r) => [r.row, ...r.values]);
}

/** The FileReadError a read throws (opening or streaming), so its message can be checked. */
export async function readError(path: string, options?: OpenOptions): Promise<FileReadError> {
  try {
    await readAll(path, options);
  } catch (err) {
    expect(err).toBeInstanceOf(FileReadError);
    const error = err as FileReadError;
    expect(error.message).not.toMatch(/\n\s+at /);
    return error;
  }
  throw new Error(`reading ${path} did not fail`);
}

export {
  sharedStringsXml,
  sheetXml,
  workbookXlsx,
  zip,
  type SheetSpec,
  type ZipPart,
} from './xlsx-builder.js';
