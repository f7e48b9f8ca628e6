import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { RowResult } from '../../src/domain/types.js';
import { CustomerRegistry, createdBy } from '../../src/queue/customer-registry.js';
import { ImportStore } from '../../src/queue/import-store.js';
import { KeyLock, LeaseLostError } from '../../src/queue/key-lock.js';
import { Sealer, loadSealer } from '../../src/queue/sealer.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';

const sealer = new Sealer(randomBytes(32));
let redis: Redis;
let prefix: string;

beforeAll(() => {
  redis = testRedis();
  prefix = randomPrefix();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

function result(row: number, outcome: RowResult['outcome'] = 'created'): RowResult {
  return {
    row,
    uniqueRefNo: `C-${row}`,
    legalName: 'Acme',
    outcome,
    customerId: '',
    attempts: 1,
    httpStatus: 200,
    errorType: '',
    errors: '',
    warnings: '',
    requestId: '',
    changes: '',
  };
}

describe('Sealer', () => {
  it('round-trips data and keeps it unreadable in the sealed form', () => {
    const sealed = sealer.seal({ mobile: '9876543210' });
    expect(sealed).not.toContain('9876543210');
    expect(Buffer.from(sealed, 'base64').toString('latin1')).not.toContain('9876543210');
    expect(sealer.open(sealed)).toEqual({ mobile: '9876543210' });
    expect(() => new Sealer(randomBytes(32)).open(sealed)).toThrow();
  });

  it('generates one key per state dir, kept private, and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cs-sealer-'));
    const [a, b] = await Promise.all([loadSealer(undefined, dir), loadSealer(undefined, dir)]);
    expect(a.hash('x')).toBe(b.hash('x'));
    expect((await stat(join(dir, 'data.key'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, 'data.key'), 'utf8')).trim()).toHaveLength(44);
  });
});

async function newImport(id: string): Promise<ImportStore> {
  const store = new ImportStore(redis, prefix, sealer, 3600);
  await store.create({
    id,
    kind: 'sync',
    origin: 'cli',
    fileName: 'f.csv',
    filePath: '/tmp/f.csv',
    options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo', reportDir: '/tmp/r' },
  });
  return store;
}

describe('ImportStore', () => {
  it('counts a row once however often its result is recorded, and says when the import is complete', async () => {
    const id = 'imp-test-a';
    const store = await newImport(id);
    expect((await store.recordResults(id, [result(2), result(3, 'invalid')])).added).toBe(2);
    expect((await store.recordResults(id, [result(2, 'failed')])).added).toBe(0);
    expect(await store.finishParsing(id, 3, 5)).toBe(false);
    const last = await store.recordResults(id, [result(5, 'updated')]);
    expect(last).toEqual({ added: 1, complete: true });
    const meta = await store.get(id);
    expect(meta?.counts).toMatchObject({ created: 1, invalid: 1, updated: 1, failed: 0 });
    expect(meta?.state).toBe('running');
    const rows: RowResult[] = [];
    for await (const r of store.results(id, 5, 2)) rows.push(r);
    expect(rows.map((r) => [r.row, r.outcome])).toEqual([
      [2, 'created'],
      [3, 'invalid'],
      [5, 'updated'],
    ]);
  });

  it('is complete at finishParsing when every row already has its result', async () => {
    const id = 'imp-test-b';
    const store = await newImport(id);
    await store.recordResults(id, [result(2)]);
    expect(await store.finishParsing(id, 1, 2)).toBe(true);
  });
});

describe('KeyLock', () => {
  it('admits one owner at a time, lets the same owner back in, and releases only its own lock', async () => {
    const locks = new KeyLock(redis, prefix, 10_000);
    expect(await locks.acquire('k1', 'job-a')).toBe(true);
    expect(await locks.acquire('k1', 'job-b')).toBe(false);
    expect(await locks.acquire('k1', 'job-a')).toBe(true);
    await locks.release('k1', 'job-b');
    expect(await locks.acquire('k1', 'job-b')).toBe(false);
    await locks.release('k1', 'job-a');
    expect(await locks.acquire('k1', 'job-b')).toBe(true);
  });

  it('a lease outlives its TTL while renewed, and a second run of the same job waits for it', async () => {
    const locks = new KeyLock(redis, prefix, 1000);
    const lease = await locks.lease('k2', 'imp-x.r2:run-1');
    expect(lease).not.toBeNull();
    await new Promise((r) => setTimeout(r, 2500));
    expect(lease?.lost).toBe(false);
    // The same job re-run by BullMQ (a new run token) while the first run is alive: not admitted.
    expect(await locks.lease('k2', 'imp-x.r2:run-2')).toBeNull();
    await lease?.release();
    const next = await locks.lease('k2', 'imp-x.r2:run-2');
    expect(next).not.toBeNull();
    await next?.release();
  });

  it('a lease that cannot be renewed aborts before the lock can expire in Redis', async () => {
    const own = testRedis();
    const locks = new KeyLock(own, prefix, 1000);
    const started = Date.now();
    const lease = await locks.lease('k3', 'run-a');
    // Redis unreachable from here on: renewals fail, the lock expires in Redis after 1000 ms.
    own.disconnect();
    await new Promise<void>((resolve) => lease?.signal.addEventListener('abort', () => resolve()));
    const lostAfter = Date.now() - started;
    expect(lease?.signal.reason).toBeInstanceOf(LeaseLostError);
    expect(lostAfter).toBeLessThan(1000);
    expect(lostAfter).toBeGreaterThanOrEqual(700);
  });

  it('a lease taken over by another run is lost at the next renewal', async () => {
    const locks = new KeyLock(redis, prefix, 1000);
    const lease = await locks.lease('k4', 'run-a');
    await redis.set(`${prefix}:lock:k4`, 'run-b', 'PX', 10_000);
    await new Promise((r) => setTimeout(r, 400));
    expect(lease?.lost).toBe(true);
    await lease?.release();
    expect(await redis.get(`${prefix}:lock:k4`)).toBe('run-b');
  });
});

describe('CustomerRegistry', () => {
  it('remembers customerId and fingerprint per key, and the create-in-flight marker', async () => {
    const registry = new CustomerRegistry(redis, `${prefix}:acct:x`, 60);
    await registry.put('h1', { customerId: 'KC00000000000001', fingerprint: 'fp|with|bars' });
    expect(await registry.getMany(['h1', 'h2'])).toEqual([
      { customerId: 'KC00000000000001', fingerprint: 'fp|with|bars' },
      null,
    ]);
    expect(await registry.isCreating('h2')).toBe(false);
    await registry.markCreating('h2');
    expect(await registry.isCreating('h2')).toBe(true);
    await registry.clearCreating('h2');
    expect(await registry.isCreating('h2')).toBe(false);
  });

  it('records a committed create and clears its marker in one step, naming the job until the row is recorded', async () => {
    const registry = new CustomerRegistry(redis, `${prefix}:acct:y`, 60);
    await registry.markCreating('h3');
    await registry.created('h3', 'KC00000000000003', 'imp-x.r3');
    expect(await registry.isCreating('h3')).toBe(false);
    expect(await registry.get('h3')).toEqual({
      customerId: 'KC00000000000003',
      fingerprint: createdBy('imp-x.r3'),
    });
  });
});
