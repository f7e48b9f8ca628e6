/**
 * Retries for read-only callers (paging through search, lookups before a create). Writes are retried by
 * the sync engine, which knows how to check whether a create committed.
 */
import { backoffDelayMs } from '../enkash/errors.js';
import { sleep as defaultSleep } from '../enkash/sleep.js';
import { decideOnError } from './row-error-policy.js';

export type RetryPolicy = {
  /** Attempts in all, the first included; 429 waits do not count. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** How many 429 (or circuit-open) waits before giving up (they do not use attempts, but must end). */
  maxRateLimitedWaits?: number;
};

export type RetryOptions = {
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
};

export const DEFAULT_MAX_RATE_LIMITED_WAITS = 20;

/**
 * Runs `fn` until it succeeds, or until the row-error policy (row-error-policy.ts, as a `read`) says to
 * stop: `retryable` errors with exponential backoff and full jitter, a 429 or the circuit breaker's refusal
 * after their Retry-After (a bounded number of times), and never again an error that says a write may
 * have committed.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: RetryOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const job = {
    kind: 'read',
    attempts: policy.attempts,
    maxWaits: policy.maxRateLimitedWaits ?? DEFAULT_MAX_RATE_LIMITED_WAITS,
  } as const;
  const tried = { made: 0, waits: 0 };
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      return await fn(tried.made + 1);
    } catch (err) {
      const decision = decideOnError(err, tried, job);
      if (decision.action === 'wait') {
        tried.waits += 1;
        await sleep(decision.waitMs, options.signal);
        continue;
      }
      if (decision.action !== 'retry') throw err;
      tried.made += 1;
      await sleep(backoffDelayMs(tried.made, policy.baseMs, policy.maxMs, options.random), options.signal);
    }
  }
}
