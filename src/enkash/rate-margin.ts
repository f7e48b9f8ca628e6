/**
 * The rate window's safety margin (rate-limiter.ts), and the answers' floor its late-answer re-stamps
 * are measured from.
 *
 * The window has to cover the spread of the delay between a slot's stamp (on the Redis clock) and the
 * request's arrival at EnKash: two requests stamped a window apart arrive less than a second apart when
 * the first was delayed more than the second. That delay is not observable; what is, is the time from the
 * stamp to the answer. The limiter moves each slot whose answer came back later than the fastest answers
 * (the floor, {@link RateMargin.floorMs}) by that much (rateLate-1): whatever held the request up (this
 * process, the way there, a far end that queued a burst or stalled, the way back) is counted in the log
 * before the slot a window after it is granted, as long as the answer comes back well within a window.
 * So the margin only covers what that cannot: the few ms a stamp and its measurement disagree by, and
 * lateness under half of MIN_MARGIN_MS, which moves no slot (MIN_MARGIN_MS, a window of 1.01 s), or, when answers come back so late that a slot could be granted
 * again before its request's answer moved it (the slow tail above the floor beyond REACH_MS), the fixed
 * margin this project ran with before (MAX_MARGIN_MS, 0.87 R).
 *
 * Measured before the re-stamps (R = 200, 100 ms latency, 2 busy cores): a margin of half the answers'
 * spread (22-27 ms) let a CPU hog's stall of the far end put 216 requests into one of its seconds in 2
 * runs of 7; the spread itself (38-44 ms, 0.96 R) held. A stall is one-sided: it is in the answers whole.
 *
 * - Until WARM_SAMPLES answers were seen the margin is the maximum: nothing is known yet.
 * - It rises at once when a slow answer widens the spread and comes down only as slow answers age out of
 *   the last SPREAD_SECONDS: a machine that stalled once is likely to stall again.
 * - ENKASH_RATE_MARGIN_MS, when set, fixes the margin instead (the re-stamps still apply).
 */

export const MIN_MARGIN_MS = 10;
export const MAX_MARGIN_MS = 150;
const WARM_SAMPLES = 100;
/** The floor is the fastest answer of this many seconds; the spread, the slow tail of the last few. */
const FLOOR_SECONDS = 30;
const SPREAD_SECONDS = 10;
const TAIL = 0.995;
/**
 * A floor that fell by this much (the first answer's included) means the slots re-stamped against it
 * were moved too little by up to the difference: the margin stays at its maximum until every grant made
 * before has left the log (the longest window, 1.15 s, and some).
 */
const FLOOR_FELL_MS = MIN_MARGIN_MS / 2;
const FLOOR_SETTLED_MS = 1_500;
/**
 * Answers whose slow tail stays this close to the floor come back, and move their slots, long before a
 * window (1 s) has passed: the margin need not cover them.
 */
export const REACH_MS = 400;
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
  private floorFellAt = -Infinity;
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
    if (!(sinceStampMs >= 0) || ownLoopLagged) return;
    if (sinceStampMs < this.floor) {
      // Slots re-stamped against the higher floor were moved too little by the difference.
      if (this.floor - sinceStampMs >= FLOOR_FELL_MS) this.floorFellAt = nowMs;
      this.floor = sinceStampMs;
    }
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
    if (this.cached < MAX_MARGIN_MS && sinceStampMs > this.floor + REACH_MS) this.computedAt = -Infinity;
  }

  /**
   * The fastest answer of the last FLOOR_SECONDS (ms after its stamp), newer than the last recompute
   * when one came since; 0 until an answer was seen (nothing is then counted late).
   */
  get floorMs(): number {
    return Number.isFinite(this.floor) ? this.floor : 0;
  }

  /** The margin now, ms. */
  ms(nowMs = performance.now()): number {
    if (this.fixedMs !== undefined) {
      // The floor still ages: the re-stamps are measured from it.
      if (nowMs - this.computedAt >= RECOMPUTE_MS) {
        this.compute(nowMs);
        this.computedAt = nowMs;
      }
      return this.fixedMs;
    }
    if (nowMs - this.computedAt >= RECOMPUTE_MS) {
      this.cached = this.compute(nowMs);
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

  private compute(nowMs: number): number {
    const at = Math.floor(nowMs / 1000);
    const live = this.seconds.filter((s) => s.at > at - FLOOR_SECONDS);
    const recent = live.filter((s) => s.at > at - SPREAD_SECONDS);
    const count = recent.reduce((n, s) => n + s.count, 0);
    const floor = Math.min(...live.map((s) => s.min));
    this.floor = floor;
    if (count < WARM_SAMPLES || nowMs - this.floorFellAt < FLOOR_SETTLED_MS) return MAX_MARGIN_MS;
    const tail = percentile(recent, count, TAIL);
    return tail - floor > REACH_MS ? MAX_MARGIN_MS : MIN_MARGIN_MS;
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
