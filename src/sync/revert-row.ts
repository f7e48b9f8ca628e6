/**
 * One row of a revert: under the customer's lock, read what EnKash holds now, and put back what the
 * reverted import changed — or report the row `conflict` when EnKash holds a value the import did not
 * write (src/plan/revert-plan.ts decides). Throws like a sync row when a call fails (the same row-error
 * policy retries it).
 */
import type { CustomerResponse } from '../contract/enkash-api.js';
import type { RowDiff } from '../domain/row-diff.js';
import { updatedOutcome, validRowResult } from '../domain/row-results.js';
import type { RowResult, ValidRow } from '../domain/types.js';
import { formatChanges } from '../plan/diff.js';
import { formatConflicts, planRevert, type RevertPlan } from '../plan/revert-plan.js';
import { callOptions, stoppedByCancel, type Calls } from './row-context.js';
import { withLease, type RowContext, type RowDeps, type RowSyncOutput } from './row-sync.js';

export type RevertWork = {
  /** The revert's own import id. */
  importId: string;
  /** Who the row is, as a row of the reverted import (row number, match key, names). */
  row: ValidRow;
  keyHash: string;
  dryRun: boolean;
  /** EnKash field → column header; a revert has no file, so EnKash's field names are shown. */
  labels: Record<string, string>;
  /** What the reverted import wrote for this row. */
  diff: RowDiff;
};

/** The row of a kept record, as a ValidRow names it (the fields the report line shows). */
export function rowOfDiff(diff: RowDiff): ValidRow {
  return {
    kind: 'valid',
    row: diff.row,
    ...(diff.sheet === undefined ? {} : { sheet: diff.sheet }),
    key: diff.key,
    customer: {
      legalName: diff.legalName,
      ...(diff.uniqueRefNo ? { uniqueRefNo: diff.uniqueRefNo } : {}),
      customerKeyContacts: [],
    },
    warnings: [],
  };
}

export async function revertRow(deps: RowDeps, work: RevertWork, ctx: RowContext): Promise<RowSyncOutput> {
  return withLease(deps, work.keyHash, ctx, (locked) =>
    stoppedByCancel(work.row, (calls) => revertLocked(deps, work, locked, calls)),
  );
}

/** Reads the customer, then writes back what the plan says; the cancel's gate applies until the first write. */
async function revertLocked(
  deps: RowDeps,
  work: RevertWork,
  ctx: RowContext,
  calls: Calls,
): Promise<RowSyncOutput> {
  const { customerId } = work.diff;
  const searchOptions = callOptions(ctx, calls);
  calls.add('search');
  const page = await deps.client.searchCustomers(
    { customerIds: [customerId], customerStatus: 'ALL' },
    { limit: 2, offset: 0 },
    searchOptions,
  );
  const current = page.data[0];
  if (!current) return { result: gone(work), calls: calls.counts };
  const plan = planRevert(work.diff, current);
  if (plan.kind !== 'write' || work.dryRun)
    return { result: resultOf(work, plan, current), calls: calls.counts };
  if (Object.keys(plan.patch).length > 0) {
    const opts = callOptions(ctx, calls);
    calls.add('update', true);
    await deps.client.updateCustomer(customerId, plan.patch, opts);
  }
  if (plan.status) {
    const opts = callOptions(ctx, calls);
    calls.add(plan.status, true);
    if (plan.status === 'activate') await deps.client.activateCustomer(customerId, opts);
    else await deps.client.deactivateCustomer(customerId, opts);
  }
  // What was last sent for this key is no longer what EnKash holds: the next import compares afresh.
  await deps.registry.forget(work.keyHash);
  const result = { ...resultOf(work, plan, current), attempts: ctx.attemptsMade + 1, httpStatus: 200 };
  return { result, calls: calls.counts, diff: plan.record };
}

function resultOf(work: RevertWork, plan: RevertPlan, current: CustomerResponse): RowResult {
  const line = (outcome: RowResult['outcome']) => validRowResult(work.row, outcome, current.customerId);
  switch (plan.kind) {
    case 'unchanged':
      return { ...line('unchanged'), warnings: 'already as before the import' };
    case 'conflict':
      return {
        ...line('conflict'),
        errorType: 'CHANGED_SINCE',
        errors: 'changed in EnKash since the import: nothing written for this row',
        changes: formatConflicts(plan.conflicts),
      };
    case 'write': {
      const fields = Object.keys(plan.patch).length;
      const outcome = updatedOutcome(fields, plan.status, work.dryRun);
      const changes = formatChanges(plan.changes);
      return {
        ...line(outcome),
        changes: work.dryRun ? `dry run: would change ${changes}` : changes,
        fieldChanges: plan.changes,
      };
    }
  }
}

/** EnKash no longer has the customer (deleted since): nothing to put back. */
function gone(work: RevertWork): RowResult {
  return {
    ...validRowResult(work.row, 'conflict', work.diff.customerId),
    errorType: 'CHANGED_SINCE',
    errors: `customer ${work.diff.customerId} is no longer in EnKash: nothing written for this row`,
  };
}
