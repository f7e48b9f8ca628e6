import { UserError } from '../../domain/errors.js';
import { buildIndex, type MatchIndex } from './match-header.js';
import { headerKey } from './normalise-header.js';
import { PRESETS, presetNames, type Preset } from './presets.js';
import { GENERIC_EXAMPLES, GENERIC_SYNONYMS } from './synonyms.js';
import type { SynonymTable, Target } from './targets.js';

export function getPreset(name: string): Preset {
  const preset = PRESETS[name.trim().toLowerCase()];
  if (!preset) {
    throw new UserError(`unknown preset "${name}": choose one of ${presetNames().join(', ')}`);
  }
  return preset;
}

/** The preset's names first, then the generic ones it does not exclude. */
export function tableFor(preset?: Preset): SynonymTable {
  if (!preset) return GENERIC_SYNONYMS;
  const targets = new Set([...Object.keys(GENERIC_SYNONYMS), ...Object.keys(preset.synonyms)] as Target[]);
  const table: SynonymTable = {};
  for (const target of targets) {
    const excluded = new Set((preset.exclude?.[target] ?? []).map(headerKey));
    const generic = (GENERIC_SYNONYMS[target] ?? []).filter((name) => !excluded.has(headerKey(name)));
    table[target] = [...(preset.synonyms[target] ?? []), ...generic];
  }
  return table;
}

/** Names to quote in messages: the preset's own first names, else the most common generic ones. */
export function examplesFor(preset?: Preset): SynonymTable {
  return preset ? tableFor(preset) : GENERIC_EXAMPLES;
}

const indexes = new Map<string, MatchIndex>();

/** The lookup index for a preset (or the generic table), built once per process. */
export function indexFor(preset?: Preset): MatchIndex {
  const cacheKey = preset?.name ?? '';
  let index = indexes.get(cacheKey);
  if (!index) {
    index = buildIndex(tableFor(preset));
    indexes.set(cacheKey, index);
  }
  return index;
}

/** The preset whose own export this header row is, when a signature shows it (auto mode only). */
export function guessPreset(headers: readonly string[]): Preset | undefined {
  const keys = new Set(headers.map(headerKey));
  return Object.values(PRESETS).find((preset) =>
    (preset.signatures ?? []).some((signature) => signature.every((h) => keys.has(headerKey(h)))),
  );
}

/** Column indexes a preset's (or a mapping file's) ignore list names. */
export function ignoredColumns(headers: readonly string[], ignore: readonly string[]): Set<number> {
  const keys = new Set(ignore.map(headerKey));
  const ignored = new Set<number>();
  headers.forEach((h, i) => {
    if (h !== '' && keys.has(headerKey(h))) ignored.add(i);
  });
  return ignored;
}
