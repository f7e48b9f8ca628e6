import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/engine.js';
import { fixture, startApi, type ApiHarness } from './helpers.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.close());

describe('probes, metrics and the OpenAPI document', () => {
  it('/healthz and /readyz answer without a key', async () => {
    expect(await (await fetch(`${api.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    // Without a key only the verdict; with one, the checks.
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect(await (await api.call('/readyz')).json()).toEqual({
      status: 'ready',
      checks: { redis: 'ok', enkash: 'ok' },
    });
  });

  it('/readyz is 503 when EnKash refuses the credentials', async () => {
    const refused = await startApi({ env: { ENKASH_PASSWORD: 'not-the-password' } });
    try {
      expect((await fetch(`${refused.url}/readyz`)).status).toBe(503);
      const res = await refused.call('/readyz');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; checks: { redis: string; enkash: string } };
      expect(body.status).toBe('not-ready');
      expect(body.checks.redis).toBe('ok');
      expect(body.checks.enkash).toMatch(/^error: /);
      expect(body.checks.enkash).not.toContain('not-the-password');
    } finally {
      await refused.close();
    }
  });

  it('/metrics carries rows by outcome, EnKash calls, latency, 429s and queue depth after an import', async () => {
    const sub = (await (await api.upload(await fixture('fixtures/sync/mixed.csv'), 'mixed.csv')).json()) as {
      importId: string;
    };
    await api.waitDone(sub.importId);
    const res = await api.call('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('customer_sync_rows{outcome="created"} 5');
    expect(text).toContain('customer_sync_rows{outcome="invalid"} 2');
    expect(text).toMatch(/customer_sync_enkash_calls_total\{operation="create",status="200"\} 5/);
    expect(text).toContain('customer_sync_enkash_call_duration_seconds_bucket');
    expect(text).toContain('# TYPE customer_sync_enkash_rate_limited_total counter');
    expect(text).toMatch(/customer_sync_queue_jobs\{queue="rows",state="waiting"\} \d+/);
    expect(text).toContain('customer_sync_enkash_circuit_open 0');
    // The adaptive rate (the harness sets a ceiling of 200): the rate now, the ceiling, why it changed.
    const rate = Number(/^customer_sync_enkash_rate_per_sec (\S+)$/m.exec(text)?.[1]);
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThanOrEqual(200);
    expect(text).toContain('customer_sync_enkash_rate_ceiling_per_sec 200');
    const view = (await (await api.call('/enkash/rate')).json()) as { ratePerSec: number; reason: string };
    expect(view.ratePerSec).toBe(rate);
    expect(view.reason).not.toBe('');
    expect(text).toMatch(
      /customer_sync_enkash_rate_info\{phase="(start|hold|probe)",reason="[^"]+",changed_at="[^"]+"\} 1/,
    );

    const { breaker } = api.h.app.client;
    for (let i = 0; i < api.h.app.config.enkash.breakerThreshold; i += 1)
      await breaker.settle(await breaker.admit('search'), 'failure', 'search');
    expect(await (await api.call('/metrics')).text()).toContain('customer_sync_enkash_circuit_open 1');
    await breaker.settle({ owner: 'test', probe: false }, 'success', 'search');
  });

  it('/docs/json is an OpenAPI 3 document listing every route, with the bearer scheme', async () => {
    const doc = (await (await fetch(`${api.url}/docs/json`)).json()) as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<string, Record<string, { responses?: object; requestBody?: { content: object } }>>;
      components: { securitySchemes: Record<string, { scheme: string }> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('customer-sync');
    expect(doc.components.securitySchemes.apiKey?.scheme).toBe('bearer');
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'DELETE /imports/{id}',
        'GET /enkash/rate',
        'GET /healthz',
        'GET /imports',
        'GET /imports/{id}',
        'GET /imports/{id}/{file}',
        'GET /imports/{id}/plan',
        'GET /imports/{id}/rows',
        'GET /imports/{id}/rows-to-fix',
        'POST /imports/{id}/rows-to-fix/check',
        'POST /imports/{id}/fixes',
        'PUT /imports/{id}/mapping',
        'POST /imports/{id}/approve',
        'GET /metrics',
        'GET /readyz',
        'POST /imports',
        'POST /imports/{id}/retry-failed',
        'POST /imports/{id}/resume',
        'POST /imports/{id}/revert',
      ].sort(),
    );
    // Query filters are documented with their values (a comma-separated list reads as a string).
    const rowsQuery = JSON.stringify(doc.paths['/imports/{id}/rows']?.get);
    expect(rowsQuery).toContain('"outcome"');
    expect(rowsQuery).toContain('would-update');
    for (const ops of Object.values(doc.paths))
      for (const op of Object.values(ops)) expect(op.responses).toBeDefined();
    expect(Object.keys(doc.paths['/imports']?.post?.requestBody?.content ?? {})).toEqual([
      'multipart/form-data',
    ]);
    expect((await fetch(`${api.url}/docs`, { redirect: 'manual' })).status).toBeLessThan(400);
  });

  it('the page and its assets load without a key; Bull Board takes the key as Basic auth', async () => {
    const page = await fetch(`${api.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<label for="api-key"');
    // Every script and style sheet in src/web is served, each under the same strict CSP, with its type.
    const assets = readdirSync(join(REPO_ROOT, 'src/web')).filter((f) => /\.(js|css)$/.test(f));
    expect(assets).toContain('app.js');
    for (const file of assets) {
      const res = await fetch(`${api.url}/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toMatch(
        file.endsWith('.js') ? /javascript/ : /text\/css/,
      );
      expect(res.headers.get('content-security-policy'), file).toContain("default-src 'self'");
    }
    expect((await fetch(`${api.url}/nothing-here.js`)).status).toBe(404);
    // The review screen's dropdown: the fields the mapping endpoint accepts, from their one list.
    const fields = await fetch(`${api.url}/fields.js`);
    expect(fields.headers.get('content-type')).toMatch(/javascript/);
    expect(await fields.text()).toMatch(
      /^export const FIELDS = \[.*"uniqueRefNo".*"contact2\.mobile".*\];\n$/,
    );
    const basic = `Basic ${Buffer.from(`ops:${api.key}`).toString('base64')}`;
    expect((await fetch(`${api.url}/admin/queues`, { headers: { authorization: basic } })).status).toBe(200);
    const bearer = { authorization: `Bearer ${api.key}` };
    expect((await fetch(`${api.url}/admin/queues`, { headers: bearer })).status).toBe(200);
    const denied = await fetch(`${api.url}/admin/queues`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/^Basic/);
    // The 401 says how Bull Board's sign-in relates to the API's keys, for both ways in.
    const { error } = (await denied.json()) as { error: { message: string } };
    expect(error.message).toContain('Bull Board takes the same API keys as the API (API_KEYS)');
    expect(error.message).toContain('any user name and an API key as the password');
    expect(error.message).toContain('"Authorization: Bearer <key>"');
  });
});
