/** The sandbox counts requests that arrive before a Retry-After it has already announced has passed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import { call, getToken, startTestSandbox } from './helpers.js';

describe('sandbox statistics: requests before Retry-After', () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  const search = () => call(sandbox, 'POST', '/api/v0/customer/search?limit=1', { token, body: {} });

  for (const retryAfterFormat of ['seconds', 'http-date'] as const) {
    it(`counts them for a Retry-After in ${retryAfterFormat}, and none once it has passed`, async () => {
      sandbox.resetStats();
      sandbox.setFaults({ retryAfterFormat, rateLimitedUntil: Date.now() + 300 });
      const first = await search();
      expect(first.status).toBe(429);
      expect(sandbox.stats()).toMatchObject({ requestsBeforeRetryAfter: 0, latestBeforeRetryAfterMs: 0 });
      // Announced: 1 s (rounded up), or the next whole second as a date.
      const until =
        retryAfterFormat === 'seconds'
          ? Date.now() + Number(first.headers.get('retry-after')) * 1000 - 50
          : Date.parse(first.headers.get('retry-after')!);
      await search();
      await search();
      expect(sandbox.stats().requestsBeforeRetryAfter).toBe(2);
      expect(sandbox.stats().latestBeforeRetryAfterMs).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now()) + 60));
      expect((await search()).status).toBe(200);
      expect(sandbox.stats().requestsBeforeRetryAfter).toBe(2);
    });
  }
});
