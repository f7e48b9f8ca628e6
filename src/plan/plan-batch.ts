/**
 * Planning a batch of parsed rows, pure: which rows are settled without EnKash (already recorded,
 * cancelled, invalid, unchanged by fingerprint or by the account snapshot, skipped by the mode) and which
 * go to a row job. The import job (sync/import-job.ts) does the I/O around these decisions.
 */
import type { CustomerResponse } from '../contract/enkash-api.js';
import {
  cancelledRowResult,
  invalidRowResult,
  skippedRowResult,
  validRowResult,
} from '../domain/row-results.js';
import type { MatchKey, ParsedRow, RowResult, SyncMode, ValidRow } from '../domain/types.js';
import { decide } from './decide.js';
import { fingerprint } from './fingerprint.js';

/** A valid row that still needs EnKash, with the hash of its match key (its name in Redis). */
export type PendingRow = { row: ValidRow; keyHash: string };

/** What customer-sync last sent for a match key, when it remembers. */
export type KnownCustomer = { customerId: string; fingerprint: string };

/** The customer the account snapshot holds for a key: null when none, undefined when two share it. */
export type SnapshotLookup = (key: MatchKey) => CustomerResponse | null | undefined;

export type BatchPlan = { direct: RowResult[]; pending: PendingRow[] };

/**
 * Rows that already have a result are left alone (a retried import job re-reads the file); after a
 * cancel every remaining row is reported skipped; invalid rows are settled here.
 */
export function sortBatch(
  batch: readonly ParsedRow[],
  already: ReadonlySet<number>,
  cancelled: boolean,
  hashKey: (key: MatchKey) => string,
): BatchPlan {
  const direct: RowResult[] = [];
  const pending: PendingRow[] = [];
  for (const parsed of batch) {
    if (already.has(parsed.row)) continue;
    if (cancelled) direct.push(cancelledRowResult(parsed));
    else if (parsed.kind === 'invalid') direct.push(invalidRowResult(parsed));
    else pending.push({ row: parsed, keyHash: hashKey(parsed.key) });
  }
  return { direct, pending };
}

/** A row whose fingerprint matches what was last sent is unchanged: no call at all. */
export function settleByFingerprint(
  pending: readonly PendingRow[],
  known: readonly (KnownCustomer | null | undefined)[],
  direct: RowResult[],
): PendingRow[] {
  return pending.filter((p, i) => {
    const entry = known[i];
    if (entry && entry.fingerprint === fingerprint(p.row)) {
      direct.push(validRowResult(p.row, 'unchanged', entry.customerId));
      return false;
    }
    return true;
  });
}

/**
 * Rows the snapshot already settles without a write (unchanged, or skipped by the mode) get their result
 * here: a nightly re-sync of a big account then queues only the rows that change. `learned` is what the
 * registry should remember for the unchanged ones.
 */
export function settleBySnapshot(
  rows: readonly PendingRow[],
  lookup: SnapshotLookup,
  mode: SyncMode,
  direct: RowResult[],
): { queue: PendingRow[]; learned: (KnownCustomer & { keyHash: string })[] } {
  const queue: PendingRow[] = [];
  const learned: (KnownCustomer & { keyHash: string })[] = [];
  for (const p of rows) {
    const existing = lookup(p.row.key);
    const action = existing === undefined ? null : decide(p.row, existing, mode);
    if (action?.kind === 'unchanged') {
      direct.push(validRowResult(p.row, 'unchanged', action.customerId));
      learned.push({ keyHash: p.keyHash, customerId: action.customerId, fingerprint: fingerprint(p.row) });
    } else if (action?.kind === 'skip') {
      direct.push(skippedRowResult(p.row, action.customerId, action.reason));
    } else queue.push(p);
  }
  return { queue, learned };
}

/**
 * How rows will find their customers: `search` one by one, `empty` (the account has none: nothing to
 * find), or `load` the whole account when its pages cost no more calls than the rows' searches would.
 */
export function snapshotChoice(
  customers: number,
  pages: number,
  rowsNeedingLookup: number,
  lastBatch: boolean,
  batchRows: number,
): 'search' | 'empty' | 'load' {
  // A file longer than one batch has at least this many rows to look up; usually far more.
  const expectedLookups = lastBatch ? rowsNeedingLookup : Math.max(rowsNeedingLookup, batchRows);
  if (customers > 0 && pages >= expectedLookups) return 'search';
  return customers === 0 ? 'empty' : 'load';
}
