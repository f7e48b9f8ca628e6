/**
 * Retries for read-only callers (paging through search, lookups before a create). Writes are retried by
 * the sync engine, which knows how to check whether a create committed.
 */
import { DEFAULT_RETRY_AFTER_MS, backoffDelayMs, isEnkashError } from './errors.js';
import { sleep as defaultSleep } from './sleep.js';

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
 * Runs `fn` until it succeeds. Retries `retryable` errors with exponential backoff and full jitter, and
 * `rate-limited` ones (and calls the circuit breaker refused) after their Retry-After. Rethrows at once anything else, and any error that says a
 * write may have committed: repeating that blindly could duplicate it.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: RetryOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const maxWaits = policy.maxRateLimitedWaits ?? DEFAULT_MAX_RATE_LIMITED_WAITS;
  let attempt = 1;
  let rateLimitedWaits = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isEnkashError(err) || err.mayHaveCommitted) throw err;
      // A 429, or the circuit breaker refusing while EnKash is down: nothing was sent, so wait as told.
      const told = err.kind === 'rate-limited' || err.errorType === 'CIRCUIT_OPEN';
      if (told && rateLimitedWaits < maxWaits) {
        rateLimitedWaits += 1;
        await sleep(err.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, options.signal);
        continue;
      }
      if (err.kind !== 'retryable' || attempt >= policy.attempts) throw err;
      await sleep(backoffDelayMs(attempt, policy.baseMs, policy.maxMs, options.random), options.signal);
      attempt += 1;
    }
  }
}
