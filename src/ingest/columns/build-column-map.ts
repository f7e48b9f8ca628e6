/**
 * The column map of a file: header row → which column feeds which EnKash field. Precedence, highest
 * first: a mapping file, then the preset (given, or recognised from the headers), then the generic names.
 */
import { UserError } from '../../domain/errors.js';
import type { ColumnMap, ColumnRef } from '../column-map.js';
import type { RawRow } from '../raw-row.js';
import { applyMapping, type MappedColumns } from './apply-mapping.js';
import { findHeaderRow, likelyHeaderRow } from './header-row.js';
import type { MappingFile } from './mapping-file.js';
import { describeMatches } from './describe-matches.js';
import { FUZZY_RULES, matchFuzzy } from './fuzzy-header.js';
import { matchHeader, TIER_PENALTY, type Candidate, type MatchIndex } from './match-header.js';
import { recogniseContent } from './recognise-content.js';
import { noCustomerColumnsError } from './no-columns-error.js';
import { headerKey, rowTexts } from './normalise-header.js';
import { examplesFor, getPreset, guessPreset, ignoredColumns, indexFor, tableFor } from './preset-lookup.js';
import type { Preset } from './presets.js';
import {
  emptySelection,
  selectColumns,
  usedColumns,
  type ColumnCandidates,
  type Selection,
} from './select-columns.js';
import { statusWordsFor } from './status-words.js';

export type ColumnOptions = {
  /** `--preset`: a name from presetNames(). */
  preset?: string;
  mapping?: MappingFile;
  /** The data file's name, for messages. */
  fileName: string;
};

/**
 * Header detection, then {@link buildColumnMap}, then content recognition over the rows below the header.
 * `firstRows`: the file's first rows (30 are searched for the header; all of them are samples).
 */
export function detectColumns(firstRows: readonly RawRow[], options: ColumnOptions): ColumnMap {
  const map = detectHeaderColumns(firstRows, options);
  const complete = options.mapping !== undefined && !options.mapping.autoDetect;
  const { columns, identifierLike } = recogniseContent(map, firstRows, !complete);
  return identifierLike.length > 0 ? { ...columns, identifierLike } : columns;
}

function detectHeaderColumns(firstRows: readonly RawRow[], options: ColumnOptions): ColumnMap {
  const wanted = options.mapping?.headerRow;
  if (wanted !== undefined) {
    const row = firstRows.find((r) => r.row === wanted);
    if (!row) {
      throw new UserError(
        `${options.mapping?.fileName ?? 'mapping file'}: headerRow ${wanted} is not among the first ` +
          `${firstRows.length} rows of ${options.fileName}`,
      );
    }
    return buildColumnMap(row, options);
  }
  const presetName = chosenPresetName(options);
  const found = findHeaderRow(firstRows, presetName);
  if (!found) {
    const preset = presetName ? getPreset(presetName) : undefined;
    throw noCustomerColumnsError({
      fileName: options.fileName,
      row: likelyHeaderRow(firstRows),
      table: examplesFor(preset),
      ...(preset ? { usedWith: `preset ${preset.name}` } : {}),
    });
  }
  return buildColumnMap(found.row, options);
}

export function buildColumnMap(headerRow: RawRow, options: ColumnOptions): ColumnMap {
  const headers = rowTexts(headerRow);
  const { preset, origin } = presetAndOrigin(headers, options);
  const index = indexFor(preset);
  const mapped = options.mapping
    ? applyMapping(options.mapping, { headers, headerRow: headerRow.row, fileName: options.fileName, index })
    : undefined;
  // A preset's ignore list only stops guesses; a mapping file's also silences the unused-column warning.
  const silenced = mapped?.ignored ?? new Set<number>();
  const ignored = new Set([...ignoredColumns(headers, preset?.ignore ?? []), ...silenced]);
  const candidates = detectCandidates(headers, { index, preset, ignored, mapped, mapping: options.mapping });
  const selection = merge(mapped, candidates && selectColumns(candidates, mapped?.decided));
  if (!selection.fields.legalName) {
    throw noCustomerColumnsError({
      fileName: options.fileName,
      row: headerRow,
      table: examplesFor(preset),
      nameOnly: true,
      ...(options.mapping ? { usedWith: `mapping ${options.mapping.fileName ?? 'file'}` } : {}),
      ...(!options.mapping && preset ? { usedWith: `preset ${preset.name}` } : {}),
    });
  }
  const used = usedColumns(selection);
  const unused: ColumnRef[] = headers.flatMap((header, i) =>
    header !== '' && !used.has(i) && !silenced.has(i) ? [{ index: i, header }] : [],
  );
  const statusWords = selection.fields.status
    ? statusWordsFor(selection.statusInverted, preset, options.mapping?.statusWords)
    : undefined;
  return {
    headerRow: headerRow.row,
    headers,
    fields: selection.fields,
    ...(Object.keys(selection.fallbacks).length > 0 ? { fallbacks: selection.fallbacks } : {}),
    address: selection.address,
    contacts: selection.contacts,
    unused,
    defaults: { ...preset?.defaults, ...options.mapping?.defaults },
    ...(statusWords ? { statusWords } : {}),
    ...(selection.fields.status && selection.statusInverted ? { statusInverted: true } : {}),
    origin,
    matches: describeMatches(selection, { headers, mapped, candidates, preset, mapping: options.mapping }),
  };
}

/** A mapping file's preset, else --preset; both given and different is a mistake worth stopping for. */
function chosenPresetName(options: ColumnOptions): string | undefined {
  const fromMapping = options.mapping?.preset;
  if (fromMapping && options.preset && getPreset(options.preset).name !== fromMapping) {
    throw new UserError(
      `--preset ${options.preset} and the mapping file's "preset": "${fromMapping}" disagree: give one of them`,
    );
  }
  return fromMapping ?? options.preset;
}

function presetAndOrigin(
  headers: readonly string[],
  options: ColumnOptions,
): { preset?: Preset; origin: string } {
  const name = chosenPresetName(options);
  if (options.mapping) {
    const preset = name ? getPreset(name) : undefined;
    return { ...(preset ? { preset } : {}), origin: `mapping:${options.mapping.fileName ?? 'file'}` };
  }
  if (name) return { preset: getPreset(name), origin: `preset:${getPreset(name).name}` };
  const guessed = guessPreset(headers);
  return guessed ? { preset: guessed, origin: `auto:${guessed.name}` } : { origin: 'auto' };
}

/**
 * Candidates for the columns a mapping file leaves free (all of them without one): known names first,
 * and for a header no known name matches, a fuzzy guess (./fuzzy-header.ts) ranked below every known name.
 */
function detectCandidates(
  headers: readonly string[],
  ctx: {
    index: MatchIndex;
    preset: Preset | undefined;
    ignored: ReadonlySet<number>;
    mapped: MappedColumns | undefined;
    mapping: MappingFile | undefined;
  },
): ColumnCandidates[] | undefined {
  if (ctx.mapping && !ctx.mapping.autoDetect) return undefined;
  const taken = ctx.mapped ? usedColumns(ctx.mapped.selection) : new Set<number>();
  const seen = new Map<string, number>();
  const columns: ColumnCandidates[] = [];
  headers.forEach((header, i) => {
    if (header === '') return;
    const key = headerKey(header);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    if (ctx.ignored.has(i) || taken.has(i)) return;
    const known = matchHeader(header, ctx.index, occurrence);
    columns.push({
      ref: { index: i, header },
      candidates: known.length > 0 ? known : fuzzy(header, ctx.preset),
    });
  });
  return columns;
}

function fuzzy(header: string, preset: Preset | undefined): Candidate[] {
  const found = matchFuzzy(header, tableFor(preset));
  if (!found) return [];
  const rank = (FUZZY_RULES.indexOf(found.rule) + 5) * TIER_PENALTY;
  return [{ target: found.target, rank, contact: 0, fuzzy: found }];
}

/** The mapping's choices over detection's; contactNumber then follows the primary mobile if still unset. */
function merge(mapped: MappedColumns | undefined, detected: Selection | undefined): Selection {
  const base = emptySelection();
  const m = mapped?.selection ?? base;
  const d = detected ?? base;
  const decided = mapped?.decided ?? new Set();
  const merged: Selection = {
    fields: { ...d.fields, ...m.fields },
    fallbacks: { ...d.fallbacks, ...m.fallbacks },
    address: decided.has('address') ? m.address : d.address,
    contacts: decided.has('contacts') ? m.contacts : d.contacts,
    statusInverted: m.fields.status ? m.statusInverted : d.statusInverted || m.statusInverted,
  };
  const primaryMobile = merged.contacts[0]?.mobile;
  // EnKash's contactNumber wants a mobile: without a column of its own it is the primary contact's.
  if (!merged.fields.contactNumber && !decided.has('contactNumber') && primaryMobile) {
    merged.fields.contactNumber = primaryMobile;
  }
  return merged;
}
