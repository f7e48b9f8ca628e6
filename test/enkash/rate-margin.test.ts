import { describe, expect, it } from 'vitest';
import {
  MAX_MARGIN_MS,
  MIN_MARGIN_MS,
  REACH_MS,
  RateMargin,
  ownLoopLagged,
} from '../../src/enkash/rate-margin.js';

/** `count` answers spread evenly over the second starting at `second`, each `latency(i)` ms after its stamp. */
function answers(m: RateMargin, second: number, count: number, latency: (i: number) => number) {
  for (let i = 0; i < count; i += 1) m.note(latency(i), second * 1000 + (i * 1000) / count);
}

describe('the learned rate margin', () => {
  it('is the maximum until enough answers were seen', () => {
    const m = new RateMargin();
    answers(m, 0, 50, () => 100);
    expect(m.ms(999)).toBe(MAX_MARGIN_MS);
  });

  it('comes down to the minimum when answers come back evenly', () => {
    const m = new RateMargin();
    answers(m, 0, 200, (i) => 100 + (i % 5));
    expect(m.ms(1_999)).toBe(MIN_MARGIN_MS);
  });

  it('stays at the minimum while the slow tail comes back within reach of a window, the maximum beyond', () => {
    // 2 % of the answers late: above the 99.5th percentile's share, so they are the tail. Their slots are
    // re-stamped by the limiter when they come back: the margin need not cover them...
    const near = new RateMargin();
    answers(near, 0, 500, (i) => (i % 50 === 0 ? 100 + REACH_MS - 20 : 100));
    expect(near.ms(1_999)).toBe(MIN_MARGIN_MS);
    // ...unless they come back so late that a slot could be granted again first.
    const far = new RateMargin();
    answers(far, 0, 500, (i) => (i % 50 === 0 ? 100 + REACH_MS + 20 : 100));
    expect(far.ms(999)).toBe(MAX_MARGIN_MS);
  });

  it('knows the floor the re-stamps are measured from: the fastest answer of the last 30 s', () => {
    const m = new RateMargin(25);
    expect(m.floorMs).toBe(0);
    answers(m, 0, 100, (i) => 120 - (i % 20));
    expect(m.floorMs).toBe(101);
    // A fixed margin stays fixed; the floor is still learned, and ages out after 30 s.
    for (let s = 1; s <= 30; s += 1) answers(m, s, 10, () => 130);
    expect(m.ms(30_500)).toBe(25);
    expect(m.floorMs).toBe(130);
  });

  it('ignores a single slow answer in a thousand (the tail is a percentile, not the maximum)', () => {
    const m = new RateMargin();
    answers(m, 0, 1000, (i) => (i === 500 ? 400 : 100));
    expect(m.ms(1_999)).toBe(MIN_MARGIN_MS);
  });

  it('rises at once when the answers stall, and comes down once the stall has aged out', () => {
    const m = new RateMargin();
    answers(m, 0, 500, () => 100);
    expect(m.ms(1_999)).toBe(MIN_MARGIN_MS);
    // A stalled far end: 100 answers of a second far later than a window's reach.
    answers(m, 2, 100, () => 100 + REACH_MS + 100);
    expect(m.ms(2_001)).toBe(MAX_MARGIN_MS);
    // Still remembered 9 s later, forgotten once it is 10 s old.
    for (let s = 3; s <= 11; s += 1) answers(m, s, 200, () => 100);
    expect(m.ms(11_999)).toBe(MAX_MARGIN_MS);
    answers(m, 12, 200, () => 100);
    expect(m.ms(12_999)).toBe(MIN_MARGIN_MS);
  });

  it('stays at the maximum for a window and some after the floor fell (slots were moved too little)', () => {
    const m = new RateMargin();
    answers(m, 0, 500, () => 120);
    expect(m.ms(1_999)).toBe(MIN_MARGIN_MS);
    // A faster answer than any before, by more than half the minimum margin: the slots re-stamped
    // against 120 ms in the last window may have been moved up to 20 ms too little.
    m.note(100, 2_000);
    expect(m.ms(2_100)).toBe(MAX_MARGIN_MS);
    expect(m.ms(3_450)).toBe(MAX_MARGIN_MS);
    expect(m.ms(3_550)).toBe(MIN_MARGIN_MS);
    // A fall smaller than that is within the margin.
    m.note(97, 3_600);
    expect(m.ms(3_700)).toBe(MIN_MARGIN_MS);
  });

  it("leaves out answers timed while this process's own event loop ran late", () => {
    const m = new RateMargin();
    answers(m, 0, 500, () => 100);
    // Answers that waited in this process (an import parsing beside the rows): not EnKash's spread.
    for (let i = 0; i < 100; i += 1) m.note(100 + REACH_MS + 100, 1000 + i, true);
    expect(m.ms(1_999)).toBe(MIN_MARGIN_MS);
    for (let i = 0; i < 100; i += 1) m.note(100 + REACH_MS + 100, 1000 + i, false);
    expect(m.ms(2_999)).toBe(MAX_MARGIN_MS);
  });

  it('sees its own event loop run late', async () => {
    ownLoopLagged(); // starts the probe
    await new Promise((r) => setTimeout(r, 60));
    const start = performance.now();
    while (performance.now() - start < 80); // a busy loop
    await new Promise((r) => setTimeout(r, 30));
    expect(ownLoopLagged()).toBe(true);
  });

  it('never exceeds the maximum, and a configured margin is fixed', () => {
    const m = new RateMargin();
    answers(m, 0, 500, (i) => (i % 2 === 0 ? 100 : 900));
    expect(m.ms(999)).toBe(MAX_MARGIN_MS);
    const fixed = new RateMargin(25);
    answers(fixed, 0, 500, (i) => (i % 2 === 0 ? 100 : 900));
    expect(fixed.ms(999)).toBe(25);
    expect(fixed.learned).toBe(false);
  });
});

describe('the learned rate margin, told', () => {
  it('tells a rise at once and a fall at most every 10 s, only when it moved by 20 ms or more', () => {
    const told: Array<[number, number]> = [];
    const m = new RateMargin(undefined, (ms, before) => told.push([before, ms]));
    answers(m, 0, 500, () => 100);
    m.ms(1_999);
    expect(told).toEqual([[MAX_MARGIN_MS, MIN_MARGIN_MS]]);
    // A stall: the rise is told at once.
    answers(m, 2, 100, () => 100 + REACH_MS + 100);
    m.ms(2_001);
    expect(told.at(-1)).toEqual([MIN_MARGIN_MS, MAX_MARGIN_MS]);
    // Aged out at 12 s; the fall is told (10 s after the rise was).
    for (let s = 3; s <= 12; s += 1) answers(m, s, 200, () => 100);
    m.ms(11_999);
    expect(told).toHaveLength(2);
    m.ms(12_999);
    expect(told).toHaveLength(3);
    expect(told.at(-1)).toEqual([MAX_MARGIN_MS, MIN_MARGIN_MS]);
  });
});
