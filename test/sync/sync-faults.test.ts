import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function assertNoDuplicates(harness: Harness) {
  const refs = harness.sandbox.customers().map((c) => c.uniqueRefNo);
  expect(new Set(refs).size).toBe(refs.length);
}

describe('sync under faults', () => {
  it('with 10 % 5xx, 5 % creates that commit and never answer, and a 429 burst: every row final, no duplicate, none lost', async () => {
    h = await startHarness({
      faults: { failureRate: 0.1, hangCreateRate: 0.05 },
      env: { ENKASH_TIMEOUT_MS: '400', ENKASH_RATE_LIMIT_PER_SEC: '300', WORKER_CONCURRENCY: '32' },
    });
    const rows = 300;
    const file = join(h.dir, 'faults.csv');
    await writeFile(file, syntheticCsv(rows, 11));
    const harness = h;
    const running = harness.sync(file, {}, 90_000);
    await eventually(async () => {
      const meta = (await harness.app.store.list(0, 1))[0];
      const m = meta ? await harness.app.store.get(meta) : null;
      return m && m.done >= 60 ? true : undefined;
    });
    harness.sandbox.setFaults({ rateLimitedUntil: Date.now() + 1500, retryAfterFormat: 'http-date' });
    const meta = await running;

    expect(meta.state).toBe('done');
    expect(meta.counts, 'every row created exactly once').toMatchObject({ created: rows, failed: 0 });
    expect(Object.values(meta.counts).reduce((a, b) => a + b, 0)).toBe(rows);
    const stats = harness.sandbox.stats();
    expect(stats.hungCreates).toBeGreaterThan(0);
    // The burst reached whatever was in flight: creates, or the lookups after hung creates. The first 429
    // pauses every worker, so which of them took it is the machine's timing.
    const throttled = Object.values(stats.requests).reduce(
      (sum, byStatus) => sum + (byStatus['429'] ?? 0),
      0,
    );
    expect(throttled).toBeGreaterThan(0);
    expect(stats.customers).toBe(rows);
    assertNoDuplicates(harness);
  });

  it('a 429 on a create causes no lookup: the row is created on its next try without a search', async () => {
    h = await startHarness({ env: { ENKASH_RATE_LIMIT_PER_SEC: '', WORKER_CONCURRENCY: '16' } });
    const rows = 120;
    const file = join(h.dir, 'storm.csv');
    await writeFile(file, syntheticCsv(rows, 12));
    const harness = h;
    const running = harness.sync(file, {}, 90_000);
    let searchesBefore = -1;
    await eventually(async () => {
      const id = (await harness.app.store.list(0, 1))[0];
      const m = id ? await harness.app.store.get(id) : null;
      if (!m || m.done < 10) return undefined;
      searchesBefore = Object.values(harness.sandbox.stats().requests.search ?? {}).reduce(
        (a, b) => a + b,
        0,
      );
      return true;
    });
    harness.sandbox.setFaults({ rateLimitedUntil: Date.now() + 1500 });
    const meta = await running;

    expect(meta.counts).toMatchObject({ created: rows, failed: 0 });
    const stats = harness.sandbox.stats();
    expect(stats.requests.create?.['429'] ?? 0).toBeGreaterThan(0);
    const searches = Object.values(stats.requests.search ?? {}).reduce((a, b) => a + b, 0);
    expect(searches, 'searches after the 429s').toBe(searchesBefore);
    assertNoDuplicates(harness);
  });
});
