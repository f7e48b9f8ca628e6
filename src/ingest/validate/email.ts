/**
 * E-mail addresses: trimmed, a `mailto:` prefix dropped (what a copied hyperlink leaves), the domain
 * lower-cased (domains are case-insensitive; the part before @ is left exactly as written). Several
 * addresses in one cell ("a@x.com; b@x.com"): the first is used, with a warning naming it. The address
 * must match EnKash's pattern (the seeds' RFC 5322 expression, on the whole value) and pass sanity checks
 * EnKash does not make: a domain ending such as ".com", and the RFC length limits. Well-known misspelt
 * domains ("gmial.com") only warn: the address may be real, and we never rewrite it.
 */
import { PATTERNS } from '../../contract/enkash-api.js';
import { accept, reject, type Checked } from './check-result.js';

const SEPARATOR_RE = /[;,\s]/;
const SEPARATOR_RUN_RE = /[;,\s]+/;
const MAILTO_RE = /^mailto:/i;
const DOMAIN_ENDING_RE = /\.[a-z]{2,63}$/;

const LOCAL_MAX = 64;
const ADDRESS_MAX = 254;

/** Misspellings seen in Indian customer masters; a warning names the likely domain, nothing changes. */
const DOMAIN_TYPOS: ReadonlyMap<string, string> = new Map([
  ['gmail.con', 'gmail.com'],
  ['gmail.co', 'gmail.com'],
  ['gmail.cm', 'gmail.com'],
  ['gmial.com', 'gmail.com'],
  ['gamil.com', 'gmail.com'],
  ['gmai.com', 'gmail.com'],
  ['gmaill.com', 'gmail.com'],
  ['yahoo.con', 'yahoo.com'],
  ['yaho.com', 'yahoo.com'],
  ['yahoo.co', 'yahoo.co.in'],
  ['hotmial.com', 'hotmail.com'],
  ['hotmail.con', 'hotmail.com'],
  ['rediffmail.con', 'rediffmail.com'],
  ['redifmail.com', 'rediffmail.com'],
  ['outlook.con', 'outlook.com'],
]);

export function normaliseEmail(cleaned: string): Checked<string> {
  if (!SEPARATOR_RE.test(cleaned)) return single(cleaned);
  const parts = cleaned.split(SEPARATOR_RUN_RE).filter((p) => p !== '');
  const result = single(parts[0] ?? '');
  if (!result.ok || parts.length < 2) return result;
  const note = `holds ${parts.length} e-mail addresses; the first (${result.value}) is used and the rest ignored`;
  return accept(result.value, result.warning ? `${note}; ${result.warning}` : note);
}

function single(written: string): Checked<string> {
  const address = MAILTO_RE.test(written) ? written.slice(7) : written;
  const at = address.lastIndexOf('@');
  if (at < 0) return reject('is not an e-mail address: it has no @');
  if (at === 0) return reject('is not an e-mail address: nothing before the @');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  const email = `${local}@${domain}`;
  if (local.length > LOCAL_MAX || email.length > ADDRESS_MAX) {
    return reject(
      `is too long for an e-mail address (at most ${LOCAL_MAX} characters before the @, ${ADDRESS_MAX} in all)`,
    );
  }
  if (!DOMAIN_ENDING_RE.test(domain)) {
    return reject(`has no valid domain ending after the @ (such as .com or .in)`);
  }
  if (!PATTERNS.email.test(email)) return reject('is not a valid e-mail address (e.g. accounts@example.com)');
  const likely = DOMAIN_TYPOS.get(domain);
  return likely === undefined
    ? accept(email)
    : accept(email, `domain ${domain} may be a misspelling of ${likely}`);
}
