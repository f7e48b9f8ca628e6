import { describe, expect, it } from 'vitest';
import { checkCell } from '../../../src/ingest/validate/field-rules.js';
import {
  PLACEHOLDERS,
  buildStatusWords,
  cleanText,
  isPlaceholder,
  normaliseYesNo,
} from '../../../src/ingest/validate/normalise.js';
import { normalisePhone } from '../../../src/ingest/validate/phone.js';

describe('whitespace', () => {
  it.each([
    ['  Acme  ', 'Acme'],
    ['Acme\u00a0Traders', 'Acme Traders'],
    ['Acme\t\tTraders', 'Acme Traders'],
    ['Acme\r\nTraders', 'Acme Traders'],
    ['Acme\u202fTraders\u2007Ltd', 'Acme Traders Ltd'],
    ['\ufeffAcme', 'Acme'],
    ['Ac\u200bme', 'Acme'],
    ['Acme Traders', 'Acme Traders'],
  ])('%j → %j', (input, output) => expect(cleanText(input)).toBe(output));
});

describe('placeholders', () => {
  it.each([...PLACEHOLDERS, 'NA', 'N/A', 'Nil', 'NONE', 'Null', 'Not Applicable', ' n/a ', 'N.A.'])(
    '%j counts as empty in every field',
    (p) => {
      for (const kind of ['legalName', 'mobile', 'gstin', 'email', 'pinCode', 'status'] as const) {
        expect(checkCell(kind, p)).toMatchObject({ ok: true, value: '' });
      }
    },
  );

  it.each(['Nilkamal', 'Nandi', 'n', '0', '-1', 'NAB'])('%j is not a placeholder', (v) => {
    expect(isPlaceholder(v)).toBe(false);
  });
});

describe('phone formats', () => {
  const mobile = (s: string) => normalisePhone(s, 'mobile');
  it.each([
    '9876543210',
    '98765 43210',
    '98765-43210',
    '+91 98765 43210',
    '+91-98765-43210',
    '+919876543210',
    '+91 (0) 98765 43210',
    '(+91) 9876543210',
    '0091 98765 43210',
    '0091-9876543210',
    '91 98765 43210',
    '919876543210',
    '09876543210',
    '098765 43210',
    '98765.43210',
    ' 9876543210 ',
  ])('%j → 9876543210', (s) => expect(mobile(s)).toEqual({ ok: true, value: '9876543210' }));

  it('takes the first of several numbers and says so', () => {
    for (const s of ['9876543210 / 9123456780', '9876543210; 9123456780', '9876543210 or 9123456780']) {
      const result = mobile(s);
      expect(result).toMatchObject({ ok: true, value: '9876543210' });
      if (result.ok) expect(result.warning).toMatch(/^holds 2 numbers; the first \(9876543210\) is used/);
    }
  });

  it('reports the first of several numbers when it is the bad one, without guessing the second', () => {
    expect(mobile('98765 / 9123456780')).toEqual({
      ok: false,
      problem: 'the first number has 5 digits; a mobile number has 10',
    });
  });

  it('passes a landline with STD code: quietly as a phone, with a warning as a mobile', () => {
    expect(normalisePhone('(022) 2345 6789', 'phone')).toEqual({ ok: true, value: '2223456789' });
    expect(normalisePhone('(022) 2345 6789', 'mobile')).toMatchObject({
      ok: true,
      value: '2223456789',
      warning: expect.stringContaining('landline'),
    });
  });

  it('keeps a foreign number only as country code + 10 digits, split where the writer split it', () => {
    expect(mobile('+1 212 555 1234')).toEqual({ ok: true, value: '+1 2125551234' });
    expect(mobile('+12125551234')).toEqual({ ok: true, value: '+1 2125551234' });
    expect(mobile('+971 50 123 4567').ok).toBe(false);
    expect(mobile('+44 (0)20 7946 0000').ok).toBe(false);
  });

  it.each([
    ['98765', 'has 5 digits; a mobile number has 10'],
    ['987654321', 'has 9 digits; a mobile number has 10'],
    ['1800 123 4567', 'has 11 digits; a mobile number has 10'],
    ['+91 98765 4321', 'has 9 digits after +91; a mobile number has 10'],
    ['9876543210 ext 2', 'contains letters; write only the number'],
    ['98765*43210', 'may hold only digits, spaces and + - . ( )'],
  ])('%j: %s', (s, problem) => expect(mobile(s)).toEqual({ ok: false, problem }));
});

describe('SAP Business One booleans', () => {
  it('reads tYES/tNO as yes/no, so an inverted Frozen column marks frozen partners INACTIVE', () => {
    expect(normaliseYesNo('tYES')).toMatchObject({ ok: true, value: true });
    const frozen = buildStatusWords(undefined, true);
    expect(frozen.get('tyes')).toBe('INACTIVE');
    expect(frozen.get('tno')).toBe('ACTIVE');
  });
});
