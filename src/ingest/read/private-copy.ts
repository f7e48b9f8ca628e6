/**
 * A private copy of a file others can write to, made from one safely opened handle (safe-open.ts) and
 * hashed on the way: what is imported, hashed and re-read for the report is then this copy, whatever
 * happens to the original's name afterwards (a link or a FIFO swapped in after the claim).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openRegularFile, type SafeOpenOptions } from './safe-open.js';

/** Copies `source` to `target` (0600, written to a temp name and renamed); returns the sha256 of its bytes. */
export async function privateCopy(
  source: string,
  target: string,
  fileName: string,
  options: SafeOpenOptions = {},
): Promise<string> {
  const { handle } = await openRegularFile(source, fileName, options);
  const hash = createHash('sha256');
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    await pipeline(
      handle.createReadStream({ autoClose: false, highWaterMark: 64 * 1024 }),
      tap,
      createWriteStream(tmp, { mode: 0o600, flags: 'wx' }),
    );
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
