/**
 * A row job whose run was cut short (kill -9, a Redis outage longer than the job lock) is run again by
 * BullMQ. These tests put the engine in the state such a run leaves behind and run the row again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createdBy } from '../../src/queue/customer-registry.js';
import { syncRow } from '../../src/sync/row-sync.js';
import { startHarness, type Harness } from '../helpers/engine.js';
import { oneRow } from './helpers/one-row.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a row job run again after its first run was cut short', () => {
  it('reports `created` (not `unchanged`) when the first run created the customer but did not record the row', async () => {
    h = await startHarness({ localWorker: false });
    const deps = h.app.engine;
    const work = await oneRow(h, 'imp-test-rerun');
    const jobId = 'imp-test-rerun.r2';
    // The first run: created the customer, then the process died before the row's result was recorded.
    const { payload } = await deps.client.createCustomer(work.row.customer);
    await deps.registry.created(work.keyHash, payload.customerId, jobId);

    const { result, calls, remember } = await syncRow(deps, work, {
      jobId,
      runId: `${jobId}:run-2`,
      attemptsMade: 0,
    });
    expect(result.outcome).toBe('created');
    expect(result.customerId).toBe(payload.customerId);
    expect(calls.create ?? 0).toBe(0);
    expect(h.sandbox.customers()).toHaveLength(1);
    // What the registry is to remember is written with the row's result (src/queue/row-ledger.ts).
    expect(remember?.customerId).toBe(payload.customerId);
    expect(remember?.fingerprint).not.toBe(createdBy(jobId));
    await deps.ledger.finish(work.importId, { result, calls, remember, keyHash: work.keyHash });
    expect(await deps.registry.get(work.keyHash)).toEqual(remember);
  });

  it('a second run of the same job waits while the first still holds the customer', async () => {
    h = await startHarness({ localWorker: false });
    const deps = h.app.engine;
    const work = await oneRow(h, 'imp-test-rerun');
    const lease = await deps.locks.lease(work.keyHash, 'imp-test-rerun.r2:run-1');
    await expect(
      syncRow(deps, work, { jobId: 'imp-test-rerun.r2', runId: 'imp-test-rerun.r2:run-2', attemptsMade: 0 }),
    ).rejects.toThrow(/another job is syncing this customer/);
    await lease?.release();
    expect(h.sandbox.customers()).toHaveLength(0);
  });
});
