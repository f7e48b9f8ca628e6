/**
 * Terminology
 * - import: one file taken in (from the CLI, the HTTP API, the watched folder or a nightly job), with its
 *   options. It has an id (`imp-…`), a state, and in the end a report folder.
 * - row: one data line of the file, numbered as the user sees it in Excel (the header is row 1 unless a
 *   title block comes first). Blank rows and a trailing totals row are skipped and not counted.
 * - match key: the field that tells which EnKash customer a row is (uniqueRefNo by default; a row with no
 *   uniqueRefNo falls back to its PAN/GSTIN).
 * - outcome: what happened to a row, as data (never an exception): one of {@link OUTCOMES}; `validate`
 *   gives only `valid` or `invalid`.
 * - fingerprint: a hash of what customer-sync last sent for a match key, kept so an unchanged re-run
 *   makes no write calls.
 */
import type { CustomerCreate } from '../contract/enkash-api.js';

/**
 * The outcomes that wrote to EnKash, each beside the one a dry run reports instead: dry runs speak in the
 * conditional, since nothing was written, nothing was `created`.
 */
export const WRITE_OUTCOMES = {
  created: 'would-create',
  updated: 'would-update',
  activated: 'would-activate',
  deactivated: 'would-deactivate',
} as const;
export type WriteOutcome = keyof typeof WRITE_OUTCOMES;
export const WOULD_WRITE_OUTCOMES = Object.values(WRITE_OUTCOMES);

/** The row wrote to EnKash (what a revert puts back). */
export function isWriteOutcome(outcome: string): outcome is WriteOutcome {
  return Object.hasOwn(WRITE_OUTCOMES, outcome);
}

export const OUTCOMES = [
  'created',
  'updated',
  'unchanged',
  'activated',
  'deactivated',
  'invalid',
  'failed',
  'skipped',
  /**
   * Only from a revert: EnKash holds another value than the reverted import wrote (changed since, by a
   * later import or in EnKash's screens); nothing was written for the row.
   */
  'conflict',
  /** Only from `validate` (no EnKash call made): the row would be sent. */
  'valid',
  ...WOULD_WRITE_OUTCOMES,
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Outcomes that leave a row to fix (`invalid`), to retry (`failed`) or to settle by hand (`conflict`: a
 * revert left a field changed since as it is): `sync`, `retry` and `revert` then exit 1, not 0.
 */
const TO_FIX_OR_RETRY = ['invalid', 'failed', 'conflict'] as const satisfies readonly Outcome[];

export function hasRowsToFixOrRetry(counts: Readonly<Record<Outcome, number>>): boolean {
  return TO_FIX_OR_RETRY.some((o) => counts[o] > 0);
}

export const SYNC_MODES = ['upsert', 'create-only', 'update-only'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** One problem with one cell, in the user's words: the column as written in their file. */
export type FieldError = {
  /** The column header as written in the file (or the EnKash field name when no column maps to it). */
  column: string;
  /** The column's letter in the file (`D`, `AA`); absent when no column maps to the field. */
  letter?: string;
  /** The EnKash field, e.g. `panOrGstin`, `customerKeyContacts[0].mobile`. */
  field: string;
  /** The value as read from the file (before normalisation), '' when empty. */
  value: string;
  /** What is wrong and what is expected, e.g. `has 11 characters; a GSTIN has 15`. */
  problem: string;
};

/**
 * A column in the file's words beside EnKash's: `GSTIN/UIN (column D, panOrGstin)`. The user finds it by
 * its header and letter; EnKash's field name is what EnKash support and results.csv's columns use. With
 * no column in the file the field's name alone (`legalName`); a header that is the field's name is not
 * repeated (`uniqueRefNo (column A)`).
 */
export function columnLabel(column: string, letter: string | undefined, field: string): string {
  const at = letter === undefined ? '' : `${letter.includes(',') ? 'columns' : 'column'} ${letter}`;
  const parts = [at, column === field ? '' : field];
  const detail = parts.filter((p) => p !== '').join(', ');
  return detail === '' ? column : `${column} (${detail})`;
}

/** `GSTIN/UIN (column D, panOrGstin): "27AAACE1234" has 11 characters; a GSTIN has 15` */
export function formatFieldError(e: FieldError): string {
  const where = columnLabel(e.column, e.letter, e.field);
  return e.value === '' ? `${where}: ${e.problem}` : `${where}: "${e.value}" ${e.problem}`;
}

/** The fields a row can be matched to its EnKash customer by (`MATCH_KEY`, `--match-key`). */
export const MATCH_KEYS = ['uniqueRefNo', 'panOrGstin', 'accountNumber'] as const;
export type MatchKeyField = (typeof MATCH_KEYS)[number];

export type MatchKey = { field: MatchKeyField; value: string };

/** `uniqueRefNo=C-001`: the match key as one string (hashed before it is stored in Redis). */
export function matchKeyString(key: MatchKey): string {
  return `${key.field}=${key.value}`;
}

/** The desired EnKash status, from a status column when the file has one. */
export type DesiredStatus = 'ACTIVE' | 'INACTIVE';

/** A row ingest has turned into an EnKash create payload, ready to plan. */
export type ValidRow = {
  kind: 'valid';
  row: number;
  /** The workbook sheet the row was read from; absent for CSV files. */
  sheet?: string;
  key: MatchKey;
  customer: CustomerCreate;
  status?: DesiredStatus;
  /** Non-fatal notes (e.g. "Mobile 2 ignored: empty"), shown in the report's `warnings` column. */
  warnings: string[];
};

/** A row that cannot be sent, with every reason (and every warning its cells also carry). */
export type InvalidRow = {
  kind: 'invalid';
  row: number;
  /** The workbook sheet the row was read from; absent for CSV files. */
  sheet?: string;
  uniqueRefNo: string;
  legalName: string;
  errors: FieldError[];
  /** Notes on cells that were read (a landline in a mobile column, …): reported beside the errors. */
  warnings?: string[];
  /** For the report's errorType column; INVALID_ROW when absent. */
  errorType?: 'INVALID_ROW' | 'DUPLICATE_IN_FILE' | 'NO_MATCH_KEY';
};

export type ParsedRow = ValidRow | InvalidRow;

/** One line of results.csv, in this column order. */
export const RESULT_COLUMNS = [
  'row',
  'sheet',
  'uniqueRefNo',
  'legalName',
  'outcome',
  'customerId',
  'attempts',
  'httpStatus',
  'errorType',
  'errors',
  'warnings',
  'requestId',
  'changes',
] as const;

/** One field an update changed (or, in a dry run, would change): EnKash's value before, the value sent. */
export type FieldChange = { field: string; before: string; after: string };

export type RowResult = {
  row: number;
  /** The workbook sheet the row was read from; absent (an empty cell) for CSV files. */
  sheet?: string;
  uniqueRefNo: string;
  legalName: string;
  outcome: Outcome;
  customerId: string;
  /** EnKash write attempts made for this row (0 when no call was needed). */
  attempts: number;
  httpStatus: number | null;
  /** EnKash's errorType, or ours: INVALID_ROW, DUPLICATE_IN_FILE, NETWORK_ERROR, TIMEOUT, … */
  errorType: string;
  /** What is wrong with the row (ours or EnKash's), every problem, joined with "; ". Only errors. */
  errors: string;
  /**
   * Notes that did not stop the row, joined with "; ": a landline in a mobile column, a contact skipped,
   * why a row was skipped. An invalid row keeps its warnings too.
   */
  warnings: string;
  /** EnKash's requestId of the failing call: what EnKash support asks for. */
  requestId: string;
  /** For updates (and dry runs): `field: "before" → "after"`, joined with "; ". */
  changes: string;
  /** The same changes as data (updates, dry-run updates, a revert's writes), for the API's row view. */
  fieldChanges?: FieldChange[];
};
