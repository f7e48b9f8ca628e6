/**
 * Opening a file someone else may control (a watched folder, a nightly export folder, an upload) without
 * being led elsewhere: the name is looked at without following links, opened with O_NOFOLLOW (a link
 * swapped in meanwhile fails instead of being followed) and O_NONBLOCK (a FIFO swapped in cannot stall the
 * open), and the handle itself is checked to be the regular file that was looked at. Sizes are checked
 * here, before a byte is read or hashed.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { FileReadError } from '../raw-row.js';
import { formatBytes } from './limits.js';

/** Flags of every read of a file to import: never through a link on the last component, never blocking. */
export const SAFE_READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * The same flags for `createReadStream`, which passes them to `fs.open` as they are (numbers included)
 * although its type declares only the string forms, none of which can say O_NOFOLLOW.
 */
export const SAFE_STREAM_FLAGS = SAFE_READ_FLAGS as unknown as string;

export type SafeOpenOptions = {
  /** Refused before anything is read when larger. */
  maxBytes?: number;
  /**
   * Refuse a regular file with more than one name: in a folder others write to, a hard link is how a
   * file the writer could not copy would be slipped in.
   */
  singleLink?: boolean;
};

export type OpenedFile = { handle: FileHandle; size: number; stats: Stats };

export async function openRegularFile(
  path: string,
  fileName: string,
  options: SafeOpenOptions = {},
): Promise<OpenedFile> {
  const seen = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    throw new FileReadError(`${fileName} ${openFailure(err.code)}.`, fileName);
  });
  refuseUnlessRegular(seen, fileName);
  let handle: FileHandle;
  try {
    handle = await open(path, SAFE_READ_FLAGS);
  } catch (err) {
    throw new FileReadError(`${fileName} ${openFailure((err as NodeJS.ErrnoException).code)}.`, fileName);
  }
  try {
    const stats = await handle.stat();
    refuseUnlessRegular(stats, fileName);
    if (stats.ino !== seen.ino || stats.dev !== seen.dev) {
      throw new FileReadError(`${fileName} was replaced while it was being opened; not read.`, fileName);
    }
    if (options.singleLink && stats.nlink > 1) {
      throw new FileReadError(
        `${fileName} has ${stats.nlink} names (a hard link); not read: copy the file itself in.`,
        fileName,
      );
    }
    if (options.maxBytes !== undefined && stats.size > options.maxBytes) {
      throw new FileReadError(
        `${fileName} is ${formatBytes(stats.size)}, over the ${formatBytes(options.maxBytes)} we read: split it into smaller files.`,
        fileName,
      );
    }
    return { handle, size: stats.size, stats };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

function refuseUnlessRegular(stats: Stats, fileName: string): void {
  if (stats.isFile()) return;
  const what = stats.isSymbolicLink()
    ? 'is a link; links are not followed (put the file itself there)'
    : stats.isDirectory()
      ? 'is a folder, not a file'
      : 'is not a regular file (a pipe, device or socket); not read';
  throw new FileReadError(`${fileName} ${what}.`, fileName);
}

function openFailure(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'EACCES':
      return 'cannot be opened (permission denied)';
    case 'ELOOP':
      return 'is a link; links are not followed (put the file itself there)';
    default:
      return `cannot be opened (${code ?? 'unknown error'})`;
  }
}
