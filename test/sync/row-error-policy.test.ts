import { describe, expect, it } from 'vitest';
import { circuitOpenError } from '../../src/enkash/circuit-breaker.js';
import { EnkashError, type EnkashErrorKind } from '../../src/enkash/errors.js';
import { LeaseLostError } from '../../src/queue/key-lock.js';
import {
  asksBreaker,
  bullmqFailureIsFinal,
  decideOnError,
  type ErrorJob,
} from '../../src/sync/row-error-policy.js';
import { AmbiguousKeyError, KeyBusyError } from '../../src/sync/row-sync.js';

function failure(kind: EnkashErrorKind, extra: { retryAfterMs?: number; mayHaveCommitted?: boolean } = {}) {
  return new EnkashError({
    kind,
    operation: 'create',
    httpStatus: null,
    errorType: kind,
    message: kind,
    ...extra,
  });
}

const row: ErrorJob = { kind: 'row', attempts: 3, maxWaits: 2 };
const read: ErrorJob = { kind: 'read', attempts: 3, maxWaits: 2 };
const first = { made: 0, waits: 0 };

describe('the row-error policy', () => {
  it('hands a row back as it is on shutdown or a lost lock, whatever the error', () => {
    expect(decideOnError(failure('permanent'), first, { ...row, aborted: true })).toEqual({
      action: 'hand-back',
    });
    expect(decideOnError(new LeaseLostError(), { made: 2, waits: 0 }, row)).toEqual({ action: 'hand-back' });
  });

  it('delays a row whose customer is busy, backing off to 5 s, without using an attempt', () => {
    const delays = [0, 1, 2, 3, 4, 5, 9].map((waits) =>
      decideOnError(new KeyBusyError(), { made: 0, waits }, row),
    );
    expect(delays.map((d) => (d.action === 'delay' ? d.delayMs : d.action))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
  });

  it('waits out a 429 for everybody a bounded number of times, then treats it as a failed attempt', () => {
    const limited = failure('rate-limited', { retryAfterMs: 1500 });
    expect(decideOnError(limited, { made: 0, waits: 1 }, row)).toEqual({ action: 'wait', waitMs: 1500 });
    expect(decideOnError(failure('rate-limited'), first, row)).toEqual({ action: 'wait', waitMs: 1000 });
    expect(decideOnError(limited, { made: 0, waits: 2 }, row)).toEqual({ action: 'retry' });
    expect(decideOnError(limited, { made: 2, waits: 2 }, row)).toEqual({ action: 'fail' });
    // A read gives up: a 429 past its waits is not EnKash failing.
    expect(decideOnError(limited, { made: 0, waits: 2 }, read)).toEqual({ action: 'fail' });
  });

  it('lets a row wait out an outage of any length, a read only its waits', () => {
    const open = circuitOpenError('create', 800);
    expect(decideOnError(open, { made: 2, waits: 99 }, row)).toEqual({ action: 'wait', waitMs: 800 });
    expect(decideOnError(circuitOpenError('create', 1), first, row)).toEqual({ action: 'wait', waitMs: 50 });
    expect(decideOnError(open, { made: 0, waits: 1 }, read)).toEqual({ action: 'wait', waitMs: 800 });
    expect(decideOnError(open, { made: 0, waits: 2 }, read)).toEqual({ action: 'retry' });
  });

  it('waits with the breaker when a call failed while it is open, instead of spending an attempt', () => {
    const err = failure('retryable');
    expect(asksBreaker(err)).toBe(true);
    expect(asksBreaker(circuitOpenError('create', 10))).toBe(false);
    expect(asksBreaker(failure('permanent'))).toBe(false);
    expect(decideOnError(err, { made: 2, waits: 0 }, { ...row, outageWaitMs: 3000 })).toEqual({
      action: 'wait',
      waitMs: 3000,
    });
    // Half-open: look again shortly.
    expect(decideOnError(err, first, { ...row, outageWaitMs: 0 })).toEqual({ action: 'wait', waitMs: 500 });
  });

  it('fails at once what retrying cannot fix', () => {
    const ambiguous = new AmbiguousKeyError({ field: 'uniqueRefNo', value: 'C-1' }, ['KC1', 'KC2']);
    for (const err of [ambiguous, failure('permanent'), failure('auth')]) {
      expect(decideOnError(err, first, row)).toEqual({ action: 'fail' });
    }
  });

  it('retries a row until its attempts run out, whatever the error (a create that may have committed too)', () => {
    for (const err of [
      failure('retryable', { mayHaveCommitted: true }),
      new Error('Redis connection lost'),
    ]) {
      expect(decideOnError(err, { made: 0, waits: 0 }, row)).toEqual({ action: 'retry' });
      expect(decideOnError(err, { made: 1, waits: 0 }, row)).toEqual({ action: 'retry' });
      expect(decideOnError(err, { made: 2, waits: 0 }, row)).toEqual({ action: 'fail' });
    }
  });

  it('never lets a read repeat a write that may have committed, nor retry what is not EnKash failing', () => {
    expect(decideOnError(failure('retryable', { mayHaveCommitted: true }), first, read)).toEqual({
      action: 'fail',
    });
    expect(decideOnError(new Error('bug'), first, read)).toEqual({ action: 'fail' });
    expect(decideOnError(failure('retryable'), first, read)).toEqual({ action: 'retry' });
  });

  it('treats a job BullMQ failed on its own as final when out of attempts or stalled', () => {
    expect(bullmqFailureIsFinal(1, 3, new Error('boom'))).toBe(false);
    expect(bullmqFailureIsFinal(3, 3, new Error('boom'))).toBe(true);
    expect(bullmqFailureIsFinal(1, 3, new Error('job stalled more than allowable limit'))).toBe(true);
  });
});
