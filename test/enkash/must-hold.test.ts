/**
 * The guarantees the rest of customer-sync builds on, checked across client instances AND processes,
 * against the sandbox. Figures are printed so that a run shows the margins, not just a pass.
 */
import { describe, expect, it } from 'vitest';
import type { EnkashError } from '../../src/enkash/errors.js';
import { startChildClient, type ChildClient } from './helpers/child-process.js';
import { startRecordingProxy } from './helpers/recording-proxy.js';
import { startSandboxProcess } from './helpers/sandbox-process.js';
import { sandboxFor } from './helpers/sandbox.js';
import { CREDENTIALS, capturingLogger, caught, useEnkashTestbed } from './helpers/setup.js';
import { runTokenExpiry } from './helpers/token-expiry.js';

const bed = useEnkashTestbed();
const search = { customerStatus: 'ALL' } as const;
const onePage = { limit: 1, offset: 0 };

async function child(args: Parameters<typeof startChildClient>[0]): Promise<ChildClient> {
  const started = await startChildClient(args);
  bed.defer(() => started.close());
  return started;
}

describe('must hold across processes', () => {
  it('token expiry under 32 concurrent calls in 2 processes: exactly one token request per expiry', async () => {
    const run = await runTokenExpiry(bed, { expiries: 2 });
    expect(run).toMatchObject({ coldStart: 1, perExpiry: [1, 1], failed: 0 });
    console.info(
      `token requests: 3 for 3 × 32 calls over 2 processes; search answers ${JSON.stringify(run.searchAnswers)}`,
    );
  });

  it('a 429 with Retry-After: no request from any client reaches EnKash before that time', async () => {
    const sandbox = await sandboxFor(bed);
    const proxy = await startRecordingProxy(sandbox.url);
    bed.defer(() => proxy.close());
    const prefix = bed.prefix();
    const config = { ratePerSec: 1000 };
    const [a, b] = [bed.client(proxy.url, { prefix, config }), bed.client(proxy.url, { prefix, config })];
    await a.searchCustomers(search, onePage);

    for (const format of ['seconds', 'http-date'] as const) {
      sandbox.setFaults({ retryAfterFormat: format, rateLimitedUntil: Date.now() + 1_200 });
      const before = proxy.arrivals.length;
      const err = (await caught(() => a.searchCustomers(search, onePage))) as EnkashError;
      expect(err).toMatchObject({ kind: 'rate-limited', httpStatus: 429 });
      const limitedAt = proxy.arrivals[before]!.atMs;
      // Both clients fire at once; none of their requests may arrive before Retry-After has passed.
      await Promise.all([
        ...Array.from({ length: 5 }, () => a.searchCustomers(search, onePage)),
        ...Array.from({ length: 5 }, () => b.searchCustomers(search, onePage)),
      ]);
      const next = proxy.arrivals[before + 1]!.atMs;
      console.info(
        `429 (${format}): Retry-After ${err.retryAfterMs} ms; next request arrived ${next - limitedAt} ms later`,
      );
      expect(proxy.arrivals.length).toBe(before + 11);
      expect(next - limitedAt).toBeGreaterThanOrEqual(err.retryAfterMs!);
    }
    expect(sandbox.stats().requests.search?.['429']).toBe(2);
  });

  it('two processes share the rate budget: EnKash sees ≤ R per second and answers no 429 (the rate reached is printed; bench/sync measures it)', async () => {
    const R = 30;
    // The sandbox runs in a third process, as EnKash would: an event loop that also ran a client and the
    // test runner would stamp arrivals late whenever it stalls.
    const sandbox = await startSandboxProcess({ faults: { ratePerSec: R, latencyMs: 100, jitterMs: 20 } });
    bed.defer(() => sandbox.close());
    const prefix = bed.prefix();
    // The fixed limiter's own guarantee (ENKASH_RATE_ADAPTIVE=false); the adaptive rate, which uses the
    // same window, is measured by bench/sync.
    const config = { ratePerSec: R, rateAdaptive: false, rateMarginMs: 100, maxConnections: 8 };
    const other = await child({ baseUrl: sandbox.url, prefix, config });
    const client = bed.client(sandbox.url, { prefix, config });

    // Cold start included: 1 token request + 89 searches.
    const [mine, theirs] = await Promise.all([
      Promise.allSettled(Array.from({ length: 45 }, () => client.searchCustomers(search, onePage))),
      other.run({ op: 'search', count: 44 }),
    ]);
    expect(mine.filter((o) => o.status === 'rejected').map((o) => String(o.reason))).toEqual([]);
    expect(theirs).toMatchObject({ ok: 44, errors: {} });
    const { stats, reached } = await sandbox.report();
    expect([stats.total, stats.tokenRequests]).toEqual([3 * R, 1]);
    // The sliding window admits R at once and R more each window (W = 1000 ms + 100 ms margin): the
    // (2R+1)-th request shows how fast the budget was really used, at best R·1000/W ≈ 0.91 R.
    const achieved = (2 * R * 1000) / (reached[2 * R]! - reached[0]!);
    console.info(
      `rate R=${R}, latency 100-120 ms, 2 processes, 90 requests: sandbox maxPerSecond ${stats.maxPerSecond}, ` +
        `achieved ${achieved.toFixed(1)}/s (${((achieved / R) * 100).toFixed(0)}% of R)`,
    );
    expect(stats.maxPerSecond).toBeLessThanOrEqual(R);
    expect(stats.requests.search?.['429']).toBeUndefined();
    // How close to R the budget is used is a speed, and a loaded machine changes it (84 % at load 19,
    // 83 % at load 16 beside other suites): bench/sync measures it on a quiet machine, not this test.
  });

  it('a process that stalls between grant and send does not spend a slot that has aged out: still ≤ R per second', async () => {
    const R = 10;
    const STALL_MS = 1_500;
    const sandbox = await startSandboxProcess({ faults: { ratePerSec: R } });
    bed.defer(() => sandbox.close());
    const prefix = bed.prefix();
    const config = { ratePerSec: R, maxConnections: R };
    const other = await child({ baseUrl: sandbox.url, prefix, config });
    const { logger, lines } = capturingLogger('warn');
    const client = bed.client(sandbox.url, { prefix, config, logger });
    // Tokens first, then a window with nothing in it.
    await client.searchCustomers(search, onePage);
    expect(await other.run({ op: 'search', count: 1 })).toMatchObject({ ok: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await sandbox.resetStats();

    // The last step before a request leaves is the breaker's pass with the slot's confirmation. When this
    // process has been granted a whole window of slots, its event loop blocks there for longer than the
    // window (a long GC pause, a synchronous chunk of work): every granted request is stuck between grant
    // and send, while the other process is granted the next window.
    const admit = client.breaker.admitAndConfirm.bind(client.breaker);
    let admitted = 0;
    client.breaker.admitAndConfirm = async (operation, slot) => {
      const pass = await admit(operation, slot);
      if (++admitted === R) {
        const until = performance.now() + STALL_MS;
        while (performance.now() < until);
      }
      return pass;
    };
    const mine = Array.from({ length: R }, () => client.searchCustomers(search, onePage));
    const theirs = other.run({ op: 'search', count: 3 * R });
    const [settled, result] = await Promise.all([Promise.allSettled(mine), theirs]);
    const { stats, reached } = await sandbox.report();
    console.info(
      `stall of ${STALL_MS} ms between grant and send in 1 of 2 processes, R=${R}: sandbox maxPerSecond ` +
        `${stats.maxPerSecond}, 429s ${stats.requests.search?.['429'] ?? 0}, arrivals ${reached.map((t) => t - reached[0]!).join(' ')}`,
    );

    expect(settled.filter((o) => o.status === 'rejected').map((o) => String(o.reason))).toEqual([]);
    expect(result).toMatchObject({ ok: 3 * R, errors: {} });
    expect(stats.total).toBe(4 * R);
    expect(stats.maxPerSecond).toBeLessThanOrEqual(R);
    expect(stats.requests.search?.['429']).toBeUndefined();
    // The stalled requests found their slots gone and waited for new ones.
    expect(lines()).toContain('"event":"enkash_rate_slot_lost"');
  });

  it('bad credentials: exactly one token request from 2 processes, none during the cooldown, a clear error', async () => {
    const sandbox = await sandboxFor(bed);
    const prefix = bed.prefix();
    const config = { password: 'wrong-password', authFailureCooldownSec: 60, ratePerSec: 1000 };
    const other = await child({ baseUrl: sandbox.url, prefix, config });
    const client = bed.client(sandbox.url, { prefix, config });
    for (let round = 0; round < 2; round += 1) {
      const [mine, theirs] = await Promise.all([
        Promise.all(Array.from({ length: 16 }, () => caught(() => client.searchCustomers(search, onePage)))),
        other.run({ op: 'search', count: 16 }),
      ]);
      expect(theirs).toMatchObject({ ok: 0, errors: { 'auth/AUTH_FAILED': 16 } });
      for (const err of mine as EnkashError[]) {
        expect(err).toMatchObject({ kind: 'auth', errorType: 'AUTH_FAILED' });
        expect(err.message).toContain('ENKASH_PASSWORD');
        expect(err.message).toContain(`redis-cli DEL '${prefix}:enkash:auth-failed'`);
        expect(err.message).not.toContain(config.password);
        expect(err.message).not.toContain(CREDENTIALS.password);
      }
      expect(sandbox.stats().tokenRequests).toBe(1);
      expect(sandbox.stats().total).toBe(1);
    }
  });
});
