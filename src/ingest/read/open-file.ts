/**
 * The entry point of the readers: any CSV or XLSX a finance team has → a RowSource. The format is decided
 * from the file's content, never its name.
 */
import { basename } from 'node:path';
import { FileReadError, type RowSource } from '../raw-row.js';
import { resolveLimits, type ReadLimits } from './limits.js';
import type { SheetPicker } from './pick-sheet.js';
import { openCsv } from './read-csv.js';
import { openRegularFile } from './safe-open.js';
import { openXlsx } from './read-xlsx.js';
import { sniffFile } from './sniff.js';

export { DEFAULT_READ_LIMITS, type ReadLimits } from './limits.js';
export { SHEET_PROBE_ROWS, type SheetPicker } from './pick-sheet.js';

export type OpenOptions = {
  /** XLSX: the sheet to read, by name (case-insensitive). Ignored for CSV. */
  sheet?: string;
  /** XLSX without `sheet`: picks among worksheets by their first rows (see pick-sheet.ts). */
  pickSheet?: SheetPicker;
  /** The name the user knows the file by, for messages; defaults to the path's last segment. */
  fileName?: string;
  limits?: Partial<ReadLimits>;
};

const HEAD_BYTES = 8 * 1024;

export async function openRowSource(path: string, options: OpenOptions = {}): Promise<RowSource> {
  const fileName = options.fileName ?? basename(path);
  const limits = resolveLimits(options.limits);
  // Links are not followed and only a regular file is read (safe-open.ts); the size is checked first.
  const { handle: file, size } = await openRegularFile(path, fileName, { maxBytes: limits.maxFileBytes });
  try {
    if (size === 0) throw new FileReadError(`${fileName}: the file is empty.`, fileName);
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await file.read(head, 0, head.length, 0);
    const kind = sniffFile(head);
    switch (kind.kind) {
      case 'refused':
        throw new FileReadError(`${fileName} ${kind.reason}.`, fileName);
      case 'xlsx':
        return await openXlsx(path, fileName, file, size, limits, {
          ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
          ...(options.pickSheet ? { pickSheet: options.pickSheet } : {}),
        });
      case 'csv':
        return await openCsv(path, fileName, file, head, limits);
    }
  } finally {
    await file.close();
  }
}
