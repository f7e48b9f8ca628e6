/**
 * A deterministic model of the adaptive rate against a sliding-window limiter, in 50 ms steps: the
 * controller's decisions, our slot window (limit per 1 s + margin), Retry-After pauses, answers one
 * latency later. For decision tests over minutes of simulated time; no clock, no I/O.
 */
import { BUCKET_MS } from '../../../src/enkash/served-count.js';
import {
  TICK_MS,
  decideRate,
  type RateObservation,
  type RateSettings,
  type RateState,
} from '../../../src/enkash/rate-controller.js';

export type SimResult = {
  state: RateState;
  nowMs: number;
  admitted: number;
  throttled: number;
  /** Admitted per second, second by second. */
  perSecond: number[];
  /** How many distinct cuts for 429 the controller made. */
  throttleCuts: number;
};

export type SimOptions = {
  /** EnKash's limit at a time offset from the start (ms). */
  limitAt: (offsetMs: number) => number;
  durationMs: number;
  settings?: RateSettings;
  latencyMs?: number;
  windowMs?: number;
  retryAfterMs?: number;
};

export function simulate(start: RateState, startMs: number, options: SimOptions): SimResult {
  const settings = options.settings ?? { ceiling: null };
  const lat = Math.round((options.latencyMs ?? 100) / BUCKET_MS);
  const ourWindow = Math.round((options.windowMs ?? 1040) / BUCKET_MS);
  const retryAfterMs = options.retryAfterMs ?? 1000;
  const sent: number[] = [];
  const admittedAt: number[] = [];
  const answers = new Map<number, { ok: number; throttled: number }>();
  let state = start;
  let pauseUntil = 0;
  let obs = emptyObs();
  let admitted = 0;
  let throttled = 0;
  let throttleCuts = 0;
  const perSecond: number[] = [];
  const steps = options.durationMs / BUCKET_MS;
  for (let i = 0; i < steps; i += 1) {
    const nowMs = startMs + i * BUCKET_MS;
    const answer = answers.get(i);
    if (answer) {
      obs.ok += answer.ok;
      obs.throttled += answer.throttled;
      const bucket = String(Math.floor(nowMs / BUCKET_MS));
      obs.okBuckets[bucket] = (obs.okBuckets[bucket] ?? 0) + answer.ok;
      if (answer.throttled > 0 && obs.firstThrottleAtMs === 0) obs.firstThrottleAtMs = nowMs;
      if (answer.throttled > 0) pauseUntil = Math.max(pauseUntil, nowMs + retryAfterMs);
      obs.retryAfterMs = retryAfterMs;
    }
    let out = 0;
    if (nowMs >= pauseUntil) {
      const inWindow = sum(sent, i - ourWindow + 1, i - 1);
      out = Math.max(0, Math.floor(state.rate) - inWindow);
      obs.starved += 1;
    }
    sent[i] = out;
    obs.sent += out;
    const limit = options.limitAt(i * BUCKET_MS);
    const ok = Math.min(out, Math.max(0, limit - sum(admittedAt, i - 1000 / BUCKET_MS + 1, i - 1)));
    admittedAt[i] = ok;
    admitted += ok;
    throttled += out - ok;
    const second = Math.floor((i * BUCKET_MS) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + ok;
    if (out > 0) answers.set(i + lat, { ok, throttled: out - ok });
    if ((i + 1) % (TICK_MS / BUCKET_MS) === 0) {
      obs.nowMs = nowMs + BUCKET_MS;
      obs.latencyMs = obs.ok + obs.throttled > 0 ? (options.latencyMs ?? 100) : null;
      const before = state.lastCutAtMs;
      const d = decideRate(state, obs, settings);
      state = d.state;
      if (state.lastCutAtMs !== before && state.reason.startsWith('429')) throttleCuts += 1;
      obs = emptyObs();
    }
  }
  return { state, nowMs: startMs + options.durationMs, admitted, throttled, perSecond, throttleCuts };
}

function sum(values: number[], from: number, to: number): number {
  let total = 0;
  for (let i = Math.max(0, from); i <= to; i += 1) total += values[i] ?? 0;
  return total;
}

function emptyObs(): RateObservation {
  return {
    nowMs: 0,
    sent: 0,
    starved: 0,
    ok: 0,
    throttled: 0,
    failed: 0,
    firstThrottleAtMs: 0,
    retryAfterMs: 0,
    latencyMs: null,
    okBuckets: {},
  };
}
