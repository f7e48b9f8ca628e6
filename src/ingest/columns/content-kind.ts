/**
 * What a column holds, judged by its values: GSTINs, PANs, mobiles, e-mails, PIN codes, or unique codes.
 * Pure and cheap: it sees a sample of the first rows, never the whole file. A kind needs at least
 * {@link MIN_VALUES} filled cells and {@link MIN_SHARE} of them to fit; a code column needs every value
 * distinct and code-like, and is never a serial number (1, 2, 3 …), an amount or a date.
 */
import type { RawValue } from '../raw-row.js';

export const CONTENT_KINDS = ['gstin', 'pan', 'mobile', 'email', 'pin', 'code'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

export type ContentGuess = { kind: ContentKind; share: number };

export const MIN_VALUES = 3;
export const MIN_SHARE = 0.9;

const GSTIN_RE = /^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;
const PAN_RE = /^[A-Z]{5}\d{4}[A-Z]$/;
const MOBILE_RE = /^(?:\+?91|0091|0)?[6-9]\d{9}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PIN_RE = /^[1-9]\d{5}$/;
/** Letters, digits and the separators codes use; at least one digit; 2 to 30 characters. */
const CODE_RE = /^(?=.*\d)[A-Za-z0-9][A-Za-z0-9\-/_.]{1,29}$/;
const AMOUNT_RE = /^-?\d+\.\d+$/;

const TESTS: readonly [Exclude<ContentKind, 'code'>, (v: string) => boolean][] = [
  ['gstin', (v) => GSTIN_RE.test(v.toUpperCase())],
  ['pan', (v) => PAN_RE.test(v.toUpperCase())],
  ['email', (v) => EMAIL_RE.test(v)],
  ['mobile', (v) => MOBILE_RE.test(v.replace(/[\s\-()]/g, ''))],
  ['pin', (v) => PIN_RE.test(v.replace(/\s/g, ''))],
];

/** A cell as sample text: '' for empty cells, dates and error cells (they are never identifiers). */
export function sampleText(value: RawValue | undefined): string {
  if (value === null || value === undefined || value instanceof Date) return '';
  if (typeof value === 'object') return '';
  return String(value).trim();
}

/** Headers of columns that hold money or quantities, never identifiers, whatever their values look like. */
const AMOUNT_HEADER_RE =
  /balance|amount|amt|outstanding|total|qty|quantity|rate|value|limit|credit|debit|days|price|bal\b|dues?\b/i;

export function guessContent(values: readonly RawValue[], header = ''): ContentGuess | undefined {
  const texts = values.map(sampleText).filter((t) => t !== '');
  if (texts.length < MIN_VALUES) return undefined;
  for (const [kind, test] of TESTS) {
    const share = texts.filter(test).length / texts.length;
    if (share >= MIN_SHARE) return { kind, share };
  }
  return !AMOUNT_HEADER_RE.test(header) && looksLikeCodes(texts) ? { kind: 'code', share: 1 } : undefined;
}

/** Every value distinct and code-like, and not a serial number, an amount or a date. */
export function looksLikeCodes(texts: readonly string[]): boolean {
  if (texts.length < MIN_VALUES) return false;
  if (new Set(texts.map((t) => t.toUpperCase())).size !== texts.length) return false;
  if (!texts.every((t) => CODE_RE.test(t) && !AMOUNT_RE.test(t))) return false;
  // Digits alone are a code only when written to one width ("00042", "10042"); else they are counts.
  const digitsOnly = texts.every((t) => /^\d+$/.test(t));
  if (digitsOnly && new Set(texts.map((t) => t.length)).size !== 1) return false;
  return !isSerial(texts);
}

/** 1, 2, 3 … (or any run of whole numbers each one more than the last): a row counter, not a code. */
function isSerial(texts: readonly string[]): boolean {
  if (!texts.every((t) => /^\d{1,7}$/.test(t))) return false;
  return texts.every((t, i) => i === 0 || Number(t) === Number(texts[i - 1]) + 1);
}
