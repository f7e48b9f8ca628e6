/**
 * Candidates → a choice of columns. For each target the best-ranked column wins, a tie going to the
 * leftmost (so of two "GSTIN" columns the first is used). Address takes every street column left to
 * right, then every city column. Contacts are grouped by number, each part chosen like a field.
 */
import {
  CONTACT_PARTS,
  type ColumnMap,
  type ColumnRef,
  type ContactColumns,
  type CustomerField,
} from '../column-map.js';
import { CUSTOMER_FIELDS } from '../column-map.js';
import { TIER_PENALTY, type Candidate } from './match-header.js';
import { headerKey } from './normalise-header.js';
import { contactPartOf, contactTarget, type Target } from './targets.js';

export type ColumnCandidates = { ref: ColumnRef; candidates: Candidate[] };

export type Selection = Pick<ColumnMap, 'fields' | 'address' | 'contacts'> & {
  fallbacks: NonNullable<ColumnMap['fallbacks']>;
  statusInverted: boolean;
};

/**
 * Fields whose other matching columns become per-row fallbacks: a blank Zoho "Company Name" falls back
 * to "Display Name", a blank "Billing State" to "Place of Contact". Identity fields never fall back: a
 * row's match key must not change with which cell happens to be filled.
 */
const FALLBACK_FIELDS: ReadonlySet<CustomerField> = new Set(['legalName', 'state']);

/** Ranks from here on are fuzzy guesses (./build-column-map.ts ranks them below every known name). */
const FUZZY_RANK = 5 * TIER_PENALTY;

type Ranked = { ref: ColumnRef; rank: number };

/** Targets that belong to another: a mapping that decides `status` decides the inactive flag too. */
const DECIDED_WITH: Partial<Record<Target, Target>> = { inactiveFlag: 'status', city: 'address' };

/** `skip`: targets already decided elsewhere (a mapping file), or 'contacts' for every contact part. */
/** A selection with no column chosen yet. */
export function emptySelection(): Selection {
  return { fields: {}, fallbacks: {}, address: [], contacts: [], statusInverted: false };
}

export function selectColumns(
  columns: readonly ColumnCandidates[],
  skip: ReadonlySet<Target | 'contacts'> = new Set(),
): Selection {
  const byTarget = rankByTarget(columns, skip);
  const selection = emptySelection();

  for (const field of CUSTOMER_FIELDS) {
    const ranked = byTarget.get(field) ?? [];
    const first = ranked[0];
    if (!first) continue;
    selection.fields[field] = first.ref;
    // A repeated header is a duplicate, not a fallback: the first one wins and the others are unused.
    // A fuzzy guess never feeds a field unseen as a fallback: only known names do.
    const others = ranked
      .slice(1)
      .filter((r) => headerKey(r.ref.header) !== headerKey(first.ref.header) && r.rank < FUZZY_RANK);
    if (FALLBACK_FIELDS.has(field) && others.length > 0)
      selection.fallbacks[field] = others.map((r) => r.ref);
  }
  const inactiveFlag = byTarget.get('inactiveFlag')?.[0]?.ref;
  if (!selection.fields.status && inactiveFlag) {
    selection.fields.status = inactiveFlag;
    selection.statusInverted = true;
  }
  const leftToRight = (target: Target) =>
    (byTarget.get(target) ?? []).map((r) => r.ref).sort((a, b) => a.index - b.index);
  selection.address = [...leftToRight('address'), ...leftToRight('city')];
  selection.contacts = pickContacts(byTarget);
  return selection;
}

/** Target (contact parts as `contact.mobile#1`) → its columns, best first. */
function rankByTarget(
  columns: readonly ColumnCandidates[],
  skip: ReadonlySet<Target | 'contacts'>,
): Map<string, Ranked[]> {
  const byTarget = new Map<string, Ranked[]>();
  for (const { ref, candidates } of columns) {
    for (const c of candidates) {
      const isContact = contactPartOf(c.target) !== undefined;
      if (skip.has(DECIDED_WITH[c.target] ?? c.target) || (isContact && skip.has('contacts'))) continue;
      const key = isContact ? `${c.target}#${c.contact}` : c.target;
      const list = byTarget.get(key) ?? [];
      list.push({ ref, rank: c.rank });
      byTarget.set(key, list);
    }
  }
  for (const list of byTarget.values()) list.sort((a, b) => a.rank - b.rank || a.ref.index - b.ref.index);
  return byTarget;
}

function pickContacts(byTarget: ReadonlyMap<string, Ranked[]>): ContactColumns[] {
  const numbers = new Set<number>();
  for (const key of byTarget.keys()) {
    const match = /^contact\.\w+#(\d+)$/.exec(key);
    if (match) numbers.add(Number(match[1]));
  }
  return [...numbers]
    .sort((a, b) => a - b)
    .map((n) => {
      const contact: ContactColumns = {};
      for (const part of CONTACT_PARTS) {
        const ref = byTarget.get(`${contactTarget(part)}#${n}`)?.[0]?.ref;
        if (ref) contact[part] = ref;
      }
      return contact;
    });
}

/** Every column index a selection feeds from. */
export function usedColumns(
  selection: Pick<Selection, 'fields' | 'fallbacks' | 'address' | 'contacts'>,
): Set<number> {
  const used = new Set<number>();
  const add = (ref: ColumnRef | undefined) => ref && used.add(ref.index);
  Object.values(selection.fields).forEach(add);
  Object.values(selection.fallbacks).forEach((refs) => refs?.forEach(add));
  selection.address.forEach(add);
  selection.contacts.forEach((c) => Object.values(c).forEach(add));
  return used;
}
