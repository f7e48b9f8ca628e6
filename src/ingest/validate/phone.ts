/**
 * Indian phone numbers as people write them, to the form EnKash's pattern takes
 * (`^((\+|00)(\d{1,3})[\s-]?)?(\d{10})$`): the 10-digit national number.
 *
 * Reformatted (meaning kept): spaces, dashes, dots and brackets; a +91 / 0091 / 91 country prefix; the
 * trunk 0 of "0XXXXXXXXXX". A landline written with its STD code ("(022) 2345 6789", "080-23456789")
 * is 10 digits once the trunk 0 is dropped (STD code + subscriber number always make 10 in India), so it
 * passes as well; in a mobile column it carries a warning, since SMS and WhatsApp reminders cannot reach it.
 * A foreign number is kept as "+CC NNNNNNNNNN" when it has exactly 10 digits after a country code.
 * Several numbers in one cell ("98765 43210 / 91234 56780"): the first is used, with a warning naming it.
 * Anything else (letters, too few or too many digits) is reported, never guessed.
 */
import { accept, plural, reject, type Checked } from './check-result.js';

export type PhonePurpose = 'mobile' | 'phone';

const NOUN: Record<PhonePurpose, string> = { mobile: 'a mobile number', phone: 'a phone number' };

const PLAIN_MOBILE_RE = /^[6-9]\d{9}$/;
// Between numbers: / , ; | & a line break, or the words "or" / "and".
const SEPARATOR_RE = /[/,;|&\n]|\s(?:or|and)\s/i;
const SEPARATOR_G_RE = /[/,;|&\n]|\s(?:or|and)\s/gi;
// An optional + (possibly inside a bracket: "(+91) 98765 43210"), then digits and separators.
const ALLOWED_RE = /^\(?\s*\+?[\d\s().\u200B-\u200D\u2060-]+$/;
const PLUS_START_RE = /^\(?\s*\+/;
const LETTER_RE = /\p{L}/u;
const NON_DIGIT_G_RE = /\D+/g;
// The country code as written: the digits right after + or 00, up to the first separator.
const WRITTEN_CC_RE = /^\(?\s*(?:\+|00)\s*(\d+)/;

export function normalisePhone(text: string, purpose: PhonePurpose): Checked<string> {
  // The common case, a 10-digit mobile in a numeric or text cell, costs one regex test.
  if (PLAIN_MOBILE_RE.test(text)) return accept(text);
  const trimmed = text.trim();
  if (!SEPARATOR_RE.test(trimmed)) return single(trimmed, purpose, '');
  const parts = trimmed.split(SEPARATOR_G_RE).map((p) => p.trim());
  const numbers = parts.filter((p) => p !== '');
  const first = numbers[0] ?? '';
  const result = single(first, purpose, numbers.length > 1 ? 'the first number ' : '');
  if (!result.ok || numbers.length < 2) return result;
  const note = `holds ${numbers.length} numbers; the first (${result.value}) is used and the rest ignored`;
  return accept(result.value, result.warning ? `${note}; ${result.warning}` : note);
}

function single(part: string, purpose: PhonePurpose, which: string): Checked<string> {
  if (!ALLOWED_RE.test(part)) {
    return reject(
      LETTER_RE.test(part)
        ? `${which}contains letters; write only the number`
        : `${which}may hold only digits, spaces and + - . ( )`,
    );
  }
  const digits = part.replace(NON_DIGIT_G_RE, '');
  if (PLUS_START_RE.test(part)) return international(part, digits, purpose, which);
  if (digits.startsWith('00')) return international(part, digits.slice(2), purpose, which);
  let national = digits;
  if (digits.length === 12 && digits.startsWith('91')) national = digits.slice(2);
  else if (digits.length === 11 && digits.charCodeAt(0) === 48) national = digits.slice(1);
  if (national.length !== 10) {
    const hint = digits.length >= 20 ? ' (for several numbers, separate them with /)' : '';
    return reject(`${which}has ${plural(digits.length, 'digit')}; ${NOUN[purpose]} has 10${hint}`);
  }
  return indian(national, purpose, which);
}

function international(part: string, digits: string, purpose: PhonePurpose, which: string): Checked<string> {
  if (digits.startsWith('91')) {
    let national = digits.slice(2);
    // "+91 (0) 98765 43210": the trunk 0 some people keep after the country code.
    if (national.length === 11 && national.charCodeAt(0) === 48) national = national.slice(1);
    if (national.length !== 10) {
      return reject(`${which}has ${plural(national.length, 'digit')} after +91; ${NOUN[purpose]} has 10`);
    }
    return indian(national, purpose, which);
  }
  const ccLength = digits.length - 10;
  const written = WRITTEN_CC_RE.exec(part)?.[1] ?? '';
  const cc = digits.slice(0, ccLength);
  // The country code must be what the writer separated out, unless they wrote the digits in one run.
  if (ccLength < 1 || ccLength > 3 || (written !== digits && written !== cc)) {
    return reject(
      `${which}is a foreign number that EnKash cannot take: it needs a country code of 1 to 3 digits ` +
        `followed by exactly 10 digits`,
    );
  }
  return accept(`+${cc} ${digits.slice(ccLength)}`);
}

function indian(national: string, purpose: PhonePurpose, which: string): Checked<string> {
  const first = national.charCodeAt(0) - 48;
  if (first === 0) {
    return reject(`${which}has 9 digits after the leading 0; ${NOUN[purpose]} has 10`);
  }
  if (purpose === 'mobile' && first < 6) {
    return accept(
      national,
      `${which}looks like a landline (a mobile number starts with 6, 7, 8 or 9); SMS and WhatsApp ` +
        `reminders will not reach it`,
    );
  }
  return accept(national);
}
