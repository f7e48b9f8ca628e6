import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { sweepOld } from '../src/retention/sweep.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-sweep-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const DAY = 24 * 3600 * 1000;

describe('retention sweeper', () => {
  it('deletes uploads, private copies and report folders older than the retention, and nothing newer', async () => {
    const uploads = join(dir, 'uploads');
    const reports = join(dir, 'reports');
    await mkdir(join(uploads, 'watch'), { recursive: true });
    await mkdir(join(reports, 'imp-old'), { recursive: true });
    await mkdir(join(reports, 'imp-new'), { recursive: true });
    await writeFile(join(reports, 'imp-old', 'results.csv'), 'x');
    for (const f of ['old.csv', 'new.csv']) await writeFile(join(uploads, f), 'x');
    for (const f of ['old-copy.csv', 'new-copy.csv']) await writeFile(join(uploads, 'watch', f), 'x');
    const now = Date.now();
    const old = new Date(now - 31 * DAY);
    for (const p of [
      join(uploads, 'old.csv'),
      join(uploads, 'watch', 'old-copy.csv'),
      join(reports, 'imp-old'),
    ])
      await utimes(p, old, old);
    const removed = await sweepOld([uploads, reports], 30 * DAY, now);
    expect(removed.length).toBe(3);
    expect(await readdir(uploads)).toEqual(expect.arrayContaining(['new.csv', 'watch']));
    expect(await readdir(uploads)).not.toContain('old.csv');
    expect(await readdir(join(uploads, 'watch'))).toEqual(['new-copy.csv']);
    expect(await readdir(reports)).toEqual(['imp-new']);
  });

  it('keeps files at least as long as imports are kept in Redis', () => {
    expect(() => loadConfig({ FILE_RETENTION_DAYS: '3', JOB_RETENTION_SEC: String(7 * 24 * 3600) })).toThrow(
      /FILE_RETENTION_DAYS: must keep files at least as long as JOB_RETENTION_SEC/,
    );
    expect(loadConfig({}).paths.fileRetentionDays).toBe(30);
  });
});
