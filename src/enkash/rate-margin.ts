/**
 * The rate window's safety margin (rate-limiter.ts), learned from how evenly EnKash's answers come back.
 *
 * The margin has to cover the spread of the delay between a slot's stamp (on the Redis clock) and the
 * request's arrival at EnKash: two requests stamped a window apart arrive less than a second apart when
 * the first was delayed more than the second. That delay is not observable; what is, is the time from the
 * stamp to the answer. Its spread (a high percentile over the last seconds against the floor) bounds the
 * arrival spread from above: it adds the far end's own jitter and the way back, so it errs safe. A quiet
 * path (the sandbox in a process of its own, a fast EnKash) gets MIN_MARGIN_MS, a window of 1.04 s and
 * 0.96 R; a jittery one (a machine short of CPU, an EnKash that stalls) gets up to MAX_MARGIN_MS, the fixed
 * margin this project ran with before (0.87 R).
 *
 * - Until WARM_SAMPLES answers were seen the margin is the maximum: nothing is known yet.
 * - It rises at once when a slow answer widens the spread and comes down only as slow answers age out of
 *   the last SPREAD_SECONDS: a machine that stalled once is likely to stall again.
 * - ENKASH_RATE_MARGIN_MS, when set, fixes the margin instead.
 */

export const MIN_MARGIN_MS = 40;
export const MAX_MARGIN_MS = 150;
const WARM_SAMPLES = 100;
/** The floor is the fastest answer of this many seconds; the spread, the slow tail of the last few. */
const FLOOR_SECONDS = 30;
const SPREAD_SECONDS = 10;
const TAIL = 0.995;
const BIN_MS = 2;
/** Recomputed at most this often (a percentile over the seconds' bins), or at once on a slow answer. */
const RECOMPUTE_MS = 100;
const BINS = 500; // answers up to 1 s after the stamp; slower ones count in the last bin
const LOGGED_CHANGE_MS = 20;
const LOGGED_EVERY_MS = 10_000;

type Second = { at: number; bins: Uint32Array; count: number; min: number };

export class RateMargin {
  private readonly seconds: Second[] = [];
  private cached: number;
  private computedAt = -Infinity;
  private floor = Infinity;
  private told: { ms: number; at: number };

  /**
   * @param onChange told when the learned margin moved by LOGGED_CHANGE_MS or more since it was last told
   *   (at most every LOGGED_EVERY_MS unless it rose): for a log line.
   */
  constructor(
    private readonly fixedMs?: number,
    private readonly onChange?: (ms: number, previousMs: number) => void,
  ) {
    this.cached = fixedMs ?? MAX_MARGIN_MS;
    this.told = { ms: this.cached, at: -Infinity };
  }

  get learned(): boolean {
    return this.fixedMs === undefined;
  }

  /**
   * An answer came `sinceStampMs` after its slot was last stamped (`nowMs`: performance.now()).
   * `ownLoopLagged`: this process's event loop ran late just now ({@link ownLoopLagged}), so the answer
   * may have waited in this process, not on the way: it says nothing of EnKash's side and is left out.
   */
  note(sinceStampMs: number, nowMs = performance.now(), ownLoopLagged = false): void {
    if (this.fixedMs !== undefined || !(sinceStampMs >= 0) || ownLoopLagged) return;
    const at = Math.floor(nowMs / 1000);
    let second = this.seconds[this.seconds.length - 1];
    if (!second || second.at !== at) {
      second = { at, bins: new Uint32Array(BINS), count: 0, min: Infinity };
      this.seconds.push(second);
      while (this.seconds.length > 0 && this.seconds[0]!.at <= at - FLOOR_SECONDS) this.seconds.shift();
    }
    second.bins[Math.min(BINS - 1, Math.floor(sinceStampMs / BIN_MS))]! += 1;
    second.count += 1;
    second.min = Math.min(second.min, sinceStampMs);
    // A slow answer widens the spread now, not at the next recompute.
    if (this.cached < MAX_MARGIN_MS && sinceStampMs > this.floor + this.cached / 2)
      this.computedAt = -Infinity;
  }

  /** The margin now, ms. */
  ms(nowMs = performance.now()): number {
    if (this.fixedMs !== undefined) return this.fixedMs;
    if (nowMs - this.computedAt >= RECOMPUTE_MS) {
      this.cached = this.compute(Math.floor(nowMs / 1000));
      this.computedAt = nowMs;
      this.tell(nowMs);
    }
    return this.cached;
  }

  private tell(nowMs: number): void {
    const { ms, at } = this.told;
    if (!this.onChange || Math.abs(this.cached - ms) < LOGGED_CHANGE_MS) return;
    if (this.cached < ms && nowMs - at < LOGGED_EVERY_MS) return;
    this.told = { ms: this.cached, at: nowMs };
    this.onChange(this.cached, ms);
  }

  private compute(at: number): number {
    const live = this.seconds.filter((s) => s.at > at - FLOOR_SECONDS);
    const recent = live.filter((s) => s.at > at - SPREAD_SECONDS);
    const count = recent.reduce((n, s) => n + s.count, 0);
    if (count < WARM_SAMPLES) return MAX_MARGIN_MS;
    const floor = Math.min(...live.map((s) => s.min));
    this.floor = floor;
    const tail = percentile(recent, count, TAIL);
    const spread = Math.max(0, tail - floor);
    return Math.min(MAX_MARGIN_MS, Math.max(MIN_MARGIN_MS, Math.ceil(spread)));
  }
}

/** The upper edge of the bin holding the `share` percentile of the seconds' answers. */
function percentile(seconds: Second[], count: number, share: number): number {
  const rank = Math.ceil(count * share);
  let seen = 0;
  for (let bin = 0; bin < BINS; bin += 1) {
    for (const s of seconds) seen += s.bins[bin]!;
    if (seen >= rank) return (bin + 1) * BIN_MS;
  }
  return BINS * BIN_MS;
}

/**
 * Whether this process's event loop ran LAG_MS or more late within the last LAG_MEMORY_MS, read off a
 * timer that fires every PROBE_MS (one per process, unref'd, started by the first call). A busy loop (an
 * import parsing its file beside the rows, garbage collection) makes answers wait in the process before
 * they are timed: their spread is this process's, which the confirmation's re-stamp already covers
 * (rate-limiter.ts), not the way to EnKash's.
 */
export function ownLoopLagged(nowMs = performance.now()): boolean {
  probe ??= startProbe();
  return nowMs - probe.laggedAt < LAG_MEMORY_MS;
}

const PROBE_MS = 20;
const LAG_MS = 10;
const LAG_MEMORY_MS = 250;
let probe: { laggedAt: number } | undefined;

function startProbe(): { laggedAt: number } {
  const state = { laggedAt: -Infinity };
  let expected = performance.now() + PROBE_MS;
  setInterval(() => {
    const now = performance.now();
    if (now - expected >= LAG_MS) state.laggedAt = now;
    expected = now + PROBE_MS;
  }, PROBE_MS).unref();
  return state;
}
