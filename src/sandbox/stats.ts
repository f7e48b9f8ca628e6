/**
 * Request counters for tests and benchmarks. `maxPerSecond` is exact: every arrival is compared with the
 * arrivals of the preceding second, so the busiest 1-second window is found wherever it starts.
 */
import { OPERATIONS } from '../contract/enkash-api.js';
import type { SandboxStats } from './types.js';
import { TimeWindow } from './time-window.js';

/** The client's operations, and `other` for anything else asked of the sandbox. */
export const ENDPOINTS = [...OPERATIONS, 'other'] as const;
export type EndpointName = (typeof ENDPOINTS)[number];

/** Status key for a request that was never answered (a hung create, an outage of kind 'timeout'). */
export const HUNG = 'hung';

export class StatsRecorder {
  private c = freshCounts();
  private readonly lastSecond = new TimeWindow();

  /**
   * Counted on arrival, whatever the answer will be. `nowMs` is monotonic; `epochMs` is compared with the
   * Retry-After times announced so far.
   */
  arrive(endpoint: EndpointName, nowMs: number, epochMs = Date.now()): void {
    const c = this.c;
    c.total++;
    c.inFlight++;
    c.maxInFlight = Math.max(c.maxInFlight, c.inFlight);
    if (endpoint === 'token') c.tokenRequests++;
    if (epochMs < c.retryAfterEpochMs) {
      c.beforeRetryAfter++;
      c.latestBeforeRetryAfterMs = Math.max(c.latestBeforeRetryAfterMs, nowMs - c.throttledSinceMs);
    }
    this.lastSecond.evict(nowMs, 1000);
    this.lastSecond.push(nowMs);
    c.maxPerSecond = Math.max(c.maxPerSecond, this.lastSecond.size);
  }

  answered(endpoint: EndpointName, status: number | typeof HUNG): void {
    this.c.inFlight = Math.max(0, this.c.inFlight - 1);
    const byStatus = (this.c.requests[endpoint] ??= {});
    const key = String(status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }

  hungCreate(): void {
    this.c.hungCreates++;
  }

  /** A 429 went out telling the client to wait until `untilEpochMs`. */
  throttled(untilEpochMs: number, nowMs: number, epochMs = Date.now()): void {
    if (epochMs >= this.c.retryAfterEpochMs) this.c.throttledSinceMs = nowMs;
    this.c.retryAfterEpochMs = Math.max(this.c.retryAfterEpochMs, untilEpochMs);
  }

  snapshot(customers: number): SandboxStats {
    const c = this.c;
    return {
      requests: structuredClone(c.requests),
      total: c.total,
      maxPerSecond: c.maxPerSecond,
      maxInFlight: c.maxInFlight,
      tokenRequests: c.tokenRequests,
      customers,
      hungCreates: c.hungCreates,
      requestsBeforeRetryAfter: c.beforeRetryAfter,
      latestBeforeRetryAfterMs: Math.round(c.latestBeforeRetryAfterMs),
    };
  }

  reset(): void {
    this.c = freshCounts();
    this.lastSecond.clear();
  }
}

/** Everything counted since the sandbox started or its stats were last reset. */
function freshCounts() {
  return {
    requests: Object.fromEntries(ENDPOINTS.map((e) => [e, {}])) as Record<string, Record<string, number>>,
    total: 0,
    tokenRequests: 0,
    hungCreates: 0,
    maxPerSecond: 0,
    inFlight: 0,
    maxInFlight: 0,
    /** Epoch ms before which a 429 already sent told the client not to come back. */
    retryAfterEpochMs: 0,
    /** Monotonic ms of the 429 that began the current throttled period. */
    throttledSinceMs: 0,
    beforeRetryAfter: 0,
    latestBeforeRetryAfterMs: 0,
  };
}
