/**
 * docker-compose.yml runs what the README's Docker section promises. Parsed as YAML (with merge keys, as
 * Compose reads it); no Docker is needed or used.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE_DEMO_API_KEY, loadConfig } from '../src/config.js';

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  profiles?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
};
type Compose = { services: Record<string, Service>; volumes: Record<string, unknown> };

const text = readFileSync('docker-compose.yml', 'utf8');
const compose = parse(text, { merge: true }) as Compose;
const readme = readFileSync('README.md', 'utf8');
const dockerSection = readme.slice(
  readme.indexOf('## Docker\n'),
  readme.indexOf('\n## ', readme.indexOf('## Docker\n') + 1),
);

/** `${NAME:-default}` → default, as Compose interpolates with nothing set. */
const interpolate = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

describe('docker-compose.yml', () => {
  it('has every service the README names, and no other', () => {
    const promised = [...dockerSection.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(promised.length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(compose.services).sort()).toEqual([...promised].sort());
  });

  it('runs each part of the service with the command the README gives', () => {
    const command = (name: string) => compose.services[name]?.command?.join(' ') ?? '';
    expect(command('redis')).toMatch(/--maxmemory-policy noeviction/);
    expect(command('redis')).toMatch(/--appendonly yes/);
    expect(command('api')).toMatch(/^serve --no-local-worker --host 0\.0\.0\.0/);
    expect(command('worker')).toBe('worker');
    expect(command('watcher')).toBe('watch /data/watch --no-local-worker');
    expect(command('scheduler')).toBe('schedule --no-local-worker');
    expect(command('sandbox')).toMatch(/^sandbox .*--host 0\.0\.0\.0/);
    expect(compose.services.sandbox?.profiles).toEqual(['sandbox']);
    for (const name of ['api', 'worker', 'watcher', 'scheduler']) {
      expect(compose.services[name]?.profiles, name).toBeUndefined();
      expect(compose.services[name]?.depends_on, name).toEqual({ redis: { condition: 'service_healthy' } });
    }
  });

  it('publishes the API port, health-checks Redis, the API and the sandbox', () => {
    expect(compose.services.api?.ports?.map(interpolate)).toEqual(['127.0.0.1:8080:8080']);
    expect(compose.services.redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(compose.services.api?.healthcheck?.test.join(' ')).toContain('/healthz');
    expect(compose.services.sandbox?.healthcheck).toBeDefined();
  });

  it('gives every app service the same volumes for reports, state and the inbox', () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['inbox', 'redis-data', 'reports', 'state']);
    for (const name of ['api', 'worker', 'watcher', 'scheduler', 'sandbox']) {
      expect(compose.services[name]?.volumes, name).toEqual(
        expect.arrayContaining(['reports:/data/reports', 'state:/data/state', 'inbox:/data/watch']),
      );
    }
  });

  it('needs no configuration: nothing is required, and the defaults make a valid configuration', () => {
    // `${VAR:?message}` would refuse to start until VAR is set.
    expect(text).not.toMatch(/\$\{[A-Z_]+:?\?/);
    const env = Object.fromEntries(
      Object.entries(compose.services.api?.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]),
    );
    expect(env.DATA_KEY).toBe('');
    const config = loadConfig(env);
    expect(config.enkash.baseUrl).toBe('http://sandbox:4010');
    expect(config.api.keys.map((k) => [k.key, k.role])).toEqual([[COMPOSE_DEMO_API_KEY, 'admin']]);
    expect(config.paths).toMatchObject({ reportDir: '/data/reports', stateDir: '/data/state' });
    expect(config.watch.dir).toBe('/data/watch');
  });

  it('refuses the public demo API key against EnKash itself', () => {
    expect(() =>
      loadConfig({
        ENKASH_BASE_URL: 'https://api.enkash.in',
        ENKASH_CLIENT_ID: 'c',
        ENKASH_CLIENT_SECRET: 's',
        ENKASH_USERNAME: 'u@example.com',
        ENKASH_PASSWORD: 'p',
        ENKASH_COMPANY_ID: 'CEKABCDEF1',
        API_KEYS: `real-key-0123456789abcdefghij,${COMPOSE_DEMO_API_KEY}`,
      }),
    ).toThrow(/API_KEYS: must not contain "sandbox-demo-key-not-for-production"/);
  });
});

describe('Dockerfile', () => {
  it('builds and runs on Node 20 LTS, the engines package.json promises', () => {
    const froms = [...readFileSync('Dockerfile', 'utf8').matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThan(0);
    for (const image of froms) expect(image).toMatch(/^node:20-/);
  });
});
