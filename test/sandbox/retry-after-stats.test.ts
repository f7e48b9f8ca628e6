/**
 * The sandbox counts requests that arrive before a Retry-After it has already announced has passed.
 *
 * Nothing here depends on how fast requests travel: every request is sent well inside the throttled
 * window, every 429 (not just the first) may push the announced time later, and the test waits past the
 * latest time any answer announced, measured from when that answer arrived (an upper bound of the
 * sandbox's own).
 */
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import { call, useTestSandbox, type Reply } from './helpers.js';

/** Long enough that two requests on a loaded machine still arrive inside it. */
const THROTTLED_MS = 2_000;

describe('sandbox statistics: requests before Retry-After', () => {
  let sandbox: Sandbox;
  let token: string;
  useTestSandbox((started) => ({ sandbox, token } = started));

  const search = () => call(sandbox, 'POST', '/api/v0/customer/search?limit=1', { token, body: {} });

  /** The latest moment this answer can have told the client to wait until. */
  const announcedUntil = (reply: Reply, receivedAt: number): number => {
    const header = reply.headers.get('retry-after');
    if (header === null) return 0;
    return /^\d+$/.test(header) ? receivedAt + Number(header) * 1000 : Date.parse(header);
  };

  for (const retryAfterFormat of ['seconds', 'http-date'] as const) {
    it(`counts them for a Retry-After in ${retryAfterFormat}, and none once it has passed`, async () => {
      sandbox.resetStats();
      const startedAt = performance.now();
      sandbox.setFaults({ retryAfterFormat, rateLimitedUntil: Date.now() + THROTTLED_MS });
      const first = await search();
      expect(first.status).toBe(429);
      let until = announcedUntil(first, Date.now());
      expect(sandbox.stats()).toMatchObject({ requestsBeforeRetryAfter: 0, latestBeforeRetryAfterMs: 0 });
      for (let i = 0; i < 2; i++) {
        const early = await search();
        until = Math.max(until, announcedUntil(early, Date.now()));
      }
      const span = performance.now() - startedAt;
      expect(sandbox.stats().requestsBeforeRetryAfter).toBe(2);
      // The sandbox measures from its first 429 to the last early arrival: inside what the client saw.
      expect(sandbox.stats().latestBeforeRetryAfterMs).toBeGreaterThanOrEqual(0);
      expect(sandbox.stats().latestBeforeRetryAfterMs).toBeLessThanOrEqual(Math.ceil(span) + 1);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now()) + 20));
      expect((await search()).status).toBe(200);
      expect(sandbox.stats().requestsBeforeRetryAfter).toBe(2);
    });
  }
});
