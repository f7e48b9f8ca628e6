/** Security headers on every page, a /readyz that tells strangers only ready or not, and the keyless demo
 * mode answering only this machine's own pages. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../src/api/server.js';
import { startApi, type ApiHarness } from './helpers.js';

let api: ApiHarness;
let open: FastifyInstance;
beforeAll(async () => {
  api = await startApi();
  open = await buildApiServer(api.h.app, { insecureNoAuth: true, apiKeys: [] });
  await open.ready();
});
afterAll(async () => {
  await open?.close();
  await api?.close();
});

describe('HTTP hardening', () => {
  it('sends the security headers on every page, /docs and /admin/queues included', async () => {
    for (const path of ['/', '/docs', '/docs/json', '/admin/queues', '/healthz', '/imports']) {
      const res = await api.call(path);
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it('answers /readyz without a key with only ready / not ready', async () => {
    const anonymous = (await (await fetch(`${api.url}/readyz`)).json()) as Record<string, unknown>;
    expect(Object.keys(anonymous)).toEqual(['status']);
    const keyed = (await (await api.call('/readyz')).json()) as Record<string, unknown>;
    expect(keyed.checks).toBeDefined();
  });

  it('without keys, refuses a foreign Host, a cross-site Origin and Sec-Fetch-Site', async () => {
    const ask = (headers: Record<string, string>) =>
      open.inject({ method: 'GET', url: '/imports', headers: { host: '127.0.0.1:8080', ...headers } });
    expect((await ask({})).statusCode).toBe(200);
    expect((await ask({ host: 'localhost:8080', origin: 'http://localhost:8080' })).statusCode).toBe(200);
    expect((await ask({ host: 'evil.example:8080' })).statusCode).toBe(403);
    expect((await ask({ origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await ask({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    const post = await open.inject({
      method: 'POST',
      url: '/imports',
      headers: {
        host: '127.0.0.1:8080',
        origin: 'https://evil.example',
        'content-type': 'multipart/form-data; boundary=x',
      },
      payload: '--x--\r\n',
    });
    expect(post.statusCode).toBe(403);
  });
});
