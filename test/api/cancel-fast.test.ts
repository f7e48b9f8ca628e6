/**
 * A cancel stops sending at once: the rows still queued are taken out of the rows queue when the cancel
 * is accepted (not drained one job start at a time behind the limiter), the import shows `cancelling`
 * at once, and the only writes EnKash sees after it are those already in flight — bounded by the
 * worker concurrency, whatever the queue held. Counted, never timed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, writeCalls } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { jobIds } from '../../src/queue/queues.js';
import { startApi, type ApiHarness, type ImportViewJson } from './helpers.js';

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const CONCURRENCY = 4;
const ROWS = 300;

describe('cancel', () => {
  it('takes the queued rows out at once; after it, at most the requests in flight reach EnKash', async () => {
    api = await startApi({
      // A ceiling makes the rows worker's limiter pace job starts (2 × 20/s): what made a cancel of 946
      // rows drain for 47 s. A slow EnKash keeps most rows queued when the cancel comes.
      env: { WORKER_CONCURRENCY: String(CONCURRENCY), ENKASH_RATE_LIMIT_PER_SEC: '20' },
      faults: { latencyMs: 150 },
    });
    const a = api;
    const { importId } = (await (await a.upload(syntheticCsv(ROWS, 11), 'many.csv')).json()) as {
      importId: string;
    };
    await eventually(async () => {
      const v = (await (await a.call(`/imports/${importId}`)).json()) as ImportViewJson;
      return v.progress.total === ROWS && v.progress.done >= 2 ? v : undefined;
    }, 60_000);

    const cancel = await a.call(`/imports/${importId}`, { method: 'DELETE' });
    expect(cancel.status).toBe(202);
    const writesAtCancel = writeCalls(a.h.sandbox);
    const rowPrefix = jobIds.row(importId, 0).slice(0, -1);
    const queued = (await a.h.app.queues.rows.getRanges(['waiting', 'prioritized', 'delayed'], 0, -1)).filter(
      (id) => id.startsWith(rowPrefix),
    );
    expect(queued).toEqual([]);
    const seen = (await (await a.call(`/imports/${importId}`)).json()) as ImportViewJson;
    expect(['cancelling', 'cancelled']).toContain(seen.state);

    const view = await a.waitDone(importId, 60_000);
    expect(view.state).toBe('cancelled');
    const writesAfter = writeCalls(a.h.sandbox) - writesAtCancel;
    expect(writesAfter).toBeLessThanOrEqual(CONCURRENCY);
    const created = view.counts.created ?? 0;
    const skipped = view.counts.skipped ?? 0;
    expect(skipped).toBeGreaterThan(ROWS / 2);
    expect(created + skipped).toBe(ROWS);
    // Every row reported created is in EnKash and no row reported skipped is.
    expect(a.h.sandbox.customers()).toHaveLength(created);
    expect(view.reportReady).toBe(true);
  });
});
