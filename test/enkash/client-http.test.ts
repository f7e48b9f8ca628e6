/**
 * The client against a tiny real HTTP server per test, for answers the sandbox does not give on demand:
 * exact headers and bodies, dropped connections, unreadable 2xx bodies, http-date Retry-After, …
 */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/enkash/client.js';
import type { EnkashError } from '../../src/enkash/errors.js';
import { enkashKeys } from '../../src/enkash/keys.js';
import {
  CUSTOMER,
  envelope,
  errorEnvelope,
  json,
  startStub,
  tokenAnswer,
  type StubHandler,
} from './helpers/http-stub.js';
import { CREDENTIALS, capturingLogger, caught, useEnkashTestbed } from './helpers/setup.js';

const bed = useEnkashTestbed();

const NEW_CUSTOMER = {
  legalName: 'Acme Traders',
  customerKeyContacts: [{ name: 'Asha', mobile: '9876543210', legalName: 'Acme Traders', deleted: false }],
};

/** A stub that issues tokens and hands every other request to `api`. */
async function stub(api: StubHandler) {
  let tokens = 0;
  const server = await startStub((req, res) => {
    if (req.path === '/oauth/token') return tokenAnswer(res, ++tokens);
    return api(req, res);
  });
  bed.defer(() => server.close());
  const calls = (path: string) => server.requests.filter((r) => r.path.startsWith(path));
  return { ...server, tokenRequests: () => calls('/oauth/token').length, apiRequests: () => calls('/api') };
}

describe('EnkashClient over real HTTP (stub server)', () => {
  it('fetches the token as documented and sends it as a Bearer', async () => {
    const server = await stub((_req, res) => json(res, 200, envelope(CUSTOMER)));
    const client = bed.client(server.url, { prefix: bed.prefix() });
    const result = await client.createCustomer(NEW_CUSTOMER);
    expect(result).toMatchObject({ payload: { customerId: CUSTOMER.customerId }, httpStatus: 200 });

    const [token, create] = server.requests;
    expect(token?.method).toBe('POST');
    expect(token?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const basic = Buffer.from(`${CREDENTIALS.clientId}:${CREDENTIALS.clientSecret}`).toString('base64');
    expect(token?.headers.authorization).toBe(`Basic ${basic}`);
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      username: CREDENTIALS.username,
      password: CREDENTIALS.password,
      grant_type: 'password',
      clientId: CREDENTIALS.companyId,
    });
    expect(create?.headers.authorization).toBe('Bearer tok-1');
    expect(create?.path).toBe('/api/v0/customer');
    expect(JSON.parse(create?.body ?? '')).toEqual({ ...NEW_CUSTOMER, companyId: CREDENTIALS.companyId });
  });

  it('sends parentCompanyId when configured, the search page in the query and the filter as given', async () => {
    const server = await stub((req, res) =>
      json(
        res,
        200,
        req.path.endsWith('/search') ? envelope({ data: [CUSTOMER], recordsCount: 9 }) : envelope(CUSTOMER),
      ),
    );
    const client = bed.client(server.url, {
      prefix: bed.prefix(),
      config: { parentCompanyId: 'CEKPARENT1' },
    });
    const page = await client.searchCustomers(
      { uniqueRefNo: 'C-1', customerStatus: 'ALL' },
      { limit: 50, offset: 100, orderBy: 'id', direction: 'DESC' },
    );
    expect(page.data).toHaveLength(1);
    expect(page.payload.recordsCount).toBe(9);
    await client.activateCustomer(CUSTOMER.customerId);
    await client.deactivateCustomer(CUSTOMER.customerId);
    await client.deleteCustomer(CUSTOMER.customerId);

    const [search, activate, deactivate, remove] = server.apiRequests();
    expect(Object.fromEntries(search?.query ?? [])).toEqual({
      limit: '50',
      offset: '100',
      orderBy: 'id',
      direction: 'DESC',
    });
    expect(JSON.parse(search?.body ?? '')).toEqual({ uniqueRefNo: 'C-1', customerStatus: 'ALL' });
    expect([activate, deactivate, remove].map((r) => `${r?.method} ${r?.path}?${r?.query}`)).toEqual([
      `PUT /api/v0/customer/activate/${CUSTOMER.customerId}?parentCompanyId=CEKPARENT1`,
      `PUT /api/v0/customer/deactivate/${CUSTOMER.customerId}?parentCompanyId=CEKPARENT1`,
      `DELETE /api/v0/customer/${CUSTOMER.customerId}?parentCompanyId=CEKPARENT1`,
    ]);
    expect(activate?.body).toBe('');
  });

  it('serialises a PATCH exactly: absent keeps, null clears, a value sets', async () => {
    const server = await stub((_req, res) => json(res, 200, envelope(CUSTOMER)));
    const client = bed.client(server.url, { prefix: bed.prefix() });
    await client.updateCustomer(CUSTOMER.customerId, {
      legalName: 'New name',
      address: null,
      state: undefined,
    });
    const [patch] = server.apiRequests();
    expect(patch?.method).toBe('PATCH');
    expect(patch?.body).toBe('{"legalName":"New name","address":null}');
  });

  it('one token for 32 concurrent calls; requestId from the envelope, else the header, else empty', async () => {
    const server = await stub((req, res) => {
      const n = server.apiRequests().length;
      if (n % 2) return json(res, 200, envelope(CUSTOMER), { 'x-request-id': `hdr-${n}` });
      json(res, 200, { ...envelope(CUSTOMER), errorResponse: { requestId: `env-${n}` } });
    });
    const client = bed.client(server.url, { prefix: bed.prefix(), config: { ratePerSec: 1000 } });
    const results = await Promise.all(
      Array.from({ length: 32 }, () => client.activateCustomer(CUSTOMER.customerId)),
    );
    expect(server.tokenRequests()).toBe(1);
    expect(results.every((r) => /^(hdr|env)-\d+$/.test(r.requestId))).toBe(true);
  });

  it('a 401 invalidates the token and retries once; a second 401 is an auth error', async () => {
    let refuse = 1;
    const server = await stub((_req, res) => {
      if (refuse-- > 0) return json(res, 401, errorEnvelope('UNAUTHORIZED', 'expired'));
      json(res, 200, envelope(CUSTOMER));
    });
    const client = bed.client(server.url, { prefix: bed.prefix() });
    await client.activateCustomer(CUSTOMER.customerId);
    expect(server.tokenRequests()).toBe(2);
    expect(server.apiRequests().map((r) => r.headers.authorization)).toEqual([
      'Bearer tok-1',
      'Bearer tok-2',
    ]);

    refuse = 2;
    const err = await caught(() => client.activateCustomer(CUSTOMER.customerId));
    expect(err).toMatchObject({
      kind: 'auth',
      httpStatus: 401,
      errorType: 'UNAUTHORIZED',
      requestId: 'stub-req-1',
    });
    expect(server.tokenRequests()).toBe(3);
  });

  it('a 403 is an auth error at once: no refresh, no retry', async () => {
    const server = await stub((_req, res) => json(res, 403, errorEnvelope('INVALID_ACCESS', 'not yours')));
    const client = bed.client(server.url, { prefix: bed.prefix() });
    const err = await caught(() => client.activateCustomer(CUSTOMER.customerId));
    expect(err).toMatchObject({ kind: 'auth', httpStatus: 403, errorType: 'INVALID_ACCESS' });
    expect([server.tokenRequests(), server.apiRequests().length]).toEqual([1, 1]);
  });

  it('a 429 pauses every client on the prefix until Retry-After (seconds), then lets calls through', async () => {
    let limited = true;
    const server = await stub((_req, res) => {
      if (limited)
        return json(res, 429, errorEnvelope('CLIENT_REQUEST_ERROR', 'slow down'), { 'retry-after': '1' });
      json(res, 200, envelope(CUSTOMER));
    });
    const prefix = bed.prefix();
    const [a, b] = [bed.client(server.url, { prefix }), bed.client(server.url, { prefix })];
    const asked = performance.now();
    const err = await caught(() => a.activateCustomer(CUSTOMER.customerId));
    expect(err).toMatchObject({ kind: 'rate-limited', httpStatus: 429, retryAfterMs: 1000 });
    const pauseLeft = await bed.redis.pttl(enkashKeys(prefix).pause);
    expect(pauseLeft).toBeGreaterThanOrEqual(1000 - Math.ceil(performance.now() - asked) - 1);
    limited = false;
    await b.activateCustomer(CUSTOMER.customerId);
    const [first, second] = server.apiRequests();
    expect(second!.atMs - first!.atMs).toBeGreaterThanOrEqual(1000);
  });

  it('reads Retry-After as an HTTP date, and defaults to 1 s without one', async () => {
    let header: string | undefined = new Date(Date.now() + 3_000).toUTCString();
    const server = await stub((_req, res) => json(res, 429, {}, header ? { 'retry-after': header } : {}));
    const client = bed.client(server.url, { prefix: bed.prefix() });
    const dated = (await caught(() => client.deleteCustomer(CUSTOMER.customerId))) as EnkashError;
    // The date less the moment the answer was read: no later than now, however slow the call was.
    expect(dated.retryAfterMs).toBeGreaterThanOrEqual(Date.parse(header!) - Date.now());
    expect(dated.retryAfterMs).toBeLessThanOrEqual(3_000);

    const other = bed.client(server.url, { prefix: bed.prefix() });
    header = undefined;
    expect(await caught(() => other.deleteCustomer(CUSTOMER.customerId))).toMatchObject({
      retryAfterMs: 1000,
    });
  });

  it('a 2xx body we cannot read is a permanent BAD_RESPONSE that, for a create, may have committed', async () => {
    const server = await stub((req, res) =>
      req.path.endsWith('/search')
        ? json(res, 200, envelope({ data: [{ legalName: 'no id' }] }))
        : json(res, 200, envelope(null)),
    );
    const client = bed.client(server.url, { prefix: bed.prefix() });
    expect(await caught(() => client.createCustomer(NEW_CUSTOMER))).toMatchObject({
      kind: 'permanent',
      errorType: 'BAD_RESPONSE',
      httpStatus: 200,
      mayHaveCommitted: true,
    });
    expect(await caught(() => client.searchCustomers({}, { limit: 1, offset: 0 }))).toMatchObject({
      errorType: 'BAD_RESPONSE',
      mayHaveCommitted: false,
    });
  });

  it('a 200 envelope that carries an error is thrown, classed by its errorType', async () => {
    const server = await stub((_req, res) =>
      json(res, 200, errorEnvelope('RECORD_NOT_FOUND', 'no such customer')),
    );
    const client = bed.client(server.url, { prefix: bed.prefix() });
    expect(await caught(() => client.deleteCustomer(CUSTOMER.customerId))).toMatchObject({
      kind: 'permanent',
      errorType: 'RECORD_NOT_FOUND',
      requestId: 'stub-req-1',
    });
  });

  it('a connection dropped after a create was sent: retryable, and it may have committed', async () => {
    const server = await stub((_req, res) => void res.socket?.destroy());
    const client = bed.client(server.url, { prefix: bed.prefix() });
    expect(await caught(() => client.createCustomer(NEW_CUSTOMER))).toMatchObject({
      kind: 'retryable',
      errorType: 'NETWORK_ERROR',
      httpStatus: null,
      mayHaveCommitted: true,
    });
    expect(await caught(() => client.updateCustomer(CUSTOMER.customerId, {}))).toMatchObject({
      errorType: 'NETWORK_ERROR',
      mayHaveCommitted: false,
    });
  });

  it('a create that never answers times out and may have committed; a caller abort is ABORTED', async () => {
    const server = await stub(() => undefined);
    const client = bed.client(server.url, { prefix: bed.prefix(), config: { timeoutMs: 200 } });
    const started = Date.now();
    expect(await caught(() => client.createCustomer(NEW_CUSTOMER))).toMatchObject({
      kind: 'retryable',
      errorType: 'TIMEOUT',
      mayHaveCommitted: true,
    });
    // The stub never answers: without the 200 ms timeout this would wait for the test's own timeout.
    expect(Date.now() - started).toBeLessThan(20_000);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(
      await caught(() => client.searchCustomers({}, { limit: 1, offset: 0 }, { signal: controller.signal })),
    ).toMatchObject({
      kind: 'retryable',
      errorType: 'ABORTED',
      mayHaveCommitted: false,
    });
  });

  it('an abort while waiting for the rate budget sends nothing', async () => {
    const server = await stub((_req, res) => json(res, 200, envelope(CUSTOMER)));
    const client = bed.client(server.url, { prefix: bed.prefix() });
    await client.activateCustomer(CUSTOMER.customerId);
    await client.limiter.pauseFor(10_000);
    const err = await caught(() => client.createCustomer(NEW_CUSTOMER, { signal: AbortSignal.timeout(50) }));
    expect(err).toMatchObject({ errorType: 'ABORTED', mayHaveCommitted: false });
    expect(server.apiRequests()).toHaveLength(1);
  });

  it('a refused port is a retryable NETWORK_ERROR that cannot have committed', async () => {
    const server = await stub(() => undefined);
    const url = server.url;
    await server.close();
    const client = bed.client(url, { prefix: bed.prefix() });
    const err = await caught(() => client.createCustomer(NEW_CUSTOMER));
    expect(err).toMatchObject({ kind: 'retryable', errorType: 'NETWORK_ERROR', mayHaveCommitted: false });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('logs one debug line per call and reports it to onCall, with no token or personal data', async () => {
    const server = await stub((_req, res) =>
      json(res, 400, errorEnvelope('VALIDATION_ERROR', 'bad mobile 9876543210')),
    );
    const { logger, lines } = capturingLogger('debug');
    const calls: CallRecord[] = [];
    const client = bed.client(server.url, { prefix: bed.prefix(), logger, calls });
    await caught(() => client.createCustomer(NEW_CUSTOMER));
    expect(calls.map((c) => [c.operation, c.status])).toEqual([
      ['token', 200],
      ['create', 400],
    ]);
    const logged = lines();
    expect(logged.match(/"event":"enkash call"/g)).toHaveLength(2);
    expect(logged).toMatch(/"operation":"create","status":400,"durationMs":\d+/);
    for (const secret of ['tok-1', '9876543210', 'Acme', CREDENTIALS.password])
      expect(logged).not.toContain(secret);
  });
});
