/**
 * The account snapshot (src/sync/snapshot.ts) read from the real sandbox over HTTP: three pages of 5,000,
 * asked for ahead and read in order; every customer found by its key, a key two customers share left to
 * the row's live search.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { newCustomer } from '../../src/sandbox/customer-record.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { writeStateFileAtomic } from '../../src/sandbox/state-file.js';
import { loadSnapshot } from '../../src/sync/snapshot.js';
import { credentials } from '../helpers/engine.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';

const COUNT = 12_001;
let dir: string;
let sandbox: Sandbox;
let app: App;
const prefix = randomPrefix();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-snapshot-'));
  const actor = { username: credentials().username, companyId: credentials().companyId };
  const customers = Array.from({ length: COUNT }, (_, i) =>
    newCustomer(
      {
        legalName: `Customer ${i + 1}`,
        // Customers 12,000 and 12,001 share a key: neither may be taken for it.
        uniqueRefNo: i + 1 === COUNT ? `REF-${COUNT - 1}` : `REF-${i + 1}`,
        customerKeyContacts: [],
      } as never,
      { id: i + 1, customerId: `KC${String(i + 1).padStart(14, '0')}` },
      actor,
      new Date(),
    ),
  );
  const stateFile = join(dir, 'state.json');
  await writeStateFileAtomic(stateFile, { version: 1, nextId: COUNT + 1, customers });
  sandbox = await startSandbox({
    port: 0,
    credentials: credentials(),
    stateFile,
    writeDebounceMs: 3_600_000,
  });
  const env = {
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_PREFIX: prefix,
    ENKASH_BASE_URL: sandbox.url,
    ENKASH_RATE_LIMIT_PER_SEC: '200',
    REPORT_DIR: join(dir, 'reports'),
    STATE_DIR: join(dir, 'state'),
    JOB_SOURCE_ROOTS: dir,
    DATA_KEY: randomBytes(32).toString('base64'),
  };
  app = await createApp(loadConfig(env), createLogger({ level: 'warn', pretty: false }), {
    baseUrl: sandbox.url,
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await sandbox?.close();
  const redis = testRedis();
  await deletePrefix(redis, prefix);
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
});

describe('the account snapshot', () => {
  it('reads every page once, in order, and finds every customer by its key', async () => {
    const before = sandbox.stats().requests.search?.['200'] ?? 0;
    const { snapshot, calls } = await loadSnapshot(app.client, 'uniqueRefNo', {
      attempts: 1,
      baseMs: 10,
      maxMs: 10,
    });
    expect(calls).toBe(3);
    expect((sandbox.stats().requests.search?.['200'] ?? 0) - before).toBe(3);
    for (const i of [1, 5_000, 5_001, 10_000, 10_001, 11_999]) {
      expect(snapshot.get({ field: 'uniqueRefNo', value: `REF-${i}` })?.customerId).toBe(
        `KC${String(i).padStart(14, '0')}`,
      );
    }
    // Shared by two customers (on different pages): left to the row's live search.
    expect(snapshot.get({ field: 'uniqueRefNo', value: `REF-${COUNT - 1}` })).toBeUndefined();
    expect(snapshot.get({ field: 'uniqueRefNo', value: 'REF-0' })).toBeNull();
  });
});
