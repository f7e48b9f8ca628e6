import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { REPO_ROOT, startHarness, type Harness } from '../helpers/engine.js';

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

  it('ends failed with a message naming the file when the file has no customer columns', async () => {
    h = await startHarness();
    const meta = await h.sync(join(REPO_ROOT, 'fixtures/ingest/no-customer-columns.csv'), {}, 30_000);
    expect(meta.state).toBe('failed');
    expect(meta.error).toContain('no-customer-columns.csv');
  });
});
