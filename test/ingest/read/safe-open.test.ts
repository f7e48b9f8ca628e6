import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRowSource } from '../../../src/ingest/read/open-file.js';
import { openRegularFile } from '../../../src/ingest/read/safe-open.js';
import { fileHash } from '../../../src/sync/import-service.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-safe-open-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('openRegularFile', () => {
  it('reads a regular file', async () => {
    await writeFile(join(dir, 'ok.csv'), 'a,b\n1,2\n');
    const { handle, size } = await openRegularFile(join(dir, 'ok.csv'), 'ok.csv');
    await handle.close();
    expect(size).toBe(8);
  });

  it('refuses a link, a FIFO and a folder, naming the file', async () => {
    await writeFile(join(dir, 'target.csv'), 'secret\n');
    await symlink(join(dir, 'target.csv'), join(dir, 'link.csv'));
    execFileSync('mkfifo', [join(dir, 'fifo.csv')]);
    await expect(openRegularFile(join(dir, 'link.csv'), 'link.csv')).rejects.toThrow(
      'link.csv is a link; links are not followed',
    );
    // A FIFO with no writer would block a plain open forever: this returns at once with a message.
    await expect(openRegularFile(join(dir, 'fifo.csv'), 'fifo.csv')).rejects.toThrow(
      'fifo.csv is not a regular file',
    );
    await expect(openRegularFile(dir, 'dir')).rejects.toThrow('dir is a folder');
    await expect(openRowSource(join(dir, 'link.csv'))).rejects.toThrow('is a link');
    await expect(openRowSource(join(dir, 'fifo.csv'))).rejects.toThrow('not a regular file');
  });

  it('checks the size before a byte is hashed (a sparse 1.1 GiB file is refused, not read)', async () => {
    const big = join(dir, 'big.csv');
    await writeFile(big, '');
    await truncate(big, Math.round(1.1 * 1024 * 1024 * 1024));
    await expect(fileHash(big)).rejects.toThrow(/big\.csv is 1\.1 GB, over the 1\.0 GB we read/);
    await expect(fileHash(join(dir, 'link.csv'))).rejects.toThrow('is a link');
  });
});
