/**
 * An import's lifecycle, defined once. Every reader asks here instead of listing states again:
 * {@link isTerminal} ("is this import over?"), {@link canMove} ("may it go from here to there?").
 *
 * One line per state: the states it may go to, and optionally (so that adding a state is one line) the
 * states it may be entered from besides those that list it. A state that goes nowhere is terminal.
 * The store does not refuse a move (there is no compare-and-set): each job asks {@link canMove} before it
 * acts, and a job that finds its import already moved on does nothing.
 */
type StateLine = { readonly to: readonly string[]; readonly from?: readonly string[] };

const LIFECYCLE = {
  /** Created; its import job has not started. */
  queued: { to: ['parsing', 'running', 'finalizing', 'failed'] },
  /** The import job reads the file and enqueues row jobs (again from the start when it is retried). */
  parsing: { to: ['parsing', 'running', 'finalizing', 'failed'] },
  /**
   * The reading of the file is in doubt (src/ingest/plan/doubt-rules.ts): nothing is written until a
   * person approves the plan (then `queued` again) or cancels it. Not terminal: it waits.
   */
  'needs-review': { to: ['queued', 'cancelled'], from: ['parsing'] },
  /** The whole file is read; row jobs are in flight. */
  running: { to: ['parsing', 'finalizing', 'failed'] },
  /** Every row has its result; the report is being written (again, when the finalize job is retried). */
  finalizing: { to: ['finalizing', 'done', 'cancelled', 'failed'] },
  /** The report is written. */
  done: { to: [] },
  /** The file could not be read, or a job ran out of attempts; `error` says why. */
  failed: { to: [] },
  /** Cancelled: rows not sent were reported skipped, and the report is written. */
  cancelled: { to: [] },
} as const satisfies Record<string, StateLine>;

export type ImportState = keyof typeof LIFECYCLE;

export const IMPORT_STATES = Object.keys(LIFECYCLE) as [ImportState, ...ImportState[]];

/** A state read from Redis is trusted to be one of ours; an unknown one is neither over nor movable. */
function line(state: ImportState): StateLine {
  return (LIFECYCLE as Record<string, StateLine | undefined>)[state] ?? { to: [''] };
}

/** Over: nothing will change it any more (its report, if any, is written). */
export function isTerminal(state: ImportState): boolean {
  return line(state).to.length === 0;
}

export function canMove(from: ImportState, to: ImportState): boolean {
  return line(from).to.includes(to) || (line(to).from ?? []).includes(from);
}

/** The states an import may move to `to` from. */
export function statesLeadingTo(to: ImportState): ImportState[] {
  return IMPORT_STATES.filter((from) => from !== to && canMove(from, to));
}

/**
 * What an import shows (API, page): its state, except that a cancelled import still finishing the rows
 * already in a worker's hands shows `cancelling` from the moment the cancel is accepted. Derived, not
 * stored: the jobs keep moving the import through its states as above, and it ends `cancelled`.
 */
export const SHOWN_STATES = [...IMPORT_STATES, 'cancelling'] as const;
export type ShownState = (typeof SHOWN_STATES)[number];

export function shownState(state: ImportState, cancelRequested: boolean): ShownState {
  return cancelRequested && !isTerminal(state) ? 'cancelling' : state;
}
