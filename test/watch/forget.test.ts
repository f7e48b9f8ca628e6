/** `customer-sync watch forget`: the duplicate note names the command, and after it the same bytes import again. */
import { execFile } from 'node:child_process';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgv } from '../helpers/cli-command.js';
import { REPO_ROOT, eventually, startHarness, type Harness } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { importsNamed, list, newWatchDir, startWatcher } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

function forget(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      cliArgv(['watch', 'forget', ...args]),
      {
        cwd: REPO_ROOT,
        env: { ...process.env, REDIS_PREFIX: h.app.config.redis.prefix, LOG_LEVEL: 'warn', WATCH_DIR: '' },
        timeout: 60_000,
      },
      (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
    );
  });
}

const doneNamed = (dir: string, name: string) =>
  eventually(
    async () => ((await list(dir, 'done')).some((n) => n.endsWith(`__${name}`)) ? true : undefined),
    30_000,
    `${name} in done/`,
  );

describe('watch forget', () => {
  it('forgets a file by its path, and the same content dropped again is imported again', async () => {
    const dir = await newWatchDir(h.dir);
    const watcher = await startWatcher(h.app, dir);
    try {
      const content = syntheticCsv(4, 21, 5000);
      await writeFile(join(dir, 'first.csv'), content);
      await rename(join(dir, 'first.csv'), join(dir, 'inbox', 'first.csv'));
      await doneNamed(dir, 'first.csv');

      await writeFile(join(dir, 'again.csv'), content);
      await rename(join(dir, 'again.csv'), join(dir, 'inbox', 'again.csv'));
      const note = await eventually(
        async () => (await list(dir, 'failed')).find((n) => n.endsWith('__again.csv.duplicate.txt')),
        30_000,
        'again.csv refused as a duplicate',
      );
      const text = await readFile(join(dir, 'failed', note), 'utf8');
      const command = /`customer-sync watch forget ([0-9a-f]{64}) --dir ([^`]+)`/.exec(text);
      expect(command?.[2]).toBe(dir);

      // By the refused file's path; the note's hash names the same entry.
      const refused = (await list(dir, 'failed')).find((n) => n.endsWith('__again.csv'));
      const forgot = await forget([join(dir, 'failed', refused!), '--dir', dir]);
      expect(forgot.code, forgot.stderr).toBe(0);
      expect(forgot.stdout).toContain(`forgot ${command?.[1]}`);
      const twice = await forget([command![1]!, '--dir', dir]);
      expect(twice.code).toBe(1);
      expect(twice.stdout).toContain('not in the ledger');

      await writeFile(join(dir, 'third.csv'), content);
      await rename(join(dir, 'third.csv'), join(dir, 'inbox', 'third.csv'));
      await doneNamed(dir, 'third.csv');
      expect(await importsNamed(h.app, 'third.csv')).toHaveLength(1);
    } finally {
      await watcher.close();
    }
  });

  it('says what it needs: a folder, and a file or a SHA-256', async () => {
    const noDir = await forget(['x.csv']);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr.trim()).toBe('customer-sync: name the watched folder: --dir DIR, or set WATCH_DIR');
    const dir = await newWatchDir(h.dir);
    const missing = await forget(['nope.csv', '--dir', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv: no such file (looked here and in');
  });
});
