/**
 * A row job's start and end, one script each (src/queue/row-ledger.ts), against real Redis: what each
 * step decides, and that the end is all or nothing (a crash before it leaves the row to run again; after
 * it, nothing of the row is missing).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { RowDiff } from '../../src/domain/row-diff.js';
import type { RowResult } from '../../src/domain/types.js';
import { CustomerRegistry, createdBy } from '../../src/queue/customer-registry.js';
import { ImportStore } from '../../src/queue/import-store.js';
import { KeyLock, type Lease } from '../../src/queue/key-lock.js';
import { RowLedger } from '../../src/queue/row-ledger.js';
import { Sealer } from '../../src/queue/sealer.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';
import { result as reportedResult } from '../report/helpers.js';

const sealer = new Sealer(randomBytes(32));
let redis: Redis;
let prefix: string;
let ns: string;
let store: ImportStore;
let registry: CustomerRegistry;
let locks: KeyLock;
let ledger: RowLedger;
const leases: Lease[] = [];

beforeAll(() => {
  redis = testRedis();
  prefix = randomPrefix();
  ns = `${prefix}:acct:test`;
  store = new ImportStore(redis, prefix, sealer, 3600);
  registry = new CustomerRegistry(redis, ns, 3600);
  locks = new KeyLock(redis, ns, 30_000);
  ledger = new RowLedger({ redis, prefix, namespace: ns, sealer, locks, entryTtlSec: 3600 });
});
afterEach(async () => {
  for (const lease of leases.splice(0)) if (!lease.done) await lease.release();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

const OPTIONS = { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo', reportDir: '/tmp' } as const;
let n = 0;
async function newImport(total?: number): Promise<string> {
  const id = `imp-ledger-${(n += 1)}`;
  await store.create({
    id,
    kind: 'sync',
    origin: 'cli',
    fileName: 'f.csv',
    filePath: '/f.csv',
    options: OPTIONS,
  });
  if (total !== undefined) await store.set(id, { total });
  return id;
}

/** A row's result as the report tests build it (one home: test/report/helpers.ts), with EnKash's id. */
function result(row: number, outcome: RowResult['outcome'] = 'created'): RowResult {
  return reportedResult(row, outcome, { customerId: `KC${row}` });
}

function diffOf(row: number, legalName: string): RowDiff {
  const key = { field: 'uniqueRefNo', value: `C-${row}` } as const;
  return {
    row,
    key,
    keyHash: `k${row}`,
    legalName,
    uniqueRefNo: `C-${row}`,
    customerId: `KC${row}`,
    kind: 'created',
  };
}

async function started(importId: string, row: number, keyHash: string, owner: string, mark = false) {
  const start = await ledger.start(importId, row, keyHash, owner, mark);
  if (start.state === 'locked') leases.push(start.lease);
  return start;
}

describe('RowLedger.start', () => {
  it('takes the lock and reads the registry under it; the same run asking again gets it again', async () => {
    const id = await newImport();
    await registry.created('k1', 'KC1', 'imp.r1');
    await registry.markCreating('k1');
    const start = await started(id, 1, 'k1', 'run-a');
    expect(start.state).toBe('locked');
    if (start.state !== 'locked') return;
    expect(start.known).toEqual({
      entry: { customerId: 'KC1', fingerprint: createdBy('imp.r1') },
      creating: true,
      marked: false,
    });
    expect(await redis.get(`${ns}:lock:k1`)).toBe('run-a');
    expect((await started(id, 1, 'k1', 'run-a')).state).toBe('locked');
    // Another run of the row (or another row of the customer) waits.
    expect((await started(id, 1, 'k1', 'run-b')).state).toBe('busy');
  });

  it('marks the create of a row that expects one, only when the registry knows nothing of its customer', async () => {
    const id = await newImport();
    const fresh = await started(id, 1, 'km1', 'run-a', true);
    if (fresh.state !== 'locked') throw new Error('not locked');
    expect(fresh.known).toEqual({ entry: null, creating: false, marked: true });
    expect(await registry.isCreating('km1')).toBe(true);
    // Its finish without a create sent (`unmark`) clears it again.
    await ledger.finish(id, {
      result: result(1, 'skipped'),
      calls: {},
      keyHash: 'km1',
      lease: fresh.lease,
      unmark: true,
    });
    expect(await registry.isCreating('km1')).toBe(false);
    // A marker already there (an earlier attempt's create): reported as found, not as set by this start.
    await registry.markCreating('km2');
    const interrupted = await started(id, 2, 'km2', 'run-a', true);
    if (interrupted.state !== 'locked') throw new Error('not locked');
    expect(interrupted.known).toEqual({ entry: null, creating: true, marked: false });
    // A customer the registry names: no marker.
    await registry.put('km3', { customerId: 'KC3', fingerprint: 'fp3' });
    const known = await started(id, 3, 'km3', 'run-a', true);
    if (known.state !== 'locked') throw new Error('not locked');
    expect(known.known.marked).toBe(false);
    expect(await registry.isCreating('km3')).toBe(false);
  });

  it('is done for a recorded row and cancelled for a cancelled import, taking no lock either way', async () => {
    const id = await newImport();
    await ledger.finish(id, { result: result(2), calls: {} });
    expect((await started(id, 2, 'k2', 'run-a')).state).toBe('done');
    await store.set(id, { cancelRequested: 1 });
    expect((await started(id, 3, 'k3', 'run-a')).state).toBe('cancelled');
    expect(await redis.exists(`${ns}:lock:k2`, `${ns}:lock:k3`)).toBe(0);
  });
});

describe('RowLedger.finish', () => {
  it('records result, diff, calls and registry entry, and releases the lock, in one step', async () => {
    const id = await newImport(2);
    const start = await started(id, 1, 'k1f', 'run-a');
    if (start.state !== 'locked') throw new Error('not locked');
    const remember = { customerId: 'KC1', fingerprint: 'fp1' };
    const end = await ledger.finish(id, {
      result: result(1),
      calls: { create: 1, search: 0 },
      diff: diffOf(1, 'first'),
      remember,
      keyHash: 'k1f',
      lease: start.lease,
    });
    expect(end).toEqual({ added: true, complete: false });
    expect(start.lease.done).toBe(true);
    expect(await redis.exists(`${ns}:lock:k1f`)).toBe(0);
    expect(await registry.get('k1f')).toEqual(remember);
    const meta = await store.get(id);
    expect(meta?.done).toBe(1);
    expect(meta?.counts.created).toBe(1);
    expect(meta?.calls).toEqual({ create: 1 });
    expect(await store.hasResult(id, 1)).toBe(true);
  });

  it('a row finished twice (a run BullMQ repeated) keeps its first result and diff, counts its calls twice', async () => {
    const id = await newImport(1);
    const first = await ledger.finish(id, {
      result: result(1, 'created'),
      calls: { create: 1 },
      diff: diffOf(1, 'first'),
    });
    const second = await ledger.finish(id, {
      result: result(1, 'unchanged'),
      calls: { search: 1 },
      diff: diffOf(1, 'second'),
    });
    expect(first).toEqual({ added: true, complete: true });
    expect(second).toEqual({ added: false, complete: true });
    const meta = await store.get(id);
    expect(meta?.done).toBe(1);
    expect(meta?.counts.created).toBe(1);
    expect(meta?.counts.unchanged).toBe(0);
    expect(meta?.calls).toEqual({ create: 1, search: 1 });
    const [line] = await collect(store.results(id, 1));
    expect(line?.outcome).toBe('created');
    const diff = await redis.hget(`${prefix}:import:${id}:diffs`, '1');
    expect(sealer.open<RowDiff>(diff ?? '').legalName).toBe('first');
  });

  it("a row's create is remembered with its result: the entry and the marker's clearing in the one step", async () => {
    const id = await newImport(1);
    const start = await started(id, 1, 'k8', 'run-a');
    if (start.state !== 'locked') throw new Error('not locked');
    // The row marked its create; the create committed. Until the finish, the marker says so.
    await registry.markCreating('k8');
    await ledger.finish(id, { result: result(1), calls: { create: 1 }, keyHash: 'k8', lease: start.lease });
    // A row that remembers nothing (a failed one) leaves the marker.
    expect(await registry.isCreating('k8')).toBe(true);
    const again = await started(id, 2, 'k8', 'run-b');
    if (again.state !== 'locked') throw new Error('not locked');
    const remember = { customerId: 'KC1', fingerprint: 'fp1' };
    await ledger.finish(id, { result: result(2), calls: {}, remember, keyHash: 'k8', lease: again.lease });
    expect(await registry.get('k8')).toEqual(remember);
    expect(await registry.isCreating('k8')).toBe(false);
  });

  it('never releases a lock another run took after this run lost it', async () => {
    const id = await newImport();
    const start = await started(id, 1, 'k9', 'run-a');
    if (start.state !== 'locked') throw new Error('not locked');
    // The lock expired (Redis away longer than WORKER_LOCK_MS) and another run holds it now.
    await redis.set(`${ns}:lock:k9`, 'run-b', 'PX', 30_000);
    await ledger.finish(id, { result: result(1), calls: {}, keyHash: 'k9', lease: start.lease });
    expect(await redis.get(`${ns}:lock:k9`)).toBe('run-b');
    await redis.del(`${ns}:lock:k9`);
  });

  it('a run killed before its finish left nothing of the row: the next run starts it afresh and records it once', async () => {
    const id = await newImport(1);
    const killed = await started(id, 1, 'k7', 'run-a');
    if (killed.state !== 'locked') throw new Error('not locked');
    // kill -9: no finish, the lease's timers die with the process; the lock expires.
    killed.lease.releasedElsewhere();
    await redis.del(`${ns}:lock:k7`);
    expect(await store.hasResult(id, 1)).toBe(false);
    expect(await registry.get('k7')).toBeNull();
    const rerun = await started(id, 1, 'k7', 'run-b');
    expect(rerun.state).toBe('locked');
    if (rerun.state !== 'locked') return;
    const end = await ledger.finish(id, {
      result: result(1),
      calls: { create: 1 },
      remember: { customerId: 'KC1', fingerprint: 'fp' },
      keyHash: 'k7',
      lease: rerun.lease,
    });
    expect(end).toEqual({ added: true, complete: true });
    expect((await started(id, 1, 'k7', 'run-c')).state).toBe('done');
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
