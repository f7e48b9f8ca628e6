/**
 * Whether a nightly run may write, decided from its dry run. Pure. A run that would change a large share
 * of the account's customers, or that reads far fewer rows than the last good run (a truncated export, the
 * wrong company's file), waits for a person to approve it.
 */
import { WOULD_WRITE_OUTCOMES, WRITE_OUTCOMES, type Outcome, type WriteOutcome } from '../domain/types.js';

export type Guardrails = { maxChangeShare?: number | undefined; minRowsShare?: number | undefined };

export type GuardrailInput = {
  counts: Record<Outcome, number>;
  rowsRead: number;
  accountCustomers: number;
  /** Rows the previous successful run of this job read; null when there was none. */
  previousRows: number | null;
};

export type GuardrailDecision = { hold: false } | { hold: true; reason: string };

// Guardrails judge a dry run, whose outcomes are conditional; a real run's are counted too, to be safe.
const CHANGING: readonly Outcome[] = [
  ...WOULD_WRITE_OUTCOMES,
  ...(Object.keys(WRITE_OUTCOMES) as WriteOutcome[]),
];

export function checkGuardrails(g: Guardrails, input: GuardrailInput): GuardrailDecision {
  const changes = CHANGING.reduce((sum, o) => sum + input.counts[o], 0);
  if (g.maxChangeShare !== undefined && changes > 0) {
    // An empty account counts as one customer: the first load of a master is held for approval once.
    const share = changes / Math.max(input.accountCustomers, 1);
    if (share > g.maxChangeShare && input.accountCustomers === 0) {
      return {
        hold: true,
        reason: `would create ${changes} customers in an EnKash account that has none yet (a first load is approved once)`,
      };
    }
    if (share > g.maxChangeShare) {
      return {
        hold: true,
        reason:
          `would change ${changes} customers (${percent(share)} of the ${input.accountCustomers} in EnKash); ` +
          `the limit is ${percent(g.maxChangeShare)}`,
      };
    }
  }
  if (g.minRowsShare !== undefined && input.previousRows !== null && input.previousRows > 0) {
    const share = input.rowsRead / input.previousRows;
    if (share < g.minRowsShare) {
      return {
        hold: true,
        reason:
          `read ${input.rowsRead} rows, ${percent(share)} of the ${input.previousRows} the previous run read; ` +
          `the minimum is ${percent(g.minRowsShare)}`,
      };
    }
  }
  return { hold: false };
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
