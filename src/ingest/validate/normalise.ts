/**
 * Normalisation: reformatting that never changes what a value means (spaces, letter case, separators).
 * What cannot be reformatted with confidence is reported, never guessed. Phone numbers live in
 * phone.ts, e-mail in email.ts, GSTIN/PAN in gstin.ts.
 */
import type { DesiredStatus } from '../../domain/types.js';
import { accept, plural, reject, type Checked } from './check-result.js';

// `\s` covers NBSP (U+00A0), U+2007, U+202F and the BOM. Invisible characters that are not part of any
// spelling (zero-width space, word joiner, a stray BOM) are dropped, not turned into spaces, so
// "AB\u200BC" stays one word. The zero-width non-joiner and joiner (U+200C, U+200D) are NOT among them:
// in Devanagari, Kannada, Malayalam, Bengali and Tamil they choose between a conjunct and a half form, so
// they are part of how a name is spelt and reach EnKash as written.
const ZERO_WIDTH_RE = /[\u200B\u2060\uFEFF]/g;
const WHITESPACE_RUN_RE = /\s+/g;
// Codes (PIN, IFSC, account numbers) are ASCII: there an invisible joiner is never part of the spelling.
const ANY_WHITESPACE_RE = /[\s\u200B-\u200D\u2060]+/g;

/**
 * Trims, collapses every run of whitespace (tabs, line breaks, NBSP) inside into one space, and composes
 * the text (NFC): the same letters, one canonical encoding, so a name typed on a Mac (decomposed) and on
 * Windows compares equal. NFC never changes letters, drops joiners or combining marks; NFKC would
 * (it folds ligatures and full-width forms), which is why it is never applied to values.
 */
export function cleanText(s: string): string {
  const t = s.trim();
  if (!needsCleaning(t)) return t;
  return t.replace(ZERO_WIDTH_RE, '').replace(WHITESPACE_RUN_RE, ' ').trim().normalize('NFC');
}

/**
 * Whether a trimmed string holds anything cleanText changes: two spaces in a row, any whitespace or
 * dropped invisible character other than the plain space, or any non-ASCII character (which NFC may
 * compose). A loop: this runs on every cell of every row, and most cells are plain ASCII the loop clears
 * without allocating.
 */
function needsCleaning(t: string): boolean {
  let previousSpace = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 32) {
      if (previousSpace) return true;
      previousSpace = true;
      continue;
    }
    previousSpace = false;
    if (c < 32 || c > 126) return true;
  }
  return false;
}

const HAS_WHITESPACE_RE = /[\s\u200B-\u200D\u2060]/;

/** Removes every space (for codes people write in groups: "560 001", "HDFC 0001234"). */
export function removeSpaces(s: string): string {
  return HAS_WHITESPACE_RE.test(s) ? s.replace(ANY_WHITESPACE_RE, '') : s;
}

/**
 * What people type for "nothing", compared case-insensitively on the cleaned text. Such a cell counts
 * as empty. Dashes of every width are here because Excel's autocorrect turns "-" into "–".
 */
export const PLACEHOLDERS: ReadonlySet<string> = new Set([
  'na',
  'n/a',
  'n.a.',
  'n.a',
  '-',
  '--',
  '---',
  '–',
  '—',
  'nil',
  'nill',
  'none',
  'null',
  'not applicable',
  'not available',
]);
const LONGEST_PLACEHOLDER = 14;

/** First characters of every placeholder: n, N, and the dashes. Most cells fail this without a lookup. */
const PLACEHOLDER_FIRST: ReadonlySet<number> = new Set([0x6e, 0x4e, 0x2d, 0x2013, 0x2014]);

export function isPlaceholder(cleaned: string): boolean {
  return (
    cleaned.length <= LONGEST_PLACEHOLDER &&
    PLACEHOLDER_FIRST.has(cleaned.charCodeAt(0)) &&
    PLACEHOLDERS.has(cleaned.toLowerCase())
  );
}

// ---------------------------------------------------------------------------------------------------
// Yes/no and status
// ---------------------------------------------------------------------------------------------------

const YES_NO: ReadonlyMap<string, boolean> = new Map([
  ['yes', true],
  ['y', true],
  ['true', true],
  ['1', true],
  ['no', false],
  ['n', false],
  ['false', false],
  ['0', false],
  // SAP Business One's DTW writes booleans as tYES / tNO.
  ['tyes', true],
  ['tno', false],
]);

export function normaliseYesNo(value: string | boolean): Checked<boolean> {
  if (typeof value === 'boolean') return accept(value);
  const flag = YES_NO.get(value.toLowerCase());
  return flag === undefined ? reject('must be Yes or No (or Y/N, True/False, 1/0)') : accept(flag);
}

/**
 * Lower-cased word → status. Built once per column map. A boolean cell is looked up as "true"/"false",
 * so an inverted column (below) turns booleans round too.
 */
export type StatusWords = ReadonlyMap<string, DesiredStatus>;

const ACTIVE_WORDS = ['active', 'enabled'];
const INACTIVE_WORDS = ['inactive', 'disabled'];
const YES_WORDS = ['yes', 'y', 'true', '1', 'tyes'];
const NO_WORDS = ['no', 'n', 'false', '0', 'tno'];

/**
 * `inverted`: the column names the inactive state ("Frozen", "Blocked"), so yes-like values mean
 * INACTIVE. Words that name a state ("Active", a preset's `statusWords`) keep their meaning.
 */
export function buildStatusWords(
  extra?: { active: readonly string[]; inactive: readonly string[] },
  inverted = false,
): StatusWords {
  const words = new Map<string, DesiredStatus>();
  const yes: DesiredStatus = inverted ? 'INACTIVE' : 'ACTIVE';
  const no: DesiredStatus = inverted ? 'ACTIVE' : 'INACTIVE';
  for (const w of YES_WORDS) words.set(w, yes);
  for (const w of NO_WORDS) words.set(w, no);
  for (const w of ACTIVE_WORDS) words.set(w, 'ACTIVE');
  for (const w of INACTIVE_WORDS) words.set(w, 'INACTIVE');
  // A preset's words come last: it knows its ERP's vocabulary better than our defaults do.
  for (const w of extra?.active ?? []) words.set(cleanText(w).toLowerCase(), 'ACTIVE');
  for (const w of extra?.inactive ?? []) words.set(cleanText(w).toLowerCase(), 'INACTIVE');
  return words;
}

export const DEFAULT_STATUS_WORDS: StatusWords = buildStatusWords();

export function normaliseStatus(value: string | boolean, words: StatusWords): Checked<DesiredStatus> {
  const key = typeof value === 'boolean' ? (value ? 'true' : 'false') : value.toLowerCase();
  const status = words.get(key);
  return status === undefined ? reject('is not a status: write Active or Inactive') : accept(status);
}

// ---------------------------------------------------------------------------------------------------
// Codes: PIN, IFSC, bank account
// ---------------------------------------------------------------------------------------------------

const DIGITS_RE = /^\d+$/;

/** Indian PIN codes: 6 digits, the first (the postal zone) 1–9. Spaces inside are dropped. */
export function normalisePinCode(cleaned: string): Checked<string> {
  const pin = removeSpaces(cleaned);
  if (!DIGITS_RE.test(pin)) return reject('must be 6 digits (e.g. 560001)');
  if (pin.length !== 6) return reject(`has ${plural(pin.length, 'digit')}; a PIN code has 6`);
  if (pin.charCodeAt(0) === 48) return reject('starts with 0; an Indian PIN code starts with 1 to 9');
  return accept(pin);
}

const IFSC_RE = /^[A-Z]{4}0[A-Z0-9]{6}$/;
const IFSC_LETTER_O_RE = /^[A-Z]{4}O[A-Z0-9]{6}$/;

/** IFSC: upper-cased, spaces dropped; 4 letters (the bank), the digit 0, 6 letters or digits (branch). */
export function normaliseIfsc(cleaned: string): Checked<string> {
  const ifsc = removeSpaces(cleaned).toUpperCase();
  if (IFSC_RE.test(ifsc)) return accept(ifsc);
  if (IFSC_LETTER_O_RE.test(ifsc)) {
    return reject('has the letter O as 5th character; an IFSC has the digit 0 there (e.g. HDFC0001234)');
  }
  return reject('must be 4 letters, 0, then 6 letters or digits (e.g. HDFC0001234)');
}

const ALNUM_RE = /^[A-Za-z0-9]+$/;

/**
 * Bank account numbers: spaces between digit groups dropped, nothing else touched (letter case kept:
 * some banks' numbers hold letters). EnKash takes 9 to 36 letters or digits.
 */
export function normaliseAccountNumber(cleaned: string): Checked<string> {
  const account = removeSpaces(cleaned);
  if (!ALNUM_RE.test(account)) return reject('must be 9 to 36 letters or digits, with no other characters');
  if (account.length < 9 || account.length > 36) {
    return reject(`has ${plural(account.length, 'character')}; an account number has 9 to 36`);
  }
  return accept(account);
}

export const ACCOUNT_FROM_NUMBER =
  'was stored as a number in the file: if the account number began with 0, Excel dropped it; check it ' +
  'against the bank record';
