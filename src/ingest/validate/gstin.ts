/**
 * GSTIN and PAN: structure, state code, holder type and the GSTIN check character, which EnKash does not
 * verify (its pattern only looks at the shape), and EnKash's own narrower pattern, reported precisely.
 *
 * GSTIN (15): 2-digit state code · the holder's PAN (10) · registration number within the state (1–9,
 * A–Z) · a letter, Z for ordinary registrations · check character (mod-36, below).
 * PAN (10): 5 letters (the 4th is the holder type) · 4 digits · a letter.
 *
 * Both are upper-cased and spaces inside dropped: that is formatting. Nothing else is changed.
 */
import { accept, plural, reject, type Checked } from './check-result.js';
import { ENKASH_MAX_STATE_CODE, GST_STATES } from './gst-states.js';
import { removeSpaces } from './normalise.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** PAN holder types (4th character): the Income Tax department's list, which is also EnKash's. */
export const PAN_HOLDER_TYPES: Readonly<Record<string, string>> = {
  P: 'individual',
  C: 'company',
  H: 'Hindu undivided family',
  F: 'firm',
  A: 'association of persons',
  T: 'trust',
  B: 'body of individuals',
  L: 'local authority',
  J: 'artificial juridical person',
  G: 'government',
  K: 'krish (trust)',
  E: 'limited liability partnership',
};
const HOLDER_LIST = 'P, C, H, F, A, T, B, L, J, G, K or E';

const PAN_RE = /^[A-Z]{5}\d{4}[A-Z]$/;
const GSTIN_RE = /^\d{2}[A-Z0-9]{13}$/;
const ENTITY_RE = /^[1-9A-Z]$/;
// A UIN (UN bodies, embassies) also has 15 characters: state, year, 3 letters, 5 digits, 3 characters.
const UIN_RE = /^\d{4}[A-Z]{3}\d{5}[A-Z0-9]{3}$/;

/**
 * The GSTIN check character: characters 0–9A–Z are valued 0..35; from the left, the first 14 are
 * weighted 1, 2, 1, 2, …; each product contributes quotient + remainder of its division by 36; the check
 * value is (36 − sum mod 36) mod 36. Returns '' when a character is outside 0–9A–Z.
 */
export function gstinCheckChar(first14: string): string {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const value = charValue(first14.charCodeAt(i));
    if (value < 0) return '';
    const product = value * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return ALPHABET.charAt((36 - (sum % 36)) % 36);
}

/** 0–9 → 0..9, A–Z → 10..35, anything else −1. */
function charValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return -1;
}

export function checkPan(cleaned: string): Checked<string> {
  const pan = removeSpaces(cleaned).toUpperCase();
  if (pan.length !== 10) return reject(`has ${plural(pan.length, 'character')}; a PAN has 10`);
  if (!PAN_RE.test(pan)) return reject('must be 5 letters, 4 digits, then a letter (e.g. AAPFU0939F)');
  const holder = pan.charAt(3);
  if (PAN_HOLDER_TYPES[holder] === undefined) {
    return reject(`has ${holder} as 4th character, which is not a PAN holder type (${HOLDER_LIST})`);
  }
  return accept(pan);
}

export function checkGstin(cleaned: string): Checked<string> {
  const gstin = removeSpaces(cleaned).toUpperCase();
  const problem = gstinProblem(gstin) ?? enkashGstinProblem(gstin);
  return problem === undefined ? accept(gstin) : reject(problem);
}

/** A column that may hold either (Tally's "GSTIN/UIN" sometimes holds a PAN): told apart by length. */
export function checkPanOrGstin(cleaned: string): Checked<string> {
  const id = removeSpaces(cleaned);
  if (id.length === 15) return checkGstin(id);
  if (id.length === 10) return checkPan(id);
  return reject(`has ${plural(id.length, 'character')}; a GSTIN has 15 and a PAN has 10`);
}

/** What makes a string not a GSTIN at all, by the official rules; undefined when it is one. */
function gstinProblem(gstin: string): string | undefined {
  if (gstin.length !== 15) return `has ${plural(gstin.length, 'character')}; a GSTIN has 15`;
  if (UIN_RE.test(gstin)) {
    return 'looks like a UIN (UN bodies, embassies), not a GSTIN; EnKash takes only a GSTIN or a PAN here';
  }
  if (!GSTIN_RE.test(gstin)) return 'must be 2 digits (the state code) then 13 letters or digits';
  const state = gstin.slice(0, 2);
  if (GST_STATES[state] === undefined) {
    return `starts with ${state}, which is not a GST state code (01 to 38, 97 or 99)`;
  }
  const pan = gstin.slice(2, 12);
  if (!PAN_RE.test(pan)) {
    return `characters 3 to 12 must be the holder's PAN: 5 letters, 4 digits, a letter (here ${pan})`;
  }
  const holder = pan.charAt(3);
  if (PAN_HOLDER_TYPES[holder] === undefined) {
    return `has ${holder} as 6th character (the PAN holder type), which must be one of ${HOLDER_LIST}`;
  }
  if (!ENTITY_RE.test(gstin.charAt(12))) {
    return '13th character must be 1 to 9 or A to Z (the registration number within the state)';
  }
  if (gstinCheckChar(gstin) !== gstin.charAt(14)) {
    return 'fails the GSTIN check (the last character is computed from the other 14): a character is mistyped';
  }
  return undefined;
}

/** A valid GSTIN EnKash's pattern still refuses (enkash-api.md, panOrGstin): say so, do not send it. */
function enkashGstinProblem(gstin: string): string | undefined {
  const state = gstin.slice(0, 2);
  const refusals: string[] = [];
  if (Number(state) > ENKASH_MAX_STATE_CODE) {
    refusals.push(`state code ${state} (${GST_STATES[state] ?? ''}); EnKash accepts only 01 to 37`);
  }
  if (gstin.charAt(5) === 'E') refusals.push('PAN holder type E in a GSTIN');
  if (gstin.charAt(13) !== 'Z') refusals.push(`${gstin.charAt(13)} as 14th character; EnKash requires Z`);
  if (refusals.length === 0) return undefined;
  return `is a valid GSTIN that EnKash's panOrGstin pattern refuses: ${refusals.join('; ')}`;
}

/** The PAN inside a GSTIN (characters 3 to 12). */
export function panOfGstin(gstin: string): string {
  return gstin.slice(2, 12);
}
