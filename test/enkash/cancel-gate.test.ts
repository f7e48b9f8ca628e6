/**
 * A call's gate (CallOptions `gate`: its import was cancelled) only stops sending: a call still waiting
 * for its connection permit or rate slot is refused NOT_SENT and nothing of it reaches EnKash; a request
 * already written finishes with its answer. Against a real HTTP stub and real Redis; waits for events.
 */
import { describe, expect, it } from 'vitest';
import { isNotSent, type EnkashError } from '../../src/enkash/errors.js';
import { RateLimiter } from '../../src/enkash/rate-limiter.js';
import { CUSTOMER, envelope, json, startStub, tokenAnswer } from './helpers/http-stub.js';
import { caught, useEnkashTestbed } from './helpers/setup.js';
import { eventually } from '../helpers/engine.js';

const bed = useEnkashTestbed();

const NEW_CUSTOMER = {
  legalName: 'Acme Traders',
  customerKeyContacts: [{ name: 'Asha', mobile: '9876543210', legalName: 'Acme Traders', deleted: false }],
};

/** A stub whose API answers are held until `answer()` is called. */
async function heldStub() {
  const held: (() => void)[] = [];
  let tokens = 0;
  const server = await startStub(async (req, res) => {
    if (req.path === '/oauth/token') return tokenAnswer(res, ++tokens);
    await new Promise<void>((resolve) => held.push(resolve));
    json(res, 200, envelope(CUSTOMER));
  });
  bed.defer(() => server.close());
  const apiRequests = () => server.requests.filter((r) => r.path.startsWith('/api')).length;
  return { ...server, apiRequests, answer: () => held.splice(0).forEach((go) => go()) };
}

describe('the cancel gate', () => {
  it('a gate already closed: NOT_SENT, and nothing is sent (not even a token request)', async () => {
    const server = await heldStub();
    const client = bed.client(server.url, { prefix: bed.prefix() });
    const gate = AbortSignal.abort(new Error('import cancelled'));
    const err = (await caught(() => client.createCustomer(NEW_CUSTOMER, { gate }))) as EnkashError;
    expect(isNotSent(err)).toBe(true);
    expect(err.mayHaveCommitted).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it('closed while the call waits for its connection permit: NOT_SENT, EnKash never sees it', async () => {
    const server = await heldStub();
    const client = bed.client(server.url, { prefix: bed.prefix(), config: { maxConnections: 1 } });
    const first = client.createCustomer(NEW_CUSTOMER);
    await eventually(async () => (server.apiRequests() === 1 ? true : undefined));
    const gate = new AbortController();
    const second = client.createCustomer(NEW_CUSTOMER, { gate: gate.signal }).catch((e: unknown) => e);
    gate.abort(new Error('import cancelled'));
    const err = (await second) as EnkashError;
    expect(isNotSent(err)).toBe(true);
    server.answer();
    expect((await first).payload.customerId).toBe(CUSTOMER.customerId);
    expect(server.apiRequests()).toBe(1);
  });

  it('closed while the call waits for its rate slot: NOT_SENT, EnKash never sees it', async () => {
    const server = await heldStub();
    const client = bed.client(server.url, {
      prefix: bed.prefix(),
      config: { ratePerSec: 1, rateAdaptive: false },
    });
    // The token takes this window's only slot: the create waits for the next window.
    const gate = new AbortController();
    const call = client.createCustomer(NEW_CUSTOMER, { gate: gate.signal }).catch((e: unknown) => e);
    await eventually(async () => (server.requests.length === 1 ? true : undefined));
    gate.abort(new Error('import cancelled'));
    expect(isNotSent(await call)).toBe(true);
    expect(server.apiRequests()).toBe(0);
  });

  it('closed after the request was written: the create is not aborted, its answer is returned', async () => {
    const server = await heldStub();
    const client = bed.client(server.url, { prefix: bed.prefix() });
    const gate = new AbortController();
    const call = client.createCustomer(NEW_CUSTOMER, { gate: gate.signal });
    await eventually(async () => (server.apiRequests() === 1 ? true : undefined));
    gate.abort(new Error('import cancelled'));
    server.answer();
    const answer = await call;
    expect(answer.payload.customerId).toBe(CUSTOMER.customerId);
    expect(answer.httpStatus).toBe(200);
  });

  it('a slot given back is granted again in the same window', async () => {
    const limiter = new RateLimiter({ redis: bed.redis, prefix: bed.prefix(), ratePerSec: 1 });
    const slot = await limiter.acquire();
    expect(await limiter.tryAcquire()).toBeGreaterThan(0);
    await limiter.giveBack(slot);
    expect(await limiter.tryAcquire()).toBe(0);
  });
});
