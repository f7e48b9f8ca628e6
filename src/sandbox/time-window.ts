/**
 * Arrival times inside a sliding window `(now - windowMs, now]`: the one structure behind both the exact
 * "most requests in any second" statistic and the per-account rate limit.
 */
export class TimeWindow {
  private times: number[] = [];
  private head = 0;

  get size(): number {
    return this.times.length - this.head;
  }

  /** The i-th oldest time still in the window. */
  at(i: number): number {
    const t = this.times[this.head + i];
    if (t === undefined) throw new RangeError(`no time at ${i} (size ${this.size})`);
    return t;
  }

  push(timeMs: number): void {
    this.times.push(timeMs);
  }

  /** Drops the times that a window ending at `nowMs` no longer holds. */
  evict(nowMs: number, windowMs: number): void {
    const limit = nowMs - windowMs;
    while (this.head < this.times.length && (this.times[this.head] ?? Infinity) <= limit) this.head++;
    // Compact now and then instead of shifting on every eviction (shift is O(n)).
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }
}
