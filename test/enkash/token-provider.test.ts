/** The shared token against a tiny real HTTP server: spellings, refresh before expiry, refused credentials. */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { EnkashClient } from '../../src/enkash/client.js';
import { EnkashError } from '../../src/enkash/errors.js';
import { enkashKeys } from '../../src/enkash/keys.js';
import { CUSTOMER, envelope, json, startStub } from './helpers/http-stub.js';
import { Sealer } from '../../src/queue/sealer.js';
import { capturingLogger, caught, enkashConfig, useEnkashTestbed } from './helpers/setup.js';
import { waitFor } from './helpers/timing.js';

const bed = useEnkashTestbed();

describe('TokenProvider over real HTTP (stub server)', () => {
  it('accepts the snake_case spelling and refreshes before expiry', async () => {
    let n = 0;
    const server = await startStub((req, res) => {
      if (req.path === '/oauth/token')
        return json(res, 200, { access_token: `snake-${++n}`, token_type: 'bearer', expires_in: 2 });
      json(res, 200, envelope(CUSTOMER));
    });
    bed.defer(() => server.close());
    const prefix = bed.prefix();
    const client = bed.client(server.url, { prefix });
    await client.activateCustomer(CUSTOMER.customerId);
    // A 2 s token is refreshed once fewer than 0.2 s (a tenth of its life) remain.
    const ttl = await bed.redis.pttl(enkashKeys(prefix).token);
    expect(ttl).toBeGreaterThan(1_500);
    await waitFor(
      async () => ((await bed.redis.pttl(enkashKeys(prefix).token)) < 200 ? true : undefined),
      3_000,
    );
    await client.activateCustomer(CUSTOMER.customerId);
    expect(
      server.requests
        .filter((r) => r.path === '/api/v0/customer/activate/' + CUSTOMER.customerId)
        .map((r) => r.headers.authorization),
    ).toEqual(['Bearer snake-1', 'Bearer snake-2']);
  });

  it('keeps the shared token sealed in Redis: shared by every client with the key, dropped once after a 401', async () => {
    let n = 0;
    const server = await startStub((req, res) => {
      if (req.path === '/oauth/token')
        return json(res, 200, { access_token: `live-token-${++n}`, token_type: 'bearer', expires_in: 600 });
      if (req.headers.authorization === 'Bearer live-token-1' && n === 1)
        return json(res, 401, { error: 'invalid_token' });
      json(res, 200, envelope(CUSTOMER));
    });
    bed.defer(() => server.close());
    const prefix = bed.prefix();
    const sealer = new Sealer(randomBytes(32));
    const clients = [0, 1].map(
      () =>
        new EnkashClient({
          config: enkashConfig(server.url),
          redis: bed.redis,
          prefix,
          logger: capturingLogger('silent').logger,
          sealer,
        }),
    );
    bed.defer(() => Promise.all(clients.map((c) => c.close())));
    const [a, b] = clients as [EnkashClient, EnkashClient];
    expect(await a.tokens.getToken()).toBe('live-token-1');
    const stored = await bed.redis.hgetall(enkashKeys(prefix).token);
    expect(Object.keys(stored).sort()).toEqual(['id', 'refreshBelowMs', 'sealed']);
    expect(JSON.stringify(stored)).not.toContain('live-token');
    expect(await b.tokens.getToken()).toBe('live-token-1');
    // The 401 drops the sealed token by its HMAC; both clients then share the second one.
    await Promise.all([a, b].map((c) => c.activateCustomer(CUSTOMER.customerId)));
    expect(await b.tokens.getToken()).toBe('live-token-2');
    expect(server.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(2);
    expect(JSON.stringify(await bed.redis.hgetall(enkashKeys(prefix).token))).not.toContain('live-token');
  });

  it('refused credentials: one token request, a marker for the cooldown, a clear error; clearable', async () => {
    const server = await startStub((_req, res) =>
      json(res, 401, { error: 'unauthorized', error_description: 'Bad credentials' }),
    );
    bed.defer(() => server.close());
    const prefix = bed.prefix();
    const client = bed.client(server.url, { prefix, config: { authFailureCooldownSec: 60 } });
    const errors = await Promise.all(
      Array.from({ length: 8 }, () => caught(() => client.activateCustomer(CUSTOMER.customerId))),
    );
    expect(server.requests).toHaveLength(1);
    const err = errors[0] as EnkashError;
    expect(errors.every((e) => e instanceof EnkashError && e.kind === 'auth')).toBe(true);
    expect(err.message).toMatch(
      /ENKASH_USERNAME, ENKASH_PASSWORD, ENKASH_CLIENT_ID and ENKASH_CLIENT_SECRET/,
    );
    expect(err.message).toContain(enkashKeys(prefix).authFailed);
    const ttl = await bed.redis.ttl(enkashKeys(prefix).authFailed);
    expect(ttl).toBeGreaterThan(55);

    expect(await caught(() => client.activateCustomer(CUSTOMER.customerId))).toMatchObject({ kind: 'auth' });
    expect(server.requests).toHaveLength(1);
    expect(await client.tokens.clearAuthFailure()).toBe(true);
    await caught(() => client.activateCustomer(CUSTOMER.customerId));
    expect(server.requests).toHaveLength(2);
  });
});
