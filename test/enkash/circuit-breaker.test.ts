/**
 * The circuit breaker on real Redis: its state machine with two instances standing for two processes,
 * then the client against the sandbox during an outage.
 */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, isCircuitOpen, type Pass } from '../../src/enkash/circuit-breaker.js';
import type { EnkashError } from '../../src/enkash/errors.js';
import { enkashKeys } from '../../src/enkash/keys.js';
import { RateLimiter } from '../../src/enkash/rate-limiter.js';
import { testRedis } from '../helpers/redis.js';
import { sandboxFor } from './helpers/sandbox.js';
import { capturingLogger, caught, useEnkashTestbed } from './helpers/setup.js';

const bed = useEnkashTestbed();
const search = { customerStatus: 'ALL' } as const;
const onePage = { limit: 1, offset: 0 };

function breakers(options: { threshold?: number; openMs?: number; maxOpenMs?: number } = {}) {
  const prefix = bed.prefix();
  const other = testRedis();
  bed.defer(() => other.quit());
  const events: string[] = [];
  const make = (redis: typeof other) =>
    new CircuitBreaker({
      redis,
      prefix,
      threshold: options.threshold ?? 3,
      openMs: options.openMs ?? 200,
      maxOpenMs: options.maxOpenMs ?? 700,
      probeLeaseMs: 5_000,
      onOpen: ({ openMs }) => events.push(`open ${openMs}`),
      onClose: () => events.push('close'),
    });
  // Two instances on two connections: two processes as far as Redis can tell.
  return { a: make(bed.redis), b: make(other), events, prefix };
}

async function fail(breaker: CircuitBreaker, times = 1): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const pass = await breaker.admit('search');
    await breaker.settle(pass, 'failure', 'search');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CircuitBreaker (Redis)', () => {
  it('opens after `threshold` consecutive failures counted across processes, refusing with CIRCUIT_OPEN', async () => {
    // An open period no loaded machine can outlast between the trip and the refused call.
    const { a, b, events } = breakers({ openMs: 10_000, maxOpenMs: 20_000 });
    await fail(a);
    await fail(b);
    expect(await a.tripped()).toBe(false);
    const tripping = performance.now();
    await fail(a);
    expect(await b.tripped()).toBe(true);
    const err = (await caught(() => b.admit('create'))) as EnkashError;
    expect(isCircuitOpen(err)).toBe(true);
    expect(err).toMatchObject({ kind: 'retryable', mayHaveCommitted: false, httpStatus: null });
    // What is left of the open period: the whole of it less the time the calls above took.
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(10_000 - Math.ceil(performance.now() - tripping) - 1);
    expect(err.retryAfterMs).toBeLessThanOrEqual(10_000);
    expect(events).toEqual(['open 10000']);
  });

  it('any answer that is not a failure resets the count', async () => {
    const { a, b } = breakers();
    await fail(a, 2);
    await b.settle(await b.admit('search'), 'success', 'search');
    await fail(a, 2);
    expect(await a.tripped()).toBe(false);
    await b.settle(await b.admit('search'), 'neutral', 'search');
    await fail(a);
    expect(await a.tripped()).toBe(true);
  });

  it('a success let through before any failure was counted resets nothing; one let through after it does', async () => {
    const { a, b } = breakers();
    const early = await b.admit('search');
    expect(early.clean).toBe(true);
    await fail(a, 2);
    // Let through before the failures: its success has nothing of its own to reset (and sends nothing).
    await b.settle(early, 'success', 'search');
    const later = await b.admit('search');
    expect(later.clean).toBe(false);
    await b.settle(later, 'success', 'search');
    await fail(a, 2);
    expect(await a.tripped()).toBe(false);
    await fail(a);
    expect(await a.tripped()).toBe(true);
  });

  it('half-open: one probe across processes; a failed probe doubles the open time up to the max', async () => {
    const { a, b, events } = breakers();
    await fail(a, 3);
    const opens: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      await sleep((await a.openForMs()) + 10);
      const tries = await Promise.allSettled([
        ...Array.from({ length: 10 }, () => a.admit('search')),
        ...Array.from({ length: 10 }, () => b.admit('search')),
      ]);
      const passes = tries.filter((t) => t.status === 'fulfilled').map((t) => t.value);
      expect(passes).toHaveLength(1);
      expect(passes[0]?.probe).toBe(true);
      const refused = tries.filter((t) => t.status === 'rejected').map((t) => t.reason as EnkashError);
      expect(refused.every((e) => isCircuitOpen(e) && e.retryAfterMs! <= 500)).toBe(true);
      await a.settle(passes[0]!, 'failure', 'search');
      opens.push(await b.openForMs());
    }
    // 200 → 400 → 700 (max) → 700, as announced; each read back later is what is left of it (how much
    // is left depends on how fast the machine was, so only the bounds are checked).
    expect(events).toEqual(['open 200', 'open 400', 'open 700', 'open 700', 'open 700']);
    [400, 700, 700, 700].forEach((announced, i) => {
      expect(opens[i]).toBeGreaterThanOrEqual(0);
      expect(opens[i]).toBeLessThanOrEqual(announced);
    });
  });

  it('a successful probe closes the breaker for every process; a neutral probe frees the lease', async () => {
    const { a, b, events } = breakers();
    await fail(a, 3);
    await sleep((await a.openForMs()) + 10);
    const aborted = await a.admit('search');
    expect(aborted.probe).toBe(true);
    await a.settle(aborted, 'neutral', 'search');
    const probe: Pass = await b.admit('search');
    expect(probe.probe).toBe(true);
    await b.settle(probe, 'success', 'search');
    expect(await a.tripped()).toBe(false);
    expect(await a.admit('search')).toMatchObject({ probe: false });
    expect(events).toEqual(['open 200', 'close']);
  });

  it('a call sent before the trip that fails late neither reopens nor stretches the open period', async () => {
    const { a, b, events } = breakers();
    const late = await b.admit('search');
    await fail(a, 3);
    await sleep((await a.openForMs()) + 10);
    await b.settle(late, 'failure', 'search');
    expect(await a.openForMs()).toBe(0);
    expect(await a.admit('search')).toMatchObject({ probe: true });
    expect(events).toEqual(['open 200']);
  });

  it('threshold 0 turns it off', async () => {
    const { a } = breakers({ threshold: 0 });
    await fail(a, 20);
    expect(await a.tripped()).toBe(false);
    expect(await a.admit('search')).toMatchObject({ probe: false });
  });

  it("the pass and the rate slot's confirmation in one round trip: a refused pass leaves the slot as it is", async () => {
    const { a, b, prefix } = breakers({ openMs: 10_000, maxOpenMs: 20_000 });
    const limiter = new RateLimiter({ redis: bed.redis, prefix, ratePerSec: 10 });
    const slotsKey = enkashKeys(prefix).rate;
    const granted = async () => {
      const slot = await limiter.acquire();
      return { slot, score: Number(await bed.redis.zscore(slotsKey, slot)) };
    };
    const given = await granted();
    await sleep(5);
    const admitted = await a.admitAndConfirm('search', limiter.confirmInput(given.slot));
    expect(admitted).toMatchObject({ pass: { probe: false, clean: true }, confirmed: true });
    // Re-stamped on the Redis clock, like the limiter's own confirmation.
    expect(Number(await bed.redis.zscore(slotsKey, given.slot))).toBeGreaterThan(given.score);
    // A slot no longer in the log (aged out, taken back): lost, for the limiter's confirm to replace.
    await bed.redis.zrem(slotsKey, given.slot);
    expect(await a.admitAndConfirm('search', limiter.confirmInput(given.slot))).toMatchObject({
      confirmed: false,
    });
    const held = await granted();
    await fail(a, 3);
    const err = await caught(() => b.admitAndConfirm('create', limiter.confirmInput(held.slot)));
    expect(isCircuitOpen(err)).toBe(true);
    expect(Number(await bed.redis.zscore(slotsKey, held.slot))).toBe(held.score);
  });
});

describe('EnkashClient with the breaker, against the sandbox', () => {
  it('calls already waiting for a rate slot when the breaker opens are not sent', async () => {
    const sandbox = await sandboxFor(bed);
    const prefix = bed.prefix();
    const config = { ratePerSec: 5, breakerThreshold: 3, breakerOpenMs: 10_000, breakerMaxOpenMs: 10_000 };
    const client = bed.client(sandbox.url, { prefix, config });
    await client.searchCustomers(search, onePage);
    sandbox.resetStats();
    sandbox.setFaults({ outageUntil: Date.now() + 60_000, outageKind: '5xx' });
    // 5 per window (the token and the first search took 2 of this one): the rest wait for later windows.
    const errors = await Promise.all(
      Array.from({ length: 20 }, () => caught(() => client.searchCustomers(search, onePage))),
    );
    const types = errors.map((e) => (e as EnkashError).errorType);
    const sent = sandbox.stats().total;
    expect(sent).toBeLessThanOrEqual(5);
    expect(types.filter((t) => t === 'CIRCUIT_OPEN')).toHaveLength(20 - sent);
    sandbox.setFaults({ outageUntil: 0 });
  });

  for (const outageKind of ['5xx', 'timeout'] as const) {
    it(`an outage (${outageKind}): two clients send a handful of calls, then resume once EnKash is back`, async () => {
      const sandbox = await sandboxFor(bed);
      const prefix = bed.prefix();
      const config = {
        breakerThreshold: 5,
        breakerOpenMs: 200,
        breakerMaxOpenMs: 400,
        timeoutMs: 300,
        maxConnections: 4,
      };
      const logs = [capturingLogger('info'), capturingLogger('info')];
      const clients = logs.map(({ logger }) => bed.client(sandbox.url, { prefix, config, logger }));
      await clients[0]!.searchCustomers(search, onePage);
      sandbox.resetStats();
      // Down until the test says otherwise: what is counted below is calls and open periods, not time,
      // so a loaded machine cannot change the figures the assertions compare.
      sandbox.setFaults({ outageUntil: Date.now() + 600_000, outageKind });

      // Each client keeps 4 calls going, as busy workers would: ATTEMPTS each, waiting out a refusal's
      // Retry-After as a worker's backoff would.
      const ATTEMPTS = 6;
      const outcomes: Record<string, number> = {};
      await Promise.all(
        clients.flatMap((client) =>
          Array.from({ length: 4 }, async () => {
            for (let i = 0; i < ATTEMPTS; i += 1) {
              const err = (await caught(() => client.searchCustomers(search, onePage))) as EnkashError;
              outcomes[err.errorType] = (outcomes[err.errorType] ?? 0) + 1;
              if (err.retryAfterMs) await sleep(err.retryAfterMs);
            }
          }),
        ),
      );
      const sent = sandbox.stats().total;
      // Every open period announced by either process: the trip, then one per failed probe.
      const opens = logs.reduce(
        (n, log) => n + (log.lines().match(/"event":"enkash_circuit_open"/g) ?? []).length,
        0,
      );
      console.info(
        `outage ${outageKind}: ${8 * ATTEMPTS} attempts, ${sent} reached EnKash, ${opens} open periods; ` +
          JSON.stringify(outcomes),
      );
      // Every attempt that did not reach EnKash was refused by the breaker, at once.
      expect(outcomes.CIRCUIT_OPEN).toBe(8 * ATTEMPTS - sent);
      expect(opens).toBeGreaterThanOrEqual(1);
      // In flight when it went down (8) + up to the threshold, then one probe per open period after the
      // first: the breaker's promise, whatever the machine's speed.
      expect(sent).toBeLessThanOrEqual(8 + 5 + (opens - 1));
      expect(sent).toBeLessThan(8 * ATTEMPTS);

      sandbox.setFaults({ outageUntil: 0 });
      const back = Date.now();
      let resumed = 0;
      for (;;) {
        try {
          await clients[1]!.searchCustomers(search, onePage);
          resumed = Date.now() - back;
          break;
        } catch (err) {
          // Not yet: refused while the breaker is open, or a probe a loaded machine did not see answered
          // within timeoutMs (300 ms). Nothing else: EnKash is back.
          expect(isCircuitOpen(err) || (err as EnkashError).errorType === 'TIMEOUT', String(err)).toBe(true);
          await sleep(20);
        }
      }
      console.info(`resumed ${resumed} ms after EnKash was back`);
      // The open period is at most 400 ms; a breaker that failed to close would never resume. The bound is
      // that promise with room for a loaded machine.
      expect(resumed).toBeLessThan(30_000);
      expect(await clients[0]!.breaker.tripped()).toBe(false);
    });
  }
});
