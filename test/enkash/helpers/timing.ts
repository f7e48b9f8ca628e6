/**
 * Events known only to within an interval: each happened at some moment in [from, to] (asked before,
 * seen after). The most of them that surely fell inside one window of `windowMs`: those whose whole
 * interval lies in [t, t + windowMs) for some t. On a loaded machine the intervals widen and the count
 * can only fall, never exceed the true one: an assertion on it cannot fail for load, only for a real
 * excess.
 */
export function mostSurelyInWindow(events: Array<{ from: number; to: number }>, windowMs: number): number {
  let best = 0;
  for (const start of events) {
    const t = start.from;
    best = Math.max(best, events.filter((e) => e.from >= t && e.to < t + windowMs).length);
  }
  return best;
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
