import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  call,
  createCustomer,
  customerOf,
  errorOf,
  getToken,
  payloadOf,
  searchOf,
  startTestSandbox,
  useTestSandbox,
  waitFor,
} from './helpers.js';

const MISSING_ID = 'KC00000000000000';

describe('sandbox: PATCH /api/v0/customer/{customerId}', () => {
  let sandbox: Sandbox;
  let token: string;
  useTestSandbox((started) => ({ sandbox, token } = started));

  const patch = (customerId: string, body: unknown, query = '') =>
    call(sandbox, 'PATCH', `/api/v0/customer/${customerId}${query}`, { token, body });

  it('keeps absent fields, clears null ones and sets given ones (JsonNullable)', async () => {
    const before = await createCustomer(sandbox, token, { uniqueRefNo: 'P-1' });
    const reply = await patch(before.customerId, { address: null, state: 'Karnataka', pinCode: '560001' });
    expect(reply.status).toBe(200);
    const after = customerOf(reply);
    expect(after).toMatchObject({
      address: null,
      state: 'Karnataka',
      pinCode: '560001',
      legalName: before.legalName,
      panOrGstin: before.panOrGstin,
      accountNumber: before.accountNumber,
      uniqueRefNo: 'P-1',
    });
    // The change is kept, not only echoed.
    const found = searchOf(
      await call(sandbox, 'POST', '/api/v0/customer/search', { token, body: { uniqueRefNo: 'P-1' } }),
    );
    expect(found.data[0]).toMatchObject({ address: null, state: 'Karnataka' });
  });

  it('moves modifiedOn on a change, and only on a change', async () => {
    const before = await createCustomer(sandbox, token, { uniqueRefNo: 'P-2' });
    const unchanged = customerOf(await patch(before.customerId, { state: before.state }));
    expect(unchanged.modifiedOn).toBe(before.modifiedOn);
    // ISO timestamps have millisecond resolution: wait until the clock has moved before changing.
    await waitFor(() => (new Date().toISOString() !== before.modifiedOn ? true : undefined));
    const changed = customerOf(await patch(before.customerId, { state: 'Goa' }));
    expect(changed.modifiedOn).not.toBe(before.modifiedOn);
    expect(changed.createdOn).toBe(before.createdOn);
  });

  it('validates the body with the seed patterns', async () => {
    const customer = await createCustomer(sandbox, token, { uniqueRefNo: 'P-3' });
    const reply = await patch(customer.customerId, { ifsc: 'BAD', panOrGstin: 'NOT-A-PAN!!' });
    expect(reply.status).toBe(400);
    const error = errorOf(reply);
    expect(error.errorType).toBe('VALIDATION_ERROR');
    expect(error.apiSubErrors?.map((e) => e.field).sort()).toEqual(['ifsc', 'panOrGstin']);
    expect(error.apiSubErrors?.[0]?.object).toBe('customerUpdateDTO');
  });

  it('refuses to clear legalName or empty the key contacts', async () => {
    const customer = await createCustomer(sandbox, token, { uniqueRefNo: 'P-4' });
    for (const body of [{ legalName: null }, { customerKeyContacts: null }, { customerKeyContacts: [] }]) {
      const reply = await patch(customer.customerId, body);
      expect(reply.status).toBe(400);
      expect(errorOf(reply).errorType).toBe('VALIDATION_ERROR');
    }
  });

  it('replaces key contacts, keeping the id of a contact sent back with its keyContactPersonId', async () => {
    const customer = await createCustomer(sandbox, token, { uniqueRefNo: 'P-5' });
    const kept = customer.customerKeyContacts?.[0];
    const contacts = [
      {
        keyContactPersonId: kept?.keyContactPersonId,
        name: 'Asha Rao',
        mobile: '9876543210',
        legalName: 'X',
        deleted: false,
      },
      { name: 'New Person', mobile: '9123456789', legalName: 'X', deleted: false, email: 'new@x.example' },
    ];
    const after = customerOf(await patch(customer.customerId, { customerKeyContacts: contacts }));
    expect(after.customerKeyContacts).toHaveLength(2);
    expect(after.customerKeyContacts?.[0]?.keyContactPersonId).toBe(kept?.keyContactPersonId);
    expect(after.customerKeyContacts?.[1]?.keyContactPersonId).not.toBe(kept?.keyContactPersonId);
  });

  it('answers 404 RECORD_NOT_FOUND for an unknown customerId', async () => {
    const reply = await patch(MISSING_ID, { state: 'Goa' });
    expect(reply.status).toBe(404);
    expect(errorOf(reply).errorType).toBe('RECORD_NOT_FOUND');
  });

  it('answers 400 VALIDATION_ERROR for a customerId or parentCompanyId that breaks its pattern', async () => {
    const badId = await patch('KC123', { state: 'Goa' });
    expect(badId.status).toBe(400);
    expect(errorOf(badId).apiSubErrors?.[0]).toMatchObject({ field: 'customerId', rejectedValue: 'KC123' });
    const customer = await createCustomer(sandbox, token, { uniqueRefNo: 'P-6' });
    const badParent = await patch(customer.customerId, { state: 'Goa' }, '?parentCompanyId=nope');
    expect(errorOf(badParent).apiSubErrors?.[0]).toMatchObject({ field: 'parentCompanyId' });
    expect((await patch(customer.customerId, { state: 'Goa' }, '?parentCompanyId=CEKSANDBX1')).status).toBe(
      200,
    );
  });
});

describe('sandbox: activate, deactivate, delete', () => {
  let sandbox: Sandbox;
  let token: string;
  useTestSandbox((started) => ({ sandbox, token } = started));

  it('deactivates and activates, with or without a JSON body', async () => {
    const customer = await createCustomer(sandbox, token);
    const off = await call(sandbox, 'PUT', `/api/v0/customer/deactivate/${customer.customerId}`, { token });
    expect(off.status).toBe(200);
    expect(customerOf(off).active).toBe(false);
    // An empty body sent as application/json, as many HTTP clients do.
    const on = await call(sandbox, 'PUT', `/api/v0/customer/activate/${customer.customerId}`, {
      token,
      headers: { 'content-type': 'application/json' },
    });
    expect(on.status).toBe(200);
    expect(customerOf(on).active).toBe(true);
    const withBody = await call(sandbox, 'PUT', `/api/v0/customer/deactivate/${customer.customerId}`, {
      token,
      body: {},
    });
    expect(customerOf(withBody).active).toBe(false);
    expect(sandbox.customers().find((c) => c.customerId === customer.customerId)?.active).toBe(false);
  });

  it('answers 404 when activating an unknown customer', async () => {
    const reply = await call(sandbox, 'PUT', `/api/v0/customer/activate/${MISSING_ID}`, { token });
    expect(reply.status).toBe(404);
    expect(errorOf(reply).errorType).toBe('RECORD_NOT_FOUND');
  });

  it('deletes a customer: payload is a string, then the customer is gone', async () => {
    const customer = await createCustomer(sandbox, token, { uniqueRefNo: 'DEL-1' });
    const reply = await call(sandbox, 'DELETE', `/api/v0/customer/${customer.customerId}`, { token });
    expect(reply.status).toBe(200);
    expect(payloadOf(reply)).toEqual(expect.any(String));
    const again = await call(sandbox, 'DELETE', `/api/v0/customer/${customer.customerId}`, { token });
    expect(again.status).toBe(404);
    const found = searchOf(
      await call(sandbox, 'POST', '/api/v0/customer/search', { token, body: { uniqueRefNo: 'DEL-1' } }),
    );
    expect(found.recordsCount).toBe(0);
  });

  it('answers an unknown route with a 404 envelope that is not RECORD_NOT_FOUND', async () => {
    const reply = await call(sandbox, 'GET', '/api/v0/customer/get/everything', { token });
    expect(reply.status).toBe(404);
    expect(errorOf(reply).errorType).toBe('CLIENT_REQUEST_ERROR');
  });
});

describe('sandbox: deactivate path is configurable', () => {
  it('serves the deactivate path it is given', async () => {
    const sandbox = await startTestSandbox({ deactivatePath: '/api/v0/customer/{customerId}/deactivate' });
    try {
      const token = await getToken(sandbox);
      const customer = await createCustomer(sandbox, token);
      const reply = await call(sandbox, 'PUT', `/api/v0/customer/${customer.customerId}/deactivate`, {
        token,
      });
      expect(customerOf(reply).active).toBe(false);
      expect(sandbox.stats().requests.deactivate).toEqual({ '200': 1 });
    } finally {
      await sandbox.close();
    }
  });
});
