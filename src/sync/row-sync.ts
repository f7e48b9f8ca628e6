/**
 * Syncs one row with EnKash: find its customer, decide, write, remember. Returns the row's result;
 * throws an EnkashError when the attempt failed in a way the caller may retry (the caller owns retries).
 *
 * Guarantees (README "Sync rules"):
 * - Under a per-key lock: two jobs for one customer never run at once.
 * - A create is bracketed by a "creating" marker; whoever finds the marker looks the customer up before
 *   creating, so a timed-out create followed by a retry never makes a second customer.
 * - A cancel seen while the row waits to send (ctx.gate, src/sync/cancel-watch.ts) stops it before its
 *   first write is sent: the row ends skipped by the cancel, as cancel-rows reports the rows it took out
 *   of the queue (resume sends those). Once a write was sent the row's calls go on: it records its real
 *   outcome.
 */
import type { CustomerResponse, CustomerSearch } from '../contract/enkash-api.js';
import type { EnkashClient } from '../enkash/client.js';
import { EnkashError, isNotSent } from '../enkash/errors.js';
import { type MatchKey, type RowResult, type SyncMode, type ValidRow } from '../domain/types.js';
import { CREATED_NOTES, skippedRowResult, updatedOutcome, validRowResult } from '../domain/row-results.js';
import { decide, type RowAction } from '../plan/decide.js';
import { formatChanges } from '../plan/diff.js';
import { fingerprint } from '../plan/fingerprint.js';
import { rowDiffOf, updateRecord } from '../plan/row-diff-of.js';
import type { RowDiff } from '../domain/row-diff.js';
import type { DiffStore } from '../queue/diff-store.js';
import { createdBy, type CustomerRegistry, type RegistryEntry } from '../queue/customer-registry.js';
import type { KeyLock } from '../queue/key-lock.js';
import { callOptions, stoppedByCancel, withLease, type Calls, type RowContext } from './row-context.js';
import { AmbiguousKeyError } from './row-failure.js';

export { AmbiguousKeyError, KeyBusyError, failedResult } from './row-failure.js';
export { withLease, type RowContext } from './row-context.js';

export type RowWork = {
  importId: string;
  row: ValidRow;
  keyHash: string;
  /** From the import's snapshot: the customer, null when absent; undefined when no snapshot was taken. */
  existing?: CustomerResponse | null;
  mode: SyncMode;
  dryRun: boolean;
  /**
   * EnKash field → the column header in the user's file, for EnKash's error messages. Absent from the
   * jobs queued now: the import keeps them once (ImportStore.labels), read when a row fails.
   */
  labels?: Record<string, string>;
};

export type RowDeps = {
  client: EnkashClient;
  registry: CustomerRegistry;
  locks: KeyLock;
  /** Where what a row writes is kept for a revert (first record wins). */
  diffs?: Pick<DiffStore, 'record'>;
};

export type RowSyncOutput = {
  result: RowResult;
  calls: Record<string, number>;
  /**
   * What the registry is to remember of the customer, written with the row's result (a create: until
   * then the registry names the job that created it).
   */
  remember?: RegistryEntry;
  /** What the row wrote in EnKash, kept for a revert (recorded before the result). */
  diff?: RowDiff;
};

export async function syncRow(deps: RowDeps, work: RowWork, ctx: RowContext): Promise<RowSyncOutput> {
  return withLease(deps, work.keyHash, ctx, (locked) =>
    stoppedByCancel(work.row, (calls) => syncLocked(deps, work, locked, calls)),
  );
}

async function syncLocked(
  deps: RowDeps,
  work: RowWork,
  ctx: RowContext,
  calls: Calls,
): Promise<RowSyncOutput> {
  const fp = fingerprint(work.row);
  const known = ctx.held ? ctx.held.known.entry : await deps.registry.get(work.keyHash);
  if (known && known.fingerprint === fp) {
    return { result: validRowResult(work.row, 'unchanged', known.customerId), calls: calls.counts };
  }
  const creating = ctx.held ? ctx.held.known.creating : await deps.registry.isCreating(work.keyHash);
  const existing = await findExisting(
    deps,
    work,
    known?.customerId,
    ctx.attemptsMade > 0 || creating,
    ctx,
    calls,
  );
  const action = decide(work.row, existing, work.mode);
  if (work.dryRun) return { result: dryRunResult(work, action), calls: calls.counts };
  const output = await write(deps, work, ctx, { action, existing, known, creating, fp, calls });
  const diff = rowDiffOf(identityOf(work), action, existing, output.result);
  return diff ? { ...output, diff } : output;
}

function identityOf(work: RowWork) {
  const { row, customer, key } = { row: work.row.row, customer: work.row.customer, key: work.row.key };
  const identity = { row, key, keyHash: work.keyHash, legalName: customer.legalName };
  const sheet = work.row.sheet === undefined ? {} : { sheet: work.row.sheet };
  return { ...identity, ...sheet, uniqueRefNo: customer.uniqueRefNo ?? '' };
}

type Decided = {
  action: RowAction;
  existing: CustomerResponse | null;
  known: RegistryEntry | null;
  creating: boolean;
  fp: string;
  calls: Calls;
};

/** Writes what was decided; a row an earlier attempt or run already created is reported `created`. */
async function write(deps: RowDeps, work: RowWork, ctx: RowContext, d: Decided): Promise<RowSyncOutput> {
  const { action, existing, known, creating, fp, calls } = d;
  if (action.kind === 'update' && existing) {
    const who = { ...identityOf(work), customerId: action.customerId };
    await deps.diffs?.record(work.importId, updateRecord(who, action.diff, existing));
  }
  const { result, remember } = await execute(deps, work, action, fp, { ...ctx, creating }, calls);
  const kept = remember ? { remember } : {};
  if (known?.fingerprint === createdBy(ctx.jobId) && action.kind === 'unchanged') {
    // An earlier run of this job created the customer and stopped before recording the row.
    return {
      result: { ...result, outcome: 'created', attempts: ctx.attemptsMade + 1, changes: CREATED_NOTES.rerun },
      calls: calls.counts,
      ...kept,
    };
  }
  if (creating && existing && action.kind !== 'create') {
    // An earlier attempt's create did commit; its answer was lost. The row's customer was created here.
    await deps.registry.clearCreating(work.keyHash);
    if (action.kind === 'unchanged') {
      return {
        result: {
          ...result,
          outcome: 'created',
          attempts: ctx.attemptsMade + 1,
          changes: CREATED_NOTES.lostAnswer,
        },
        calls: calls.counts,
        ...kept,
      };
    }
  }
  return { result, calls: calls.counts, ...kept };
}

/** Where the row's customer is, trusting the snapshot only when nothing newer is known. */
async function findExisting(
  deps: RowDeps,
  work: RowWork,
  knownId: string | undefined,
  interrupted: boolean,
  ctx: RowContext,
  calls: Calls,
): Promise<CustomerResponse | null> {
  if (knownId) {
    if (work.existing && work.existing.customerId === knownId && !interrupted) return work.existing;
    const byId = await search(deps, { customerIds: [knownId], customerStatus: 'ALL' }, ctx, calls);
    if (byId.length > 0) return byId[0] ?? null;
    // Deleted in EnKash since: forget it and match by key again.
    await deps.registry.forget(work.keyHash);
  } else if (work.existing !== undefined && !interrupted) {
    return work.existing;
  }
  return findByKey(deps, work.row.key, ctx, calls);
}

async function search(
  deps: RowDeps,
  filter: CustomerSearch,
  ctx: RowContext,
  calls: Calls,
): Promise<CustomerResponse[]> {
  const options = callOptions(ctx, calls);
  calls.add('search');
  const page = await deps.client.searchCustomers(filter, { limit: 2, offset: 0 }, options);
  return page.data;
}

export async function findByKey(
  deps: Pick<RowDeps, 'client'>,
  key: MatchKey,
  ctx: { signal?: AbortSignal; gate?: AbortSignal },
  calls?: Calls,
): Promise<CustomerResponse | null> {
  const options = callOptions(ctx, calls);
  calls?.add('search');
  const page = await deps.client.searchCustomers(
    { [key.field]: key.value, customerStatus: 'ALL' },
    { limit: 2, offset: 0 },
    options,
  );
  if (page.data.length > 1) {
    throw new AmbiguousKeyError(
      key,
      page.data.map((c) => c.customerId),
    );
  }
  return page.data[0] ?? null;
}

async function execute(
  deps: RowDeps,
  work: RowWork,
  action: RowAction,
  fp: string,
  ctx: RowContext & { creating: boolean },
  calls: Calls,
): Promise<{ result: RowResult; remember?: RegistryEntry }> {
  switch (action.kind) {
    case 'skip':
      return { result: skippedRowResult(work.row, action.customerId, action.reason) };
    case 'unchanged':
      return {
        result: validRowResult(work.row, 'unchanged', action.customerId),
        remember: { customerId: action.customerId, fingerprint: fp },
      };
    case 'create': {
      const created = await createOnce(deps, work, ctx, calls);
      if (action.deactivateAfter) {
        const opts = callOptions(ctx, calls);
        calls.add('deactivate', true);
        await deps.client.deactivateCustomer(created.customerId, opts).catch(async (err: unknown) => {
          // The row will not finish now: the registry names the customer and the job that created it.
          await deps.registry.created(work.keyHash, created.customerId, ctx.jobId);
          throw err;
        });
      }
      const result = validRowResult(work.row, 'created', created.customerId);
      return {
        result: { ...result, attempts: ctx.attemptsMade + 1, httpStatus: 200, changes: created.note },
        remember: { customerId: created.customerId, fingerprint: fp },
      };
    }
    case 'update': {
      const { customerId, diff } = action;
      if (Object.keys(diff.patch).length > 0) {
        const opts = callOptions(ctx, calls);
        calls.add('update', true);
        await deps.client.updateCustomer(customerId, diff.patch, opts);
      }
      if (diff.status) {
        const opts = callOptions(ctx, calls);
        calls.add(diff.status, true);
        if (diff.status === 'activate') await deps.client.activateCustomer(customerId, opts);
        else await deps.client.deactivateCustomer(customerId, opts);
      }
      const outcome = updatedOutcome(Object.keys(diff.patch).length, diff.status, false);
      return {
        result: {
          ...validRowResult(work.row, outcome, customerId),
          attempts: ctx.attemptsMade + 1,
          httpStatus: 200,
          changes: formatChanges(diff.changes),
          fieldChanges: diff.changes,
        },
        remember: { customerId, fingerprint: fp },
      };
    }
  }
}

/**
 * A create that, if its answer is lost, is confirmed by a lookup instead of being sent again. The
 * customer it made is remembered with the row's result (src/queue/row-ledger.ts finish, which clears the
 * marker in the same step); until then the marker stays, so a run after a crash looks before it creates.
 */
async function createOnce(
  deps: RowDeps,
  work: RowWork,
  ctx: RowContext & { creating: boolean },
  calls: Calls,
): Promise<{ customerId: string; note: string }> {
  // Already there: set by an earlier attempt, or by this row's start (src/queue/row-ledger.ts).
  if (!ctx.creating && !ctx.held?.known.marked) await deps.registry.markCreating(work.keyHash);
  try {
    const options = callOptions(ctx, calls);
    calls.add('create', true);
    const { payload } = await deps.client.createCustomer(work.row.customer, options);
    return { customerId: payload.customerId, note: '' };
  } catch (err) {
    if (!(err instanceof EnkashError) || !err.mayHaveCommitted) {
      if (err instanceof EnkashError && refusedUnseen(err, ctx.creating))
        await deps.registry.clearCreating(work.keyHash);
      throw err;
    }
    // The create may have committed: look before anyone tries again (the marker stays until we know).
    const found = await findByKey(deps, work.row.key, ctx, calls);
    if (!found) throw err;
    return { customerId: found.customerId, note: CREATED_NOTES.lostAnswer };
  }
}

/**
 * The create was refused and nothing of this row can be in EnKash: the marker goes, so the next try
 * creates without a lookup. A 429 is EnKash refusing the request before doing it (and a call the
 * breaker held back, or the cancel's gate stopped, was never sent). Not when the marker was already there before this attempt: an
 * earlier create may have committed, and that is still unknown.
 */
function refusedUnseen(err: EnkashError, markedBefore: boolean): boolean {
  if (err.kind === 'permanent') return true;
  if (markedBefore) return false;
  return err.kind === 'rate-limited' || err.errorType === 'CIRCUIT_OPEN' || isNotSent(err);
}

function dryRunResult(work: RowWork, action: RowAction): RowResult {
  switch (action.kind) {
    case 'create':
      return { ...validRowResult(work.row, 'would-create', ''), changes: 'dry run: would create' };
    case 'update': {
      const outcome = updatedOutcome(Object.keys(action.diff.patch).length, action.diff.status, true);
      return {
        ...validRowResult(work.row, outcome, action.customerId),
        changes: `dry run: would change ${formatChanges(action.diff.changes)}`,
        fieldChanges: action.diff.changes,
      };
    }
    case 'unchanged':
      return validRowResult(work.row, 'unchanged', action.customerId);
    case 'skip':
      return skippedRowResult(work.row, action.customerId, action.reason);
  }
}
