import { describe, expect, it } from 'vitest';
import { simulate } from './helpers/rate-sim.js';
import { BUCKET_MS, servedAround, servedBefore } from '../../src/enkash/served-count.js';
import {
  HOLD_AFTER_CHANGE_MS,
  HOLD_STEADY_MAX_MS,
  HOLD_STEADY_MS,
  STALE_STATE_MS,
  START_RATE,
  TICK_MS,
  decideRate,
  initialRateState,
  resumeRateState,
  type RateObservation,
  type RateSettings,
  type RateState,
} from '../../src/enkash/rate-controller.js';

const T0 = 1_700_000_000_000;
const open: RateSettings = { ceiling: null };

/** A tick in which `ok` answers came back spread over its buckets. */
function tick(nowMs: number, over: Partial<RateObservation> = {}): RateObservation {
  const ok = over.ok ?? 0;
  const buckets: Record<string, number> = {};
  const per = TICK_MS / BUCKET_MS;
  for (let i = 0; i < per; i += 1) {
    const b = Math.floor((nowMs - TICK_MS) / BUCKET_MS) + i + 1;
    buckets[String(b)] = Math.floor(ok / per) + (i < ok % per ? 1 : 0);
  }
  return {
    nowMs,
    sent: ok,
    starved: 1,
    ok,
    throttled: 0,
    failed: 0,
    firstThrottleAtMs: 0,
    retryAfterMs: 0,
    latencyMs: 100,
    okBuckets: buckets,
    ...over,
  };
}

/** Runs ticks in which (crude: every tick over the limit answers 429) EnKash serves min(rate, limit) per second and answers 429 above `limit`. */
function run(state: RateState, fromMs: number, ms: number, limit: number, settings = open) {
  let s = state;
  let now = fromMs;
  const reasons: string[] = [];
  let throttleEvents = 0;
  while (now < fromMs + ms) {
    now += TICK_MS;
    const over = s.rate > limit;
    const ok = Math.round((Math.min(s.rate, limit) * TICK_MS) / 1000);
    const obs = tick(
      now,
      over ? { ok, throttled: 3, firstThrottleAtMs: now - 10, retryAfterMs: 1000 } : { ok },
    );
    const d = decideRate(s, obs, settings);
    if (d.changed) reasons.push(d.state.reason);
    if (d.state.lastCutAtMs !== s.lastCutAtMs && d.state.reason.startsWith('429')) throttleEvents += 1;
    s = d.state;
  }
  return { state: s, now, reasons, throttleEvents };
}

describe('rate controller: decisions', () => {
  it('starts safe and grows ×1.5 per tick while callers wait and answers are clean', () => {
    const s0 = initialRateState(open, T0);
    expect(s0.rate).toBe(START_RATE);
    const d = decideRate(s0, tick(T0 + TICK_MS, { ok: 2 }), open);
    expect(d.changed).toBe(true);
    expect(d.state.rate).toBe(START_RATE * 1.5);
    expect(d.state.reason).toMatch(/^start: clean answers/);
  });

  it('does not raise an idle budget (nobody waited for a slot)', () => {
    const s0 = initialRateState(open, T0);
    const d = decideRate(s0, tick(T0 + TICK_MS, { ok: 2, starved: 0 }), open);
    expect(d.changed).toBe(false);
    expect(d.state.rate).toBe(START_RATE);
  });

  it('never raises above the ceiling, and says so', () => {
    const settings = { ceiling: 30 };
    const { state, reasons } = run(initialRateState(settings, T0), T0, 5_000, 1_000, settings);
    expect(state.rate).toBe(30);
    expect(reasons.at(-1)).toMatch(/reached the ceiling/);
    expect(reasons.some((r) => r.startsWith('429'))).toBe(false);
  });

  it('cuts on 429 to what EnKash served in the second before it, and honours Retry-After before probing', () => {
    let s = initialRateState(open, T0);
    // One second of 120 served per second at rate 400.
    s = { ...s, rate: 400, phase: 'start' };
    let now = T0;
    for (let i = 0; i < 4; i += 1) {
      now += TICK_MS;
      s = decideRate(s, tick(now, { ok: 30, starved: 0 }), open).state;
    }
    now += TICK_MS;
    const d = decideRate(
      s,
      tick(now, { ok: 30, throttled: 5, firstThrottleAtMs: now - 5, retryAfterMs: 2000 }),
      open,
    );
    expect(d.changed).toBe(true);
    expect(servedBefore(d.state.okBuckets, now - 5)).toBeGreaterThanOrEqual(110);
    expect(d.state.rate).toBeGreaterThanOrEqual(110);
    expect(d.state.rate).toBeLessThanOrEqual(130);
    expect(d.state.limitEstimate).toBe(d.state.rate);
    expect(d.state.phase).toBe('hold');
    expect(d.state.reason).toMatch(/^429 from EnKash \(Retry-After 2 s\)/);
    // No probe before the Retry-After pause and the hold after it have passed.
    expect(d.state.holdUntilMs).toBeGreaterThanOrEqual(now + 2000 + HOLD_AFTER_CHANGE_MS);
    const during = decideRate(d.state, tick(now + 1000, { ok: 30 }), open);
    expect(during.state.rate).toBe(d.state.rate);
  });

  it('holds long after the start found the limit, and ever longer while probes find it where it was', () => {
    /** A 429 at `now` after a second of `served` answers: the cut's hold, from the end of its pause. */
    const cutAt = (s: RateState, now: number, served: number) => {
      for (let t = now - 750; t < now; t += TICK_MS) {
        s = decideRate(s, tick(t, { ok: served / 4, starved: 0 }), open).state;
      }
      const d = decideRate(
        s,
        tick(now, { ok: served / 4, throttled: 1, firstThrottleAtMs: now, retryAfterMs: 1000 }),
        open,
      );
      return { state: d.state, holdMs: d.state.holdUntilMs - (now + 1000) };
    };
    let now = T0 + 10_000;
    // The start's first 429: a whole second's count of the limit.
    let cut = cutAt({ ...initialRateState(open, T0), rate: 300 }, now, 200);
    expect(cut.state.limitEstimate).toBe(200);
    expect(cut.holdMs).toBe(HOLD_STEADY_MS);
    // Probes that find it where it was: 4 minutes, then 5 at most.
    const holds: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      now = cut.state.holdUntilMs + 2_000;
      cut = cutAt({ ...cut.state, rate: 204 }, now, 200);
      holds.push(cut.holdMs);
    }
    expect(holds).toEqual([2, 4, 8, 10].map((k) => Math.min(HOLD_STEADY_MAX_MS, k * HOLD_STEADY_MS)));
    // A limit that moved holds short again, and so does the next probe while it may still be moving.
    now = cut.state.holdUntilMs + 2_000;
    // (At 160 the quarter-of-the-rate floor of one cut is the new limit itself.)
    cut = cutAt({ ...cut.state, rate: 160 }, now, 40);
    expect(cut.state.limitEstimate).toBe(40);
    expect(cut.holdMs).toBe(HOLD_AFTER_CHANGE_MS);
    now = cut.state.holdUntilMs + 2_000;
    cut = cutAt({ ...cut.state, rate: 42 }, now, 40);
    expect(cut.holdMs).toBe(HOLD_AFTER_CHANGE_MS);
  });

  it('reads what EnKash served around the 429: answers processed just after it still count', () => {
    // 200 answers in the second before a 429 at `at`, those of its last 200 ms processed 50 ms after it.
    const at = T0 + 5_000;
    const buckets: Record<string, number> = {};
    const put = (ms: number, n: number) => {
      const b = String(Math.floor(ms / BUCKET_MS));
      buckets[b] = (buckets[b] ?? 0) + n;
    };
    for (let ms = at - 900; ms <= at - 150; ms += BUCKET_MS) put(ms, 10);
    put(at + 50, 40);
    expect(servedBefore(buckets, at)).toBe(160);
    expect(servedAround(buckets, at)).toBe(200);
  });

  it('answers another process reports after the cut raise an estimate read short, up to the rate that met the 429', () => {
    // Two processes, 100/s each, EnKash's limit 200: the cut is decided before the second one's answers
    // of the second before the 429 were reported.
    const at = T0 + 10_000;
    const start: RateState = { ...initialRateState(open, T0), rate: 300 };
    let s = start;
    for (let t = at - 1000; t < at; t += TICK_MS)
      s = decideRate(s, tick(t, { ok: 25, starved: 0 }), open).state;
    const throttled = { ok: 25, starved: 0, throttled: 2, firstThrottleAtMs: at - 10, retryAfterMs: 1000 };
    let d = decideRate(s, tick(at, throttled), open);
    expect(d.state.limitEstimate).toBe(100);
    expect(d.state.rate).toBe(100);
    // The other process's report: 100 answers over the same second (and none after the 429).
    const late: Record<string, number> = {};
    const last = Math.floor((at - 10) / BUCKET_MS);
    for (let b = last - 1000 / BUCKET_MS + 1; b <= last; b += 1) late[String(b)] = 5;
    d = decideRate(d.state, { ...tick(at + TICK_MS, { starved: 0 }), okBuckets: late }, open);
    expect(d.changed).toBe(true);
    expect(d.state.limitEstimate).toBe(200);
    expect(d.state.rate).toBe(200);
    expect(d.state.reason).toMatch(/^answers counted late/);
    // Never above the rate that met the 429 (300 here), and not once the re-read's time is over.
    const after = decideRate(d.state, { ...tick(at + 2_000, { starved: 0 }), okBuckets: late }, open);
    expect(after.state.limitEstimate).toBe(200);
    expect(after.state.reread).toBeUndefined();
  });

  it('a read-high cut is not re-read: its estimate is not a served count', () => {
    const now = T0 + 60_000;
    const held: RateState = {
      ...initialRateState(open, T0),
      ...{ rate: 52, phase: 'hold', limitEstimate: 52, holdUntilMs: now + 30_000 },
    };
    const d = decideRate(
      held,
      tick(now, { ok: 13, throttled: 1, firstThrottleAtMs: now, retryAfterMs: 1000 }),
      open,
    );
    expect(d.state.reread).toBeUndefined();
    const full: Record<string, number> = {};
    for (let ms = now - 950; ms <= now; ms += BUCKET_MS) full[String(Math.floor(ms / BUCKET_MS))] = 3;
    const next = decideRate(d.state, { ...tick(now + TICK_MS), okBuckets: full }, open);
    expect(next.state.limitEstimate).toBe(d.state.limitEstimate);
  });

  it('a 429 while holding at the estimate means it was read high: the estimate goes under that rate', () => {
    // Learned 52/s where EnKash allows 50 (answers counted on this side's clock: 52 in one of its seconds).
    const now = T0 + 60_000;
    const held: RateState = {
      ...initialRateState(open, T0),
      ...{ rate: 52, phase: 'hold', limitEstimate: 52, holdUntilMs: now + 30_000 },
    };
    let s = held;
    for (let t = now - 750; t <= now; t += TICK_MS) {
      const over = t === now ? { throttled: 1, firstThrottleAtMs: now, retryAfterMs: 1000 } : {};
      s = decideRate(s, tick(t, { ok: 13, ...over }), open).state;
    }
    expect(s.reason).toMatch(/^429/);
    // A slot (1 % at higher rates) under the rate that met the 429: 51 slots a window, not 52 again.
    expect(s.limitEstimate).toBe(51);
    expect(s.rate).toBe(51);
    // At 1,003 (a send-time count 0.3 % over EnKash's 1,000): 1 % under, not 3 % as before.
    const served: Record<string, number> = {};
    const last = Math.floor((now - 10) / BUCKET_MS);
    for (let b = last - 1000 / BUCKET_MS + 1; b <= last; b += 1) served[String(b)] = 50;
    const high: RateState = { ...held, rate: 1003, limitEstimate: 1003, okBuckets: served };
    const throttle = { throttled: 1, firstThrottleAtMs: now - 10, retryAfterMs: 1000 };
    const big = decideRate(high, { ...tick(now, throttle), okBuckets: {} }, open);
    expect(big.state.limitEstimate).toBeCloseTo(992.97, 2);
  });

  it("never lets a probe's 429 pull the estimate under the rate it held clean before probing", () => {
    const held: RateState = {
      ...initialRateState(open, T0),
      rate: 206,
      phase: 'probe',
      limitEstimate: 200,
    };
    // Answers read low (170 in the second before): a busy event loop, not a lower limit.
    let s = held;
    const now = T0 + 60_000;
    for (let t = now - 750; t <= now; t += TICK_MS) {
      const over = t === now ? { throttled: 1, firstThrottleAtMs: now, retryAfterMs: 1000 } : {};
      s = decideRate(s, tick(t, { ok: 42, ...over }), open).state;
    }
    expect(s.reason).toMatch(/^429/);
    expect(s.limitEstimate).toBe(200);
    expect(s.rate).toBe(200);
  });

  it('counts throttles that arrive during the pause as the same event: one cut', () => {
    let s: RateState = { ...initialRateState(open, T0), rate: 200, phase: 'hold', limitEstimate: 200 };
    const now = T0 + 5_000;
    for (let t = now - 1000; t < now; t += TICK_MS) s = decideRate(s, tick(t, { ok: 50 }), open).state;
    const first = decideRate(
      s,
      tick(now, { ok: 50, throttled: 2, firstThrottleAtMs: now, retryAfterMs: 1000 }),
      open,
    );
    const rateAfter = first.state.rate;
    const echo = decideRate(
      first.state,
      tick(now + TICK_MS, { ok: 0, throttled: 9, firstThrottleAtMs: now + 100, retryAfterMs: 1000 }),
      open,
    );
    expect(echo.changed).toBe(false);
    expect(echo.state.rate).toBe(rateAfter);
  });

  it('cuts on a burst of 5xx but keeps the learned limit, then recovers towards it', () => {
    const s: RateState = {
      ...initialRateState(open, T0),
      rate: 200,
      phase: 'hold',
      limitEstimate: 200,
      holdUntilMs: T0,
    };
    const d = decideRate(s, tick(T0 + 1000, { ok: 10, failed: 10 }), open);
    expect(d.state.rate).toBe(160);
    expect(d.state.limitEstimate).toBe(200);
    expect(d.state.reason).toMatch(/5xx/);
    const single = decideRate(s, tick(T0 + 1000, { ok: 40, failed: 1 }), open);
    expect(single.state.rate).toBeGreaterThan(200); // one failure is noise: the probe goes on
    const later = decideRate(d.state, tick(T0 + 3000, { ok: 40 }), open);
    expect(later.state.rate).toBe(180);
    expect(later.state.reason).toMatch(/recover towards the 200\/s/);
  });

  it('cuts when latency stays well above its floor, and does not raise while it is high', () => {
    let s: RateState = { ...initialRateState(open, T0), rate: 100, phase: 'probe', limitEstimate: null };
    let now = T0;
    for (let i = 0; i < 4; i += 1) s = decideRate(s, tick((now += TICK_MS), { latencyMs: 100 }), open).state;
    const held = decideRate(s, tick((now += TICK_MS), { latencyMs: 260 }), open);
    expect(held.state.rate).toBe(s.rate);
    const first = decideRate(s, tick((now += TICK_MS), { latencyMs: 900 }), open);
    expect(first.state.rate).toBe(s.rate);
    const second = decideRate(first.state, tick((now += TICK_MS), { latencyMs: 900 }), open);
    expect(second.state.rate).toBeLessThan(s.rate);
    expect(second.state.reason).toMatch(/^latency 900 ms against a floor of 100/);
  });

  it('resumes a remembered state within a lower ceiling, and near the learned rate when it is old', () => {
    const learned: RateState = {
      ...initialRateState(open, T0),
      rate: 180,
      phase: 'hold',
      limitEstimate: 190,
    };
    expect(resumeRateState(learned, open, T0 + 1000).rate).toBe(180);
    expect(resumeRateState(learned, { ceiling: 50 }, T0 + 1000).rate).toBe(50);
    const old = resumeRateState(learned, open, T0 + STALE_STATE_MS + 1);
    expect(old.rate).toBe(171);
    expect(old.reason).toMatch(/90 % of the 190\/s learned/);
  });
});

describe('rate controller against a modelled sliding-window limit (simulated time)', () => {
  for (const R of [50, 200, 1000]) {
    it(`unknown limit R = ${R}: ≥ 0.9 R over a minute, 429s ≤ 1 % of requests, the limit learned`, () => {
      const r = simulate(initialRateState(open, T0), T0, { limitAt: () => R, durationMs: 60_000 });
      expect(r.admitted / 60 / R).toBeGreaterThanOrEqual(0.9);
      expect(r.throttled / (r.admitted + r.throttled)).toBeLessThanOrEqual(0.01);
      expect(r.state.limitEstimate).toBe(R);
      // One cut ends the start, then a probe per steady hold.
      expect(r.throttleCuts).toBeLessThanOrEqual(2 + 60_000 / HOLD_STEADY_MS);
    });

    it(`ceiling 5× too high at R = ${R}: the same`, () => {
      const settings = { ceiling: 5 * R };
      const r = simulate(initialRateState(settings, T0), T0, {
        limitAt: () => R,
        durationMs: 60_000,
        settings,
      });
      expect(r.admitted / 60 / R).toBeGreaterThanOrEqual(0.9);
      expect(r.throttled / (r.admitted + r.throttled)).toBeLessThanOrEqual(0.01);
    });
  }

  it('ceiling set to R: reaches it without a single 429 and stays there', () => {
    const settings = { ceiling: 200 };
    const r = simulate(initialRateState(settings, T0), T0, {
      limitAt: () => 200,
      durationMs: 50_000,
      settings,
    });
    expect(r.throttled).toBe(0);
    expect(Math.max(...r.perSecond)).toBeLessThanOrEqual(200);
    expect(r.state.rate).toBe(200);
    expect(r.admitted / 50 / 200).toBeGreaterThanOrEqual(0.94);
  });

  it('follows a limit that drops from 200 to 50 and comes back, within 10 s both ways', () => {
    const limitAt = (ms: number) => (ms >= 30_000 && ms < 45_000 ? 50 : 200);
    const r = simulate(initialRateState(open, T0), T0, { limitAt, durationMs: 70_000 });
    // Down: the first full second after the drop is already at the new limit.
    expect(r.perSecond.slice(31, 45).every((n) => n <= 50)).toBe(true);
    // Up: within 10 s of the limit coming back, a second at ≥ 0.9 × 200.
    const up = r.perSecond.slice(45, 55).findIndex((n) => n >= 180);
    expect(up).toBeGreaterThanOrEqual(0);
    expect(r.state.limitEstimate).toBeGreaterThanOrEqual(190);
  });
});
