import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_AFTER_MS,
  backoffDelayMs,
  errorFromResponse,
  errorFromTransport,
  parseRetryAfter,
} from '../../src/enkash/errors.js';

const NOW = Date.parse('2026-11-03T10:00:00Z');

function answer(status: number, body: unknown = undefined, headers: Record<string, string> = {}) {
  return { operation: 'create', status, headers, body, nowMs: NOW, nonIdempotent: true };
}

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter(['2', '9'], NOW)).toBe(2000);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Tue, 03 Nov 2026 10:00:05 GMT', NOW)).toBe(5000);
    expect(parseRetryAfter('Tue, 03 Nov 2026 09:59:00 GMT', NOW)).toBe(0);
  });

  it('gives undefined for absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('-3', NOW)).toBeUndefined();
  });
});

describe('backoffDelayMs (full jitter)', () => {
  it('spans [0, base·2^(attempt-1)] and is capped by max', () => {
    expect(backoffDelayMs(1, 100, 10_000, () => 0)).toBe(0);
    expect(backoffDelayMs(1, 100, 10_000, () => 0.999_999)).toBe(100);
    expect(backoffDelayMs(4, 100, 10_000, () => 0.999_999)).toBe(800);
    expect(backoffDelayMs(30, 100, 10_000, () => 0.999_999)).toBe(10_000);
    expect(backoffDelayMs(3, 100, 10_000, () => 0.5)).toBe(200);
  });

  it('draws uniformly: the mean of many draws is near half the ceiling', () => {
    const draws = Array.from({ length: 4000 }, () => backoffDelayMs(3, 100, 10_000));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(400);
    expect(mean).toBeGreaterThan(180);
    expect(mean).toBeLessThan(220);
  });
});

describe('errorFromResponse: the status table', () => {
  const validation = {
    errorResponse: {
      errorType: 'VALIDATION_ERROR',
      errorMessage: 'Invalid request for 9876543210',
      requestId: 'req-1',
      apiSubErrors: [
        { object: 'customer', field: 'pinCode', rejectedValue: '12', message: 'must match ^[0-9]{6}$' },
        { message: 'legalName is required' },
      ],
    },
    payload: null,
  };

  it('400: permanent, with field messages, requestId, and personal data masked in the message', () => {
    const err = errorFromResponse(answer(400, validation));
    expect(err).toMatchObject({
      kind: 'permanent',
      httpStatus: 400,
      errorType: 'VALIDATION_ERROR',
      requestId: 'req-1',
      mayHaveCommitted: false,
      remoteMessage: 'Invalid request for 9876543210',
    });
    expect(err.fieldErrors).toEqual([
      { field: 'pinCode', message: 'must match ^[0-9]{6}$', rejectedValue: '12' },
      { field: '', message: 'legalName is required' },
    ]);
    expect(err.message).toContain('pinCode: must match');
    expect(err.message).not.toContain('9876543210');
  });

  it.each([
    [404, 'permanent', 'RECORD_NOT_FOUND'],
    [422, 'permanent', 'UNPROCESSABLE_REQUEST'],
    [409, 'permanent', 'CLIENT_REQUEST_ERROR'],
    [401, 'auth', 'UNAUTHORIZED'],
    [403, 'auth', 'INVALID_ACCESS'],
    [408, 'retryable', 'TIMEOUT'],
    [500, 'retryable', 'SYSTEM_ERROR'],
    [503, 'retryable', 'SERVICE_UNAVAILABLE'],
    [302, 'permanent', 'BAD_RESPONSE'],
  ])('%i → %s / %s when the body says nothing', (status, kind, errorType) => {
    const err = errorFromResponse(answer(status, '<html>'));
    expect(err).toMatchObject({ kind, errorType, httpStatus: status, requestId: '' });
  });

  it("keeps EnKash's errorType and the X-Request-Id header when the envelope has no requestId", () => {
    const err = errorFromResponse(
      answer(404, { errorResponse: { errorType: 'SOMETHING_NEW' } }, { 'x-request-id': 'hdr-9' }),
    );
    expect(err).toMatchObject({ kind: 'permanent', errorType: 'SOMETHING_NEW', requestId: 'hdr-9' });
  });

  it('a create answered by a gateway 502/504 may have committed; EnKash’s own 500/503 did not', () => {
    expect(errorFromResponse(answer(502)).mayHaveCommitted).toBe(true);
    expect(errorFromResponse(answer(504)).mayHaveCommitted).toBe(true);
    expect(errorFromResponse(answer(500)).mayHaveCommitted).toBe(false);
    expect(errorFromResponse({ ...answer(502), nonIdempotent: false }).mayHaveCommitted).toBe(false);
  });

  it('429: rate-limited with Retry-After in seconds, as a date, or the default', () => {
    expect(errorFromResponse(answer(429, undefined, { 'retry-after': '7' }))).toMatchObject({
      kind: 'rate-limited',
      errorType: 'RATE_LIMITED',
      retryAfterMs: 7000,
    });
    const dated = errorFromResponse(
      answer(429, undefined, { 'retry-after': 'Tue, 03 Nov 2026 10:00:02 GMT' }),
    );
    expect(dated.retryAfterMs).toBe(2000);
    expect(errorFromResponse(answer(429)).retryAfterMs).toBe(DEFAULT_RETRY_AFTER_MS);
  });

  it('a 2xx envelope carrying an errorResponse is classed by its errorType', () => {
    const body = { errorResponse: { errorType: 'SYSTEM_ERROR', requestId: 'r2' }, payload: null };
    expect(errorFromResponse(answer(200, body))).toMatchObject({ kind: 'retryable', requestId: 'r2' });
    const denied = { errorResponse: { errorType: 'INVALID_ACCESS' }, payload: null };
    expect(errorFromResponse(answer(200, denied)).kind).toBe('auth');
  });
});

describe('errorFromTransport: the network table', () => {
  const failure = (code: string, extra: Partial<Parameters<typeof errorFromTransport>[0]> = {}) =>
    errorFromTransport({
      operation: 'create',
      cause: Object.assign(new Error(code), { code }),
      timedOut: false,
      aborted: false,
      nonIdempotent: true,
      ...extra,
    });

  it('a refused connection is retryable and cannot have committed', () => {
    expect(failure('ECONNREFUSED')).toMatchObject({
      kind: 'retryable',
      errorType: 'NETWORK_ERROR',
      httpStatus: null,
      mayHaveCommitted: false,
    });
  });

  it('a connection dropped after sending a create may have committed', () => {
    expect(failure('ECONNRESET').mayHaveCommitted).toBe(true);
    expect(failure('UND_ERR_SOCKET').mayHaveCommitted).toBe(true);
    expect(failure('UND_ERR_SOCKET', { nonIdempotent: false }).mayHaveCommitted).toBe(false);
  });

  it('our timeout is TIMEOUT, a caller abort is ABORTED, both retryable', () => {
    expect(failure('23', { timedOut: true })).toMatchObject({ kind: 'retryable', errorType: 'TIMEOUT' });
    expect(failure('20', { aborted: true })).toMatchObject({ kind: 'retryable', errorType: 'ABORTED' });
    expect(failure('20', { timedOut: true }).mayHaveCommitted).toBe(true);
  });

  it('an error of ours (not a network code) is permanent', () => {
    expect(failure('UND_ERR_INVALID_ARG')).toMatchObject({ kind: 'permanent', errorType: 'CLIENT_ERROR' });
  });
});
