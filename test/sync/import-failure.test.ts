import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, startHarness, type Harness } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('an import that cannot go on', () => {
  it('ends failed with the reason when EnKash is down while the account is read (not stuck in progress)', async () => {
    h = await startHarness({ faults: { failureRate: 1 }, env: { RETRY_ATTEMPTS: '1' } });
    const meta = await h.sync(join(REPO_ROOT, 'fixtures/demo/customers.csv'), {}, 30_000);
    expect(meta.state).toBe('failed');
    expect(meta.error).toMatch(/stopped while reading the file/);
  });

  it('a file longer than one batch: EnKash down while planning fails the import job, it never drops the rest of the file as unreadable', async () => {
    h = await startHarness({ env: { RETRY_ATTEMPTS: '1' } });
    const file = join(h.dir, 'customers.csv');
    await writeFile(file, syntheticCsv(1200, 3));
    h.sandbox.setFaults({ outageUntil: Date.now() + 60_000 });
    const meta = await h.sync(file, {}, 30_000);
    // Before: "done" with 500 of the 1,200 rows, the error reported as the file breaking after row 501.
    expect(meta.state).toBe('failed');
    expect(meta.error).toMatch(/stopped while reading the file: .*503/);
  });

  it('ends failed with a message naming the file when the file has no customer columns', async () => {
    h = await startHarness();
    const meta = await h.sync(join(REPO_ROOT, 'fixtures/ingest/no-customer-columns.csv'), {}, 30_000);
    expect(meta.state).toBe('failed');
    expect(meta.error).toContain('no-customer-columns.csv');
  });
});
