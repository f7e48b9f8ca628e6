/**
 * The documented header variants (fixtures/ingest/header-variants.json): each is read as the field it
 * names, found the way the fixture says — a known name, or a fuzzy guess the plan marks as one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildColumnMap } from '../../../src/ingest/columns/build-column-map.js';

type Variant = { header: string; field: string; match: string; from: string; sure: string };
const { variants } = JSON.parse(
  readFileSync(new URL('../../../fixtures/ingest/header-variants.json', import.meta.url), 'utf8'),
) as { variants: Variant[] };

const KEY_FIELDS = new Set(['legalName', 'uniqueRefNo', 'gstin', 'pan', 'panOrGstin']);

describe('header variants of real exports and clerks’ sheets', () => {
  it('hold at least 20 variants of the key fields, each with where it comes from', () => {
    expect(variants.filter((v) => KEY_FIELDS.has(v.field)).length).toBeGreaterThanOrEqual(20);
    for (const v of variants) expect(v.from.length).toBeGreaterThan(3);
  });

  it.each(variants)('"$header" → $field ($match; $from)', (v) => {
    // Beside a column of another field, so the variant is judged on its own name.
    const other = v.field === 'legalName' ? 'GSTIN' : 'Party Name';
    const map = buildColumnMap({ row: 1, values: [other, v.header] }, { fileName: 'variants.csv' });
    const match = map.matches?.find((m) => m.index === 1);
    expect(match?.target).toBe(v.field);
    const source = match?.source === 'preset' ? 'synonym' : match?.source;
    expect(source).toBe(v.match);
  });
});
