import { describe, expect, it } from 'vitest';
import { parseRateSchedule } from '../../src/sandbox/rate-schedule.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { admin, call, useTestSandbox, waitFor } from './helpers.js';

const rateLimit = (sandbox: Sandbox, body?: unknown) =>
  admin(sandbox, body === undefined ? 'GET' : 'POST', 'rate-limit', body);

/** How many of `n` searches sent at once the sandbox admits. */
async function admittedOf(sandbox: Sandbox, token: string, n: number): Promise<number> {
  const answers = await Promise.all(
    Array.from({ length: n }, () => call(sandbox, 'POST', '/api/v0/customer/search', { token, body: {} })),
  );
  return answers.filter((a) => a.status === 200).length;
}

describe('sandbox: the rate limit changes while running', () => {
  let sandbox: Sandbox;
  let token: string;
  useTestSandbox((started) => ({ sandbox, token } = started));

  it('POST /__sandbox/rate-limit sets the limit now; the next requests are held to it', async () => {
    const set = await rateLimit(sandbox, { ratePerSec: 3 });
    expect(set).toEqual({ status: 200, body: { ratePerSec: 3, pending: [] } });
    expect(await admittedOf(sandbox, token, 6)).toBe(3);
    await rateLimit(sandbox, { ratePerSec: 0 });
    expect(await admittedOf(sandbox, token, 6)).toBe(6);
  });

  it('a schedule changes it later, lists what is pending, and a new schedule replaces it', async () => {
    const set = await rateLimit(sandbox, {
      schedule: [
        { afterMs: 50, ratePerSec: 2 },
        { afterMs: 3_600_000, ratePerSec: 9 },
      ],
    });
    expect(set.body.pending).toHaveLength(2);
    await waitFor(() => (sandbox.faults().ratePerSec === 2 ? true : undefined), 10_000);
    expect((await rateLimit(sandbox)).body).toMatchObject({ ratePerSec: 2, pending: [{ ratePerSec: 9 }] });
    sandbox.scheduleRateLimit([]);
    expect((await rateLimit(sandbox)).body).toEqual({ ratePerSec: 2, pending: [] });
    await rateLimit(sandbox, { ratePerSec: 0 });
  });

  it('refuses a bad body with the field named', async () => {
    const bad = await rateLimit(sandbox, { ratePerSec: -1, schedule: [{ afterMs: 'soon' }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('ratePerSec');
    expect(JSON.stringify(bad.body)).toContain('schedule.0.afterMs');
  });
});

describe('parseRateSchedule (--rate-limit-schedule)', () => {
  it('reads RATE@WHEN steps in s (default), ms and m', () => {
    expect(parseRateSchedule('50@20s, 200@35,10@500ms,0@1.5m')).toEqual([
      { afterMs: 20_000, ratePerSec: 50 },
      { afterMs: 35_000, ratePerSec: 200 },
      { afterMs: 500, ratePerSec: 10 },
      { afterMs: 90_000, ratePerSec: 0 },
    ]);
  });

  it('names the step it cannot read', () => {
    expect(() => parseRateSchedule('50@20s,fast')).toThrow(/"fast" is not RATE@WHEN/);
    expect(() => parseRateSchedule('50@-1s')).toThrow(/"50@-1s"/);
  });
});
