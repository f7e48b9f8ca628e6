/**
 * Finding the header row. ERP reports print a title block first (company name, report name, the period
 * "1-Apr-2025 to 31-Mar-2026"), so the header is the row among the first few whose cells look most like
 * known customer headers.
 */
import type { RawRow } from '../raw-row.js';
import { matchHeader } from './match-header.js';
import { rowTexts } from './normalise-header.js';
import { getPreset, ignoredColumns, indexFor } from './preset-lookup.js';
import type { Preset } from './presets.js';

/** Rows searched for the header when the caller passes more. */
export const HEADER_SEARCH_ROWS = 30;

export type HeaderRowMatch = { row: RawRow; index: number };

/**
 * The header row among the first {@link HEADER_SEARCH_ROWS} rows: the one with the most recognised
 * headers (the earliest on a tie, so a second header line of database names loses to the first). A row
 * qualifies with two recognised headers, or one when it is a name column ("Particulars" alone heads
 * Tally's Group Summary). Null when no row qualifies: the file has no recognisable customer columns.
 */
export function findHeaderRow(rows: readonly RawRow[], preset?: string): HeaderRowMatch | null {
  const found = preset ? getPreset(preset) : undefined;
  let best: (HeaderRowMatch & { score: number }) | null = null;
  for (const [index, row] of rows.slice(0, HEADER_SEARCH_ROWS).entries()) {
    const { recognised, hasName } = scoreRow(row, found);
    const qualifies = recognised >= 2 || (recognised === 1 && hasName);
    const score = recognised + (hasName ? 1 : 0);
    if (qualifies && (!best || score > best.score)) best = { row, index, score };
  }
  return best ? { row: best.row, index: best.index } : null;
}

function scoreRow(row: RawRow, preset?: Preset): { recognised: number; hasName: boolean } {
  const index = indexFor(preset);
  const texts = rowTexts(row);
  const ignored = ignoredColumns(texts, preset?.ignore ?? []);
  let recognised = 0;
  let hasName = false;
  texts.forEach((text, i) => {
    if (text === '' || ignored.has(i)) return;
    const candidates = matchHeader(text, index);
    if (candidates.length > 0) recognised++;
    if (candidates.some((c) => c.target === 'legalName')) hasName = true;
  });
  return { recognised, hasName };
}

/**
 * The row to quote when no header is recognised: the first row with the most text cells, which is the
 * header of most files whatever its names.
 */
export function likelyHeaderRow(rows: readonly RawRow[]): RawRow | undefined {
  let best: { row: RawRow; count: number } | undefined;
  for (const row of rows.slice(0, HEADER_SEARCH_ROWS)) {
    const count = row.values.filter((v) => typeof v === 'string' && v.trim() !== '').length;
    if (count > 0 && (!best || count > best.count)) best = { row, count };
  }
  return best?.row;
}
