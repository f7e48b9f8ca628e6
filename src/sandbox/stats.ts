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
  private requests = emptyRequests();
  private total = 0;
  private tokenRequests = 0;
  private hungCreates = 0;
  private maxPerSecond = 0;
  private inFlight = 0;
  private maxInFlight = 0;
  private readonly lastSecond = new TimeWindow();
  /** Epoch ms before which a 429 already sent told the client not to come back. */
  private retryAfterEpochMs = 0;
  /** Monotonic ms of the 429 that began the current throttled period. */
  private throttledSinceMs = 0;
  private beforeRetryAfter = 0;
  private latestBeforeRetryAfterMs = 0;

  /**
   * Counted on arrival, whatever the answer will be. `nowMs` is monotonic; `epochMs` is compared with the
   * Retry-After times announced so far.
   */
  arrive(endpoint: EndpointName, nowMs: number, epochMs = Date.now()): void {
    this.total++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (endpoint === 'token') this.tokenRequests++;
    if (epochMs < this.retryAfterEpochMs) {
      this.beforeRetryAfter++;
      this.latestBeforeRetryAfterMs = Math.max(this.latestBeforeRetryAfterMs, nowMs - this.throttledSinceMs);
    }
    this.lastSecond.evict(nowMs, 1000);
    this.lastSecond.push(nowMs);
    this.maxPerSecond = Math.max(this.maxPerSecond, this.lastSecond.size);
  }

  answered(endpoint: EndpointName, status: number | typeof HUNG): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const byStatus = (this.requests[endpoint] ??= {});
    const key = String(status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }

  hungCreate(): void {
    this.hungCreates++;
  }

  /** A 429 went out telling the client to wait until `untilEpochMs`. */
  throttled(untilEpochMs: number, nowMs: number, epochMs = Date.now()): void {
    if (epochMs >= this.retryAfterEpochMs) this.throttledSinceMs = nowMs;
    this.retryAfterEpochMs = Math.max(this.retryAfterEpochMs, untilEpochMs);
  }

  snapshot(customers: number): SandboxStats {
    return {
      requests: structuredClone(this.requests),
      total: this.total,
      maxPerSecond: this.maxPerSecond,
      maxInFlight: this.maxInFlight,
      tokenRequests: this.tokenRequests,
      customers,
      hungCreates: this.hungCreates,
      requestsBeforeRetryAfter: this.beforeRetryAfter,
      latestBeforeRetryAfterMs: Math.round(this.latestBeforeRetryAfterMs),
    };
  }

  reset(): void {
    this.requests = emptyRequests();
    this.total = 0;
    this.tokenRequests = 0;
    this.hungCreates = 0;
    this.maxPerSecond = 0;
    this.inFlight = 0;
    this.maxInFlight = 0;
    this.lastSecond.clear();
    this.retryAfterEpochMs = 0;
    this.throttledSinceMs = 0;
    this.beforeRetryAfter = 0;
    this.latestBeforeRetryAfterMs = 0;
  }
}

function emptyRequests(): Record<string, Record<string, number>> {
  return Object.fromEntries(ENDPOINTS.map((e) => [e, {}]));
}
