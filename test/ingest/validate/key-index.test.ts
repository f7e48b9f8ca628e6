import { describe, expect, it } from 'vitest';
import { KeyIndex } from '../../../src/ingest/validate/key-index.js';

describe('KeyIndex', () => {
  it('answers exactly as a Map would, over 300,000 keys with repeats, through many rehashes', () => {
    const index = new KeyIndex();
    const reference = new Map<string, number>();
    // Mismatches are collected and compared once: an expect() per key cost most of this test's time.
    const mismatches: string[] = [];
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 48271) + 11) % 2147483647) / 2147483647;
    for (let row = 2; row < 300_002; row++) {
      // Keys that differ in one character, and a repeat every so often.
      const n = Math.floor(random() * 250_000);
      const key = n % 17 === 0 ? `CUST-${n}-ग्राहक` : `CUST-${String(n).padStart(7, '0')}`;
      const expected = reference.get(key);
      if (expected === undefined) reference.set(key, row);
      const answered = index.firstRowOr(key, row);
      if (answered !== expected) mismatches.push(`row ${row}, ${key}: ${answered} instead of ${expected}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(index.size).toBe(reference.size);
    expect(reference.size).toBeLessThan(300_000); // repeats did occur
  });

  it('tells apart keys that differ only in length or by an empty key', () => {
    const index = new KeyIndex();
    expect(index.firstRowOr('', 2)).toBeUndefined();
    expect(index.firstRowOr('A', 3)).toBeUndefined();
    expect(index.firstRowOr('AA', 4)).toBeUndefined();
    expect(index.firstRowOr('A', 9)).toBe(3);
    expect(index.firstRowOr('', 10)).toBe(2);
    expect(index.firstRowOr('AA', 11)).toBe(4);
  });
});
