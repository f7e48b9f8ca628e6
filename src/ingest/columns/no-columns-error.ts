/**
 * The message for a file whose columns we cannot use. It is often the first thing a new user sees, so it
 * names the file, quotes the headers we did find and says what we expected and what to do.
 */
import { UserError } from '../../domain/errors.js';
import type { RawRow } from '../raw-row.js';
import { HEADER_SEARCH_ROWS } from './header-row.js';
import { rowTexts } from './normalise-header.js';
import { presetNames } from './presets.js';
import type { SynonymTable } from './targets.js';
import { maskText } from '../../domain/mask.js';

const MAX_QUOTED = 20;

/** `"Date", "Amount", … and 12 more` (blank headers left out). */
export function quoteHeaders(headers: readonly string[]): string {
  const named = headers.filter((h) => h !== '');
  if (named.length === 0) return '(none)';
  // A file without a header row has its first data row quoted here: its mobiles, e-mails, PAN/GSTINs and
  // account numbers are masked, since this message is stored, logged and sent to alert webhooks.
  const shown = named.slice(0, MAX_QUOTED).map((h) => `"${maskText(h)}"`);
  const more = named.length - shown.length;
  return more > 0 ? `${shown.join(', ')} … and ${more} more` : shown.join(', ');
}

function examples(names: readonly string[] | undefined, count: number): string {
  const quoted = (names ?? []).slice(0, count).map((n) => `"${n}"`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

export type NoColumnsContext = {
  fileName: string;
  /** The header row we found, or the row that most looks like one. */
  row?: RawRow;
  /** Names to quote as examples (examplesFor). */
  table: SynonymTable;
  /** `preset tally` or `mapping customers.json`: what was used, when something was. */
  usedWith?: string;
  /** True when the row did hold customer columns, only no name column. */
  nameOnly?: boolean;
};

export function noCustomerColumnsError(ctx: NoColumnsContext): UserError {
  const what = ctx.nameOnly ? 'no customer name column found' : 'no customer columns found';
  const where = ctx.row
    ? `Headers in row ${ctx.row.row}: ${quoteHeaders(rowTexts(ctx.row))}.`
    : `The first ${HEADER_SEARCH_ROWS} rows are empty.`;
  const expected =
    `Expected a name column such as ${examples(ctx.table.legalName, 3)}` +
    (ctx.nameOnly
      ? ''
      : `, with columns such as ${examples(ctx.table.uniqueRefNo, 1)}, ${examples(ctx.table.gstin, 1)} ` +
        `and ${examples(ctx.table['contact.mobile'], 1)}`);
  const used = ctx.usedWith ? ` (with ${ctx.usedWith})` : '';
  const advice = ctx.usedWith?.startsWith('mapping')
    ? 'name the column in the mapping file\'s "columns.legalName"'
    : `use --preset (${presetNames().join(', ')}) or --mapping FILE (see docs/mapping-file.md)`;
  return new UserError(`${ctx.fileName}: ${what}${used}. ${where} ${expected}; ${advice}.`);
}
