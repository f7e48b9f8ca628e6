/**
 * Links, FIFOs and hard links dropped in the inbox are never read: they end in failed/ with a note saying
 * why, the file they point at never reaches an import, a log line or Redis, and a normal file dropped
 * after them is imported.
 */
import { execFileSync } from 'node:child_process';
import { link, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { importsNamed, list, newWatchDir, startWatcher } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

/** Every value of a Redis hash or string under the harness's prefix, joined. */
async function redisText(): Promise<string> {
  const redis = h.app.redis;
  const keys = await redis.keys(`${h.env.REDIS_PREFIX}*`);
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'string') parts.push((await redis.get(key)) ?? '');
  }
  return parts.join('\n');
}

describe('watched folder: hostile entries', () => {
  it('refuses links, a FIFO and a hard link without reading them, then imports the next file', async () => {
    const dir = await newWatchDir(h.dir);
    const secretMarker = 'SECRET-ROW-7f3a9c';
    const secret = join(h.dir, 'private.csv');
    await writeFile(secret, `Customer Code,Customer Name,Mobile\n${secretMarker},Ramesh Kumar,9845012345\n`, {
      mode: 0o600,
    });
    await mkdir(join(dir, 'inbox'), { recursive: true });
    await symlink(secret, join(dir, 'inbox', 'linked.csv'));
    await symlink('/etc/passwd', join(dir, 'inbox', 'passwd.csv'));
    execFileSync('mkfifo', [join(dir, 'inbox', 'pipe.csv')]);
    await link(secret, join(dir, 'inbox', 'hardlink.csv'));

    const watcher = await startWatcher(h.app, dir);
    try {
      const hostile = ['linked.csv', 'passwd.csv', 'pipe.csv', 'hardlink.csv'];
      const failed = await eventually(
        async () => {
          const names = await list(dir, 'failed');
          return hostile.every((n) => names.some((f) => f.endsWith(`__${n}.error.txt`))) ? names : undefined;
        },
        20_000,
        'every hostile entry in failed/',
      );
      for (const name of hostile) {
        const note = failed.find((f) => f.endsWith(`__${name}.error.txt`)) ?? '';
        const text = await readFile(join(dir, 'failed', note), 'utf8');
        expect(text).toContain(name);
        expect(text).toMatch(/link|not a regular file|names/);
        expect(text).not.toContain(secretMarker);
        expect(text).not.toContain('root:');
        expect(await importsNamed(h.app, name)).toEqual([]);
      }
      // Nothing of the outside files reached the private copies, Redis or the logs.
      const copies = await readdir(join(h.env.STATE_DIR ?? '', 'uploads', 'watch')).catch(() => []);
      for (const copy of copies) {
        const text = await readFile(join(h.env.STATE_DIR ?? '', 'uploads', 'watch', copy), 'utf8');
        expect(text).not.toContain(secretMarker);
      }
      const logs = h.logs.join('');
      expect(logs).not.toContain(secretMarker);
      expect(logs).not.toContain('root:x:0');
      expect(await redisText()).not.toContain(secretMarker);

      // No import slot is held by the FIFO: the next normal file is imported.
      await writeFile(join(dir, 'next.csv'), syntheticCsv(3, 41, 3000));
      execFileSync('mv', [join(dir, 'next.csv'), join(dir, 'inbox', 'next.csv')]);
      await eventually(
        async () => ((await list(dir, 'done')).some((n) => n.endsWith('__next.csv')) ? true : undefined),
        20_000,
        'next.csv in done/',
      );
      const [id] = await importsNamed(h.app, 'next.csv');
      expect((await h.app.imports.get(id ?? ''))?.counts.created).toBe(3);
    } finally {
      await watcher.close();
    }
  });
});
