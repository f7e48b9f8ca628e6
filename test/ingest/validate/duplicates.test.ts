import { describe, expect, it } from 'vitest';
import { formatFieldError, type ParsedRow, type ValidRow } from '../../../src/domain/types.js';
import { DuplicateTracker } from '../../../src/ingest/validate/duplicates.js';
import { toParsedRow } from '../../../src/ingest/validate/validate-row.js';
import { TALLY_MAP, tallyRow } from './map-helpers.js';

function parse(row: number, cells: Parameters<typeof tallyRow>[1]): ValidRow {
  const parsed = toParsedRow(tallyRow(row, cells), TALLY_MAP, { matchKey: 'uniqueRefNo' });
  if (parsed.kind !== 'valid') throw new Error('fixture row should be valid');
  return parsed;
}

const messages = (parsed: ParsedRow) =>
  parsed.kind === 'invalid' ? parsed.errors.map(formatFieldError) : [];

describe('DuplicateTracker', () => {
  it('lets the first row with a key through and refuses later ones, naming the first', () => {
    const tracker = new DuplicateTracker(TALLY_MAP);
    const first = parse(5, { 'Customer Code': 'C-001' });
    expect(tracker.check(first)).toBe(first);
    expect(tracker.check(parse(6, { 'Customer Code': 'C-002' })).kind).toBe('valid');
    const again = tracker.check(parse(9, { 'Customer Code': 'C-001', Name: 'Ganesh Traders (again)' }));
    expect(again).toMatchObject({
      kind: 'invalid',
      row: 9,
      uniqueRefNo: 'C-001',
      legalName: 'Ganesh Traders (again)',
      errorType: 'DUPLICATE_IN_FILE',
    });
    expect(messages(again)).toEqual([
      'Customer Code (column A, uniqueRefNo): "C-001" also appears in row 5; each customer must appear once (row 5 is synced, this row is not)',
    ]);
    expect(tracker.size).toBe(2);
  });

  it("keeps the row's warnings and its sheet: every problem of the row is reported", () => {
    const tracker = new DuplicateTracker(TALLY_MAP);
    tracker.check(parse(2, {}));
    const noted = { ...parse(3, { 'Contact Person': '' }), sheet: 'Debtors' };
    expect(noted.warnings).toHaveLength(1);
    expect(tracker.check(noted)).toMatchObject({
      kind: 'invalid',
      sheet: 'Debtors',
      errorType: 'DUPLICATE_IN_FILE',
      warnings: noted.warnings,
    });
  });

  it('compares codes case-insensitively', () => {
    const tracker = new DuplicateTracker(TALLY_MAP);
    tracker.check(parse(2, { 'Customer Code': 'c-001' }));
    expect(tracker.check(parse(3, { 'Customer Code': 'C-001' })).kind).toBe('invalid');
  });

  it('tracks GSTIN/PAN keys apart from codes, and names the GSTIN column', () => {
    const tracker = new DuplicateTracker(TALLY_MAP);
    const noCode = { 'Customer Code': '' };
    expect(tracker.check(parse(2, { 'Customer Code': '27AAPFU0939F1ZV' })).kind).toBe('valid');
    expect(tracker.check(parse(3, noCode)).kind).toBe('valid');
    expect(messages(tracker.check(parse(4, noCode)))).toEqual([
      'GSTIN/UIN (column C, panOrGstin): "27AAPFU0939F1ZV" also appears in row 3; each customer must appear once (row 3 is synced, this row is not)',
    ]);
  });

  it('names the EnKash field when it has no column map', () => {
    const tracker = new DuplicateTracker();
    tracker.check(parse(2, {}));
    expect(messages(tracker.check(parse(3, {})))[0]).toMatch(/^uniqueRefNo: "C-001" also appears in row 2;/);
  });

  it('keeps up with 200,000 distinct keys', () => {
    const tracker = new DuplicateTracker();
    const template = parse(2, {});
    for (let i = 0; i < 200_000; i++) {
      const result = tracker.check({
        ...template,
        row: i + 2,
        key: { field: 'uniqueRefNo', value: `C-${i}` },
      });
      if (result.kind !== 'valid') throw new Error(`row ${i} flagged`);
    }
    expect(tracker.size).toBe(200_000);
  });
});
