/**
 * Content recognition: a column no header rule matched is recognised by its values when they plainly are
 * GSTINs, PANs, mobiles, e-mails, PIN codes or unique codes, and the field they would feed has no column
 * yet. Two unused columns of one kind feed nothing (which one is meant is a question for a person). Every
 * column found this way is marked `content` in the plan, and the doubt rules hold the import for review.
 */
import type { ColumnMap, ColumnMatch, ColumnRef, CustomerField } from '../column-map.js';
import type { RawRow } from '../raw-row.js';
import { guessContent, type ContentKind } from './content-kind.js';

export type ContentReading = {
  columns: ColumnMap;
  /** Unused columns whose values look like identifiers (unique and code-like), after recognition. */
  identifierLike: ColumnRef[];
};

const CONFIDENCE: Readonly<Record<ContentKind, number>> = {
  gstin: 0.8,
  pan: 0.8,
  email: 0.8,
  mobile: 0.7,
  pin: 0.6,
  code: 0.6,
};

/** `rows`: data rows below the header (a sample); `enabled` false for a complete mapping (autoDetect off). */
export function recogniseContent(map: ColumnMap, rows: readonly RawRow[], enabled: boolean): ContentReading {
  const data = rows.filter((r) => r.row > map.headerRow);
  const kinds = new Map<ContentKind, ColumnRef[]>();
  for (const ref of map.unused) {
    const guess = guessContent(
      data.map((r) => r.values[ref.index] ?? null),
      ref.header,
    );
    if (!guess) continue;
    kinds.set(guess.kind, [...(kinds.get(guess.kind) ?? []), ref]);
  }
  if (!enabled) return { columns: map, identifierLike: kinds.get('code') ?? [] };
  const columns: ColumnMap = {
    ...map,
    fields: { ...map.fields },
    contacts: map.contacts.map((c) => ({ ...c })),
    matches: [...(map.matches ?? [])],
  };
  const taken = new Set<number>();
  for (const [kind, refs] of kinds) {
    const [ref, ...others] = refs;
    if (!ref || others.length > 0 || !assign(columns, kind, ref)) continue;
    taken.add(ref.index);
    const match: ColumnMatch = {
      index: ref.index,
      header: ref.header,
      target: targetLabel(kind),
      source: 'content',
      confidence: CONFIDENCE[kind],
      rule: kind,
    };
    columns.matches?.push(match);
  }
  columns.matches?.sort((a, b) => a.index - b.index);
  columns.unused = map.unused.filter((r) => !taken.has(r.index));
  const identifierLike = (kinds.get('code') ?? []).filter((r) => !taken.has(r.index));
  return { columns, identifierLike };
}

const FIELD_OF: Readonly<Partial<Record<ContentKind, CustomerField>>> = {
  gstin: 'gstin',
  pan: 'pan',
  pin: 'pinCode',
  code: 'uniqueRefNo',
};

function targetLabel(kind: ContentKind): string {
  return FIELD_OF[kind] ?? `contact.${kind}`;
}

/** Feeds the kind's field when it has no column yet; false when it already has one. */
function assign(columns: ColumnMap, kind: ContentKind, ref: ColumnRef): boolean {
  const field = FIELD_OF[kind];
  if (field) {
    if (columns.fields[field]) return false;
    if ((field === 'gstin' || field === 'pan') && columns.fields.panOrGstin) return false;
    columns.fields[field] = ref;
    return true;
  }
  const primary = columns.contacts[0] ?? {};
  const part = kind === 'mobile' ? 'mobile' : 'email';
  if (primary[part]) return false;
  primary[part] = ref;
  if (columns.contacts.length === 0) columns.contacts.push(primary);
  // EnKash's contactNumber follows the primary mobile when it has no column of its own (as for headers).
  if (part === 'mobile' && !columns.fields.contactNumber) columns.fields.contactNumber = ref;
  return true;
}
