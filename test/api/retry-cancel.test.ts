import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { csvLines, startApi, type ApiHarness, type ImportViewJson } from './helpers.js';

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('retry-failed and cancel', () => {
  it('retry-failed makes a new import, linked to the first, of only its failed rows', async () => {
    api = await startApi({
      // Breaker off: with it, rows wait out an outage instead of failing, and this test needs failed rows.
      env: { RETRY_ATTEMPTS: '1', WORKER_CONCURRENCY: '1', ENKASH_BREAKER_THRESHOLD: '0' },
      faults: { latencyMs: 30 },
    });
    const a = api;
    const res = await a.upload(syntheticCsv(20, 3), 'twenty.csv');
    const first = (await res.json()) as { importId: string };
    // Once the first rows went through (the import has read its snapshot), EnKash fails every call, so
    // the rows still queued end `failed` at their first attempt.
    await eventually(async () => {
      const v = (await (await a.call(`/imports/${first.importId}`)).json()) as ImportViewJson;
      return v.progress.done >= 2 ? v : undefined;
    });
    a.h.sandbox.setFaults({ failureRate: 1 });
    const failed = await a.waitDone(first.importId);
    expect(failed.state).toBe('done');
    expect(failed.counts.failed).toBeGreaterThan(0);
    const failedCount = failed.counts.failed ?? 0;

    a.h.sandbox.setFaults({ failureRate: 0 });
    const retry = await a.call(`/imports/${first.importId}/retry-failed`, { method: 'POST' });
    expect(retry.status).toBe(202);
    const second = (await retry.json()) as { importId: string; duplicate: boolean };
    expect(second.importId).not.toBe(first.importId);
    const view = await a.waitDone(second.importId);
    expect(view.options.retryOf).toBe(first.importId);
    expect(view.options.onlyRowCount).toBe(failedCount);
    expect(view.progress.total).toBe(failedCount);
    expect(view.counts.failed).toBe(0);
    expect((view.counts.created ?? 0) + (view.counts.updated ?? 0) + (view.counts.unchanged ?? 0)).toBe(
      failedCount,
    );
    const results = csvLines(await (await a.call(`/imports/${second.importId}/results.csv`)).text());
    expect(results).toHaveLength(failedCount + 1);
  });

  it('DELETE cancels the rows not yet sent: 202, the import ends cancelled with skipped rows and a report', async () => {
    api = await startApi({ env: { WORKER_CONCURRENCY: '1' }, faults: { latencyMs: 40 } });
    const a = api;
    const first = (await (await a.upload(syntheticCsv(120, 5), 'big.csv')).json()) as { importId: string };
    await eventually(async () => {
      const v = (await (await a.call(`/imports/${first.importId}`)).json()) as ImportViewJson;
      return v.progress.done > 0 ? v : undefined;
    });
    const cancel = await a.call(`/imports/${first.importId}`, { method: 'DELETE' });
    expect(cancel.status).toBe(202);
    const view = await a.waitDone(first.importId, 60_000);
    expect(view.state).toBe('cancelled');
    expect(view.counts.skipped).toBeGreaterThan(0);
    expect(view.reportReady).toBe(true);
    expect((await a.call(`/imports/${first.importId}`, { method: 'DELETE' })).status).toBe(409);
  });
});
