import { describe, expect, it } from 'vitest';
import { MAX_MARGIN_MS, MIN_MARGIN_MS, RateMargin, ownLoopLagged } from '../../src/enkash/rate-margin.js';

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
    expect(m.ms(999)).toBe(MIN_MARGIN_MS);
  });

  it('is the spread of the slow tail over the floor, within its bounds', () => {
    const m = new RateMargin();
    // 2 % of the answers 60 ms late: above the 99.5th percentile's share, so they set the spread.
    answers(m, 0, 500, (i) => (i % 50 === 0 ? 160 : 100));
    const ms = m.ms(999);
    expect(ms).toBeGreaterThanOrEqual(60);
    expect(ms).toBeLessThanOrEqual(63);
  });

  it('ignores a single slow answer in a thousand (the tail is a percentile, not the maximum)', () => {
    const m = new RateMargin();
    answers(m, 0, 1000, (i) => (i === 500 ? 400 : 100));
    expect(m.ms(999)).toBe(MIN_MARGIN_MS);
  });

  it('rises at once when the answers stall, and comes down once the stall has aged out', () => {
    const m = new RateMargin();
    answers(m, 0, 500, () => 100);
    expect(m.ms(999)).toBe(MIN_MARGIN_MS);
    // A stalled far end: 100 answers of a second 60 ms late.
    // (The tail is read to its 2 ms bin's upper edge: 62.)
    answers(m, 1, 100, () => 160);
    expect(m.ms(1001)).toBe(62);
    // Still remembered 9 s later, forgotten once it is 10 s old.
    for (let s = 2; s <= 10; s += 1) answers(m, s, 200, () => 100);
    expect(m.ms(10_999)).toBe(62);
    answers(m, 11, 200, () => 100);
    expect(m.ms(11_999)).toBe(MIN_MARGIN_MS);
  });

  it("leaves out answers timed while this process's own event loop ran late", () => {
    const m = new RateMargin();
    answers(m, 0, 500, () => 100);
    // Answers that waited in this process (an import parsing beside the rows): not EnKash's spread.
    for (let i = 0; i < 100; i += 1) m.note(300, 1000 + i, true);
    expect(m.ms(1_999)).toBe(MIN_MARGIN_MS);
    for (let i = 0; i < 100; i += 1) m.note(300, 1000 + i, false);
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
    m.ms(999);
    expect(told).toEqual([[MAX_MARGIN_MS, MIN_MARGIN_MS]]);
    // A stall: the rise is told at once.
    answers(m, 1, 100, () => 160);
    m.ms(1001);
    expect(told.at(-1)).toEqual([MIN_MARGIN_MS, 62]);
    // Aged out at 11 s, but the fall waits until 10 s after the rise was told.
    for (let s = 2; s <= 11; s += 1) answers(m, s, 200, () => 100);
    m.ms(11_999);
    expect(told).toHaveLength(3);
    expect(told.at(-1)).toEqual([62, MIN_MARGIN_MS]);
  });
});
