import { describe, expect, it } from 'vitest';
import { GST_STATES } from '../../../src/ingest/validate/gst-states.js';
import { checkGstin, checkPan, checkPanOrGstin, gstinCheckChar } from '../../../src/ingest/validate/gstin.js';
import { toParsedRow } from '../../../src/ingest/validate/validate-row.js';
import { TALLY_MAP, tallyRow } from './map-helpers.js';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The algorithm written out once more, independently, from the published description. */
function referenceCheckChar(first14: string): string {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const product = ALNUM.indexOf(first14.charAt(i)) * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return ALNUM.charAt((36 - (sum % 36)) % 36);
}

const withCheck = (first14: string) => first14 + gstinCheckChar(first14);

describe('GSTIN check character (mod 36)', () => {
  it.each(['27AAPFU0939F1ZV', '29AAGCB7383J1Z4', '33AABCT1332L1ZL'])('%s is valid', (gstin) => {
    expect(gstinCheckChar(gstin.slice(0, 14))).toBe(gstin.charAt(14));
    expect(checkGstin(gstin)).toEqual({ ok: true, value: gstin });
  });

  it('agrees with an independent implementation on many generated GSTINs', () => {
    for (let i = 0; i < 500; i++) {
      const state = String(1 + (i % 37)).padStart(2, '0');
      const pan = `${ALNUM.charAt(10 + (i % 26))}AB${'PCHFATBLJGK'.charAt(i % 11)}X${String(i).padStart(4, '0')}Q`;
      const first14 = `${state}${pan}${ALNUM.charAt(1 + (i % 35))}Z`;
      expect(gstinCheckChar(first14)).toBe(referenceCheckChar(first14));
      expect(checkGstin(withCheck(first14)).ok).toBe(true);
    }
  });

  it('rejects every wrong check character of a valid GSTIN', () => {
    const good = '27AAPFU0939F1ZV';
    for (const c of ALNUM) {
      if (c === 'V') continue;
      const result = checkGstin(good.slice(0, 14) + c);
      expect(result).toEqual({ ok: false, problem: expect.stringContaining('fails the GSTIN check') });
    }
  });

  it('catches a single mistyped digit and two swapped neighbours', () => {
    expect(checkGstin('27AAPFU0938F1ZV').ok).toBe(false);
    expect(checkGstin('27AAPFU9039F1ZV').ok).toBe(false);
  });
});

describe('GST state codes', () => {
  it('lists 01 to 38 plus 97 and 99, with names', () => {
    const expected = [...Array.from({ length: 38 }, (_, i) => String(i + 1).padStart(2, '0')), '97', '99'];
    expect(Object.keys(GST_STATES).sort()).toEqual(expected);
    expect(GST_STATES['27']).toBe('Maharashtra');
    expect(GST_STATES['38']).toBe('Ladakh');
    expect(GST_STATES['97']).toBe('Other Territory');
    expect(GST_STATES['99']).toBe('Centre Jurisdiction');
  });

  it('accepts every code EnKash accepts (01 to 37)', () => {
    for (let code = 1; code <= 37; code++) {
      const first14 = `${String(code).padStart(2, '0')}AAPFU0939F1Z`;
      expect(checkGstin(withCheck(first14)).ok, String(code)).toBe(true);
    }
  });

  it.each([
    ['38', 'Ladakh'],
    ['97', 'Other Territory'],
    ['99', 'Centre Jurisdiction'],
  ])('reports a valid %s (%s) GSTIN as refused by EnKash, not as invalid', (code, name) => {
    const result = checkGstin(withCheck(`${code}AAPFU0939F1Z`));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem).toContain('is a valid GSTIN that EnKash');
      expect(result.problem).toContain(`state code ${code} (${name}); EnKash accepts only 01 to 37`);
    }
  });

  it.each(['00', '39', '40', '96', '98'])('rejects state code %s', (code) => {
    const result = checkGstin(withCheck(`${code}AAPFU0939F1Z`));
    expect(result).toEqual({ ok: false, problem: expect.stringContaining(`starts with ${code}`) });
  });
});

describe('PAN', () => {
  it.each('PCHFATBLJGKE'.split(''))('accepts holder type %s', (t) => {
    expect(checkPan(`AAA${t}U0939F`)).toEqual({ ok: true, value: `AAA${t}U0939F` });
  });

  it.each('DIMNOQRSUVWXYZ'.split(''))('rejects holder type %s', (t) => {
    expect(checkPan(`AAA${t}U0939F`).ok).toBe(false);
  });

  it('tells a GSTIN from a PAN by length in an either-column', () => {
    expect(checkPanOrGstin('27AAPFU0939F1ZV')).toEqual({ ok: true, value: '27AAPFU0939F1ZV' });
    expect(checkPanOrGstin('AAPFU0939F')).toEqual({ ok: true, value: 'AAPFU0939F' });
    expect(checkPanOrGstin('27AAPFU0939F1ZX').ok).toBe(false);
  });
});

describe('PAN consistent with GSTIN', () => {
  it('accepts a PAN that is characters 3 to 12 of the GSTIN, and sends the GSTIN', () => {
    const parsed = toParsedRow(tallyRow(2), TALLY_MAP, { matchKey: 'uniqueRefNo' });
    expect(parsed.kind).toBe('valid');
    if (parsed.kind === 'valid') expect(parsed.customer.panOrGstin).toBe('27AAPFU0939F1ZV');
  });

  it('rejects a PAN that differs from the one inside the GSTIN, naming both columns', () => {
    const parsed = toParsedRow(tallyRow(2, { 'PAN/IT No.': 'AAGCB7383J' }), TALLY_MAP, {
      matchKey: 'uniqueRefNo',
    });
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') {
      expect(parsed.errors).toEqual([
        {
          column: 'PAN/IT No.',
          letter: 'D',
          field: 'panOrGstin',
          value: 'AAGCB7383J',
          problem: 'does not match the PAN inside GSTIN/UIN "27AAPFU0939F1ZV" (AAPFU0939F)',
        },
      ]);
    }
  });

  it('sends the PAN when the GSTIN cell is empty', () => {
    const parsed = toParsedRow(tallyRow(2, { 'GSTIN/UIN': '', 'PAN/IT No.': 'aapfu0939f' }), TALLY_MAP, {
      matchKey: 'uniqueRefNo',
    });
    expect(parsed.kind === 'valid' && parsed.customer.panOrGstin).toBe('AAPFU0939F');
  });
});
