/**
 * The adaptive EnKash rate: what the working rate should be, from what the last tick showed. Pure: the
 * state and the observation are plain data, the clock is a field of the observation; rate-governor.ts
 * keeps the state in Redis (one state per account, shared by every process, kept across restarts).
 *
 * Why not plain AIMD: EnKash's only limit signal is a 429, and each 429 carries a Retry-After of at
 * least one second that every process honours. A sawtooth that finds the limit again and again (TCP's
 * additive probe) would spend a second of silence per tooth. So, like TCP CUBIC's W_max and BBR's probe
 * phases, the controller remembers where the limit was and hovers just under it, probing above it
 * rarely while it stays put and often right after it moved:
 *
 * - start: from a safe rate, grow ×1.5 per tick while callers wait for slots (TCP slow start, gentler:
 *   the overshoot is paid in 429s), until the ceiling, a 429, or latency says stop.
 * - on 429 (multiplicative decrease): the limit estimate becomes what EnKash served in the second before
 *   the first 429 (a sliding-window limiter serves exactly its limit there); the rate is cut to it and
 *   held. Throttles that arrive within the pause the 429 imposed are the same event: one cut per event.
 * - hold: no raise until `holdUntilMs`. Short (HOLD_AFTER_CHANGE_MS) when the estimate moved by more than
 *   ESTIMATE_TOLERANCE or moved recently (the limit is changing: find a rise soon), long (HOLD_STEADY_MS)
 *   after the start found it and after a probe found it where it was, doubling with each such probe up
 *   to HOLD_STEADY_MAX_MS (every probe costs a Retry-After of silence for every process).
 * - probe: above the estimate the rate grows convexly (+2 % per tick, the step doubling every second),
 *   so a small overshoot is found at once and a raised limit is reached within seconds. Below the
 *   estimate (after a cut for 5xx or latency) it closes half the gap per tick.
 * - on 5xx (a burst, not a single failure) or latency well above its floor (Netflix concurrency-limits'
 *   Gradient: the long-run floor against the recent median): cut ×0.8, at most once per second; the
 *   limit estimate stays, so recovery to it is quick.
 * - never above the ceiling (ENKASH_RATE_LIMIT_PER_SEC when set), never below MIN_RATE; only raised
 *   while callers actually wait for slots (an idle budget proves nothing: TCP's cwnd validation).
 */
import { BUCKETS_KEPT_MS, mergeBuckets, servedAround } from './served-count.js';

export const TICK_MS = 250;
export const START_RATE = 10;
export const MIN_RATE = 1;
const START_GROWTH = 1.5;
const PROBE_STEP = 0.02;
const PROBE_STEP_DOUBLING_MS = 1000;
export const HOLD_AFTER_CHANGE_MS = 3_000;
export const HOLD_STEADY_MS = 120_000;
/** Each probe that finds the limit where it was doubles the next steady hold, up to this. */
export const HOLD_STEADY_MAX_MS = 5 * 60_000;
/** For this long after the estimate moved, holds stay short: the limit may move again (back up). */
export const VOLATILE_FOR_MS = 20_000;
const ESTIMATE_TOLERANCE = 0.1;
const FAILURE_CUT = 0.8;
const FAILURE_SHARE = 0.2;
const FAILURE_MIN = 3;
const CUT_COOLDOWN_MS = 1000;
/** Latency above floor × 2 + this (ms), for two ticks running, is congestion. */
const LATENCY_CUT_SLACK_MS = 250;
/** Latency above floor × 1.5 + this (ms): no raise. */
const LATENCY_HOLD_SLACK_MS = 50;
/** The floor creeps towards the recent median by this share per tick (EnKash may get slower for good). */
const FLOOR_DRIFT = 0.01;
const READ_HIGH_CUT = 0.99;
/** After a cut, answers counted late may raise its estimate this long (a report, then its tick). */
const REREAD_MS = 6 * TICK_MS;
/** How the reason of an estimate raised by its re-read begins (rate-budget.ts logs it like a cut). */
export const REREAD_REASON = 'answers counted late';
/** A state older than this (no tick from any process) restarts from 90 % of what it had learned. */
export const STALE_STATE_MS = 10 * 60_000;

export type RatePhase = 'start' | 'hold' | 'probe';

export type RateState = {
  rate: number;
  phase: RatePhase;
  /** What EnKash served in the second before the last 429; null until a 429 was seen. */
  limitEstimate: number | null;
  holdUntilMs: number;
  probeSinceMs: number;
  /** When the estimate last moved by more than the tolerance (0: never). */
  estimateMovedAtMs: number;
  /** Probes in a row that found the limit where it was (absent in states written before it existed). */
  steadyProbes?: number;
  /** Throttles before this (the pause the last cut began with) belong to that cut. */
  cutQuietUntilMs: number;
  lastCutAtMs: number;
  latencyFloorMs: number | null;
  slowTicks: number;
  /**
   * The 429 the estimate was read at, while answers counted late may still raise it (up to the rate
   * that met the 429); absent: none (and after a read-high cut, which is not a served count).
   */
  reread?: { atMs: number; untilMs: number; capRate: number };
  /** Answers with 2xx per BUCKET_MS bucket (served-count.ts), the last BUCKETS_KEPT_MS. */
  okBuckets: Record<string, number>;
  reason: string;
  changedAtMs: number;
  updatedAtMs: number;
};

/**
 * What every process counts between ticks, summed across processes in Redis: slots granted (`sent`),
 * slot requests that had to wait because demand exceeded the rate (`starved`), 2xx answers (`ok`),
 * 429s (`throttled`), and 5xx answers and timeouts (`failed`).
 */
export const TICK_COUNTS = ['sent', 'starved', 'ok', 'throttled', 'failed'] as const;
export type TickCounts = Record<(typeof TICK_COUNTS)[number], number>;

/** What every process saw since the last tick, summed. */
export type RateObservation = TickCounts & {
  nowMs: number;
  /** Epoch ms of the first 429 of the tick (0: none). */
  firstThrottleAtMs: number;
  retryAfterMs: number;
  /** Median latency of the tick's answers (ms); null when none came. */
  latencyMs: number | null;
  okBuckets: Record<string, number>;
};

export type RateSettings = { ceiling: number | null; startRate?: number };

export type RateDecision = { state: RateState; changed: boolean };

/**
 * START_RATE, or a quarter of a configured ceiling: someone who set one knows roughly what EnKash allows,
 * and a quarter of it costs at most a burst of 429s the size of the ceiling's excess if it is far too
 * high, once per account (the learned rate is remembered).
 */
export function initialRateState(settings: RateSettings, nowMs: number): RateState {
  const fromCeiling = settings.ceiling === null ? START_RATE : Math.max(START_RATE, settings.ceiling / 4);
  const rate = clamp(settings.startRate ?? fromCeiling, settings);
  return {
    rate,
    phase: 'start',
    limitEstimate: null,
    holdUntilMs: 0,
    probeSinceMs: 0,
    estimateMovedAtMs: 0,
    cutQuietUntilMs: 0,
    lastCutAtMs: 0,
    latencyFloorMs: null,
    slowTicks: 0,
    okBuckets: {},
    reason: `start at ${fmt(rate)}/s: nothing learned yet for this account`,
    changedAtMs: nowMs,
    updatedAtMs: nowMs,
  };
}

/** A remembered state as a new run should begin with it: within the (maybe new) ceiling, near what it learned. */
export function resumeRateState(state: RateState, settings: RateSettings, nowMs: number): RateState {
  let next = { ...state, okBuckets: {}, slowTicks: 0 };
  if (nowMs - state.updatedAtMs > STALE_STATE_MS && state.limitEstimate !== null) {
    const rate = clamp(Math.min(state.rate, state.limitEstimate * 0.9), settings);
    next = {
      ...next,
      rate,
      phase: 'hold',
      holdUntilMs: nowMs + HOLD_AFTER_CHANGE_MS,
      reason: `resume at ${fmt(rate)}/s, 90 % of the ${fmt(state.limitEstimate)}/s learned earlier`,
      changedAtMs: nowMs,
    };
  }
  const clamped = clamp(next.rate, settings);
  if (clamped !== next.rate) {
    next = { ...next, rate: clamped, reason: `ceiling ${fmt(clamped)}/s`, changedAtMs: nowMs };
  }
  return { ...next, updatedAtMs: nowMs };
}

export function decideRate(state: RateState, obs: RateObservation, settings: RateSettings): RateDecision {
  const base: RateState = {
    ...state,
    okBuckets: mergeBuckets(state.okBuckets, obs.okBuckets, obs.nowMs),
    latencyFloorMs: nextFloor(state.latencyFloorMs, obs.latencyMs),
    updatedAtMs: obs.nowMs,
  };
  const cut =
    onThrottle(base, obs, settings) ?? onFailures(base, obs, settings) ?? onLatency(base, obs, settings);
  if (cut) return changedTo(base, cut, obs.nowMs);
  const counted = reread(base, obs, settings);
  if (counted) return changedTo(base, counted, obs.nowMs);
  // Timers run late on a busy machine: growth follows the time since the last decision, not the count.
  const ticks = Math.min(4, Math.max(1, (obs.nowMs - state.updatedAtMs) / TICK_MS));
  const raised = raise(base, obs, settings, ticks);
  if (raised) return changedTo(base, raised, obs.nowMs);
  return { state: base, changed: false };
}

type Change = Partial<RateState> & { rate: number; reason: string };

function onThrottle(s: RateState, obs: RateObservation, settings: RateSettings): Change | null {
  if (obs.throttled === 0 || obs.firstThrottleAtMs < s.cutQuietUntilMs) return null;
  const served = servedAround(s.okBuckets, obs.firstThrottleAtMs);
  // A served count from a partial second (a ramp, a pause just ended) understates the limit; never trust
  // it below a quarter of the rate in one step.
  // More served than the rate allowed cannot be this rate's doing (another client of the account, a
  // count across a rate change): the rate that met the 429 is then the better bound.
  // A probe met its 429 above a rate that was held clean: the limit is at least that (a served count
  // read low must not pull the estimate under what EnKash just took for seconds).
  const heldClean = s.phase === 'probe' && s.limitEstimate !== null ? s.limitEstimate : 0;
  const floor = Math.max(MIN_RATE, served, s.rate * 0.25, heldClean);
  // A 429 at or under the estimate, not probing: the estimate was read high (a second of send times can
  // hold a little more than one of EnKash's): 1 %, and at least a slot, under the rate that met it.
  const readHigh = s.phase !== 'probe' && s.limitEstimate !== null && s.rate <= s.limitEstimate;
  const cap = readHigh ? Math.min(s.rate * READ_HIGH_CUT, s.rate - 1) : s.rate;
  const estimate = Math.round(Math.min(cap, floor) * 100) / 100;
  // Counting answers in 50 ms buckets is exact to a bucket or two: at low rates that is more than 10 %.
  const tolerance = s.limitEstimate === null ? 0 : Math.max(3, s.limitEstimate * ESTIMATE_TOLERANCE);
  // The first 429 ends the start: what was served in the second before it is a whole second's count of
  // the limit, so it is held like a limit found where it was.
  const first = s.limitEstimate === null;
  const moved = !first && Math.abs(estimate - s.limitEstimate!) > tolerance;
  const movedAt = moved ? obs.nowMs : s.estimateMovedAtMs;
  const volatile = movedAt > 0 && obs.nowMs - movedAt < VOLATILE_FOR_MS;
  // Probes that keep finding the limit where it was come ever more rarely (each costs a Retry-After).
  const steadyProbes = moved || volatile || first ? 0 : (s.steadyProbes ?? 0) + 1;
  const holdMs =
    moved || volatile
      ? HOLD_AFTER_CHANGE_MS
      : Math.min(HOLD_STEADY_MAX_MS, HOLD_STEADY_MS * 2 ** steadyProbes);
  const rate = clamp(Math.min(estimate, s.rate), settings);
  const pauseEnds = obs.nowMs + obs.retryAfterMs;
  return {
    rate,
    phase: 'hold',
    limitEstimate: estimate,
    estimateMovedAtMs: movedAt,
    steadyProbes,
    holdUntilMs: pauseEnds + holdMs,
    cutQuietUntilMs: pauseEnds,
    lastCutAtMs: obs.nowMs,
    reread: readHigh
      ? undefined
      : {
          atMs: obs.firstThrottleAtMs,
          // Never past the buckets kept: the second before the 429 must still be there.
          untilMs: Math.min(obs.nowMs + REREAD_MS, obs.firstThrottleAtMs + BUCKETS_KEPT_MS - 1000),
          capRate: s.rate,
        },
    reason:
      `429 from EnKash (Retry-After ${fmt(obs.retryAfterMs / 1000)} s); it served ${fmt(served)} in the ` +
      `second before: ${fmt(s.rate)} → ${fmt(rate)}/s, next probe in ${fmt(holdMs / 1000)} s`,
  };
}

/**
 * Answers counted after the cut (another process's last report, a busy event loop's late ones) belong
 * to the second the estimate was read in: an estimate read short rises to them, never above the rate
 * that met the 429, and a rate held at it rises with it. Two workers at R = 1,000 read 837-909 at the
 * cut (answers then counted on arrival) and held it until the first probe (0.81 R over a minute).
 */
function reread(s: RateState, obs: RateObservation, settings: RateSettings): Change | null {
  const r = s.reread;
  if (!r || s.limitEstimate === null) return null;
  if (obs.nowMs > r.untilMs) {
    s.reread = undefined;
    return null;
  }
  const served = Math.min(r.capRate, servedAround(s.okBuckets, r.atMs));
  if (served <= s.limitEstimate) return null;
  const held = s.phase === 'hold' && s.rate >= s.limitEstimate - 0.5;
  return {
    rate: held ? clamp(served, settings) : s.rate,
    limitEstimate: served,
    reason:
      `${REREAD_REASON}: EnKash served ${fmt(served)} in the second before the 429: ` +
      `${fmt(s.limitEstimate)} → ${fmt(served)}/s`,
  };
}

function onFailures(s: RateState, obs: RateObservation, settings: RateSettings): Change | null {
  const answers = obs.ok + obs.throttled + obs.failed;
  if (obs.failed < FAILURE_MIN || obs.failed < answers * FAILURE_SHARE) return null;
  if (obs.nowMs - s.lastCutAtMs < CUT_COOLDOWN_MS) return null;
  const rate = clamp(s.rate * FAILURE_CUT, settings);
  return {
    rate,
    phase: s.phase === 'start' ? 'probe' : s.phase,
    lastCutAtMs: obs.nowMs,
    holdUntilMs: Math.max(s.holdUntilMs, obs.nowMs + CUT_COOLDOWN_MS),
    reason: `${obs.failed} of ${answers} answers were 5xx or timeouts: ${fmt(s.rate)} → ${fmt(rate)}/s`,
  };
}

function onLatency(s: RateState, obs: RateObservation, settings: RateSettings): Change | null {
  const floor = s.latencyFloorMs;
  if (floor === null || obs.latencyMs === null) return null;
  if (obs.latencyMs <= floor * 2 + LATENCY_CUT_SLACK_MS) {
    s.slowTicks = 0;
    return null;
  }
  s.slowTicks += 1;
  if (s.slowTicks < 2 || obs.nowMs - s.lastCutAtMs < CUT_COOLDOWN_MS) return null;
  const rate = clamp(s.rate * FAILURE_CUT, settings);
  return {
    rate,
    phase: s.phase === 'start' ? 'probe' : s.phase,
    slowTicks: 0,
    lastCutAtMs: obs.nowMs,
    reason:
      `latency ${fmt(obs.latencyMs)} ms against a floor of ${fmt(floor)} ms: ` +
      `${fmt(s.rate)} → ${fmt(rate)}/s`,
  };
}

function raise(s: RateState, obs: RateObservation, settings: RateSettings, ticks: number): Change | null {
  if (obs.starved === 0) return null;
  if (s.latencyFloorMs !== null && obs.latencyMs !== null) {
    if (obs.latencyMs > s.latencyFloorMs * 1.5 + LATENCY_HOLD_SLACK_MS) return null;
  }
  const ceiling = settings.ceiling ?? Infinity;
  if (s.rate >= ceiling) return null;
  if (s.phase === 'start') {
    const rate = clamp(s.rate * START_GROWTH ** ticks, settings);
    const why = rate >= ceiling ? 'reached the ceiling' : 'clean answers, callers waiting';
    return { rate, reason: `start: ${why}: ${fmt(s.rate)} → ${fmt(rate)}/s` };
  }
  if (obs.nowMs < s.holdUntilMs) return null;
  const estimate = s.limitEstimate ?? s.rate;
  if (s.rate < estimate - 0.5) {
    const rate = clamp(Math.min(estimate, s.rate + Math.max(1, (estimate - s.rate) / 2)), settings);
    return {
      rate,
      phase: 'probe',
      reason: `recover towards the ${fmt(estimate)}/s learned: → ${fmt(rate)}/s`,
    };
  }
  const since = s.phase === 'probe' && s.probeSinceMs > 0 ? s.probeSinceMs : obs.nowMs;
  const step = PROBE_STEP * 2 ** ((obs.nowMs - since) / PROBE_STEP_DOUBLING_MS);
  const rate = clamp(s.rate + Math.max(1, s.rate * step), settings);
  return {
    rate,
    phase: 'probe',
    probeSinceMs: since,
    reason: `probe above the ${fmt(estimate)}/s learned: ${fmt(s.rate)} → ${fmt(rate)}/s`,
  };
}

function changedTo(base: RateState, change: Change, nowMs: number): RateDecision {
  const probeSinceMs = change.phase === 'probe' ? (change.probeSinceMs ?? base.probeSinceMs) : 0;
  const state = { ...base, ...change, probeSinceMs, changedAtMs: nowMs };
  return { state, changed: state.rate !== base.rate || state.phase !== base.phase };
}

function nextFloor(floor: number | null, latencyMs: number | null): number | null {
  if (latencyMs === null) return floor;
  if (floor === null || latencyMs < floor) return latencyMs;
  // Congested ticks do not move the floor, or a long congestion would become the new normal.
  if (latencyMs > floor * 2 + LATENCY_CUT_SLACK_MS) return floor;
  return floor + (latencyMs - floor) * FLOOR_DRIFT;
}

function clamp(rate: number, settings: RateSettings): number {
  const capped = Math.min(rate, settings.ceiling ?? Infinity);
  return Math.max(Math.min(MIN_RATE, settings.ceiling ?? MIN_RATE), Math.round(capped * 100) / 100);
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
