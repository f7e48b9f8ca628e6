/**
 * How each used column was matched, for the reading plan: the source (a mapping, a preset's name, a
 * known synonym, the field's own name, a fuzzy guess) and a confidence. Confidence is a fixed score per
 * source and rule, not a probability: it orders the plan and tells the doubt rules what was guessed.
 */
import { CUSTOMER_FIELDS, type ColumnMatch, type ColumnRef, type KnownSource } from '../column-map.js';
import type { MappedColumns } from './apply-mapping.js';
import { buildIndex, matchHeader, type MatchIndex } from './match-header.js';
import type { MappingFile } from './mapping-file.js';
import { headerKey } from './normalise-header.js';
import type { Preset } from './presets.js';
import type { ColumnCandidates, Selection } from './select-columns.js';
import { TEMPLATE_COLUMNS } from './template-columns.js';

export const SOURCE_CONFIDENCE: Readonly<Record<KnownSource, number>> = {
  exact: 1,
  mapping: 1,
  'saved-mapping': 1,
  preset: 0.95,
  synonym: 0.95,
};

/** Header keys that name a field exactly: the field's own name, or the header `template` writes. */
const EXACT_KEYS: ReadonlyMap<string, string> = new Map([
  ...CUSTOMER_FIELDS.map((f) => [headerKey(f), f] as const),
  ...TEMPLATE_COLUMNS.map((c) => [headerKey(c.header), c.feeds] as const),
]);

type Context = {
  headers: readonly string[];
  mapped: MappedColumns | undefined;
  candidates: readonly ColumnCandidates[] | undefined;
  preset: Preset | undefined;
  mapping: MappingFile | undefined;
};

/** Each used column with its target label, in column order. */
export function describeMatches(selection: Selection, ctx: Context): ColumnMatch[] {
  const targets = targetsOf(selection);
  const fromMapping = new Set<number>();
  if (ctx.mapped) for (const index of targetsOf(ctx.mapped.selection).keys()) fromMapping.add(index);
  const byIndex = new Map(ctx.candidates?.map((c) => [c.ref.index, c]));
  const matches: ColumnMatch[] = [];
  for (const [index, target] of [...targets].sort((a, b) => a[0] - b[0])) {
    const header = ctx.headers[index] ?? '';
    if (fromMapping.has(index)) {
      const source = ctx.mapping?.sources?.[headerKey(header)] ?? 'mapping';
      matches.push({ index, header, target, source, confidence: 1 });
      continue;
    }
    const fuzzy = byIndex.get(index)?.candidates.find((c) => c.fuzzy)?.fuzzy;
    if (fuzzy) {
      const match = { index, header, target, source: 'fuzzy' as const, confidence: fuzzy.confidence };
      matches.push({ ...match, rule: fuzzy.rule });
      continue;
    }
    const source = knownSource(header, ctx.preset);
    matches.push({ index, header, target, source, confidence: SOURCE_CONFIDENCE[source] });
  }
  return matches;
}

function knownSource(header: string, preset: Preset | undefined): 'exact' | 'preset' | 'synonym' {
  if (EXACT_KEYS.has(headerKey(header))) return 'exact';
  if (preset && matchHeader(header, presetIndex(preset)).length > 0) return 'preset';
  return 'synonym';
}

const presetIndexes = new Map<string, MatchIndex>();

function presetIndex(preset: Preset): MatchIndex {
  let index = presetIndexes.get(preset.name);
  if (!index) {
    index = buildIndex(preset.synonyms);
    presetIndexes.set(preset.name, index);
  }
  return index;
}

/** Column index → target label (`legalName`, `address`, `contact.mobile`, `contact2.email`). */
export function targetsOf(selection: Pick<Selection, 'fields' | 'fallbacks' | 'address' | 'contacts'>) {
  const targets = new Map<number, string>();
  const put = (ref: ColumnRef | undefined, target: string) => {
    if (ref && !targets.has(ref.index)) targets.set(ref.index, target);
  };
  // Contacts first: the primary mobile also feeds contactNumber, and reads better as the mobile.
  selection.contacts.forEach((contact, n) => {
    for (const [part, ref] of Object.entries(contact)) put(ref, `contact${n === 0 ? '' : n + 1}.${part}`);
  });
  for (const [field, ref] of Object.entries(selection.fields)) put(ref, field);
  for (const [field, refs] of Object.entries(selection.fallbacks)) refs?.forEach((r) => put(r, field));
  selection.address.forEach((r) => put(r, 'address'));
  return targets;
}
