import type { ColumnMap, ColumnRef } from '../../../src/ingest/column-map.js';
import type { RawRow, RawValue } from '../../../src/ingest/raw-row.js';

/** Rows numbered from 1 as Excel shows them. */
export function rows(...lines: RawValue[][]): RawRow[] {
  return lines.map((values, i) => ({ row: i + 1, values }));
}

export function header(values: string[], row = 1): RawRow {
  return { row, values };
}

/** The header a ColumnRef points at, or undefined: compact field-by-field assertions. */
export const h = (ref: ColumnRef | undefined): string | undefined => ref?.header;

export const hs = (refs: readonly ColumnRef[] | undefined): string[] => (refs ?? []).map((r) => r.header);

/** Every field as header names, for one `toEqual` per preset. */
export function summary(map: ColumnMap): Record<string, unknown> {
  return {
    fields: Object.fromEntries(Object.entries(map.fields).map(([k, v]) => [k, v?.header])),
    fallbacks: Object.fromEntries(Object.entries(map.fallbacks ?? {}).map(([k, v]) => [k, hs(v)])),
    address: hs(map.address),
    contacts: map.contacts.map((c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v?.header]))),
    unused: hs(map.unused),
  };
}
