/**
 * Scenario 6: a 429 storm mid-import, once with Retry-After in seconds and once as an HTTP date, against
 * two worker processes. The sandbox counts every request that arrives before a Retry-After it has already
 * sent has passed. Promise: once a 429 is in, no process sends anything before Retry-After — the only
 * early arrivals are requests already on their way (at most one per connection) — and no row fails.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  customersPerKey,
  finished,
  harnessPerTest,
  nextSuccessfulWrite,
  rowsDone,
  seconds,
  submitCustomers,
} from './helpers/imports.js';
import { recordScenario, sized, type Figure } from './helpers/scenario.js';

const newHarness = harnessPerTest();

describe('scenario 6: 429 storm with Retry-After', () => {
  it('seconds and HTTP-date: nothing sent before Retry-After but what was in flight; no row fails', async () => {
    const rows = sized(900, 6_000);
    const stormMs = sized(2_500, 10_000);
    const maxConnections = 16;
    const h = await newHarness({
      env: { ENKASH_RATE_LIMIT_PER_SEC: '200', ENKASH_MAX_CONNECTIONS: String(maxConnections) },
    });
    const worker = h.spawnWorker();
    await h.workerReady(worker);
    // Two processes, each with at most `maxConnections` requests on the wire when a storm starts.
    const inFlightCapacity = 2 * maxConnections;

    const id = await submitCustomers(h, rows, 6);
    const figures: Record<string, Figure> = { rows, stormSeconds: stormMs / 1000, processes: 2 };
    const storms: Array<{ format: string; early: number; tooMany: number; resumeS: number }> = [];
    for (const [i, format] of (['seconds', 'http-date'] as const).entries()) {
      await rowsDone(h, id, Math.round(((i + 1) * rows) / 4));
      const before = h.sandbox.stats();
      h.sandbox.setFaults({ retryAfterFormat: format, rateLimitedUntil: Date.now() + stormMs });
      await sleep(stormMs);
      const over = Date.now();
      const resumed = await nextSuccessfulWrite(h.sandbox);
      const after = h.sandbox.stats();
      const tooMany = Object.entries(after.requests)
        .map(([op, byStatus]) => (byStatus['429'] ?? 0) - (before.requests[op]?.['429'] ?? 0))
        .reduce((a, b) => a + b, 0);
      storms.push({
        format,
        early: after.requestsBeforeRetryAfter - before.requestsBeforeRetryAfter,
        tooMany,
        resumeS: seconds(resumed - over),
      });
    }
    const meta = await finished(h, id);
    const stats = h.sandbox.stats();
    const keys = customersPerKey(h.sandbox);
    for (const s of storms) {
      figures[`${s.format}:requestsBeforeRetryAfter`] = s.early;
      figures[`${s.format}:answered429`] = s.tooMany;
      figures[`${s.format}:resumeSecondsAfterStorm`] = s.resumeS;
    }
    Object.assign(figures, {
      inFlightCapacity,
      latestEarlyArrivalMsAfterFirst429: stats.latestBeforeRetryAfterMs,
      rowsFailed: meta.counts.failed ?? 0,
      rowsCreated: meta.counts.created ?? 0,
      duplicateCustomers: keys.duplicates,
    });
    recordScenario({
      id: 6,
      title: '429 storm with Retry-After (seconds and HTTP-date)',
      promise:
        'after a 429 no process sends before Retry-After (only requests already in flight arrive early); no row fails',
      figures,
      summary:
        storms
          .map((s) => `${s.format}: ${s.early} requests before Retry-After, ${s.tooMany} × 429`)
          .join('; ') +
        ` (the early ones were in flight: the latest arrived ${stats.latestBeforeRetryAfterMs} ms after the first 429); ` +
        `${meta.counts.failed ?? 0} rows failed`,
    });

    expect(meta.state).toBe('done');
    expect(meta.counts.created).toBe(rows);
    expect(meta.counts.failed ?? 0).toBe(0);
    expect(keys.duplicates).toBe(0);
    for (const s of storms) {
      expect(s.tooMany, `${s.format}: the storm was met`).toBeGreaterThan(0);
      expect(s.early, `${s.format}: only requests already in flight`).toBeLessThanOrEqual(inFlightCapacity);
    }
  });
});
