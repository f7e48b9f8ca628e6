import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import { call, createCustomer, errorOf, getToken, searchOf, startTestSandbox } from './helpers.js';

describe('sandbox: POST /api/v0/customer/search', () => {
  let sandbox: Sandbox;
  let token: string;
  const ids: string[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    token = await getToken(sandbox);
    // 25 customers: R-01..R-25; every 5th inactive; the odd ones carry a PAN instead of a GSTIN.
    for (let i = 1; i <= 25; i++) {
      const n = String(i).padStart(2, '0');
      const customer = await createCustomer(sandbox, token, {
        uniqueRefNo: `R-${n}`,
        legalName: i % 2 === 0 ? `Even Traders ${n}` : `Odd Exports ${n}`,
        panOrGstin: i === 7 ? 'AAPFU0939F' : '27AAPFU0939F1ZV',
        accountNumber: `ACC0000000${n}`,
        ifsc: i === 3 ? 'SBIN0000003' : 'HDFC0001234',
        contactNumber: `98765432${n}`,
      });
      ids.push(customer.customerId);
      if (i % 5 === 0)
        await call(sandbox, 'PUT', `/api/v0/customer/deactivate/${customer.customerId}`, { token });
    }
  });
  afterAll(() => sandbox.close());

  const search = async (body: unknown, query = 'limit=100') =>
    searchOf(await call(sandbox, 'POST', `/api/v0/customer/search?${query}`, { token, body }));

  it('finds one customer by uniqueRefNo (exact)', async () => {
    const result = await search({ uniqueRefNo: 'R-07' });
    expect(result.recordsCount).toBe(1);
    expect(result.data[0]?.customerId).toBe(ids[6]);
    expect((await search({ uniqueRefNo: 'R-0' })).recordsCount).toBe(0);
  });

  it('matches panOrGstin exactly, ignoring case', async () => {
    expect((await search({ panOrGstin: 'aapfu0939f' })).data.map((c) => c.uniqueRefNo)).toEqual(['R-07']);
    expect((await search({ panOrGstin: 'AAPFU0939' })).recordsCount).toBe(0);
  });

  it('matches legalName as a case-insensitive "contains"', async () => {
    expect((await search({ legalName: 'odd exp' })).recordsCount).toBe(13);
  });

  it('filters by customerIds, accountNumber, contactNumber and ifsc', async () => {
    expect((await search({ customerIds: [ids[0], ids[1], 'KCNOTEXISTING000'] })).recordsCount).toBe(2);
    expect((await search({ accountNumber: 'ACC000000012' })).data[0]?.uniqueRefNo).toBe('R-12');
    expect((await search({ contactNumber: '9876543213' })).data[0]?.uniqueRefNo).toBe('R-13');
    expect((await search({ ifsc: 'sbin0000003' })).data[0]?.uniqueRefNo).toBe('R-03');
  });

  it('filters by customerStatus; absent means ALL', async () => {
    expect((await search({ customerStatus: 'ACTIVE' })).recordsCount).toBe(20);
    expect((await search({ customerStatus: 'INACTIVE' })).recordsCount).toBe(5);
    expect((await search({ customerStatus: 'ALL' })).recordsCount).toBe(25);
    expect((await search({})).recordsCount).toBe(25);
  });

  it('treats an empty-string filter as no filter, and a body-less search as {}', async () => {
    expect((await search({ uniqueRefNo: '' })).recordsCount).toBe(25);
    const reply = await call(sandbox, 'POST', '/api/v0/customer/search?limit=1', { token });
    expect(searchOf(reply).recordsCount).toBe(25);
  });

  it('pages by limit and offset; recordsCount is the total, not the page size', async () => {
    const pages = [];
    for (let offset = 0; offset < 25; offset += 10) {
      pages.push(await search({}, `limit=10&offset=${offset}`));
    }
    expect(pages.map((p) => p.data.length)).toEqual([10, 10, 5]);
    expect(pages.every((p) => p.recordsCount === 25)).toBe(true);
    expect(pages.flatMap((p) => p.data.map((c) => c.customerId))).toEqual(ids);
  });

  it('orders by id ascending by default and honours orderBy/direction', async () => {
    const byId = await search({}, 'limit=3');
    expect(byId.data.map((c) => c.uniqueRefNo)).toEqual(['R-01', 'R-02', 'R-03']);
    const desc = await search({}, 'limit=3&orderBy=uniqueRefNo&direction=DESC');
    expect(desc.data.map((c) => c.uniqueRefNo)).toEqual(['R-25', 'R-24', 'R-23']);
    const byName = await search({}, 'limit=2&orderBy=legalName&direction=ASC');
    expect(byName.data.map((c) => c.legalName)).toEqual(['Even Traders 02', 'Even Traders 04']);
  });

  it('uses a default page of 20 when limit is absent', async () => {
    expect((await search({}, '')).data).toHaveLength(20);
  });

  it.each([
    ['limit', 'limit=5001'],
    ['limit', 'limit=0'],
    ['offset', 'limit=10&offset=-1'],
    ['direction', 'limit=10&direction=UP'],
    ['orderBy', 'limit=10&orderBy=password'],
  ])('rejects a bad %s with 400 VALIDATION_ERROR', async (field, query) => {
    const reply = await call(sandbox, 'POST', `/api/v0/customer/search?${query}`, { token, body: {} });
    expect(reply.status).toBe(400);
    const error = errorOf(reply);
    expect(error.errorType).toBe('VALIDATION_ERROR');
    expect(error.apiSubErrors?.map((e) => e.field)).toContain(field);
  });

  it('accepts limit 5000', async () => {
    expect((await search({}, 'limit=5000')).data).toHaveLength(25);
  });

  it('rejects a bad customerStatus in the body', async () => {
    const reply = await call(sandbox, 'POST', '/api/v0/customer/search', {
      token,
      body: { customerStatus: 'GONE' },
    });
    expect(errorOf(reply).apiSubErrors?.[0]).toMatchObject({
      object: 'customerSearchDTO',
      field: 'customerStatus',
    });
  });
});
