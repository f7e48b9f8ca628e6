import { describe, expect, it } from 'vitest';
import { TextTable } from '../../src/ingest/text-table.js';

describe('TextTable', () => {
  it('gives back every string it was given, by index, across pages and array growth', () => {
    const table = new TextTable();
    const texts: string[] = [];
    // ~9 MB of text: more than two 4 MB pages and many doublings of the index arrays.
    for (let i = 0; i < 150_000; i++) {
      const text = `${i % 7 === 0 ? 'ग्राहक ' : 'Customer '}${i} ${'x'.repeat(i % 90)}`;
      texts.push(text);
      table.push(text);
    }
    expect(table.size).toBe(texts.length);
    for (const i of [0, 1, 4095, 4096, 4097, 70_001, 149_999]) expect(table.get(i)).toBe(texts[i]);
    expect(texts.every((text, i) => table.get(i) === text)).toBe(true);
  });

  it('keeps empty and missing strings as empty, and says undefined for an index it does not hold', () => {
    const table = new TextTable();
    table.push('');
    table.push(null);
    table.push('A');
    expect([table.get(0), table.get(1), table.get(2)]).toEqual(['', '', 'A']);
    expect(table.get(3)).toBeUndefined();
    expect(table.get(-1)).toBeUndefined();
    expect(table.get(1.5)).toBeUndefined();
  });

  it('holds a string longer than a page, and the strings around it', () => {
    const table = new TextTable();
    const long = '€'.repeat(2_000_000); // 6 MB of UTF-8
    table.push('before');
    table.push(long);
    table.push('after');
    expect(table.get(0)).toBe('before');
    expect(table.get(1)).toBe(long);
    expect(table.get(2)).toBe('after');
  });
});
