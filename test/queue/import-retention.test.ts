/** How long an import's state stays in Redis: JOB_RETENTION_SEC from its end, whatever the end. */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportStore } from '../../src/queue/import-store.js';
import { Sealer } from '../../src/queue/sealer.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';

const RETENTION_SEC = 3600;
let redis: Redis;
let prefix: string;
let store: ImportStore;

beforeAll(() => {
  redis = testRedis();
  prefix = randomPrefix();
  store = new ImportStore(redis, prefix, new Sealer(randomBytes(32)), RETENTION_SEC);
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

const create = (id: string) =>
  store.create({
    id,
    kind: 'sync',
    origin: 'cli',
    fileName: 'f.csv',
    filePath: '/tmp/f.csv',
    options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo', reportDir: '/tmp/r' },
  });

describe('import retention', () => {
  it('keeps a failed import for the retention period, not forever; a running one has no end yet', async () => {
    await create('imp-failed-1');
    await store.recordResults('imp-failed-1', [
      {
        row: 2,
        uniqueRefNo: 'C-2',
        legalName: 'Acme',
        outcome: 'created',
        customerId: '',
        attempts: 1,
        httpStatus: 200,
        errorType: '',
        errors: '',
        warnings: '',
        requestId: '',
        changes: '',
      },
    ]);
    expect(await redis.ttl(`${prefix}:import:imp-failed-1`)).toBe(-1);
    await store.setState('imp-failed-1', 'running');
    expect(await redis.ttl(`${prefix}:import:imp-failed-1`)).toBe(-1);
    await store.setState('imp-failed-1', 'failed', { error: 'the file cannot be read' });
    for (const key of [`${prefix}:import:imp-failed-1`, `${prefix}:import:imp-failed-1:results`]) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(RETENTION_SEC - 5);
      expect(ttl).toBeLessThanOrEqual(RETENTION_SEC);
    }
  });

  it('drops imports older than the retention from the list when a new one is created', async () => {
    await redis.zadd(`${prefix}:imports`, Date.now() - (RETENTION_SEC + 60) * 1000, 'imp-ancient-1');
    await create('imp-new-1');
    const listed = await store.list(0, 100);
    expect(listed).toContain('imp-new-1');
    expect(listed).not.toContain('imp-ancient-1');
  });
});
