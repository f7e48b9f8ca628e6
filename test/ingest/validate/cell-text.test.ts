import { describe, expect, it } from 'vitest';
import { DIGITS_LOST, cellText, isoDate } from '../../../src/ingest/validate/cell-text.js';

describe('cell text: what Excel did to a cell before we saw it', () => {
  it.each([
    [9876543210, '9876543210'],
    [560001, '560001'],
    [919876543210, '919876543210'],
    [123456789012345, '123456789012345'],
    [999999999999999, '999999999999999'],
    [0, '0'],
  ])('numeric ID %d → its exact digits %s', (n, digits) => {
    expect(cellText(n, 'id')).toEqual({ ok: true, text: digits, value: digits });
  });

  it.each([1e15, 1234567890123456, Number('98765432101234567890'), -1e16])(
    'refuses %d: more than 15 significant digits cannot be stored by Excel',
    (n) => {
      const read = cellText(n, 'id');
      expect(read.ok).toBe(false);
      if (!read.ok) expect(read.problem).toBe(DIGITS_LOST);
    },
  );

  it('refuses a decimal where a whole-number ID is expected', () => {
    expect(cellText(560001.5, 'id')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('whole number'),
    });
  });

  it('leaves decimals alone in free text', () => {
    expect(cellText(12.5, 'text')).toEqual({ ok: true, text: '12.5', value: '12.5' });
  });

  it.each(['9.87654E+09', '9.87654321E+11', '1.23457E+15', '5.60001E+05', '9,87654E+09', ' 9.87654E+09 '])(
    'refuses %s in an ID column: a CSV saved by Excel shortened it',
    (s) => {
      expect(cellText(s, 'id')).toMatchObject({
        ok: false,
        text: s,
        problem: expect.stringContaining('scientific'),
      });
    },
  );

  it('keeps E-forms that Excel never writes, and any E-form in free text', () => {
    expect(cellText('12E4', 'id')).toMatchObject({ ok: true, value: '12E4' });
    expect(cellText('9.87654E+09', 'text')).toMatchObject({ ok: true, value: '9.87654E+09' });
  });

  it.each(['#N/A', '#REF!', '#VALUE!', '#DIV/0!', '#NAME?'])(
    'turns the error cell %s into a problem',
    (code) => {
      expect(cellText({ error: code }, 'text')).toEqual({
        ok: false,
        text: '',
        problem: `Excel error ${code} in this cell; fix the formula or type the value`,
      });
      expect(cellText(code, 'id')).toMatchObject({ ok: false, text: code });
    },
  );

  it('keeps a hash that is not an Excel error', () => {
    expect(cellText('#12, MG Road', 'text')).toMatchObject({ ok: true, value: '#12, MG Road' });
  });

  it('prints dates as ISO dates in text, refuses them in IDs and flags', () => {
    const d = new Date('2024-03-12T00:00:00Z');
    expect(cellText(d, 'text')).toEqual({ ok: true, text: '2024-03-12', value: '2024-03-12' });
    expect(cellText(d, 'id')).toMatchObject({ ok: false, text: '2024-03-12' });
    expect(cellText(d, 'flag')).toMatchObject({ ok: false });
    expect(isoDate(new Date('2024-03-12T10:30:00Z'))).toBe('2024-03-12T10:30:00');
    expect(cellText(new Date(Number.NaN), 'text')).toMatchObject({ ok: false });
  });

  it('prints booleans as TRUE/FALSE, keeps them for flags', () => {
    expect(cellText(true, 'text')).toEqual({ ok: true, text: 'TRUE', value: 'TRUE' });
    expect(cellText(false, 'flag')).toEqual({ ok: true, text: 'FALSE', value: false });
  });

  it('reads null, a missing trailing cell and strings as they are', () => {
    expect(cellText(null, 'id')).toEqual({ ok: true, text: '', value: '' });
    expect(cellText(undefined, 'text')).toEqual({ ok: true, text: '', value: '' });
    expect(cellText(' C-001 ', 'id')).toEqual({ ok: true, text: ' C-001 ', value: ' C-001 ' });
  });
});
