import { describe, expect, it } from 'vitest';
import { heapGrowingPercent } from '../src/memory.js';

describe('HEAP_GROWING_PERCENT', () => {
  it('defaults to 50, takes a whole number, and leaves a bad value to the config check', () => {
    expect(heapGrowingPercent({})).toBe(50);
    expect(heapGrowingPercent({ HEAP_GROWING_PERCENT: '25' })).toBe(25);
    expect(heapGrowingPercent({ HEAP_GROWING_PERCENT: '0' })).toBe(0);
    expect(heapGrowingPercent({ HEAP_GROWING_PERCENT: 'lots' })).toBe(50);
  });
});
