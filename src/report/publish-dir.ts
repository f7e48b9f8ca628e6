/**
 * Publishing a report folder so that a reader never sees half of it: everything is written into
 * `<dir>.tmp-<random>` beside the target (same file system, so rename is atomic), fsynced, then renamed.
 *
 * Replacing an existing folder (a retried finalize): POSIX rename cannot replace a non-empty directory and
 * Node has no RENAME_EXCHANGE, so the old folder is renamed aside to `<dir>.old-<random>`, the new one
 * renamed in, and the old one deleted. Between those two renames `dir` is briefly absent — a reader sees
 * no report, never a mixed one. If the second rename fails, the old folder is put back.
 *
 * Two writers finalizing the same folder at the same moment are not supported (the import's job lock
 * prevents it); the loser fails and removes its temp folder. Leftover `.tmp-*`/`.old-*` folders from a
 * crashed process are not swept here: they may belong to a writer still running.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Creates `<dir>.tmp-XXXXXX` beside `dir` (and `dir`'s parent if needed). */
export async function makeTempBeside(dir: string): Promise<string> {
  await mkdir(dirname(dir), { recursive: true });
  return mkdtemp(join(dirname(dir), `${basename(dir)}.tmp-`));
}

/** fsync a directory so renames and new entries in it survive a crash (not possible on Windows). */
export async function syncDir(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw err;
  } finally {
    await handle?.close();
  }
}

function isOccupied(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM';
}

/** Moves the finished temp folder to `dir`, replacing a previous report there. */
export async function publishDir(temp: string, dir: string): Promise<void> {
  await syncDir(temp);
  try {
    await rename(temp, dir);
  } catch (err) {
    if (!isOccupied(err)) throw err;
    await replaceDir(temp, dir);
  }
  await syncDir(dirname(dir));
}

async function replaceDir(temp: string, dir: string): Promise<void> {
  const old = `${dir}.old-${randomBytes(4).toString('hex')}`;
  await rename(dir, old);
  try {
    await rename(temp, dir);
  } catch (err) {
    await rename(old, dir).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(dir));
  await rm(old, { recursive: true, force: true });
}
