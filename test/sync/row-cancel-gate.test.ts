/**
 * A sync row whose import is cancelled while its calls wait (RowContext.gate, src/sync/cancel-watch.ts):
 * nothing written yet → the row ends with the same skipped-by-cancel result cancel-rows gives (resume
 * finds it), even when its search was already sent; its create already sent → it finishes and records
 * its real outcome. A revert row alike. Real Redis, the real sandbox; the gate closes when the sandbox has the request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cancelledRowResult, leftByCancel } from '../../src/domain/row-results.js';
import { revertRow, rowOfDiff } from '../../src/sync/revert-row.js';
import { syncRow } from '../../src/sync/row-sync.js';
import { eventually, startHarness, type Harness } from '../helpers/engine.js';
import { oneRow } from './helpers/one-row.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Closes the gate once the sandbox has received `n` API requests (answered or not). */
async function closeAfterArrivals(harness: Harness, gate: AbortController, n: number) {
  const arrivals = () => harness.sandbox.stats().total - harness.sandbox.stats().tokenRequests;
  await eventually(async () => (arrivals() >= n ? true : undefined), 30_000, `${n} API requests`);
  gate.abort(new Error('import cancelled'));
}

describe('a sync row and the cancel gate', () => {
  it('search sent, create not: skipped by the cancel, exactly as cancel-rows reports it; nothing created', async () => {
    h = await startHarness({ localWorker: false, faults: { latencyMs: 300 } });
    const deps = h.app.engine;
    const work = await oneRow(h, 'imp-gate-search');
    const gate = new AbortController();
    const ctx = { jobId: 'imp-gate-search.r2', runId: 'run-1', attemptsMade: 0, gate: gate.signal };
    const [output] = await Promise.all([syncRow(deps, work, ctx), closeAfterArrivals(h, gate, 1)]);
    expect(output.result).toEqual(cancelledRowResult(work.row));
    expect(leftByCancel(output.result)).toBe(true);
    expect(output.calls).toEqual({ search: 1, create: 0 });
    expect(h.sandbox.customers()).toHaveLength(0);
    // Nothing was sent for a create: its "in flight" marker is gone, a resume creates without a lookup.
    expect(await deps.registry.isCreating(work.keyHash)).toBe(false);
  });

  it('create sent: the gate does not abort it; the row records created', async () => {
    h = await startHarness({ localWorker: false, faults: { latencyMs: 300 } });
    const deps = h.app.engine;
    // The snapshot says the customer is absent: the row's first call is the create.
    const work = { ...(await oneRow(h, 'imp-gate-create')), existing: null };
    const gate = new AbortController();
    const ctx = { jobId: 'imp-gate-create.r2', runId: 'run-1', attemptsMade: 0, gate: gate.signal };
    const [output] = await Promise.all([syncRow(deps, work, ctx), closeAfterArrivals(h, gate, 1)]);
    expect(gate.signal.aborted).toBe(true);
    expect(output.result.outcome).toBe('created');
    const customers = h.sandbox.customers();
    expect(customers).toHaveLength(1);
    expect(output.result.customerId).toBe(customers[0]?.customerId);
  });

  it('a revert row with its search sent and its deactivate not: skipped by the cancel; the customer stays active', async () => {
    h = await startHarness({ localWorker: false, faults: { latencyMs: 300 } });
    const deps = h.app.engine;
    const work = await oneRow(h, 'imp-gate-revert');
    const { payload } = await deps.client.createCustomer(work.row.customer);
    const diff = {
      kind: 'created' as const,
      row: work.row.row,
      key: work.row.key,
      keyHash: work.keyHash,
      uniqueRefNo: work.row.customer.uniqueRefNo ?? '',
      legalName: work.row.customer.legalName,
      customerId: payload.customerId,
    };
    const revert = {
      importId: 'imp-gate-revert',
      row: rowOfDiff(diff),
      keyHash: work.keyHash,
      dryRun: false,
      labels: {},
      diff,
    };
    const apiBefore = h.sandbox.stats().total - h.sandbox.stats().tokenRequests;
    const gate = new AbortController();
    const ctx = { jobId: 'imp-gate-revert.r2', runId: 'run-1', attemptsMade: 0, gate: gate.signal };
    const [output] = await Promise.all([
      revertRow(deps, revert, ctx),
      closeAfterArrivals(h, gate, apiBefore + 1),
    ]);
    expect(output.result).toEqual(cancelledRowResult(revert.row));
    expect(output.calls).toEqual({ search: 1, deactivate: 0 });
    expect(h.sandbox.customers().map((c) => c.active)).toEqual([true]);
  });
});
