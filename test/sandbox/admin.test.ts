import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors.js';
import type { Sandbox, SandboxStats } from '../../src/sandbox/types.js';
import {
  admin,
  call,
  createCustomer,
  getToken,
  startTestSandbox,
  useTestSandbox,
  validCustomer,
  waitFor,
} from './helpers.js';

describe('sandbox admin endpoints', () => {
  let sandbox: Sandbox;
  let token: string;
  useTestSandbox((started) => ({ sandbox, token } = started));

  it('reports statistics by endpoint and status, and resets them', async () => {
    await createCustomer(sandbox, token);
    await call(sandbox, 'POST', '/api/v0/customer', { token, body: validCustomer({ pinCode: 'x' }) });
    await call(sandbox, 'GET', '/nowhere');
    const stats = (await admin(sandbox, 'GET', 'stats')).body as unknown as SandboxStats;
    expect(stats.requests.token).toEqual({ '200': 1 });
    expect(stats.requests.create).toEqual({ '200': 1, '400': 1 });
    expect(stats.requests.other).toEqual({ '404': 1 });
    expect(stats).toMatchObject({ total: 4, tokenRequests: 1, customers: 1, hungCreates: 0 });
    expect(stats.maxPerSecond).toBeGreaterThanOrEqual(1);

    expect((await admin(sandbox, 'POST', 'stats/reset')).status).toBe(200);
    expect(sandbox.stats()).toMatchObject({ total: 0, maxPerSecond: 0, customers: 1 });
  });

  it('changes faults at runtime, relative durations included, and validates them', async () => {
    const set = await admin(sandbox, 'POST', 'faults', { failureRate: 1, rateLimitedForMs: 0 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ failureRate: 1 });
    expect(
      (await call(sandbox, 'POST', '/api/v0/customer/search', { token, body: {} })).status,
    ).toBeGreaterThanOrEqual(500);
    await admin(sandbox, 'POST', 'faults', { failureRate: 0 });
    expect((await admin(sandbox, 'GET', 'faults')).body).toMatchObject({ failureRate: 0 });

    const bad = await admin(sandbox, 'POST', 'faults', { failureRate: 'lots', nonsense: true });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('failureRate');
  });

  it('expires tokens', async () => {
    const mine = await getToken(sandbox);
    const answer = await admin(sandbox, 'POST', 'expire-tokens');
    expect(answer.body).toMatchObject({ expired: expect.any(Number) });
    expect((await call(sandbox, 'POST', '/api/v0/customer/search', { token: mine, body: {} })).status).toBe(
      401,
    );
    token = await getToken(sandbox);
  });

  it('lists customers and resets everything', async () => {
    const listed = (await admin(sandbox, 'GET', 'customers')).body as unknown as { customerId: string }[];
    expect(listed.map((c) => c.customerId)).toEqual(sandbox.customers().map((c) => c.customerId));
    expect(listed.length).toBeGreaterThan(0);
    expect((await admin(sandbox, 'POST', 'reset')).status).toBe(200);
    expect(sandbox.customers()).toEqual([]);
    expect(sandbox.stats()).toMatchObject({ total: 0, customers: 0 });
  });
});

describe('sandbox lifecycle', () => {
  it('closes promptly while a hung request is open', async () => {
    const sandbox = await startTestSandbox({ faults: { hangCreateRate: 1 } });
    const token = await getToken(sandbox);
    const pending = call(sandbox, 'POST', '/api/v0/customer', { token, body: validCustomer() });
    pending.catch(() => {});
    await waitFor(() => (sandbox.stats().hungCreates === 1 ? true : undefined));
    const started = performance.now();
    await sandbox.close();
    // A close that waited for the hung request would never end; the bound leaves room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(15_000);
    await expect(pending).rejects.toThrow();
    // close() twice is harmless.
    await sandbox.close();
  });

  it('refuses a port in use with a UserError', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const attempt = startTestSandbox({ port });
      await expect(attempt).rejects.toThrow(UserError);
      await expect(attempt).rejects.toThrow(/already in use/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
