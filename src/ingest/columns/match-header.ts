/**
 * Header → targets. A header is looked up in tiers, and the first tier that finds anything wins, so an
 * exact name always beats a guess:
 *   1. the whole header ("GSTIN/UIN");
 *   2. without a parenthesised note or a trailing marker ("Mobile (10 digits)", "Name*");
 *   3. the part after a section prefix ("Bank Account Details - A/c No.", "Mailing Details: State"),
 *      as Tally's Excel templates write them;
 *   4. a numbered contact ("Contact Person 2", "Mobile 2", "Contact 2 Email", "2nd Contact Name").
 */
import { headerKey, headerWords } from './normalise-header.js';
import type { FuzzyMatch } from './fuzzy-header.js';
import { contactPartOf, type SynonymTable, type Target } from './targets.js';

export type Candidate = {
  target: Target;
  /** Lower is preferred: the synonym's position in its list, plus a penalty per tier. */
  rank: number;
  /** 0-based key contact for contact targets; 0 otherwise. */
  contact: number;
  /** Set when the header matched only by a fuzzy rule. */
  fuzzy?: FuzzyMatch;
};

type IndexEntry = { target: Target; rank: number };
export type MatchIndex = ReadonlyMap<string, readonly IndexEntry[]>;

export const TIER_PENALTY = 1000;

export function buildIndex(table: SynonymTable): MatchIndex {
  const index = new Map<string, IndexEntry[]>();
  for (const [target, names] of Object.entries(table) as [Target, readonly string[]][]) {
    names.forEach((name, rank) => {
      const key = headerKey(name);
      const entries = index.get(key) ?? [];
      // A name listed twice for one target keeps its better rank.
      if (!entries.some((e) => e.target === target)) entries.push({ target, rank });
      index.set(key, entries);
    });
  }
  return index;
}

const ORDINALS: Readonly<Record<string, number>> = {
  first: 1,
  primary: 1,
  second: 2,
  secondary: 2,
  alternate: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
};
const ORDINAL_SUFFIXES = new Set(['st', 'nd', 'rd', 'th']);
const MAX_CONTACTS = 9;

/** `occurrence`: how many earlier headers in the row had the same key (a repeated "Mobile" is contact 2). */
export function matchHeader(text: string, index: MatchIndex, occurrence = 0): Candidate[] {
  const tiers = [text, withoutNotes(text), afterSectionPrefix(text)];
  for (let tier = 0; tier < tiers.length; tier++) {
    const variant = tiers[tier];
    if (variant === undefined || variant === '') continue;
    const entries = index.get(headerKey(variant));
    if (entries && entries.length > 0) {
      return entries.map((e) => ({
        target: e.target,
        rank: e.rank + tier * TIER_PENALTY,
        contact: contactPartOf(e.target) ? occurrence : 0,
      }));
    }
  }
  return numberedContact(text, index);
}

function withoutNotes(text: string): string | undefined {
  const stripped = text
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/[*#]+\s*$/, '')
    .trim();
  return stripped === text.trim() ? undefined : stripped;
}

function afterSectionPrefix(text: string): string | undefined {
  const match = /^.+?(?:\s[-–]\s|:)\s*(.+)$/.exec(text);
  return match?.[1]?.includes(' - ') ? afterSectionPrefix(match[1]) : match?.[1];
}

function numberedContact(text: string, index: MatchIndex): Candidate[] {
  const found = contactNumberIn(headerWords(text));
  if (!found || found.number < 1 || found.number > MAX_CONTACTS || found.rest.length === 0) return [];
  const entries = lookupContactPart(found.rest, index);
  return entries.map((e) => ({
    target: e.target,
    rank: e.rank + 3 * TIER_PENALTY,
    contact: found.number - 1,
  }));
}

/** The contact number in a header's words, and the words left: digits first, then ordinal words. */
function contactNumberIn(words: string[]): { number: number; rest: string[] } | undefined {
  const digitAt = words.findIndex((w) => /^\d+$/.test(w));
  // "First Name" is a name part, not contact 1.
  const ordinalAt = words.findIndex((w, i) => ORDINALS[w] !== undefined && words[i + 1] !== 'name');
  const at = digitAt >= 0 ? digitAt : ordinalAt;
  const word = words[at];
  if (word === undefined) return undefined;
  const number = digitAt >= 0 ? Number(word) : Object.hasOwn(ORDINALS, word) ? (ORDINALS[word] ?? 0) : 0;
  // "2nd" arrives as "2", "nd".
  const skip = ORDINAL_SUFFIXES.has(words[at + 1] ?? '') ? 2 : 1;
  return { number, rest: [...words.slice(0, at), ...words.slice(at + skip)] };
}

/** "contact 2 email" → "contact email" or "email"; "contact person 2" → "contact person". */
function lookupContactPart(words: string[], index: MatchIndex): IndexEntry[] {
  const keys = [words.join(''), words[0] === 'contact' ? words.slice(1).join('') : undefined];
  for (const key of keys) {
    if (!key) continue;
    const entries = (index.get(key) ?? []).filter((e) => contactPartOf(e.target) !== undefined);
    if (entries.length > 0) return entries;
  }
  return [];
}
