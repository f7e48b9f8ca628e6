import { describe, expect, it } from 'vitest';
import { withRetries } from '../../src/sync/with-retries.js';
import { circuitOpenError } from '../../src/enkash/circuit-breaker.js';
import { EnkashError, type EnkashErrorKind } from '../../src/enkash/errors.js';

function failure(kind: EnkashErrorKind, extra: { retryAfterMs?: number; mayHaveCommitted?: boolean } = {}) {
  return new EnkashError({
    kind,
    operation: 'search',
    httpStatus: null,
    errorType: kind,
    message: kind,
    ...extra,
  });
}

/** Runs `withRetries` over a scripted list of outcomes, recording the sleeps instead of sleeping. */
async function run(outcomes: Array<Error | string>, policy = { attempts: 3, baseMs: 100, maxMs: 1000 }) {
  const sleeps: number[] = [];
  const attempts: number[] = [];
  let call = 0;
  const result = await withRetries(
    async (attempt) => {
      attempts.push(attempt);
      const outcome = outcomes[call++];
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    policy,
    { sleep: async (ms) => void sleeps.push(ms), random: () => 0.999_999 },
  ).catch((err: unknown) => err);
  return { result, sleeps, attempts, calls: call };
}

describe('withRetries', () => {
  it('retries retryable errors with growing backoff, then succeeds', async () => {
    const { result, sleeps, attempts } = await run([failure('retryable'), failure('retryable'), 'ok']);
    expect(result).toBe('ok');
    expect(sleeps).toEqual([100, 200]);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const last = failure('retryable');
    const { result, calls } = await run([failure('retryable'), failure('retryable'), last, 'never']);
    expect(result).toBe(last);
    expect(calls).toBe(3);
  });

  it('waits out an open circuit breaker without using an attempt', async () => {
    const open = circuitOpenError('search', 800);
    const { result, sleeps, attempts } = await run([open, open, open, 'ok']);
    expect(result).toBe('ok');
    expect(sleeps).toEqual([800, 800, 800]);
    expect(attempts).toEqual([1, 1, 1, 1]);
  });

  it('waits Retry-After on 429 without using an attempt', async () => {
    const limited = failure('rate-limited', { retryAfterMs: 1500 });
    const { result, sleeps, attempts } = await run([limited, limited, failure('retryable'), 'ok'], {
      attempts: 2,
      baseMs: 100,
      maxMs: 1000,
    });
    expect(result).toBe('ok');
    expect(sleeps).toEqual([1500, 1500, 100]);
    expect(attempts).toEqual([1, 1, 1, 2]);
  });

  it('bounds the number of 429 waits', async () => {
    const limited = failure('rate-limited', { retryAfterMs: 10 });
    const { result, calls } = await run([limited, limited, limited, 'ok'], {
      attempts: 5,
      baseMs: 1,
      maxMs: 1,
      maxRateLimitedWaits: 2,
    } as never);
    expect(result).toBe(limited);
    expect(calls).toBe(3);
  });

  it.each(['permanent', 'auth'] as const)('rethrows %s errors at once', async (kind) => {
    const err = failure(kind);
    const { result, calls, sleeps } = await run([err, 'ok']);
    expect(result).toBe(err);
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('never repeats a call that may have committed, and passes other errors through', async () => {
    const committed = failure('retryable', { mayHaveCommitted: true });
    expect((await run([committed, 'ok'])).result).toBe(committed);
    const bug = new TypeError('bug');
    expect((await run([bug, 'ok'])).result).toBe(bug);
  });
});
