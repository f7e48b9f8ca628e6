import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenResponseSchema } from '../../src/contract/enkash-api.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  CREDENTIALS,
  basicAuth,
  call,
  errorOf,
  getToken,
  requestToken,
  startTestSandbox,
  waitFor,
} from './helpers.js';

describe('sandbox: POST /oauth/token', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());

  it('grants a Spring-style bearer token for Basic client auth plus the password form', async () => {
    const reply = await requestToken(sandbox);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: 'bearer', expires_in: 86_399, scope: expect.any(String) });
    expect(reply.body).toHaveProperty('refresh_token');
    const parsed = TokenResponseSchema.parse(reply.body);
    expect(parsed.accessToken).toMatch(/^[\w-]{20,}$/);
  });

  it('accepts the Payouts-style clientId form field (client id or company id) and no grant_type', async () => {
    const base = { username: CREDENTIALS.username, password: CREDENTIALS.password };
    expect((await requestToken(sandbox, { ...base, clientId: CREDENTIALS.companyId })).status).toBe(200);
    expect((await requestToken(sandbox, { ...base, clientId: CREDENTIALS.clientId })).status).toBe(200);
    expect((await requestToken(sandbox, { ...base, clientId: 'CEKOTHER01' })).status).toBe(401);
  });

  it.each([
    ['a wrong client secret', { authorization: basicAuth(CREDENTIALS.clientId, 'nope') }],
    ['a wrong client id', { authorization: basicAuth('someone-else', CREDENTIALS.clientSecret) }],
    ['no Basic header', { authorization: null }],
    [
      'a wrong password',
      { form: { username: CREDENTIALS.username, password: 'wrong', grant_type: 'password' } },
    ],
    ['a wrong username', { form: { username: 'x@example.com', password: CREDENTIALS.password } }],
  ])('answers 401 UNAUTHORIZED in the envelope for %s', async (_what, variant) => {
    const reply = await requestToken(
      sandbox,
      'form' in variant ? variant.form : undefined,
      'authorization' in variant ? variant.authorization : undefined,
    );
    expect(reply.status).toBe(401);
    const error = errorOf(reply);
    expect(error.errorType).toBe('UNAUTHORIZED');
    expect(error.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('refuses a JSON token request (the endpoint is form-encoded)', async () => {
    const response = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/json' },
      body: JSON.stringify({ username: CREDENTIALS.username, password: CREDENTIALS.password }),
    });
    expect(response.status).toBe(415);
  });

  it('exchanges a refresh token once', async () => {
    const first = await requestToken(sandbox);
    const refreshToken = (first.body as { refresh_token: string }).refresh_token;
    const refreshed = await requestToken(sandbox, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(refreshed.status).toBe(200);
    const again = await requestToken(sandbox, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(again.status).toBe(401);
  });
});

describe('sandbox: bearer tokens on customer endpoints', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ tokenTtlSec: 1 });
  });
  afterAll(() => sandbox.close());

  const search = (token: string | null) =>
    call(sandbox, 'POST', '/api/v0/customer/search', { token, body: {} });

  it('answers 401 UNAUTHORIZED without a bearer token, and with an unknown one', async () => {
    for (const token of [null, 'not-a-token']) {
      const reply = await search(token);
      expect(reply.status).toBe(401);
      expect(errorOf(reply).errorType).toBe('UNAUTHORIZED');
    }
  });

  it('answers 401 once expireTokens() is called, and a new token works', async () => {
    const token = await getToken(sandbox);
    expect((await search(token)).status).toBe(200);
    sandbox.expireTokens();
    expect((await search(token)).status).toBe(401);
    expect((await search(await getToken(sandbox))).status).toBe(200);
  });

  it('lets a token expire after tokenTtlSec', async () => {
    const token = await getToken(sandbox);
    const reply = await requestToken(sandbox);
    expect(reply.body).toMatchObject({ expires_in: 1 });
    await waitFor(async () => ((await search(token)).status === 401 ? true : undefined), 5000);
  });

  it('lists every token it issued (access and refresh), also at GET /__sandbox/tokens', async () => {
    const reply = await requestToken(sandbox);
    const body = reply.body as { access_token: string; refresh_token: string };
    expect(sandbox.issuedTokens()).toEqual(expect.arrayContaining([body.access_token, body.refresh_token]));
    const listed = (await (await fetch(`${sandbox.url}/__sandbox/tokens`)).json()) as { issued: string[] };
    expect(listed.issued).toContain(body.access_token);
  });

  it('gives every error a fresh requestId', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add(errorOf(await search(null)).requestId);
    expect(ids.size).toBe(3);
  });
});
