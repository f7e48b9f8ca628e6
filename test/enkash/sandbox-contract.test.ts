/** The client against the sandbox: every endpoint, and every class of error the sandbox can produce. */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/enkash/client.js';
import type { EnkashError } from '../../src/enkash/errors.js';
import { customerBody, sandboxFor } from './helpers/sandbox.js';
import { caught, useEnkashTestbed } from './helpers/setup.js';

const bed = useEnkashTestbed();
const FAST = { ratePerSec: 1000 };
const MISSING = 'KC00000000000000';

describe('EnkashClient against the sandbox: endpoints', () => {
  it('creates, pages through search, updates (absent / null / value), deactivates, activates, deletes', async () => {
    const sandbox = await sandboxFor(bed);
    const client = bed.client(sandbox.url, { prefix: bed.prefix(), config: FAST });
    const created = [];
    for (let n = 1; n <= 5; n += 1) {
      created.push(
        (await client.createCustomer(customerBody(n, { address: `Street ${n}`, state: 'Goa' }))).payload,
      );
    }
    expect(created.map((c) => c.customerId).every((id) => /^KC[A-Z0-9]{14}$/.test(id))).toBe(true);

    const pages = [];
    for (let offset = 0; offset < 5; offset += 2) {
      const page = await client.searchCustomers(
        { customerStatus: 'ALL' },
        { limit: 2, offset, orderBy: 'id', direction: 'ASC' },
      );
      expect(page.recordsCount).toBe(5);
      pages.push(page.data.map((c) => c.uniqueRefNo));
    }
    expect(pages).toEqual([['REF-1', 'REF-2'], ['REF-3', 'REF-4'], ['REF-5']]);

    const first = created[0]!;
    const updated = await client.updateCustomer(first.customerId, {
      legalName: 'Renamed Ltd',
      address: null,
    });
    expect(updated.httpStatus).toBe(200);
    expect(updated.payload).toMatchObject({ legalName: 'Renamed Ltd', state: 'Goa', uniqueRefNo: 'REF-1' });
    expect(updated.payload.address ?? null).toBeNull();

    await client.deactivateCustomer(first.customerId);
    const inactive = await client.searchCustomers({ customerStatus: 'INACTIVE' }, { limit: 10, offset: 0 });
    expect(inactive.data.map((c) => [c.customerId, c.active])).toEqual([[first.customerId, false]]);
    await client.activateCustomer(first.customerId);
    const byRef = await client.searchCustomers(
      { uniqueRefNo: 'REF-1', customerStatus: 'ACTIVE' },
      { limit: 2, offset: 0 },
    );
    expect(byRef.data.map((c) => c.active)).toEqual([true]);

    const deleted = await client.deleteCustomer(first.customerId);
    expect(deleted).toMatchObject({ httpStatus: 200, payload: expect.any(String) });
    expect(sandbox.customers()).toHaveLength(4);
    expect(await caught(() => client.activateCustomer(first.customerId))).toMatchObject({ httpStatus: 404 });
  });
});

describe('EnkashClient against the sandbox: errors', () => {
  it('400: permanent, with the field messages and EnKash’s requestId', async () => {
    const sandbox = await sandboxFor(bed);
    const client = bed.client(sandbox.url, { prefix: bed.prefix(), config: FAST });
    const err = (await caught(() =>
      client.createCustomer(customerBody(1, { pinCode: '12', ifsc: 'nope' })),
    )) as EnkashError;
    expect(err).toMatchObject({
      kind: 'permanent',
      httpStatus: 400,
      errorType: 'VALIDATION_ERROR',
      mayHaveCommitted: false,
    });
    expect(err.requestId).not.toBe('');
    expect(err.fieldErrors.map((f) => [f.field, f.rejectedValue])).toEqual(
      expect.arrayContaining([
        ['pinCode', '12'],
        ['ifsc', 'nope'],
      ]),
    );
    expect(err.fieldErrors.every((f) => f.message.length > 0)).toBe(true);
  });

  it('404 for an unknown customer, 422 for a duplicate uniqueRefNo, 403 for another company', async () => {
    const sandbox = await sandboxFor(bed, { uniqueRefNo: true });
    const client = bed.client(sandbox.url, { prefix: bed.prefix(), config: FAST });
    expect(await caught(() => client.updateCustomer(MISSING, { state: 'Goa' }))).toMatchObject({
      kind: 'permanent',
      httpStatus: 404,
      errorType: 'RECORD_NOT_FOUND',
    });
    await client.createCustomer(customerBody(1));
    expect(await caught(() => client.createCustomer(customerBody(1)))).toMatchObject({
      kind: 'permanent',
      httpStatus: 422,
      errorType: 'UNPROCESSABLE_REQUEST',
      mayHaveCommitted: false,
    });
    expect(
      await caught(() => client.createCustomer(customerBody(2, { companyId: 'CEKOTHER01' }))),
    ).toMatchObject({
      kind: 'auth',
      httpStatus: 403,
      errorType: 'INVALID_ACCESS',
    });
  });

  it('401 after the tokens expired: one new token, one retry, success', async () => {
    const sandbox = await sandboxFor(bed);
    const client = bed.client(sandbox.url, { prefix: bed.prefix(), config: FAST });
    await client.searchCustomers({}, { limit: 1, offset: 0 });
    sandbox.expireTokens();
    const page = await client.searchCustomers({}, { limit: 1, offset: 0 });
    expect(page.httpStatus).toBe(200);
    const stats = sandbox.stats();
    expect(stats.tokenRequests).toBe(2);
    expect(stats.requests.search).toEqual({ '200': 2, '401': 1 });
  });

  it('5xx: retryable, with the status kept', async () => {
    const sandbox = await sandboxFor(bed, { faults: { failureRate: 1 } });
    const client = bed.client(sandbox.url, { prefix: bed.prefix(), config: FAST });
    const errors = (await Promise.all(
      Array.from({ length: 6 }, () => caught(() => client.searchCustomers({}, { limit: 1, offset: 0 }))),
    )) as EnkashError[];
    for (const err of errors) {
      expect(err.kind).toBe('retryable');
      expect([500, 502, 503]).toContain(err.httpStatus);
    }
  });

  it('429 during a "429 storm": rate-limited with Retry-After in seconds and as an HTTP date', async () => {
    const sandbox = await sandboxFor(bed, { faults: { rateLimitedUntil: Date.now() + 1_500 } });
    const seconds = bed.client(sandbox.url, { prefix: bed.prefix(), config: FAST });
    expect(await caught(() => seconds.searchCustomers({}, { limit: 1, offset: 0 }))).toMatchObject({
      kind: 'rate-limited',
      httpStatus: 429,
      retryAfterMs: 2_000,
    });
    sandbox.setFaults({ retryAfterFormat: 'http-date' });
    const dated = bed.client(sandbox.url, { prefix: bed.prefix(), config: FAST });
    const err = (await caught(() => dated.searchCustomers({}, { limit: 1, offset: 0 }))) as EnkashError;
    expect(err.kind).toBe('rate-limited');
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(2_500);
  });

  it('timeout during an outage that never answers: retryable TIMEOUT', async () => {
    const sandbox = await sandboxFor(bed);
    const calls: CallRecord[] = [];
    const client = bed.client(sandbox.url, {
      prefix: bed.prefix(),
      config: { ...FAST, timeoutMs: 200 },
      calls,
    });
    await client.searchCustomers({}, { limit: 1, offset: 0 });
    sandbox.setFaults({ outageUntil: Date.now() + 60_000, outageKind: 'timeout' });
    expect(await caught(() => client.searchCustomers({}, { limit: 1, offset: 0 }))).toMatchObject({
      kind: 'retryable',
      errorType: 'TIMEOUT',
      httpStatus: null,
      mayHaveCommitted: false,
    });
    expect(calls.at(-1)).toMatchObject({ operation: 'search', status: null });
  });

  it('a create that commits and never answers: TIMEOUT with mayHaveCommitted, and the customer exists', async () => {
    const sandbox = await sandboxFor(bed, { faults: { hangCreateRate: 1 } });
    const client = bed.client(sandbox.url, { prefix: bed.prefix(), config: { ...FAST, timeoutMs: 300 } });
    expect(await caught(() => client.createCustomer(customerBody(7)))).toMatchObject({
      kind: 'retryable',
      errorType: 'TIMEOUT',
      mayHaveCommitted: true,
    });
    expect(sandbox.stats().hungCreates).toBe(1);
    const found = await client.searchCustomers(
      { uniqueRefNo: 'REF-7', customerStatus: 'ALL' },
      { limit: 2, offset: 0 },
    );
    expect(found.recordsCount).toBe(1);
  });

  it('a refused port (sandbox gone): retryable NETWORK_ERROR that cannot have committed', async () => {
    const sandbox = await sandboxFor(bed);
    await sandbox.close();
    const client = bed.client(sandbox.url, { prefix: bed.prefix(), config: FAST });
    expect(await caught(() => client.createCustomer(customerBody(1)))).toMatchObject({
      kind: 'retryable',
      errorType: 'NETWORK_ERROR',
      httpStatus: null,
      mayHaveCommitted: false,
    });
  });
});
