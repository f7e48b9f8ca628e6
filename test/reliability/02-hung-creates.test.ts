/**
 * Scenario 2: 5 % of creates commit in EnKash but never answer (the sandbox's hangCreateRate). EnKash has
 * no idempotency key, so a blind retry would make a second customer; the engine looks the customer up
 * instead (README "Sync rules"). Promise: no duplicate customer, every row created, few extra calls.
 */
import { describe, expect, it } from 'vitest';
import {
  checkReport,
  customersPerKey,
  finished,
  harnessPerTest,
  ratio,
  sandboxCalls,
  seconds,
  submitCustomers,
} from './helpers/imports.js';
import { recordScenario, sized } from './helpers/scenario.js';

const newHarness = harnessPerTest();

describe('scenario 2: creates that commit and never answer', () => {
  it('5 % hung creates: no duplicate, no row failed', async () => {
    const rows = sized(400, 5_000);
    const h = await newHarness({
      faults: { hangCreateRate: 0.05 },
      // A hung create costs one timeout: short, so the scenario measures calls, not waiting; not so short
      // that a loaded machine's slow answers time out too (each would add a lookup to the figures).
      env: { ENKASH_TIMEOUT_MS: '1000', ENKASH_RATE_LIMIT_PER_SEC: '200' },
    });
    const started = Date.now();
    const id = await submitCustomers(h, rows, 2);
    const meta = await finished(h, id);
    const elapsed = Date.now() - started;

    const stats = h.sandbox.stats();
    const calls = sandboxCalls(h.sandbox);
    const keys = customersPerKey(h.sandbox);
    const report = await checkReport(meta, rows, h.sandbox);
    const failed = meta.counts.failed ?? 0;
    // Without faults: one token, one search for the account's snapshot, one create per row.
    const extraCalls = calls.total - rows - stats.tokenRequests - 1;
    recordScenario({
      id: 2,
      title: '5 % of creates commit but never answer',
      promise:
        'no duplicate customer; every row ends created; a lost answer costs a lookup, not a second create',
      figures: {
        rows,
        hungCreates: stats.hungCreates,
        duplicateCustomers: keys.duplicates,
        customers: keys.customers,
        rowsFailed: failed,
        rowsCreated: meta.counts.created ?? 0,
        sandboxCalls: calls.total,
        callsPerRow: ratio(calls.total, rows),
        writeCalls: calls.writes,
        writesPerRow: ratio(calls.writes, rows),
        searches: Object.values(stats.requests.search ?? {}).reduce((a, b) => a + b, 0),
        extraCalls,
        extraCallsPerRow: ratio(extraCalls, rows),
        extraCallsPerHungCreate: ratio(extraCalls, stats.hungCreates),
        reportLines: report.lines,
        seconds: seconds(elapsed),
      },
      summary:
        `${stats.hungCreates} hung creates in ${rows.toLocaleString('en')} rows: ${keys.duplicates} duplicates, ` +
        `${failed} rows failed; ${ratio(calls.total, rows)} calls and ${ratio(calls.writes, rows)} writes per row`,
    });

    expect(meta.state).toBe('done');
    expect(stats.hungCreates).toBeGreaterThan(0);
    expect(keys.duplicates).toBe(0);
    expect(keys.customers).toBe(rows);
    expect(failed).toBe(0);
    expect(meta.counts.created).toBe(rows);
    expect(report).toMatchObject({ lines: rows, maxPerRow: 1, missingRows: 0 });
    // One create per row; a row whose create hung may retry its create only after a lookup found nothing.
    expect(stats.requests.create?.['200']).toBe(rows - stats.hungCreates);
  });
});
