/**
 * The entry point of the readers: any CSV or XLSX a finance team has → a RowSource. The format is decided
 * from the file's content, never its name.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { FileReadError, type RowSource } from '../raw-row.js';
import { formatBytes, resolveLimits, type ReadLimits } from './limits.js';
import type { SheetPicker } from './pick-sheet.js';
import { openCsv } from './read-csv.js';
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
  const file = await openFile(path, fileName);
  try {
    const stats = await file.stat();
    if (!stats.isFile()) {
      const what = stats.isDirectory() ? 'is a folder, not a file' : 'is not a regular file';
      throw new FileReadError(`${fileName} ${what}.`, fileName);
    }
    const size = stats.size;
    if (size === 0) throw new FileReadError(`${fileName}: the file is empty.`, fileName);
    if (size > limits.maxFileBytes) {
      throw new FileReadError(
        `${fileName} is ${formatBytes(size)}, over the ${formatBytes(limits.maxFileBytes)} we read: split it into smaller files.`,
        fileName,
      );
    }
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

async function openFile(path: string, fileName: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : code === 'EACCES'
            ? 'cannot be opened (permission denied)'
            : `cannot be opened (${code ?? 'unknown error'})`;
    throw new FileReadError(`${fileName} ${reason}.`, fileName);
  }
}
