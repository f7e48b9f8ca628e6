/** Rows that are not customers: blank lines and the totals line ERP reports end with. */
import type { ColumnMap, ColumnRef } from '../column-map.js';
import type { RawRow } from '../raw-row.js';
import { cellText } from './normalise-header.js';

export function isBlankRow(row: RawRow): boolean {
  return row.values.every((v) => cellText(v) === '');
}

/**
 * "Total", "Grand Total", "Sub-Total", "Total:", "Total (125)", "Total 1,23,456.00" — but not a customer
 * called "Total Traders" or "Totally Fresh Foods".
 */
const TOTAL_RE = /^(?:grand\s+|sub[\s-]*)?totals?(?:\s*[:=(\-–].*|\s+[\d(₹].*|\s*)$/iu;

/**
 * The trailing "Grand Total" line of an ERP report: its first non-empty cell says total, and the columns
 * that identify a customer (code, GSTIN, PAN, bank account, contact mobile or e-mail, and the name unless
 * the word is in it) are empty. A real customer always has one of them.
 */
export function isTotalsRow(row: RawRow, map: ColumnMap): boolean {
  const first = row.values.findIndex((v) => cellText(v) !== '');
  if (first < 0 || !TOTAL_RE.test(cellText(row.values[first]))) return false;
  return identityColumns(map).every((ref) => ref.index === first || cellText(row.values[ref.index]) === '');
}

function identityColumns(map: ColumnMap): ColumnRef[] {
  const { fields } = map;
  const refs = [
    fields.legalName,
    fields.uniqueRefNo,
    fields.gstin,
    fields.pan,
    fields.panOrGstin,
    fields.accountNumber,
    fields.ifsc,
    fields.contactNumber,
    ...map.contacts.flatMap((c) => [c.mobile, c.email]),
  ];
  return refs.filter((r): r is ColumnRef => r !== undefined);
}
