import type { ColumnMap } from '../column-map.js';
import type { Preset } from './presets.js';

type StatusWords = NonNullable<ColumnMap['statusWords']>;

/** Yes/no words, as an "Active" column (or DTW's tYES/tNO) holds them; an inverted column swaps them. */
const YES_WORDS = ['Y', 'Yes', 'True', '1', 'tYES'];
const NO_WORDS = ['N', 'No', 'False', '0', 'tNO'];
/** Names of a state: they mean the same whatever the header says. */
const ACTIVE_NAMES = ['Active', 'Enabled', 'Live'];
const INACTIVE_NAMES = [
  'Inactive',
  'In-active',
  'Deactive',
  'Deactivated',
  'Disabled',
  'Blocked',
  'Frozen',
  'Closed',
];

/**
 * Every word the status column may hold, the right way round for that column. In an inverted column
 * ("Frozen": Y/N) yes means INACTIVE, so the yes/no words swap sides; the state names ("Active",
 * "Inactive") keep their meaning whatever the header says.
 */
export function statusWordsFor(
  inverted: boolean,
  preset: Preset | undefined,
  extra: { active: string[]; inactive: string[] } | undefined,
): StatusWords {
  const active = [
    ...ACTIVE_NAMES,
    ...(preset?.statusWords?.active ?? []),
    ...(inverted ? NO_WORDS : YES_WORDS),
    ...(extra?.active ?? []),
  ];
  const inactive = [
    ...INACTIVE_NAMES,
    ...(preset?.statusWords?.inactive ?? []),
    ...(inverted ? YES_WORDS : NO_WORDS),
    ...(extra?.inactive ?? []),
  ];
  return { active: unique(active), inactive: unique(inactive) };
}

function unique(words: string[]): string[] {
  const seen = new Set<string>();
  return words.filter((w) => {
    const key = w.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
