/**
 * A cancel also stops the rows already in a worker's hands (src/sync/cancel-watch.ts): at the default
 * concurrency and a slow EnKash (5/s, 100 ms each), the rows taken before the cancel wait seconds for
 * their rate slots; once the cancel is seen they are not sent and end skipped by the cancel, as the rows
 * taken out of the queue do. The must-hold: EnKash receives no request from 2 s after the cancel
 * was accepted (read from the sandbox's stats over HTTP). Every row is reported once, no customer is
 * created twice, and a resume sends exactly the rows left unsent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { startApi, type ApiHarness, type ImportViewJson } from './helpers.js';

const ROWS = 80;
// At this ceiling the default concurrency (16) holds more rows than 2 s of sending: without the watch
// the rows in hand went on sending for seconds after the cancel (a faster rate drains them within 2 s).
const RATE = 5;

let api: ApiHarness;
beforeAll(async () => {
  // No WORKER_CONCURRENCY: the default for this ceiling (src/config.ts defaultConcurrency).
  api = await startApi({
    env: { ENKASH_RATE_LIMIT_PER_SEC: String(RATE) },
    faults: { latencyMs: 100, ratePerSec: RATE },
  });
});
afterAll(async () => api?.close());

const sandboxTotal = async () =>
  ((await (await fetch(`${api.h.sandbox.url}/__sandbox/stats`)).json()) as { total: number }).total;
const view = async (id: string) => (await (await api.call(`/imports/${id}`)).json()) as ImportViewJson;

type RowsPage = { total: number; rows: { row: number; outcome: string; warnings: string }[] };

describe('cancel: rows already in a worker’s hands', () => {
  it('EnKash sees no request from 2 s after the cancel; each row once; no customer twice; resume sends the rest', async () => {
    const upload = await api.upload(syntheticCsv(ROWS, 17), 'in-hand.csv');
    const { importId } = (await upload.json()) as { importId: string };
    // Some rows done: the workers' hands are full of rows waiting for their rate slots.
    await eventually(async () => {
      const v = await view(importId);
      return v.progress.total === ROWS && v.progress.done >= 15 ? v : undefined;
    }, 60_000);

    expect((await api.call(`/imports/${importId}`, { method: 'DELETE' })).status).toBe(202);
    const acceptedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, acceptedAt + 2000 - Date.now())));
    const at2s = await sandboxTotal();
    const first = await api.waitDone(importId, 60_000);
    expect(first.state).toBe('cancelled');
    // The must-hold: nothing arrived between cancel + 2 s and the import's end.
    expect(await sandboxTotal()).toBe(at2s);
    // Nothing of this process still watches the import.
    expect(api.h.app.engine.cancelWatch?.size).toBe(0);

    // Every row reported exactly once: created, or skipped by the cancel.
    const page = (await (await api.call(`/imports/${importId}/rows?limit=500`)).json()) as RowsPage;
    expect(page.total).toBe(ROWS);
    expect(new Set(page.rows.map((r) => r.row)).size).toBe(ROWS);
    const created = page.rows.filter((r) => r.outcome === 'created').length;
    const skipped = page.rows.filter((r) => r.outcome === 'skipped');
    expect(created + skipped.length).toBe(ROWS);
    expect(skipped.every((r) => r.warnings.startsWith('import cancelled before this row was sent'))).toBe(
      true,
    );
    expect(first.counts.skipped).toBe(skipped.length);
    // Every customer reported created is in EnKash, once; no skipped row is.
    const codes = api.h.sandbox.customers().map((c) => c.uniqueRefNo);
    expect(codes).toHaveLength(created);
    expect(new Set(codes).size).toBe(created);

    // Resume sends exactly the rows left unsent: afterwards EnKash has every row once.
    const res = await api.call(`/imports/${importId}/resume`, { method: 'POST' });
    expect(res.status).toBe(202);
    const resumed = (await res.json()) as { importId: string };
    const second = await api.waitDone(resumed.importId, 120_000);
    expect(second.state).toBe('done');
    expect(second.progress.total).toBe(skipped.length);
    expect(second.counts.created).toBe(skipped.length);
    const all = api.h.sandbox.customers().map((c) => c.uniqueRefNo);
    expect(all).toHaveLength(ROWS);
    expect(new Set(all).size).toBe(ROWS);
    expect(api.h.app.engine.cancelWatch?.size).toBe(0);
  });
});
