/**
 * A per-account sliding-window limit: at most `ratePerSec` admitted requests in any 1-second window.
 * Refused requests take no slot, so `Retry-After` (when the oldest admitted request leaves the window) is
 * honest: a client that waits that long is admitted.
 */
import { TimeWindow } from './time-window.js';

export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number };

/**
 * A whole number of requests per second uses a 1-second window; below 1 per second, one request per
 * `1000 / ratePerSec` ms; a fraction above 1 is rounded down.
 */
export function limitShape(ratePerSec: number): { capacity: number; windowMs: number } {
  if (ratePerSec >= 1) return { capacity: Math.floor(ratePerSec), windowMs: 1000 };
  return { capacity: 1, windowMs: 1000 / ratePerSec };
}

export class RateLimiter {
  private readonly windows = new Map<string, TimeWindow>();

  /** `ratePerSec` 0 means no limit. Times are monotonic milliseconds. */
  admit(account: string, ratePerSec: number, nowMs: number): Admission {
    if (ratePerSec <= 0) return { admitted: true };
    const { capacity, windowMs } = limitShape(ratePerSec);
    let window = this.windows.get(account);
    if (!window) this.windows.set(account, (window = new TimeWindow()));
    window.evict(nowMs, windowMs);
    if (window.size < capacity) {
      window.push(nowMs);
      return { admitted: true };
    }
    // After a limit is lowered the window can hold more than `capacity`: wait until enough have left.
    const freesAt = window.at(window.size - capacity) + windowMs;
    return { admitted: false, retryAfterMs: Math.max(1, freesAt - nowMs) };
  }

  reset(): void {
    this.windows.clear();
  }
}
