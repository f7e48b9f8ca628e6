/** The sandbox's pure pieces, with clocks passed in: exact windows, Retry-After, search order. */
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../src/sandbox/customer-record.js';
import { searchCustomers } from '../../src/sandbox/customer-search.js';
import { formatTimestamp } from '../../src/sandbox/envelope.js';
import { retryAfterHeader } from '../../src/sandbox/faults.js';
import { RateLimiter, limitShape } from '../../src/sandbox/rate-limiter.js';
import { StatsRecorder } from '../../src/sandbox/stats.js';

describe('StatsRecorder.maxPerSecond', () => {
  const maxFor = (times: number[]) => {
    const stats = new StatsRecorder();
    for (const t of times) stats.arrive('search', t);
    return stats.snapshot(0).maxPerSecond;
  };

  it('finds the busiest window wherever it starts, not per calendar second', () => {
    // 3 in [900, 1100]: a per-second bucket count would see 2 + 2 and report 2.
    expect(maxFor([100, 900, 950, 1100, 1950])).toBe(3);
  });

  it('treats a window as 1000 ms long: arrivals exactly 1 s apart are in different windows', () => {
    expect(maxFor([0, 1000, 2000, 3000])).toBe(1);
    expect(maxFor([0, 999.9])).toBe(2);
  });

  it('counts a burst in full', () => {
    expect(maxFor(Array.from({ length: 5000 }, (_, i) => i * 0.1))).toBe(5000);
  });

  it('starts again after reset', () => {
    const stats = new StatsRecorder();
    stats.arrive('token', 0);
    stats.arrive('token', 1);
    stats.reset();
    stats.arrive('token', 2);
    expect(stats.snapshot(0)).toMatchObject({ maxPerSecond: 1, total: 1, tokenRequests: 1 });
  });
});

describe('RateLimiter', () => {
  it('admits ratePerSec per sliding second and says when the next slot frees', () => {
    const limiter = new RateLimiter();
    expect(limiter.admit('a', 2, 0)).toEqual({ admitted: true });
    expect(limiter.admit('a', 2, 400)).toEqual({ admitted: true });
    expect(limiter.admit('a', 2, 500)).toEqual({ admitted: false, retryAfterMs: 500 });
    // Another account has its own window.
    expect(limiter.admit('b', 2, 500)).toEqual({ admitted: true });
    expect(limiter.admit('a', 2, 1000)).toEqual({ admitted: true });
    expect(limiter.admit('a', 2, 1200)).toEqual({ admitted: false, retryAfterMs: 200 });
  });

  it('does not let refused requests take a slot', () => {
    const limiter = new RateLimiter();
    limiter.admit('a', 1, 0);
    for (let t = 1; t < 1000; t += 100) expect(limiter.admit('a', 1, t).admitted).toBe(false);
    expect(limiter.admit('a', 1, 1000).admitted).toBe(true);
  });

  it('handles rates below one per second and no limit', () => {
    expect(limitShape(0.5)).toEqual({ capacity: 1, windowMs: 2000 });
    expect(limitShape(2.7)).toEqual({ capacity: 2, windowMs: 1000 });
    const limiter = new RateLimiter();
    for (let i = 0; i < 100; i++) expect(limiter.admit('a', 0, 0).admitted).toBe(true);
  });
});

describe('Retry-After and timestamps', () => {
  it('rounds seconds up, never below 1', () => {
    expect(retryAfterHeader(1, 'seconds', 0)).toBe('1');
    expect(retryAfterHeader(1000, 'seconds', 0)).toBe('1');
    expect(retryAfterHeader(1001, 'seconds', 0)).toBe('2');
  });

  it('rounds an HTTP-date up to the next whole second', () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5, 300);
    expect(retryAfterHeader(500, 'http-date', now)).toBe('Fri, 02 Jan 2026 03:04:06 GMT');
  });

  it('formats EnKash timestamps as yyyy-MM-dd HH:mm:ss in IST', () => {
    expect(formatTimestamp(new Date(Date.UTC(2026, 0, 2, 20, 0, 0)))).toBe('2026-01-03 01:30:00');
  });
});

describe('searchCustomers', () => {
  const customer = (id: number, legalName: string, uniqueRefNo: string | null): Customer =>
    ({
      id,
      customerId: `KC${String(id).padStart(14, '0')}`,
      legalName,
      uniqueRefNo,
      active: true,
    }) as Customer;
  const all = [customer(1, 'b', null), customer(2, 'a', 'X'), customer(3, 'a', 'Y')];

  it('breaks ties by id and puts nulls last when ascending', () => {
    const page = { limit: 10, offset: 0, direction: 'ASC' } as const;
    expect(searchCustomers(all, {}, { ...page, orderBy: 'legalName' }).data.map((c) => c.id)).toEqual([
      2, 3, 1,
    ]);
    expect(searchCustomers(all, {}, { ...page, orderBy: 'uniqueRefNo' }).data.map((c) => c.id)).toEqual([
      2, 3, 1,
    ]);
  });
});
