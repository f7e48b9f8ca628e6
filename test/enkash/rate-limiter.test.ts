import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/enkash/rate-limiter.js';
import { MAX_MARGIN_MS } from '../../src/enkash/rate-margin.js';
import { enkashKeys } from '../../src/enkash/keys.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';
import { mostSurelyInWindow, waitFor } from './helpers/timing.js';

const redis = testRedis();
const prefixes: string[] = [];

function limiter(ratePerSec: number, prefix = randomPrefix()) {
  prefixes.push(prefix);
  return new RateLimiter({ redis, prefix, ratePerSec });
}

afterEach(async () => {
  for (const prefix of prefixes.splice(0)) await deletePrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

describe('RateLimiter (Redis sliding-window log)', () => {
  it('grants `limit` slots per window, then says how long to wait', async () => {
    // No margin configured: it is learned, and starts at its maximum until answers have come back.
    const rl = limiter(5);
    expect([rl.limit, rl.windowMs]).toEqual([5, 1000 + MAX_MARGIN_MS]);
    const waits = [];
    const started = performance.now();
    for (let i = 0; i < 6; i += 1) waits.push(await rl.tryAcquire());
    const spent = performance.now() - started;
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // The wait is the window less the time since the first grant, however slow the machine was.
    expect(waits[5]).toBeGreaterThanOrEqual(rl.windowMs - Math.ceil(spent) - 1);
    expect(waits[5]).toBeLessThanOrEqual(rl.windowMs);
  });

  it('stretches the window for rates under one per second', () => {
    const rl = limiter(0.5);
    expect([rl.limit, rl.windowMs]).toEqual([1, 2000 + MAX_MARGIN_MS]);
    expect(limiter(2.5).limit).toBe(2);
  });

  it('two limiters on one prefix share one budget: ≤ R per second', async () => {
    const prefix = randomPrefix();
    const [a, b] = [limiter(50, prefix), limiter(50, prefix)];
    // Each grant happened between its batch's ask (the slot id starts with that local time) and its caller
    // seeing it: an interval, never a late stamp a loaded machine could bunch with the next window's.
    const grants: Array<{ from: number; to: number }> = [];
    const start = Date.now();
    // 150 grants for 2 × 8 eager callers: three windows' worth.
    let left = 150;
    const worker = async (rl: RateLimiter) => {
      while (left > 0) {
        left -= 1;
        const slot = await rl.acquire();
        grants.push({ from: Number(slot.slice(0, slot.indexOf('-'))), to: Date.now() });
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, i) => worker(i % 2 ? a : b)));
    expect(grants).toHaveLength(150);
    expect(mostSurelyInWindow(grants, 1000)).toBeLessThanOrEqual(50);
    // 50 now, 50 a window later, 50 two windows later: 2.2 s.
    // A lower bound only: a loaded machine may take longer, and throughput at R is measured by bench/sync.
    const elapsed = Date.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(2 * 1100 - 20);
  });

  it('a pause holds every acquire until it ends, and can only be extended', async () => {
    const rl = limiter(100);
    const redisNow = async () => {
      const [sec, micro] = await redis.time();
      return Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
    };
    const until = (await redisNow()) + 400;
    expect(await rl.pauseUntil(until)).toBe(until);
    expect(await rl.pauseUntil(until - 300)).toBe(until);
    expect(await rl.pausedUntil()).toBe(until);
    expect(await rl.tryAcquire()).toBeGreaterThan(0);
    await rl.acquire();
    expect(await redisNow()).toBeGreaterThanOrEqual(until);
  });

  it('pauseFor counts on the Redis clock and the key expires with the pause', async () => {
    const prefix = randomPrefix();
    const rl = limiter(100, prefix);
    const started = performance.now();
    await rl.pauseFor(300);
    const ttl = await redis.pttl(enkashKeys(prefix).pause);
    expect(ttl).toBeGreaterThanOrEqual(300 - Math.ceil(performance.now() - started) - 1);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it('markSent moves a slot to the moment its request left, so a slow connect cannot free it early', async () => {
    const prefix = randomPrefix();
    const rl = limiter(1, prefix);
    const slot = await rl.acquire();
    const key = enkashKeys(prefix).rate;
    const granted = Number(await redis.zscore(key, slot));
    await waitFor(async () => ((await rl.tryAcquire()) < 1_100 - 100 ? true : undefined));
    const beforeMark = performance.now();
    await rl.markSent(slot);
    const sent = Number(await redis.zscore(key, slot));
    expect(sent - granted).toBeGreaterThanOrEqual(100);
    // Counted from markSent, not from the grant (which is ≥ 100 ms older): the wait is at least the window
    // less the time since markSent began, however slow the machine.
    const wait = await rl.tryAcquire();
    expect(wait).toBeGreaterThanOrEqual(1_100 - Math.ceil(performance.now() - beforeMark) - 1);
  });

  it('confirm re-stamps a slot that is still counted, and says when it was asked', async () => {
    const prefix = randomPrefix();
    const rl = limiter(5, prefix);
    const slot = await rl.acquire();
    const key = enkashKeys(prefix).rate;
    const granted = Number(await redis.zscore(key, slot));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = performance.now();
    const confirmed = await rl.confirm(slot);
    expect(confirmed.slot).toBe(slot);
    expect(confirmed.askedAt).toBeGreaterThanOrEqual(before);
    expect(Number(await redis.zscore(key, slot)) - granted).toBeGreaterThanOrEqual(300);
    expect(await redis.zcard(key)).toBe(1);
  });

  it('counts a slot later by how much later than the floor its answer came, never earlier', async () => {
    const prefix = randomPrefix();
    const rl = limiter(5, prefix);
    const key = enkashKeys(prefix).rate;
    const [fast, slow, gone] = [await rl.acquire(), await rl.acquire(), await rl.acquire()];
    const stamp = async (slot: string) => Number(await redis.zscore(key, slot));
    const [fastAt, slowAt] = [await stamp(fast), await stamp(slow)];
    await redis.zrem(key, gone);
    // The fastest answer sets the floor (100 ms after its stamp): it is not moved.
    rl.noteAnswer({ status: 200, latencyMs: 100 }, { slot: fast, sinceStampMs: 100 });
    // An answer without a status (a timeout) moves nothing: had it, it would leave in the same round trip
    // as the slow answer's below.
    rl.noteAnswer({ status: null, latencyMs: 5000 }, { slot: fast, sinceStampMs: 5000 });
    // An answer 180 ms after its stamp was held up 80 ms somewhere: its slot counts from 80 ms later.
    // A slot no longer in the log stays out; a 429's slot is moved too (it errs safe).
    rl.noteAnswer({ status: 200, latencyMs: 180 }, { slot: slow, sinceStampMs: 180 });
    rl.noteAnswer({ status: 429, latencyMs: 300, retryAfterMs: 1000 }, { slot: gone, sinceStampMs: 300 });
    await waitFor(async () => ((await stamp(slow)) !== slowAt ? true : undefined));
    expect(await stamp(slow)).toBe(slowAt + 80);
    expect(await stamp(fast)).toBe(fastAt);
    expect(await redis.zscore(key, gone)).toBeNull();
  });

  it("keeps a bulk answer (a snapshot's page) out of the margin's floor, but moves its slot", async () => {
    const prefix = randomPrefix();
    const rl = limiter(5, prefix);
    const key = enkashKeys(prefix).rate;
    const page = await rl.acquire();
    const at = Number(await redis.zscore(key, page));
    rl.noteAnswer({ status: 200 }, { slot: page, sinceStampMs: 400, bulk: true });
    await waitFor(async () => (Number(await redis.zscore(key, page)) !== at ? true : undefined));
    expect(Number(await redis.zscore(key, page))).toBe(at + 400);
    expect(rl.margin.floorMs).toBe(0);
  });

  it('confirm drops a slot that aged out (another caller may hold it now) and waits for a new one', async () => {
    const prefix = randomPrefix();
    const lost: number[] = [];
    prefixes.push(prefix);
    const rl = new RateLimiter({ redis, prefix, ratePerSec: 1, onSlotLost: ({ ageMs }) => lost.push(ageMs) });
    const stale = await rl.acquire();
    await new Promise((resolve) => setTimeout(resolve, rl.windowMs + 50));
    // Someone else is granted the window the stale slot belonged to; the new slot comes a window later.
    const started = Date.now();
    expect(await rl.tryAcquire()).toBe(0);
    const confirmed = await rl.confirm(stale);
    expect(confirmed.slot).not.toBe(stale);
    expect(Date.now() - started).toBeGreaterThanOrEqual(rl.windowMs - 5);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeGreaterThanOrEqual(rl.windowMs);
    expect(await redis.zscore(enkashKeys(prefix).rate, stale)).toBeNull();
  });

  it('confirm holds a slot granted before a 429 pause until the pause ends', async () => {
    const rl = limiter(100);
    const slot = await rl.acquire();
    const until = await rl.pauseFor(400);
    const confirmed = await rl.confirm(slot);
    const [sec, micro] = await redis.time();
    expect(Number(sec) * 1000 + Math.floor(Number(micro) / 1000)).toBeGreaterThanOrEqual(until);
    expect(confirmed.slot).not.toBe(slot);
  });

  it('an aborted acquire gives up at once', async () => {
    const rl = limiter(100);
    // A pause far longer than any load could stretch the test: giving up before it ends is "at once".
    await rl.pauseFor(60_000);
    const controller = new AbortController();
    const started = Date.now();
    const waiting = rl.acquire(controller.signal);
    setTimeout(() => controller.abort(new Error('shutdown')), 50);
    await expect(waiting).rejects.toThrow('shutdown');
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("a process's waiting callers ask together: one round trip grants the slots of all of them", async () => {
    const prefix = randomPrefix();
    const rl = limiter(50, prefix);
    // 17 callers at once: the first asks alone, the 16 that queued meanwhile (the most one ask takes) in one request.
    const slots = await Promise.all(Array.from({ length: 17 }, () => rl.acquire()));
    expect(new Set(slots).size).toBe(17);
    const requests = new Set(slots.map((slot) => slot.slice(0, slot.lastIndexOf(':'))));
    expect(requests.size).toBeLessThanOrEqual(2);
    expect(await redis.zcard(enkashKeys(prefix).rate)).toBe(17);
  });

  it('asking together never grants more than the window holds; a caller that gave up leaves its turn', async () => {
    const prefix = randomPrefix();
    const rl = limiter(5, prefix);
    const controller = new AbortController();
    const settled: string[] = [];
    const callers = Array.from({ length: 8 }, (_, i) =>
      rl.acquire(i === 6 ? controller.signal : undefined).then(
        (slot) => settled.push(`granted ${i}`) && slot,
        (err: Error) => settled.push(`gave up ${i}: ${err.message}`) && '',
      ),
    );
    await waitFor(() => settled.length >= 5 || undefined);
    expect(settled.slice(0, 5).every((s) => s.startsWith('granted'))).toBe(true);
    expect(await redis.zcard(enkashKeys(prefix).rate)).toBe(5);
    controller.abort(new Error('shutdown'));
    await waitFor(() => settled.includes('gave up 6: shutdown') || undefined);
    // The two still waiting get the window's next slots; the one that gave up takes none.
    await Promise.all(callers);
    expect(settled.filter((s) => s.startsWith('granted'))).toHaveLength(7);
  });
});
