import { describe, expect, it } from 'vitest';
import { buildIndex, matchHeader } from '../../../src/ingest/columns/match-header.js';
import { columnIndex, columnLetter, headerKey } from '../../../src/ingest/columns/normalise-header.js';
import { PRESETS } from '../../../src/ingest/columns/presets.js';
import { indexFor, tableFor } from '../../../src/ingest/columns/preset-lookup.js';
import { GENERIC_SYNONYMS } from '../../../src/ingest/columns/synonyms.js';
import type { Target } from '../../../src/ingest/columns/targets.js';

const targets = (text: string, preset?: string) =>
  matchHeader(text, indexFor(preset ? PRESETS[preset] : undefined)).map((c) => `${c.target}#${c.contact}`);

describe('headerKey', () => {
  it.each([
    ['GSTIN/UIN', 'gstin uin'],
    ['PAN/IT No.', 'pan it no'],
    ['Bank A/c No.', 'bank ac no'],
    ['E-mail', 'email'],
    ['Mobile No.', 'mobile no'],
    ['ＧＳＴＩＮ', 'gstin'],
  ])('%s = %s', (a, b) => {
    expect(headerKey(a)).toBe(headerKey(b));
  });

  it('keeps letters of other scripts', () => {
    expect(headerKey('ग्राहक का नाम')).not.toBe('');
  });
});

describe('matchHeader', () => {
  it('finds the target of a known header, ignoring notes and section prefixes', () => {
    expect(targets('GSTIN/UIN')).toEqual(['gstin#0']);
    expect(targets('Mobile (10 digits)')).toEqual(['contact.mobile#0']);
    expect(targets('Contact Details - E-Mail')).toEqual(['contact.email#0']);
    expect(targets('Bank Account Details - A/c No.')).toEqual(['accountNumber#0']);
  });

  it('lets one header feed two targets where EnKash has two fields', () => {
    expect(targets('Contact Number').sort()).toEqual(['contact.mobile#0', 'contactNumber#0']);
  });

  it('numbers contacts, but not address lines or first names', () => {
    expect(targets('Contact Person 2')).toEqual(['contact.name#1']);
    expect(targets('Mobile No. 3')).toEqual(['contact.mobile#2']);
    expect(targets('Contact 2 E-mail')).toEqual(['contact.email#1']);
    expect(targets('Second Contact Name')).toEqual(['contact.name#1']);
    expect(targets('First Name')).toEqual(['contact.firstName#0']);
    expect(targets('First Name 2')).toEqual(['contact.firstName#1']);
    expect(targets('Address 2')).toEqual(['address#0']);
    expect(targets('GSTIN 2')).toEqual([]);
    expect(targets('Contact 2')).toEqual([]);
  });

  it('gives a repeated header the next contact', () => {
    expect(matchHeader('Mobile', indexFor(), 1).map((c) => c.contact)).toEqual([1]);
  });

  it('knows what a preset means by its own names', () => {
    expect(targets('Contact Name')).toEqual(['contact.name#0']);
    expect(targets('Contact Name', 'zoho-books')).toEqual(['legalName#0']);
    expect(targets('Frozen', 'sap-b1')).toEqual(['inactiveFlag#0']);
  });

  it('ranks a preset’s names ahead of the generic ones', () => {
    const tally = matchHeader('Mailing Name', indexFor(PRESETS.tally))[0];
    const name = matchHeader('Customer Name', indexFor(PRESETS.tally))[0];
    expect(tally && name && tally.rank < name.rank).toBe(true);
  });
});

describe('synonym tables', () => {
  // A name listed under two targets is read two ways; only contactNumber/contact.mobile is meant to be.
  const shared: ReadonlySet<string> = new Set(['contactNumber|contact.mobile']);

  it.each([['generic', undefined] as const, ...Object.keys(PRESETS).map((p) => [p, p] as const)])(
    '%s: no name means two things by accident',
    (_label, preset) => {
      const seen = new Map<string, Target>();
      for (const [target, names] of Object.entries(tableFor(preset ? PRESETS[preset] : undefined)) as [
        Target,
        string[],
      ][]) {
        for (const name of names) {
          const other = seen.get(headerKey(name));
          if (other && other !== target) expect(shared).toContain(`${other}|${target}`);
          seen.set(headerKey(name), target);
        }
      }
    },
  );

  it('the generic lists have no repeats', () => {
    for (const names of Object.values(GENERIC_SYNONYMS)) {
      const keys = names.map(headerKey);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('buildIndex keeps the better rank of a repeated name', () => {
    const index = buildIndex({ gstin: ['GSTIN', 'GST No', 'gstin'] });
    expect(index.get('gstin')).toEqual([{ target: 'gstin', rank: 0 }]);
  });
});

describe('column letters', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [701, 'ZZ'],
    [702, 'AAA'],
  ])('%i ↔ %s', (index, letter) => {
    expect(columnLetter(index)).toBe(letter);
    expect(columnIndex(letter)).toBe(index);
    expect(columnIndex(letter.toLowerCase())).toBe(index);
  });

  it('rejects what is not a letter', () => {
    expect(columnIndex('A1')).toBeUndefined();
    expect(columnIndex('')).toBeUndefined();
  });
});
