import { describe, expect, it } from 'vitest';
import { canonicalWords, matchFuzzy } from '../../../src/ingest/columns/fuzzy-header.js';
import { GENERIC_SYNONYMS } from '../../../src/ingest/columns/synonyms.js';

const fuzzy = (h: string) => matchFuzzy(h, GENERIC_SYNONYMS);

describe('canonicalWords', () => {
  it.each([
    ['Cust. Code', ['code', 'customer']],
    ['Code Cust', ['code', 'customer']],
    ['Bank A/c No.', ['account', 'bank', 'number']],
    ['Cust #', ['customer', 'number']],
    ['G.S.T.I.N.', ['gstin']],
    ['contactPersonMobile', ['contact', 'mobile', 'person']],
    ['Name of the Party', ['name', 'party']],
    ['E-Mail Id', ['email', 'id']],
  ])('%s → %j', (header, words) => expect(canonicalWords(header)).toEqual(words));
});

describe('matchFuzzy', () => {
  it.each([
    ['Debtor ID', 'uniqueRefNo', 'party-words'],
    ['Client Ref No', 'uniqueRefNo', 'party-words'],
    ['Party Alias', 'uniqueRefNo', 'party-words'],
    ['Ledger ID', 'uniqueRefNo', 'party-words'],
    ['Buyer No.', 'uniqueRefNo', 'party-words'],
    ['Acct Cd', 'uniqueRefNo', 'words'],
    ['Mob. No.', 'contact.mobile', 'words'],
    ['Custmer Code', 'uniqueRefNo', 'spelling'],
    ['GSTN No', 'gstin', 'spelling'],
  ])('%s → %s by %s', (header, target, rule) => {
    expect(fuzzy(header)).toMatchObject({ target, rule });
  });

  it.each(['No.', 'Sr. No.', 'Remarks', 'Opening Bal.', 'Telephone 2', 'Group', 'Salesman', 'Code No.'])(
    '%s is no guess',
    (header) => expect(fuzzy(header)).toBeUndefined(),
  );

  it('gives up when the words name two targets', () => {
    // "Customer" + "Contact" would be the legal name or a contact's name: no single target.
    expect(fuzzy('Party Contact')).toBeUndefined();
  });

  it('is confident in word rules more than in spelling', () => {
    expect(fuzzy('Acct Cd')?.confidence ?? 0).toBeGreaterThan(fuzzy('Custmer Code')?.confidence ?? 1);
  });
});

describe('header words that name Object.prototype members', () => {
  it('are plain words, never the prototype (a hostile header row must not break the reader)', () => {
    expect(canonicalWords('constructor __proto__ hasOwnProperty')).toEqual([
      'constructor',
      'has',
      'own',
      'property',
      'proto',
    ]);
    expect(canonicalWords('Customer constructor')).toEqual(['constructor', 'customer']);
  });
});
