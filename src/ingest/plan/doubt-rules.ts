/**
 * When a reading is in doubt, the import is held for review with nothing written (state `needs-review`):
 * EnKash has no delete, so a customer created on a wrong guess stays wrong. The rules, each a pure check:
 *
 * - `no-match-key`: no column feeds the match key while an unused column looks like an identifier
 *   (values unique and code-like): a customer code under a header no rule knows would be dropped, and
 *   every customer created without it.
 * - `key-guessed`: a field a customer is found by (uniqueRefNo, GSTIN, PAN, account number) is fed by a
 *   column matched only by a fuzzy header rule or by its content.
 * - `sheets-differ`: several sheets hold customer data in different layouts (and were never approved
 *   together: the profile of such a workbook is keyed by all its layouts).
 * - `unconfirmed-guess`: the header set was never confirmed (no saved mapping) and some column was
 *   matched less than exactly (fuzzy header or content).
 * - `asked`: not a rule on the plan: whoever submitted the import asked to review it before it writes
 *   (the upload field `review`, `sync --review`); added by the review gate (src/sync/review-gate.ts).
 *
 * "Exactly" means by a name someone wrote down: the field's own name, a synonym list, a preset, a mapping
 * file, `--map`, or a saved mapping. An approved import (`--yes`, `approve`) is not evaluated again.
 */
import { GUESS_SOURCES, type ColumnMap } from '../column-map.js';
import type { ReadingPlan } from './reading-plan.js';

export const DOUBT_RULES = [
  'no-match-key',
  'key-guessed',
  'sheets-differ',
  'unconfirmed-guess',
  'asked',
] as const;
export type DoubtRule = (typeof DOUBT_RULES)[number];

export type Doubt = { rule: DoubtRule; message: string; columns?: string[] };

export type SheetLayout = { name?: string; headerRow: number; headerSet: string };

const KEY_TARGETS: ReadonlySet<string> = new Set([
  'uniqueRefNo',
  'gstin',
  'pan',
  'panOrGstin',
  'accountNumber',
]);

const GUESSES: ReadonlySet<string> = new Set(GUESS_SOURCES);

const quote = (headers: readonly string[]) => headers.map((h) => `"${h}"`).join(', ');

export function evaluateDoubts(plan: Omit<ReadingPlan, 'doubts'>, columns: ColumnMap): Doubt[] {
  const doubts: Doubt[] = [];
  const keyFed = hasMatchKeyColumn(plan.matchKey, columns);
  const identifiers = plan.columns.filter((c) => c.identifierLike && c.target === null).map((c) => c.header);
  if (!keyFed && identifiers.length > 0) {
    doubts.push({
      rule: 'no-match-key',
      message:
        `no column feeds ${plan.matchKey}, but ${quote(identifiers)} ${identifiers.length === 1 ? 'looks' : 'look'} ` +
        `like customer codes (unique, code-like values): map it with --map "HEADER=${plan.matchKey}", or ` +
        `ignore it with --map "HEADER=-"`,
      columns: identifiers,
    });
  }
  const guessedKeys = plan.columns.filter(
    (c) => c.target !== null && KEY_TARGETS.has(c.target) && c.source && GUESSES.has(c.source),
  );
  if (guessedKeys.length > 0) {
    doubts.push({
      rule: 'key-guessed',
      message: `${guessedKeys.map((c) => `"${c.header}" → ${c.target} (${c.source})`).join(', ')}: a field customers are found by, matched only by a guess`,
      columns: guessedKeys.map((c) => c.header),
    });
  }
  const layouts = new Set(plan.sheets.map((s) => s.headerSet));
  if (layouts.size > 1 && !plan.confirmed) {
    doubts.push({
      rule: 'sheets-differ',
      message: `sheets ${plan.sheets.map((s) => `"${s.name ?? '?'}"`).join(', ')} hold customers in different layouts: pick one with --sheet, or approve reading them all`,
    });
  }
  const guessed = plan.columns.filter((c) => c.source && GUESSES.has(c.source));
  if (!plan.confirmed && guessed.length > 0) {
    doubts.push({
      rule: 'unconfirmed-guess',
      message: `this header set was never confirmed and ${guessed.length === 1 ? 'a column was' : `${guessed.length} columns were`} matched by a guess: ${guessed.map((c) => `"${c.header}" → ${c.target} (${c.source}${c.rule ? `: ${c.rule}` : ''})`).join(', ')}`,
      columns: guessed.map((c) => c.header),
    });
  }
  return doubts;
}

function hasMatchKeyColumn(matchKey: ReadingPlan['matchKey'], columns: ColumnMap): boolean {
  const f = columns.fields;
  if (matchKey === 'uniqueRefNo') return f.uniqueRefNo !== undefined;
  if (matchKey === 'accountNumber') return f.accountNumber !== undefined;
  return f.gstin !== undefined || f.pan !== undefined || f.panOrGstin !== undefined;
}
