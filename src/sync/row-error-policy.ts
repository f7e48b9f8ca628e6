/**
 * What to do when an attempt fails: one pure function over one table (graphile-worker's
 * RETRYABLE_ERROR_CODES, BullMQ's named errors). The rows worker (sync/workers.ts) and the read retries
 * (sync/with-retries.ts) both ask it; neither decides on its own.
 *
 * Terminology:
 * - job: who asks. `row`: a row job, whose engine looks a customer up before it creates again (so an
 *   error that says a create may have committed is safe to retry) and which waits out an EnKash outage of
 *   any length; `read`: a read-only call (search pages, counts), which gives up after its waits.
 * - wait: a retry that uses no attempt (a 429's Retry-After, the circuit breaker, a busy customer).
 */
import { EnkashError } from '../enkash/errors.js';
import { LeaseLostError } from '../queue/key-lock.js';
import { AmbiguousKeyError, KeyBusyError } from './row-sync.js';

export type ErrorDecision =
  /** Back to the queue at once, as it is, using no attempt (shutdown, lost lock). */
  | { action: 'hand-back' }
  /** This job only, again after `delayMs`, using no attempt. */
  | { action: 'delay'; delayMs: number }
  /** Everybody waits `waitMs` (the rows queue is paused), using no attempt. */
  | { action: 'wait'; waitMs: number }
  /** Again after the backoff, using an attempt. */
  | { action: 'retry' }
  /** Final: the row is reported failed (a read rethrows). */
  | { action: 'fail' };

export type ErrorJob = {
  kind: 'row' | 'read';
  /** Attempts in all, the first included. */
  attempts: number;
  /** Waits allowed for a 429 (and, for reads, for the circuit breaker): they use no attempt but must end. */
  maxWaits: number;
  /** The job was told to stop (shutdown). */
  aborted?: boolean;
  /**
   * Rows only: how long EnKash's circuit breaker holds calls back (it has tripped and not closed yet),
   * asked by the caller after a retryable failure; undefined when it is closed or not asked.
   */
  outageWaitMs?: number;
};

export type ErrorAttempt = {
  /** Attempts that failed before this one. */
  made: number;
  /** Waits (no attempt used) before this one. */
  waits: number;
};

type Rule = {
  when: (err: unknown, job: ErrorJob, attempt: ErrorAttempt) => boolean;
  then: (err: unknown, job: ErrorJob, attempt: ErrorAttempt) => ErrorDecision;
};

const enkash = (err: unknown): err is EnkashError => err instanceof EnkashError;
const FAIL: ErrorDecision = { action: 'fail' };

/** First matching row wins. */
const RULES: readonly Rule[] = [
  // Shutdown, or the per-customer lock lost (Redis unreachable too long): another run may hold the
  // customer now, so this run stops and the job goes back as it is.
  {
    when: (err, job) => job.aborted === true || err instanceof LeaseLostError,
    then: () => ({ action: 'hand-back' }),
  },
  // Another job is syncing this customer: try shortly, backing off to 5 s, without using an attempt.
  {
    when: (err) => err instanceof KeyBusyError,
    then: (_err, _job, attempt) => ({
      action: 'delay',
      delayMs: Math.min(5000, 250 * 2 ** Math.min(attempt.waits + 1, 5)),
    }),
  },
  // A read cannot tell whether a write it repeats committed: never repeat it blindly. (Rows can: their
  // engine looks the customer up first.)
  { when: (err, job) => job.kind === 'read' && enkash(err) && err.mayHaveCommitted, then: () => FAIL },
  // A 429: everybody waits Retry-After, a bounded number of times.
  {
    when: (err, job, attempt) => enkash(err) && err.kind === 'rate-limited' && attempt.waits < job.maxWaits,
    then: (err) => ({ action: 'wait', waitMs: (err as EnkashError).retryAfterMs ?? 1000 }),
  },
  // The circuit breaker refused the call (EnKash down): nothing was sent; wait for its next probe. A row
  // waits out an outage of any length, a read only its bounded number of waits.
  {
    when: (err, job, attempt) =>
      enkash(err) && err.errorType === 'CIRCUIT_OPEN' && (job.kind === 'row' || attempt.waits < job.maxWaits),
    then: (err) => ({ action: 'wait', waitMs: Math.max(50, (err as EnkashError).retryAfterMs ?? 500) }),
  },
  // The call failed while the breaker is open or half-open: wait with it rather than spend an attempt.
  {
    when: (err, job) => enkash(err) && err.kind === 'retryable' && job.outageWaitMs !== undefined,
    then: (_err, job) => ({ action: 'wait', waitMs: job.outageWaitMs || 500 }),
  },
  // Two EnKash customers share the row's key: a person must choose; retrying cannot.
  { when: (err) => err instanceof AmbiguousKeyError, then: () => FAIL },
  // 400/404/422 (fix the data) and refused credentials: the same request fails again.
  { when: (err) => enkash(err) && (err.kind === 'permanent' || err.kind === 'auth'), then: () => FAIL },
  // A read retries only what EnKash's table calls retryable (not our own bugs, not a 429 past its waits).
  { when: (err, job) => job.kind === 'read' && !(enkash(err) && err.kind === 'retryable'), then: () => FAIL },
  // Out of attempts.
  { when: (_err, job, attempt) => attempt.made + 1 >= job.attempts, then: () => FAIL },
  // Anything else (5xx, timeout, network, Redis, a 429 past its waits for a row): back off and try again.
  { when: () => true, then: () => ({ action: 'retry' }) },
];

export function decideOnError(err: unknown, attempt: ErrorAttempt, job: ErrorJob): ErrorDecision {
  for (const rule of RULES) if (rule.when(err, job, attempt)) return rule.then(err, job, attempt);
  return FAIL;
}

/** Whether a caller should ask the circuit breaker before {@link decideOnError} (a retryable call failure). */
export function asksBreaker(err: unknown): boolean {
  return enkash(err) && err.kind === 'retryable' && err.errorType !== 'CIRCUIT_OPEN';
}

/**
 * A job BullMQ failed on its own (out of attempts, or stalled too often: then it will not retry it
 * whatever attempts are left) ends its row or import for good.
 */
export function bullmqFailureIsFinal(attemptsMade: number, attempts: number, err: Error): boolean {
  return attemptsMade >= attempts || /stalled/i.test(err.message);
}
