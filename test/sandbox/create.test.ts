import { describe, expect, it } from 'vitest';
import { PATTERNS, SEED_PATTERNS } from '../../src/contract/enkash-api.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { CREDENTIALS, call, customerOf, errorOf, useTestSandbox, validCustomer } from './helpers.js';

describe('sandbox: POST /api/v0/customer', () => {
  let sandbox: Sandbox;
  let token: string;
  useTestSandbox((started) => ({ sandbox, token } = started));

  const create = (body: unknown) => call(sandbox, 'POST', '/api/v0/customer', { token, body });

  it('creates a customer and answers the CustomerResponse in the envelope', async () => {
    const reply = await create(validCustomer());
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ errorResponse: null, response_code: 0 });
    const customer = customerOf(reply);
    expect(customer.customerId).toMatch(PATTERNS.customerId);
    expect(customer).toMatchObject({
      legalName: 'Acme Traders Pvt Ltd',
      uniqueRefNo: 'CUST-0001',
      panOrGstin: '27AAPFU0939F1ZV',
      companyId: CREDENTIALS.companyId,
      active: true,
      contactEmail: 'asha@acme.example',
    });
    expect(customer.id).toEqual(expect.any(Number));
    expect(Date.parse(customer.createdOn ?? '')).not.toBeNaN();
    expect(customer.modifiedOn).toBe(customer.createdOn);
    const contact = customer.customerKeyContacts?.[0];
    expect(contact?.keyContactPersonId).toEqual(expect.any(String));
    expect(contact).toMatchObject({
      name: 'Asha Rao',
      mobile: '9876543210',
      customerId: customer.customerId,
    });
  });

  it('gives increasing ids and distinct customerIds', async () => {
    const a = customerOf(await create(validCustomer({ uniqueRefNo: 'A' })));
    const b = customerOf(await create(validCustomer({ uniqueRefNo: 'B' })));
    expect(b.id).toBeGreaterThan(a.id ?? Infinity);
    expect(b.customerId).not.toBe(a.customerId);
  });

  it.each([
    ['GSTIN', '27AAPFU0939F1ZV'],
    ['GSTIN in lower case', '27aapfu0939f1zv'],
    ['PAN', 'AAPFU0939F'],
    ['empty string', ''],
  ])('accepts a %s as panOrGstin', async (_what, panOrGstin) => {
    expect((await create(validCustomer({ panOrGstin }))).status).toBe(200);
  });

  it('accepts an empty string for every pattern that allows ^$', async () => {
    const reply = await create(
      validCustomer({ contactNumber: '', accountNumber: '', ifsc: '', pinCode: '' }),
    );
    expect(reply.status).toBe(200);
  });

  // Each pattern from the seeds, with a value that breaks it. The PAN/GSTIN cases are those a naive
  // JavaScript reading of `^$|^(GSTIN)?|(PAN)$` would let through.
  it.each([
    ['panOrGstin', { panOrGstin: 'NOT-A-PAN!!' }],
    ['panOrGstin', { panOrGstin: '27AAPFU0939F1ZVXYZ' }],
    ['panOrGstin', { panOrGstin: 'xAAPFU0939F' }],
    ['panOrGstin', { panOrGstin: '99AAPFU0939F1ZV' }],
    ['contactNumber', { contactNumber: '12345' }],
    ['contactNumber', { contactNumber: '98765432101' }],
    ['accountNumber', { accountNumber: '12345678' }],
    ['accountNumber', { accountNumber: '1234-5678-9012' }],
    ['ifsc', { ifsc: 'HDFC1001234' }],
    ['pinCode', { pinCode: '40001' }],
    ['companyId', { companyId: 'CEK123' }],
    [
      'customerKeyContacts[0].mobile',
      { customerKeyContacts: [{ name: 'A', mobile: '98765', legalName: 'A', deleted: false }] },
    ],
    [
      'customerKeyContacts[0].email',
      {
        customerKeyContacts: [
          { name: 'A', mobile: '9876543210', legalName: 'A', deleted: false, email: 'nope' },
        ],
      },
    ],
  ])('rejects a bad %s with VALIDATION_ERROR naming the field', async (field, overrides) => {
    const reply = await create(validCustomer(overrides));
    expect(reply.status).toBe(400);
    const error = errorOf(reply);
    expect(error.errorType).toBe('VALIDATION_ERROR');
    expect(error.apiSubErrors).toContainEqual(
      expect.objectContaining({
        object: 'customerCreateDTO',
        field,
        message: expect.stringContaining('must match'),
      }),
    );
  });

  it('names the seed pattern in the message', async () => {
    const error = errorOf(await create(validCustomer({ pinCode: 'x' })));
    expect(error.apiSubErrors?.[0]?.message).toContain(SEED_PATTERNS.pinCode);
    expect(error.apiSubErrors?.[0]?.rejectedValue).toBe('x');
  });

  it.each([
    ['legalName', { legalName: undefined }],
    ['customerKeyContacts', { customerKeyContacts: undefined }],
    ['customerKeyContacts', { customerKeyContacts: [] }],
    [
      'customerKeyContacts[0].deleted',
      { customerKeyContacts: [{ name: 'A', mobile: '9876543210', legalName: 'A' }] },
    ],
    [
      'customerKeyContacts[0].name',
      { customerKeyContacts: [{ mobile: '9876543210', legalName: 'A', deleted: false }] },
    ],
  ])('rejects a missing required %s', async (field, overrides) => {
    const error = errorOf(await create(validCustomer(overrides)));
    expect(error.errorType).toBe('VALIDATION_ERROR');
    expect(error.apiSubErrors?.map((e) => e.field)).toContain(field);
  });

  it('rejects malformed JSON with a 400 envelope and changes nothing', async () => {
    const before = sandbox.customers().length;
    const response = await fetch(`${sandbox.url}/api/v0/customer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"legalName": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errorResponse: { errorType: 'CLIENT_REQUEST_ERROR' } });
    expect(sandbox.customers()).toHaveLength(before);
  });

  it("answers 403 INVALID_ACCESS for another company's companyId", async () => {
    const reply = await create(validCustomer({ companyId: 'CEKOTHER01' }));
    expect(reply.status).toBe(403);
    expect(errorOf(reply).errorType).toBe('INVALID_ACCESS');
  });

  it('allows a duplicate uniqueRefNo by default (EnKash is not known to refuse it)', async () => {
    expect((await create(validCustomer({ uniqueRefNo: 'DUP' }))).status).toBe(200);
    expect((await create(validCustomer({ uniqueRefNo: 'DUP' }))).status).toBe(200);
  });
});

describe('sandbox: uniqueRefNo uniqueness (option)', () => {
  let sandbox: Sandbox;
  let token: string;
  useTestSandbox((started) => ({ sandbox, token } = started), { uniqueRefNo: true });

  it('answers 422 UNPROCESSABLE_REQUEST when the uniqueRefNo is taken, on create and on PATCH', async () => {
    const create = (uniqueRefNo: string) =>
      call(sandbox, 'POST', '/api/v0/customer', { token, body: validCustomer({ uniqueRefNo }) });
    expect((await create('U-1')).status).toBe(200);
    const duplicate = await create('U-1');
    expect(duplicate.status).toBe(422);
    expect(errorOf(duplicate).errorType).toBe('UNPROCESSABLE_REQUEST');

    const other = customerOf(await create('U-2'));
    const patch = await call(sandbox, 'PATCH', `/api/v0/customer/${other.customerId}`, {
      token,
      body: { uniqueRefNo: 'U-1' },
    });
    expect(patch.status).toBe(422);
    const self = await call(sandbox, 'PATCH', `/api/v0/customer/${other.customerId}`, {
      token,
      body: { uniqueRefNo: 'U-2' },
    });
    expect(self.status).toBe(200);
  });
});
