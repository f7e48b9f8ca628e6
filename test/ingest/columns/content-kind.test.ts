import { describe, expect, it } from 'vitest';
import { guessContent, looksLikeCodes } from '../../../src/ingest/columns/content-kind.js';

describe('guessContent', () => {
  it.each([
    ['gstin', ['29AABCT1332L1ZU', '27AAACE1234F1Z5', '07AAGFF2194N1Z1']],
    ['pan', ['AABCT1332L', 'AAACE1234F', 'aagff2194n']],
    ['mobile', ['+91 98450 12345', '09845012346', '9845012347', '98450-12348']],
    ['email', ['a@b.in', 'accounts@sharma.co.in', 'x.y@z.com']],
    ['pin', ['560001', '110 001', '400076']],
    ['code', ['C-001', 'C-002', 'C-017']],
    ['code', ['TX1', 'TX22', 'AB-9']],
  ])('%s: %j', (kind, values) => expect(guessContent(values)?.kind).toBe(kind));

  it.each([
    ['too few values', ['C-001', 'C-002']],
    ['a serial number', ['1', '2', '3', '4']],
    ['amounts', ['1200.50', '300.00', '99.99']],
    ['names', ['Sharma Traders', 'Bharat Steel', 'Asha Mills']],
    ['repeated codes', ['C-001', 'C-002', 'C-001']],
    ['counts of different widths', ['12', '300', '4']],
  ])('nothing for %s', (_, values) => expect(guessContent(values)).toBeUndefined());

  it('never takes a money column for codes', () => {
    expect(guessContent(['1000', '2000', '5200'], 'Outstanding')).toBeUndefined();
    expect(guessContent(['1000', '2000', '5200'], 'Ledger Key')?.kind).toBe('code');
  });

  it('reads XLSX numbers as their digits and skips empty cells and dates', () => {
    expect(guessContent([9845012345, null, 9845012346, new Date(), 9845012347])?.kind).toBe('mobile');
    expect(looksLikeCodes(['A1', 'a1', 'B2'])).toBe(false);
  });
});
