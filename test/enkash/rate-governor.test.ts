import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { enkashKeys } from '../../src/enkash/keys.js';
import { START_RATE } from '../../src/enkash/rate-controller.js';
import { RateGovernor, type RateStatus } from '../../src/enkash/rate-governor.js';
import { RateLimiter } from '../../src/enkash/rate-limiter.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';
import { waitFor } from './helpers/timing.js';

const admin = testRedis();
const opened: Redis[] = [];
const prefixes: string[] = [];
const governors: RateGovernor[] = [];

/** One "process": its own Redis connection and its own governor on the account's keys. */
function processOn(prefix: string, ceiling: number | null = null) {
  const redis = testRedis();
  opened.push(redis);
  const changes: RateStatus[] = [];
  const governor = new RateGovernor({
    redis,
    keys: enkashKeys(prefix),
    settings: { ceiling },
    onChange: (s) => changes.push(s),
  });
  governors.push(governor);
  return { redis, governor, changes };
}

function newPrefix() {
  const prefix = randomPrefix();
  prefixes.push(prefix);
  return prefix;
}

/** Ticks until `probe` holds (a decision needs the previous tick's lock to have expired). */
async function tickUntil(governor: RateGovernor, probe: () => boolean, feed: () => void = () => {}) {
  await waitFor(async () => {
    feed();
    await governor.tick();
    return probe() ? true : undefined;
  }, 20_000);
}

/** A second of clean, saturated traffic: callers waited for slots, EnKash answered 2xx. */
function busy(governor: RateGovernor, n: number) {
  for (let i = 0; i < n; i += 1) {
    governor.noteGrant(true);
    governor.noteAnswer({ status: 200, latencyMs: 100 });
  }
}

afterEach(async () => {
  for (const g of governors.splice(0)) await g.stop();
  for (const r of opened.splice(0)) await r.quit();
  for (const p of prefixes.splice(0)) await deletePrefix(admin, p);
});
afterAll(async () => {
  await admin.quit();
});

describe('RateGovernor: the adaptive rate shared through Redis', () => {
  it('raises while callers wait and answers are clean, never above the ceiling', async () => {
    const { governor, changes } = processOn(newPrefix(), 40);
    expect(governor.ratePerSec).toBe(START_RATE);
    await tickUntil(
      governor,
      () => governor.ratePerSec === 40,
      () => busy(governor, 5),
    );
    // ×1.5 per tick of time since the last decision (a late timer grows more, at most ×1.5⁴), then the ceiling.
    const rates = changes.map((c) => c.ratePerSec);
    expect(rates.at(-1)).toBe(40);
    for (let i = 1; i < rates.length - 1; i += 1) {
      const growth = rates[i]! / rates[i - 1]!;
      expect(growth).toBeGreaterThanOrEqual(1.49);
      expect(growth).toBeLessThanOrEqual(1.5 ** 4 + 0.01);
    }
    expect(changes.at(-1)?.reason).toMatch(/reached the ceiling/);
    expect(governor.status()).toMatchObject({ ratePerSec: 40, ceilingPerSec: 40, phase: 'start' });
  });

  it('a 429 seen by one process cuts the rate for both, and their limiters grant the new count', async () => {
    const prefix = newPrefix();
    const a = processOn(prefix);
    const b = processOn(prefix);
    // Both processes see the rate grow, then A's calls meet a 429 after 60 answers in its second.
    await tickUntil(
      a.governor,
      () => a.governor.ratePerSec >= 100,
      () => busy(a.governor, 20),
    );
    busy(b.governor, 30);
    await b.governor.tick();
    busy(a.governor, 30);
    a.governor.noteAnswer({ status: 429, latencyMs: 100, retryAfterMs: 1000 });
    const cut = (g: RateGovernor) => /^429/.test(g.status().reason);
    await tickUntil(a.governor, () => cut(a.governor));
    const learned = a.governor.status();
    expect(learned.reason).toMatch(/Retry-After 1 s/);
    expect(learned.limitEstimatePerSec).toBeGreaterThanOrEqual(60);
    expect(learned.ratePerSec).toBe(learned.limitEstimatePerSec);
    await tickUntil(b.governor, () => cut(b.governor));
    expect(b.governor.status()).toEqual(learned);

    // B's limiter (its own connection) now grants exactly the learned count per window.
    const limiter = new RateLimiter({ redis: b.redis, prefix, ratePerSec: 1, governor: b.governor });
    const slots = Math.floor(learned.ratePerSec);
    // One ask for one slot more, in one script on the Redis clock: a loaded machine cannot let the first
    // grants age out of the window before the last is asked (as slots + 1 round trips one by one could).
    const [sec, micro] = await b.redis.time();
    const pausedFor = (await limiter.pausedUntil()) - (Number(sec) * 1000 + Number(micro) / 1000);
    if (pausedFor > 0) await sleep(pausedFor + 10); // the 429's Retry-After has to pass first
    const { granted, waitMs } = await limiter.tryAcquireMany('b', slots + 1);
    expect(granted).toBe(slots);
    expect(waitMs).toBeGreaterThan(0);
  });

  it("counts answers by when their requests were sent, and a tick's 429 by the earliest sent", async () => {
    const { governor } = processOn(newPrefix());
    // 20 answers to requests sent 1.2 s ago; then two 429s, the later-sent one handled first.
    for (let i = 0; i < 20; i += 1) governor.noteAnswer({ status: 200, latencyMs: 100 }, 1_200);
    governor.noteAnswer({ status: 429, retryAfterMs: 1000 }, 100);
    governor.noteAnswer({ status: 429, retryAfterMs: 1000 }, 250);
    await tickUntil(governor, () => governor.status().limitEstimatePerSec !== null);
    // The second before the earliest 429 (sent 250 ms ago) holds the 20 answers: the estimate is the
    // rate that met the 429 (10/s), not a quarter of it as when they were counted on arrival (or by the
    // 429 sent 100 ms ago, whose second does not reach back to them).
    expect(governor.status().limitEstimatePerSec).toBe(START_RATE);
  });

  it('remembers the learned rate for the account across a restart', async () => {
    const prefix = newPrefix();
    const first = processOn(prefix);
    await tickUntil(
      first.governor,
      () => first.governor.ratePerSec >= 30,
      () => busy(first.governor, 10),
    );
    busy(first.governor, 25);
    first.governor.noteAnswer({ status: 429, latencyMs: 100, retryAfterMs: 2000 });
    await tickUntil(first.governor, () => first.governor.status().phase === 'hold');
    const learned = first.governor.status();
    await first.governor.stop();
    await first.redis.quit();
    opened.splice(opened.indexOf(first.redis), 1);

    const restarted = processOn(prefix);
    expect(restarted.governor.ratePerSec).toBe(START_RATE); // nothing read yet
    await restarted.governor.tick();
    expect(restarted.governor.status()).toEqual(learned);
    expect(Number(await admin.get(enkashKeys(prefix).rateSlots))).toBe(Math.floor(learned.ratePerSec));
    // Another account (prefix) starts from scratch.
    const other = processOn(newPrefix());
    await other.governor.tick();
    expect(other.governor.ratePerSec).toBe(START_RATE);
  });

  it('a restart with a lower ceiling starts within it', async () => {
    const prefix = newPrefix();
    const first = processOn(prefix);
    await tickUntil(
      first.governor,
      () => first.governor.ratePerSec >= 50,
      () => busy(first.governor, 10),
    );
    const lower = processOn(prefix, 20);
    await tickUntil(
      lower.governor,
      () => lower.governor.ratePerSec === 20,
      () => lower.governor.noteGrant(false),
    );
    expect(lower.governor.status().reason).toMatch(/ceiling 20\/s/);
  });
});
