/**
 * Reconciliation: a report is published only if it accounts for every row read exactly once. Checked while
 * the results stream by (order, duplicates, unknown outcomes) and at the end (count = rowsRead). Messages
 * carry row numbers and counts only, never row data, so they can be logged.
 */
import { OUTCOMES, type Outcome, type RowResult } from '../domain/types.js';

export type ReconcileProblem = 'row-number' | 'row-order' | 'duplicate-row' | 'unknown-outcome' | 'row-count';

export class ReportReconcileError extends Error {
  constructor(
    readonly problem: ReconcileProblem,
    message: string,
  ) {
    super(`report does not reconcile: ${message}`);
    this.name = 'ReportReconcileError';
  }
}

export type OutcomeCounts = Record<Outcome, number>;

/** Every outcome present, zeros included, in {@link OUTCOMES} order. */
export function emptyCounts(): OutcomeCounts {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
}

const KNOWN_OUTCOMES: ReadonlySet<string> = new Set(OUTCOMES);

/** Counts results per outcome and rejects any stream that is not strictly increasing by row number. */
export class RowTally {
  readonly counts = emptyCounts();
  private lines = 0;
  private lastRow = 0;

  get total(): number {
    return this.lines;
  }

  add(result: RowResult): void {
    const { row, outcome } = result;
    if (!Number.isSafeInteger(row) || row < 1) {
      throw new ReportReconcileError('row-number', `result ${this.lines + 1} has row number ${String(row)}`);
    }
    if (row === this.lastRow) {
      throw new ReportReconcileError('duplicate-row', `row ${row} has more than one result`);
    }
    if (row < this.lastRow) {
      throw new ReportReconcileError('row-order', `row ${row} came after row ${this.lastRow}`);
    }
    if (!KNOWN_OUTCOMES.has(outcome)) {
      throw new ReportReconcileError('unknown-outcome', `row ${row} has an unknown outcome`);
    }
    this.lastRow = row;
    this.lines += 1;
    this.counts[outcome] += 1;
  }

  /** Rows read must equal the result lines, which must equal the sum of the outcome counts. */
  finish(rowsRead: number): OutcomeCounts {
    const summed = Object.values(this.counts).reduce((a, b) => a + b, 0);
    if (summed !== this.lines || this.lines !== rowsRead) {
      throw new ReportReconcileError(
        'row-count',
        `${rowsRead} rows read but ${this.lines} results (outcome counts sum to ${summed})`,
      );
    }
    return { ...this.counts };
  }
}
