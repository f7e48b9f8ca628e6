import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FAULTS } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  call,
  errorOf,
  getToken,
  requestToken,
  searchOf,
  startTestSandbox,
  validCustomer,
  waitFor,
} from './helpers.js';

describe('sandbox faults', () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
    token = await getToken(sandbox);
  });
  beforeEach(() => {
    sandbox.setFaults(DEFAULT_FAULTS);
    sandbox.reset();
  });
  afterAll(() => sandbox.close());

  const search = (signal?: AbortSignal) =>
    call(sandbox, 'POST', '/api/v0/customer/search?limit=10', {
      token,
      body: {},
      ...(signal ? { signal } : {}),
    });
  const create = (uniqueRefNo: string, signal?: AbortSignal) =>
    call(sandbox, 'POST', '/api/v0/customer', {
      token,
      body: validCustomer({ uniqueRefNo }),
      ...(signal ? { signal } : {}),
    });

  describe('rate limit per account', () => {
    it('admits ratePerSec requests in a second, answers the rest 429 with Retry-After in seconds', async () => {
      sandbox.setFaults({ ratePerSec: 5 });
      // The premise is a burst inside one second as the sandbox saw it. A loaded machine can spread 12
      // requests over more than a second (then a sixth is rightly admitted): such a burst is sent again.
      let replies: Awaited<ReturnType<typeof search>>[] = [];
      for (let attempt = 0; attempt < 5; attempt += 1) {
        if (attempt > 0) {
          await sleep(1_100); // the spread burst's admissions leave the window
          sandbox.reset();
        }
        replies = await Promise.all(Array.from({ length: 12 }, () => search()));
        if (sandbox.stats().maxPerSecond === 12) break;
      }
      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(7);
      for (const limited of replies.filter((r) => r.status === 429)) {
        expect(limited.headers.get('retry-after')).toBe('1');
        expect(errorOf(limited).requestId).toEqual(expect.any(String));
      }
      const stats = sandbox.stats();
      expect(stats.maxPerSecond).toBe(12);
      expect(stats.requests.search).toEqual({ '200': 5, '429': 7 });
    });

    it('counts token requests against the same account', async () => {
      sandbox.setFaults({ ratePerSec: 3 });
      const tokens = await Promise.all(Array.from({ length: 3 }, () => requestToken(sandbox)));
      expect(tokens.map((r) => r.status)).toEqual([200, 200, 200]);
      expect((await search()).status).toBe(429);
    });

    it('writes Retry-After as an HTTP-date when asked, and admits again once the slot is free', async () => {
      sandbox.setFaults({ ratePerSec: 2, retryAfterFormat: 'http-date' });
      const sentAt = Date.now();
      const replies = await Promise.all(Array.from({ length: 4 }, () => search()));
      const header = replies.find((r) => r.status === 429)?.headers.get('retry-after') ?? '';
      expect(header).toMatch(/GMT$/);
      // A second-rounded date after the request was sent, at most the window plus rounding after it came back.
      const retryAt = Date.parse(header);
      expect(retryAt).toBeGreaterThanOrEqual(Math.floor(sentAt / 1000) * 1000);
      expect(retryAt).toBeLessThanOrEqual(Date.now() + 2000);
      await waitFor(async () => ((await search()).status === 200 ? true : undefined), 15_000);
    });

    it('does not count admin requests', async () => {
      sandbox.setFaults({ ratePerSec: 1 });
      for (let i = 0; i < 5; i++) expect((await fetch(`${sandbox.url}/__sandbox/stats`)).status).toBe(200);
      expect((await search()).status).toBe(200);
      expect(sandbox.stats().total).toBe(1);
    });
  });

  it('answers every customer request 429 during a storm, with Retry-After until its end', async () => {
    sandbox.setFaults({ rateLimitedUntil: Date.now() + 2500 });
    const reply = await search();
    expect(reply.status).toBe(429);
    expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(2);
    expect((await requestToken(sandbox)).status).toBe(200);
    sandbox.setFaults({ rateLimitedUntil: 0 });
    expect((await search()).status).toBe(200);
  });

  it('answers 500/502/503 SYSTEM_ERROR at failureRate 1, changing nothing', async () => {
    sandbox.setFaults({ failureRate: 1 });
    for (let i = 0; i < 5; i++) {
      const reply = await create(`F-${i}`);
      expect([500, 502, 503]).toContain(reply.status);
      expect(errorOf(reply).errorType).toBe('SYSTEM_ERROR');
    }
    expect(sandbox.customers()).toHaveLength(0);
    // Token requests are not customer requests: they still work.
    expect((await requestToken(sandbox)).status).toBe(200);
  });

  it('commits a hung create although the client times out', async () => {
    sandbox.setFaults({ hangCreateRate: 1 });
    await expect(create('HUNG-1', AbortSignal.timeout(300))).rejects.toThrow(/aborted|timeout/i);
    expect(sandbox.customers().map((c) => c.uniqueRefNo)).toEqual(['HUNG-1']);
    const stats = sandbox.stats();
    expect(stats.hungCreates).toBe(1);
    expect(stats.requests.create).toEqual({ hung: 1 });
    sandbox.setFaults({ hangCreateRate: 0 });
    const found = searchOf(
      await call(sandbox, 'POST', '/api/v0/customer/search', { token, body: { uniqueRefNo: 'HUNG-1' } }),
    );
    expect(found.recordsCount).toBe(1);
  });

  it('refuses a write with 400 VALIDATION_ERROR echoing every text field (rejectWriteRate), committing nothing', async () => {
    sandbox.setFaults({ rejectWriteRate: 1 });
    const reply = await create('REFUSED-1');
    expect(reply.status).toBe(400);
    const error = errorOf(reply) as unknown as {
      errorType: string;
      apiSubErrors: { field: string; rejectedValue: unknown }[];
    };
    expect(error.errorType).toBe('VALIDATION_ERROR');
    expect(error.apiSubErrors).toContainEqual(
      expect.objectContaining({ field: 'uniqueRefNo', rejectedValue: 'REFUSED-1' }),
    );
    sandbox.setFaults({ rejectWriteRate: 0 });
    expect(sandbox.customers().map((c) => c.uniqueRefNo)).not.toContain('REFUSED-1');
  });

  it('answers 503 immediately during a 5xx outage, for token requests too', async () => {
    sandbox.setFaults({ outageUntil: Date.now() + 60_000, outageKind: '5xx' });
    const reply = await search();
    expect(reply.status).toBe(503);
    expect(errorOf(reply).errorType).toBe('SYSTEM_ERROR');
    expect((await requestToken(sandbox)).status).toBe(503);
    sandbox.setFaults({ outageUntil: 0 });
    expect((await search()).status).toBe(200);
  });

  it('never answers during a timeout outage', async () => {
    sandbox.setFaults({ outageUntil: Date.now() + 60_000, outageKind: 'timeout' });
    await expect(search(AbortSignal.timeout(200))).rejects.toThrow(/aborted|timeout/i);
    expect(sandbox.stats().requests.search).toEqual({ hung: 1 });
    sandbox.setFaults({ outageUntil: 0 });
    expect((await search()).status).toBe(200);
  });

  it('adds latency plus jitter to every answer', async () => {
    sandbox.setFaults({ latencyMs: 150, jitterMs: 50 });
    const started = performance.now();
    expect((await search()).status).toBe(200);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(145);
  });

  it('validates setFaults', () => {
    expect(() => sandbox.setFaults({ failureRate: 2 })).toThrow(/failureRate/);
    expect(() => sandbox.setFaults({ bogus: 1 } as never)).toThrow();
    expect(sandbox.faults().failureRate).toBe(0);
  });
});

describe('sandbox faults from options', () => {
  it('starts with the faults it is given', async () => {
    const sandbox = await startTestSandbox({ faults: { failureRate: 1 } });
    try {
      const token = await getToken(sandbox);
      const reply = await call(sandbox, 'POST', '/api/v0/customer/search', { token, body: {} });
      expect(reply.status).toBeGreaterThanOrEqual(500);
      expect(sandbox.faults()).toMatchObject({ ...DEFAULT_FAULTS, failureRate: 1 });
    } finally {
      await sandbox.close();
    }
  });
});
