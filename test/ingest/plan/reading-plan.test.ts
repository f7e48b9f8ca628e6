import { describe, expect, it } from 'vitest';
import { detectColumns } from '../../../src/ingest/columns/build-column-map.js';
import { overridesToMapping } from '../../../src/ingest/columns/reading-overrides.js';
import type { RawRow, RowSourceInfo } from '../../../src/ingest/raw-row.js';
import { formatPlan } from '../../../src/ingest/plan/format-plan.js';
import { buildReadingPlan, headerSetKey, planReading } from '../../../src/ingest/plan/reading-plan.js';

const info: RowSourceInfo = { format: 'csv', fileName: 'clerk.csv' };
const rows = (header: string[], ...data: string[][]): RawRow[] => [
  { row: 1, values: header },
  ...data.map((values, i) => ({ row: i + 2, values })),
];
const customers = (header: string[], code: (i: number) => string) =>
  rows(
    header,
    ...Array.from({ length: 6 }, (_, i) => [
      `Sharma Traders ${i}`,
      code(i),
      `29AABCT133${i}L1ZU`,
      `98450123${String(i).padStart(2, '0')}`,
    ]),
  );

function plan(sample: RawRow[], confirmed = false, overrides?: Record<string, string | null>) {
  const mapping = overrides
    ? overridesToMapping(overrides, { source: 'mapping', autoDetect: true, name: '--map' })
    : undefined;
  const columns = detectColumns(sample, { fileName: 'clerk.csv', ...(mapping ? { mapping } : {}) });
  return buildReadingPlan({ info, columns, sampleRows: sample, matchKey: 'uniqueRefNo', confirmed });
}

describe('reading plan', () => {
  it('lists every column with its field, source, confidence and samples', () => {
    const p = plan(customers(['Party Name', 'Customer Code', 'GSTIN', 'Mobile'], (i) => `C-${i}`));
    expect(p.columns.map((c) => [c.column, c.target, c.source])).toEqual([
      ['A', 'legalName', 'synonym'],
      ['B', 'uniqueRefNo', 'exact'],
      ['C', 'gstin', 'exact'],
      ['D', 'contact.mobile', 'exact'],
    ]);
    expect(p.columns[0]?.samples).toEqual(['Sharma Traders 0', 'Sharma Traders 1', 'Sharma Traders 2']);
    expect(p.doubts).toEqual([]);
    expect(formatPlan(p)).toContain('Customer Code');
  });

  it('holds a key field matched only by a fuzzy header', () => {
    const p = plan(customers(['Party Name', 'Debtor ID', 'GSTIN', 'Mobile'], (i) => `D-${i}`));
    expect(p.columns[1]).toMatchObject({ target: 'uniqueRefNo', source: 'fuzzy', rule: 'party-words' });
    expect(p.doubts.map((d) => d.rule)).toEqual(['key-guessed', 'unconfirmed-guess']);
  });

  it('recognises a code column by its values, and holds it', () => {
    const p = plan(customers(['Party Name', 'Kunde', 'GSTIN', 'Mobile'], (i) => `K${i}0${i}`));
    expect(p.columns[1]).toMatchObject({ target: 'uniqueRefNo', source: 'content', rule: 'code' });
    expect(p.doubts.map((d) => d.rule)).toContain('key-guessed');
  });

  it('holds a file whose identifier-like column feeds nothing while the match key has no column', () => {
    // Two code-like columns: which one is the customer code is a question for a person.
    const sample = rows(
      ['Party Name', 'Ref A', 'Ref B'],
      ...Array.from({ length: 5 }, (_, i) => [`Firm ${i}`, `A-${i}`, `B-${i}`]),
    );
    const p = plan(sample);
    expect(p.doubts.map((d) => d.rule)).toEqual(['no-match-key']);
    expect(p.doubts[0]?.columns).toEqual(['Ref A', 'Ref B']);
    expect(p.columns.filter((c) => c.identifierLike).map((c) => c.header)).toEqual(['Ref A', 'Ref B']);
  });

  it('a correction (--map) settles the doubt, and ignoring the column does too', () => {
    const sample = rows(
      ['Party Name', 'Ref A', 'Ref B'],
      ...Array.from({ length: 5 }, (_, i) => [`Firm ${i}`, `A-${i}`, `B-${i}`]),
    );
    const mapped = plan(sample, false, { 'Ref A': 'uniqueRefNo' });
    expect(mapped.columns[1]).toMatchObject({ target: 'uniqueRefNo', source: 'mapping' });
    expect(mapped.doubts).toEqual([]);
    const ignored = plan(sample, false, { 'Ref A': null, 'Ref B': null });
    expect(ignored.doubts).toEqual([]);
  });

  it('a guess on a confirmed header set holds only when it is a key field', () => {
    const sample = rows(['Party Name', 'Customer Code', 'Mob. No.'], ['Firm', 'C-1', '9845012345']);
    expect(plan(sample).doubts.map((d) => d.rule)).toEqual(['unconfirmed-guess']);
    expect(plan(sample, true).doubts).toEqual([]);
  });

  it('keys the header set by its names, not their order or spelling of case', () => {
    expect(headerSetKey(['Party Name', 'GSTIN'])).toBe(headerSetKey(['gstin', 'PARTY NAME']));
    expect(headerSetKey(['Party Name', 'GSTIN'])).not.toBe(headerSetKey(['Party Name', 'PAN']));
  });

  it('planReading gives header → field for every column, unused as null', () => {
    const p = plan(customers(['Party Name', 'Debtor ID', 'GSTIN', 'Mobile', 'Remarks'], (i) => `D-${i}`));
    expect(planReading(p)).toEqual({
      'Party Name': 'legalName',
      'Debtor ID': 'uniqueRefNo',
      GSTIN: 'gstin',
      Mobile: 'contact.mobile',
      Remarks: null,
    });
  });
});
