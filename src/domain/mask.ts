/** Masks personal data for logs and operator-facing messages; reports to the data owner keep values. */

export function maskEmail(value: string): string {
  const at = value.indexOf('@');
  if (at < 1) return '***';
  return `${value[0]}***@***${value.slice(value.lastIndexOf('.'))}`;
}

/** PAN, GSTIN, bank account: keep the last 4 characters. */
export function maskId(value: string): string {
  if (value.length <= 4) return '****';
  return `${'*'.repeat(Math.min(value.length - 4, 8))}${value.slice(-4)}`;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const GSTIN_OR_PAN =
  /\b(?:\d{2}[A-Za-z]{5}\d{4}[A-Za-z][A-Za-z0-9][Zz][A-Za-z0-9]|[A-Za-z]{5}\d{4}[A-Za-z])\b/g;
// Not inside a hyphenated token: `imp-20261206-014523-k3j9x2` is an import id, not a phone number.
const LONG_DIGITS = /(?<![\w-])\+?\d[\d -]{7,}\d\b/g;

/** Masks anything in free text that looks like an e-mail, PAN/GSTIN, phone or account number. */
export function maskText(text: string): string {
  return text
    .replace(EMAIL, (m) => maskEmail(m))
    .replace(GSTIN_OR_PAN, (m) => maskId(m))
    .replace(LONG_DIGITS, (m) => maskId(m.replace(/[ -]/g, '')));
}
