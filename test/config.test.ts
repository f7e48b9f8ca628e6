import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, EnvSchema, loadConfig } from '../src/config.js';

describe('config', () => {
  it('has working defaults for a newcomer (local Redis, embedded sandbox)', () => {
    const config = loadConfig({});
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.enkash.baseUrl).toBeNull();
    // No ceiling: the adaptive rate finds EnKash's limit; the fixed rate keeps its old default.
    expect(config.enkash.ratePerSec).toBeNull();
    expect(config.enkash.rateAdaptive).toBe(true);
    expect(config.sync.concurrency).toBe(256);
    expect(loadConfig({ ENKASH_RATE_ADAPTIVE: 'false' }).enkash.ratePerSec).toBe(10);
    expect(loadConfig({ ENKASH_RATE_LIMIT_PER_SEC: '50' }).enkash.ratePerSec).toBe(50);
    expect(config.sync.mode).toBe('upsert');
  });

  it('reports every bad variable at once', () => {
    let caught: unknown;
    try {
      loadConfig({ ENKASH_RATE_LIMIT_PER_SEC: 'fast', ENKASH_COMPANY_ID: 'ACME', LOG_LEVEL: 'loud' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('ENKASH_RATE_LIMIT_PER_SEC');
    expect(problems).toContain('ENKASH_COMPANY_ID');
    expect(problems).toContain('LOG_LEVEL');
  });

  it('refuses the sandbox credentials against a real EnKash host', () => {
    expect(() => loadConfig({ ENKASH_BASE_URL: 'https://api.enkash.in' })).toThrow(/ENKASH_PASSWORD/);
    expect(() => loadConfig({ ENKASH_BASE_URL: 'https://ekpayout-uat.enkash.in' })).toThrow(
      /ENKASH_CLIENT_SECRET/,
    );
    expect(() => loadConfig({ ENKASH_BASE_URL: 'http://127.0.0.1:4010' })).not.toThrow();
    expect(() => loadConfig({ ENKASH_BASE_URL: 'http://sandbox:4010' })).not.toThrow();
  });

  it('.env.example lists every variable the schema reads, with its default', () => {
    const lines = readFileSync(new URL('../.env.example', import.meta.url), 'utf8').split('\n');
    const listed = new Map(
      lines
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const defaults = EnvSchema.parse({});
    for (const name of Object.keys(EnvSchema.shape)) {
      expect(listed.has(name), `${name} missing from .env.example`).toBe(true);
      const def = (defaults as Record<string, unknown>)[name];
      const shown = listed.get(name);
      if (def === undefined) expect(shown, name).toBe('');
      else expect(String(def), name).toBe(shown);
    }
  });
});

describe('secrets and EnKash hosts (issue 17)', () => {
  const realCredentials = {
    ENKASH_CLIENT_ID: 'c',
    ENKASH_CLIENT_SECRET: 's',
    ENKASH_USERNAME: 'u@example.com',
    ENKASH_PASSWORD: 'p',
    ENKASH_COMPANY_ID: 'CEKABCDEF1',
  };

  it('refuses a weak DATA_KEY: wrong length, invalid characters, all zeros, ASCII text', () => {
    const good = randomBytes(32).toString('base64');
    expect(loadConfig({ DATA_KEY: good }).dataKey).toBe(good);
    for (const bad of [
      Buffer.alloc(32).toString('base64'),
      Buffer.from('correct horse battery staple 123').toString('base64'),
      randomBytes(16).toString('base64'),
      `${good.slice(0, 20)}!${good.slice(21)}`,
    ])
      expect(() => loadConfig({ DATA_KEY: bad }), bad).toThrow(/DATA_KEY: /);
  });

  it('wants https for EnKash except on a local host, and the sandbox credentials only there', () => {
    expect(() => loadConfig({ ENKASH_BASE_URL: 'http://ar.example.com', ...realCredentials })).toThrow(
      /ENKASH_BASE_URL: must be https/,
    );
    expect(() => loadConfig({ ENKASH_BASE_URL: 'https://ar-proxy.example.com' })).toThrow(
      /ENKASH_CLIENT_SECRET: must be set when ENKASH_BASE_URL is not a local host/,
    );
    for (const local of ['http://127.0.0.1:4010', 'http://localhost:4010', 'http://sandbox:4010'])
      expect(loadConfig({ ENKASH_BASE_URL: local }).enkash.baseUrl).toBe(local);
    expect(
      loadConfig({ ENKASH_BASE_URL: 'https://ar-proxy.example.com', ...realCredentials }).enkash.baseUrl,
    ).toBe('https://ar-proxy.example.com');
  });
});
