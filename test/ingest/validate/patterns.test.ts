/**
 * EnKash's patterns are Java regexes applied to the whole value. Each one is exercised here through
 * contract.ts `PATTERNS` (anchored whole-value) and through the validator, which must never produce a value
 * EnKash's pattern refuses.
 */
import { describe, expect, it } from 'vitest';
import { PATTERNS, SEED_PATTERNS, type PatternName } from '../../../src/contract/enkash-api.js';
import { checkCell, type FieldKind } from '../../../src/ingest/validate/field-rules.js';

const CASES: Record<Exclude<PatternName, 'customerId'>, { accept: string[]; reject: string[] }> = {
  panOrGstin: {
    accept: ['', '27AAPFU0939F1ZV', '29aagcb7383j1z4', 'AAPFU0939F', 'AAAEL1234K'],
    reject: [
      '27AAPFU0939F1ZV trailing',
      'x27AAPFU0939F1ZV',
      '38AAPFU0939F1ZS',
      '27AAPFU0939F1YX',
      'hello',
      'AAPFU0939',
    ],
  },
  contactNumber: {
    accept: ['', '9876543210', '+919876543210', '+91 9876543210', '0091-9876543210', '+1 2125551234'],
    reject: ['98765', '9876543210 ', '+91 98765 43210', '(022) 23456789', '98765432101'],
  },
  mobile: {
    accept: ['', '9876543210', '+91-9876543210'],
    reject: ['9876543210x', '+91 98765-43210', 'n/a'],
  },
  accountNumber: {
    accept: ['', '123456789', 'AB1234567890', '1'.repeat(36)],
    reject: ['12345678', '1'.repeat(37), '1234 5678 9012', '5010-012345'],
  },
  ifsc: {
    accept: ['', 'HDFC0001234', 'hdfc0abc123'],
    reject: ['HDFC1001234', 'HDFC000123', 'HDFC00012345', 'HDF00001234'],
  },
  pinCode: { accept: ['', '560001', '060001'], reject: ['56001', '5600011', '560 001', 'abcdef'] },
  companyId: { accept: ['CEKFOWV7UQ', 'CEKSANDBX1'], reject: ['', 'CEKfowv7uq', 'CEK123456', 'XCEKFOWV7UQ'] },
  email: {
    accept: ['a@example.com', 'first.last+tag@sub.example.co.in'],
    reject: ['', 'a@b', 'a..b@example.com', 'a@example.com more', 'plain'],
  },
};

describe('EnKash patterns, whole value', () => {
  for (const [name, { accept, reject }] of Object.entries(CASES)) {
    const pattern = PATTERNS[name as PatternName];
    it.each(accept)(`${name} accepts %j`, (value) => expect(pattern.test(value)).toBe(true));
    it.each(reject)(`${name} rejects %j`, (value) => expect(pattern.test(value)).toBe(false));
  }

  it('customerId is KC and 14 capitals or digits', () => {
    expect(PATTERNS.customerId.test('KC1234567890ABCD')).toBe(true);
    expect(PATTERNS.customerId.test('KC1234567890ABC')).toBe(false);
  });

  it('shows why: the seed panOrGstin pattern read naively in JavaScript accepts anything', () => {
    const naive = new RegExp(SEED_PATTERNS.panOrGstin);
    for (const junk of ['hello', '27AAACE1234', 'not a tax id at all', '12']) {
      expect(naive.test(junk)).toBe(true);
      expect(PATTERNS.panOrGstin.test(junk)).toBe(false);
    }
  });
});

describe('every accepted value the validator produces passes EnKash’s pattern', () => {
  const samples: Array<[FieldKind, PatternName, unknown[]]> = [
    ['gstin', 'panOrGstin', ['27AAPFU0939F1ZV', ' 29aagcb7383j1z4 ', '27 AAPFU0939F 1ZV']],
    ['pan', 'panOrGstin', ['aapfu0939f', 'AAAEL1234K']],
    [
      'mobile',
      'mobile',
      [9876543210, '+91 98765 43210', '(022) 2345 6789', '+1 212 555 1234', '09876543210'],
    ],
    ['contactNumber', 'contactNumber', ['080 2345 6789', '0091 98765 43210']],
    ['accountNumber', 'accountNumber', ['1234 5678 9012', 50100123456789]],
    ['ifsc', 'ifsc', ['hdfc 0001234']],
    ['pinCode', 'pinCode', [560001, '560 001']],
    ['email', 'email', [' Accounts@Acme.CO.IN ', 'mailto:a@x.com', 'a@x.com; b@y.com']],
  ];
  it.each(samples)('%s → %s', (kind, pattern, inputs) => {
    for (const input of inputs) {
      const result = checkCell(kind, input as string | number);
      expect(result.ok, String(input)).toBe(true);
      if (result.ok) expect(PATTERNS[pattern].test(String(result.value)), String(result.value)).toBe(true);
    }
  });
});
