import type { RawRow, RawValue } from '../raw-row.js';

/** A cell as header text: trimmed, with Excel's non-breaking spaces made plain. */
export function cellText(value: RawValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\u00a0/g, ' ').trim();
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') return value.error;
  return String(value);
}

/**
 * The key two headers are compared by: letters and digits only, lower case, in any script.
 * "GSTIN/UIN" = "gstin uin", "PAN/IT No." = "pan it no", "Bank A/c No." = "bank ac no", "E-mail" = "Email".
 * NFKC folds full-width and compatibility characters that some exports use.
 */
export function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Words of a header, with digits split from letters: "Contact2 E-mail" → ["contact", "2", "e", "mail"]. */
export function headerWords(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/** Every cell of a row as header text, index = column index. */
export function rowTexts(row: RawRow): string[] {
  return Array.from(row.values, (v) => cellText(v));
}

export { columnLetter } from '../read/column-letter.js';

/** The 0-based index of an Excel column letter ("A" → 0, "AA" → 26), or undefined if it is not one. */
export function columnIndex(letters: string): number | undefined {
  const upper = letters.trim().toUpperCase();
  if (!/^[A-Z]{1,3}$/.test(upper)) return undefined;
  let n = 0;
  for (const ch of upper) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}
