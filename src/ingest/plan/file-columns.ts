/**
 * The file's columns beside the EnKash fields they feed, for the report: results.xlsx heads its
 * identifying columns with the file's own names (`Customer Code (uniqueRefNo)`), the Summary sheet and
 * summary.json list every column. Pure, from the reading plan (stored with every import).
 */
import type { ReadingPlan } from './reading-plan.js';

/** `{ column: 'D', header: 'GSTIN/UIN', field: 'panOrGstin' }`; `field` null for a column not read. */
export type FileColumn = { column: string; header: string; field: string | null };

const CONTACT_PARTS: Record<string, string> = {
  name: 'name',
  firstName: 'name',
  lastName: 'name',
  mobile: 'mobile',
  email: 'email',
};

/**
 * A plan target in EnKash's words: `gstin`/`pan` feed `panOrGstin`, `contact2.mobile` is
 * `customerKeyContacts[1].mobile`; a customer field (`uniqueRefNo`, `address`, `status`) is itself.
 */
export function enkashField(target: string): string {
  if (target === 'gstin' || target === 'pan') return 'panOrGstin';
  const contact = /^contact(\d*)\.(\w+)$/.exec(target);
  if (!contact) return target;
  const index = contact[1] === '' ? 0 : Number(contact[1]) - 1;
  return `customerKeyContacts[${index}].${CONTACT_PARTS[contact[2] ?? ''] ?? contact[2]}`;
}

export function fileColumns(plan: Pick<ReadingPlan, 'columns'>): FileColumn[] {
  return plan.columns.map((c) => ({
    column: c.column,
    header: c.header,
    field: c.target === null ? null : enkashField(c.target),
  }));
}

/**
 * The file's header(s) behind a field as a change names it (`legalName`, `panOrGstin` from a GSTIN or PAN
 * column, `customerKeyContacts` from the contact columns, `address` from its parts), joined with ", ";
 * undefined when no column feeds it. `contactNumber` with no column of its own is contact 1's mobile, as
 * the row is read (src/ingest/validate/compiled-map.ts).
 */
export function fieldHeader(plan: Pick<ReadingPlan, 'columns'>, field: string): string | undefined {
  const of = (wanted: string) =>
    plan.columns
      .filter((c) => c.target !== null && feeds(enkashField(c.target), wanted))
      .map((c) => c.header);
  let headers = of(field);
  if (headers.length === 0 && field === 'contactNumber') headers = of('customerKeyContacts[0].mobile');
  return headers.length > 0 ? headers.join(', ') : undefined;
}

const feeds = (target: string, field: string) => target === field || target.startsWith(`${field}[`);
