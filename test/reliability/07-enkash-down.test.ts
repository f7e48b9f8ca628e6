/**
 * Scenario 7: EnKash goes down mid-import — every call a 503, then (a second outage) every call left
 * unanswered until the client's timeout — and comes back. Two worker processes. The circuit breaker
 * (src/enkash/circuit-breaker.ts) is what keeps the calls few: after ENKASH_BREAKER_THRESHOLD consecutive
 * failures no process calls EnKash except one probe at a time, and rows wait without using attempts.
 * Promise: calls while down ≤ what was in flight + the threshold + one probe per open period; no row
 * fails; work resumes within one open period of EnKash being back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
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

/** Open periods that start within `outageMs`: each ends in one probe. */
function probesWithin(outageMs: number, openMs: number, maxOpenMs: number): number {
  let t = 0;
  let n = 0;
  while (t < outageMs) {
    t += Math.min(maxOpenMs, openMs * 2 ** n);
    n += 1;
  }
  return n;
}

describe('scenario 7: EnKash down, then back', () => {
  it('5xx and timeouts: few calls while down, no row failed, prompt resume', async () => {
    const rows = sized(900, 6_000);
    const outageMs = sized(10_000, 60_000);
    const maxConnections = 16;
    const h = await newHarness({
      env: { ENKASH_RATE_LIMIT_PER_SEC: '200', ENKASH_MAX_CONNECTIONS: String(maxConnections) },
    });
    // The product's defaults: threshold, first open period, longest open period.
    const { breakerThreshold, breakerOpenMs, breakerMaxOpenMs } = loadConfig(h.env).enkash;
    const worker = h.spawnWorker();
    await h.workerReady(worker);
    const inFlightCapacity = 2 * maxConnections;
    const probeBound = probesWithin(outageMs, breakerOpenMs, breakerMaxOpenMs);
    const callBound = inFlightCapacity + breakerThreshold + probeBound;

    const id = await submitCustomers(h, rows, 7);
    const figures: Record<string, Figure> = {
      rows,
      outageSeconds: outageMs / 1000,
      processes: 2,
      breakerThreshold,
      breakerOpenMs,
      breakerMaxOpenMs,
      callBound,
    };
    const outages: Array<{ kind: string; calls: number; opens: number; resumeS: number }> = [];
    for (const [i, kind] of (['5xx', 'timeout'] as const).entries()) {
      await rowsDone(h, id, Math.round(((i + 1) * rows) / 5));
      const logsBefore = h.logs.length;
      const before = h.sandbox.stats().total;
      h.sandbox.setFaults({ outageKind: kind, outageUntil: Date.now() + outageMs });
      await sleep(outageMs);
      const back = Date.now();
      const calls = h.sandbox.stats().total - before;
      const resumed = await nextSuccessfulWrite(h.sandbox);
      const opens = h.logs.slice(logsBefore).join('').split('enkash_circuit_open').length - 1;
      outages.push({ kind, calls, opens, resumeS: seconds(resumed - back) });
    }
    const meta = await finished(h, id);
    const keys = customersPerKey(h.sandbox);
    for (const o of outages) {
      figures[`${o.kind}:callsWhileDown`] = o.calls;
      figures[`${o.kind}:breakerOpenings`] = o.opens;
      figures[`${o.kind}:resumeSecondsAfterBack`] = o.resumeS;
    }
    Object.assign(figures, {
      rowsFailed: meta.counts.failed ?? 0,
      rowsCreated: meta.counts.created ?? 0,
      duplicateCustomers: keys.duplicates,
    });
    recordScenario({
      id: 7,
      title: `EnKash down for ${outageMs / 1000} s (all 5xx, then all timeouts), then back`,
      promise:
        'calls while down stay few (in flight + breaker threshold + one probe per open period); no row fails; work resumes within one open period',
      figures,
      summary:
        outages
          .map((o) => `${o.kind}: ${o.calls} calls while down, resumed ${o.resumeS} s after it was back`)
          .join('; ') + `; ${meta.counts.failed ?? 0} rows failed, ${keys.duplicates} duplicates`,
    });

    expect(meta.state).toBe('done');
    expect(meta.counts.created).toBe(rows);
    expect(meta.counts.failed ?? 0).toBe(0);
    expect(keys.duplicates).toBe(0);
    for (const o of outages) {
      expect(o.calls, `${o.kind}: calls while down`).toBeLessThanOrEqual(callBound);
      expect(o.opens, `${o.kind}: the breaker opened`).toBeGreaterThan(0);
      // Generous: the longest open period, the probe's own timeout, and a loaded machine.
      expect(o.resumeS, `${o.kind}: resumed`).toBeLessThan((breakerMaxOpenMs + 10_000) / 1000);
    }
  });
});
