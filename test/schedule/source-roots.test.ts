import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newestInFolder } from '../../src/schedule/source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-roots-'));
  await mkdir(join(dir, 'exports'));
  await mkdir(join(dir, 'elsewhere'));
  await writeFile(join(dir, 'exports', 'customers-1.csv'), 'a\n');
  await writeFile(join(dir, 'elsewhere', 'private.csv'), 'secret\n', { mode: 0o600 });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('nightly folder sources', () => {
  it('reads only folders inside JOB_SOURCE_ROOTS, a link to a folder outside included', async () => {
    const roots = [join(dir, 'exports')];
    const found = await newestInFolder({ folder: join(dir, 'exports'), glob: 'customers-*.csv' }, roots);
    expect(found?.name).toBe('customers-1.csv');
    await expect(newestInFolder({ folder: join(dir, 'elsewhere'), glob: '*.csv' }, roots)).rejects.toThrow(
      /is outside JOB_SOURCE_ROOTS/,
    );
    await symlink(join(dir, 'elsewhere'), join(dir, 'exports', 'sneaky'));
    await expect(
      newestInFolder({ folder: join(dir, 'exports', 'sneaky'), glob: '*.csv' }, roots),
    ).rejects.toThrow(/is outside JOB_SOURCE_ROOTS/);
  });

  it('does not follow a link matching the glob', async () => {
    await symlink(join(dir, 'elsewhere', 'private.csv'), join(dir, 'exports', 'customers-9.csv'));
    const found = await newestInFolder({ folder: join(dir, 'exports'), glob: 'customers-*.csv' }, [
      join(dir, 'exports'),
    ]);
    expect(found?.name).toBe('customers-1.csv');
  });
});
