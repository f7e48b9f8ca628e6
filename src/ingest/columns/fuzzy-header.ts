/**
 * Fuzzy header matching: for headers no synonym list holds. It runs only after every exact tier has
 * found nothing, and what it finds is marked `fuzzy` in the reading plan: a key field found this way holds
 * the import for review (src/ingest/plan/doubt-rules.ts), so a guess is never written unseen.
 *
 * Rules, in order (the first that finds one target wins):
 *   F1 words: both headers reduced to a set of canonical words — abbreviations expanded (Cust → customer,
 *      Ref → reference, No/#/Num → number, Cd → code, A/c/Acct → account, Ph/Tel → phone, Mob → mobile,
 *      Addr → address, Nm → name), camelCase and punctuation split, filler words (of, the, our, full) dropped,
 *      word order ignored — and compared as sets: "Code Cust." = "Customer Code", "Name of the Party"
 *      = "Party Name".
 *   F2 party words: as F1 after dropping the word naming whose record it is (customer, party, client,
 *      debtor, buyer, ledger) from both sides, when the header had one: "Debtor ID" = "Customer ID",
 *      "Party Alias" = "Alias", "Client Ref No" = "Ref No". A header that is only "No." never gets here.
 *   F3 spelling: the F1 words joined (then without party words), within a small edit distance
 *      (Levenshtein, by fastest-levenshtein) of exactly one target's synonyms: "Custmer Code", "GSTN No",
 *      "Buyer Pincod". Never across digits ("Phone 2" is not a slip of "Phone 1").
 * A rule that finds several targets finds nothing: an ambiguous guess is no guess.
 */
import { distance } from 'fastest-levenshtein';
import type { SynonymTable, Target } from './targets.js';

export const FUZZY_RULES = ['words', 'party-words', 'spelling'] as const;
export type FuzzyRule = (typeof FUZZY_RULES)[number];

export type FuzzyMatch = { target: Target; rule: FuzzyRule; confidence: number };

/** Word → its canonical word(s). Keys are lower case, as headerWords yields them. */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  cust: 'customer',
  custmr: 'customer',
  cstmr: 'customer',
  ref: 'reference',
  refno: 'reference number',
  no: 'number',
  num: 'number',
  nbr: 'number',
  nos: 'number',
  cd: 'code',
  ac: 'account',
  acc: 'account',
  acct: 'account',
  accnt: 'account',
  acnt: 'account',
  ph: 'phone',
  phn: 'phone',
  tel: 'phone',
  tele: 'phone',
  telephone: 'phone',
  mob: 'mobile',
  mobl: 'mobile',
  addr: 'address',
  adrs: 'address',
  addrs: 'address',
  nm: 'name',
  identifier: 'id',
  regn: 'registration',
  reg: 'registration',
  regd: 'registered',
  mail: 'email',
  emailid: 'email id',
  gstno: 'gst number',
  panno: 'pan number',
};

const FILLER = new Set(['of', 'the', 'our', 'your', 'its', 'full']);

/** Words naming whose record a column belongs to; they add nothing to what the column holds. */
const PARTY_WORDS = new Set(['customer', 'party', 'client', 'debtor', 'buyer', 'ledger']);

/** Canonical words of a header: see the rules above. */
export function canonicalWords(header: string): string[] {
  const spaced = header
    .normalize('NFKC')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/#/g, ' number ')
    .replace(/\ba\s*\/\s*c\b/gi, ' account ')
    .replace(/\be[\s-]?mail\b/gi, ' email ')
    .toLowerCase()
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2');
  const words = joinInitials(spaced.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== ''));
  const out = new Set<string>();
  for (const word of words) {
    // Own keys only: a header word like `constructor` or `__proto__` must not reach Object.prototype.
    const canonical = Object.hasOwn(ABBREVIATIONS, word) ? ABBREVIATIONS[word]! : word;
    for (const w of canonical.split(' ')) if (!FILLER.has(w)) out.add(w);
  }
  return [...out].sort();
}

/** "G.S.T.I.N." arrives as g, s, t, i, n: letters written one by one are one word. */
function joinInitials(words: readonly string[]): string[] {
  const out: string[] = [];
  let run = '';
  for (const w of words) {
    if (w.length === 1 && /\p{L}/u.test(w)) {
      run += w;
      continue;
    }
    if (run !== '') out.push(run);
    run = '';
    out.push(w);
  }
  if (run !== '') out.push(run);
  return out;
}

type Index = { words: Map<string, Set<Target>>; partyWords: Map<string, Set<Target>> };

const add = (map: Map<string, Set<Target>>, key: string, target: Target) => {
  if (key === '') return;
  const set = map.get(key) ?? new Set<Target>();
  set.add(target);
  map.set(key, set);
};

const withoutParty = (words: readonly string[]) => words.filter((w) => !PARTY_WORDS.has(w));

const indexes = new WeakMap<SynonymTable, Index>();

function indexOf(table: SynonymTable): Index {
  let index = indexes.get(table);
  if (index) return index;
  index = { words: new Map(), partyWords: new Map() };
  for (const [target, names] of Object.entries(table) as [Target, readonly string[]][]) {
    for (const name of names) {
      const words = canonicalWords(name);
      add(index.words, words.join(' '), target);
      add(index.partyWords, withoutParty(words).join(' '), target);
    }
  }
  indexes.set(table, index);
  return index;
}

const CONFIDENCE: Readonly<Record<FuzzyRule, number>> = { words: 0.85, 'party-words': 0.75, spelling: 0.65 };

/** The one target a header fuzzily names, or undefined (no rule found exactly one). */
export function matchFuzzy(header: string, table: SynonymTable): FuzzyMatch | undefined {
  const index = indexOf(table);
  const words = canonicalWords(header);
  if (words.length === 0) return undefined;
  const key = words.join(' ');
  const byWords = only(index.words.get(key));
  if (byWords) return { target: byWords, rule: 'words', confidence: CONFIDENCE.words };
  const rest = withoutParty(words);
  if (rest.length > 0 && rest.length < words.length) {
    const byParty = only(index.partyWords.get(rest.join(' ')));
    if (byParty) return { target: byParty, rule: 'party-words', confidence: CONFIDENCE['party-words'] };
  }
  return (
    bySpelling(key, index) ??
    (rest.length > 0 && rest.length < words.length ? bySpelling(rest.join(' '), index) : undefined)
  );
}

function only(targets: ReadonlySet<Target> | undefined): Target | undefined {
  return targets && targets.size === 1 ? [...targets][0] : undefined;
}

/** Short keys are left alone: "pan" is one edit from "pin" and "tan". */
const MIN_SPELLING_CHARS = 6;

function bySpelling(key: string, index: Index): FuzzyMatch | undefined {
  const compact = key.replace(/ /g, '');
  // "Phone 2" is one edit from "Phone 1": numbers are never a spelling slip.
  if (compact.length < MIN_SPELLING_CHARS || /\d/.test(compact)) return undefined;
  const allowed = compact.length >= 12 ? 2 : 1;
  let best = Infinity;
  let found = new Set<Target>();
  for (const [candidate, targets] of index.words) {
    const other = candidate.replace(/ /g, '');
    if (Math.abs(other.length - compact.length) > allowed || /\d/.test(other)) continue;
    const d = distance(compact, other);
    if (d > allowed || d > best) continue;
    if (d < best) found = new Set();
    best = d;
    targets.forEach((t) => found.add(t));
  }
  const target = only(found);
  return target ? { target, rule: 'spelling', confidence: CONFIDENCE.spelling } : undefined;
}
