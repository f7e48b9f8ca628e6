import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ localWorker: false });
});
afterAll(async () => h?.close());

describe('ImportService.submitOnce', () => {
  it('turns the same file submitted three times at once into one import, and allows it again once that is over', async () => {
    const a = join(h.dir, 'a.csv');
    const b = join(h.dir, 'copy-of-a.csv');
    await writeFile(a, syntheticCsv(5, 3));
    await writeFile(b, syntheticCsv(5, 3));
    const options = { mode: 'upsert' as const, dryRun: false, matchKey: 'uniqueRefNo' as const };
    const submitted = await Promise.all([
      h.app.imports.submitOnce({ filePath: a, origin: 'api', options }),
      h.app.imports.submitOnce({ filePath: b, origin: 'watch', options }),
      h.app.imports.submitOnce({ filePath: a, origin: 'schedule', options }),
    ]);
    const ids = new Set(submitted.map((s) => s.importId));
    expect(ids.size).toBe(1);
    expect(submitted.filter((s) => !s.duplicate)).toHaveLength(1);

    const other = await h.app.imports.submitOnce({
      filePath: a,
      origin: 'api',
      options: { ...options, dryRun: true },
    });
    expect(other.duplicate).toBe(false);

    h.app.startWorkers();
    const first = [...ids][0] ?? '';
    await h.app.imports.waitFor(first, () => undefined, { pollMs: 100 });
    const again = await h.app.imports.submitOnce({ filePath: a, origin: 'api', options });
    expect(again).toMatchObject({ duplicate: false });
    expect(again.importId).not.toBe(first);
  });

  it('takes options in any order, and a mapping file by its content, as the same import', async () => {
    const file = join(h.dir, 'mapped.csv');
    await writeFile(file, syntheticCsv(3, 7));
    const mapping = JSON.stringify({ columns: { uniqueRefNo: 'Customer Code' } });
    const m1 = join(h.dir, 'upload-1-mapping.json');
    const m2 = join(h.dir, 'upload-2-mapping.json');
    await writeFile(m1, mapping);
    await writeFile(m2, mapping);
    const a = await h.app.imports.submitOnce({
      filePath: file,
      origin: 'api',
      options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo', mapping: m1 },
    });
    const b = await h.app.imports.submitOnce({
      filePath: file,
      origin: 'schedule',
      options: { mapping: m2, matchKey: 'uniqueRefNo', dryRun: false, mode: 'upsert' },
    });
    expect(b).toEqual({ importId: a.importId, duplicate: true });
    await writeFile(m2, mapping.replace('Customer Code', 'Code'));
    const c = await h.app.imports.submitOnce({
      filePath: file,
      origin: 'api',
      options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo', mapping: m2 },
    });
    expect(c.duplicate).toBe(false);
  });
});
