import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startHarness, writeCalls, type Harness } from '../helpers/engine.js';

type Expected = {
  existing: {
    uniqueRefNo: string;
    legalName: string;
    pinCode: string;
    contact: { name: string; mobile: string; email?: string };
  }[];
  outcomes: Record<string, string>;
  errorTypes: Record<string, string>;
  blankRowsSkipped: number;
  totalsRowsSkipped: number;
};

const FILE = join(REPO_ROOT, 'fixtures/sync/mixed.csv');
let h: Harness;
let expected: Expected;

beforeAll(async () => {
  h = await startHarness();
  expected = JSON.parse(
    await readFile(join(REPO_ROOT, 'fixtures/sync/mixed.expected.json'), 'utf8'),
  ) as Expected;
  for (const e of expected.existing) {
    await h.app.client.createCustomer({
      legalName: e.legalName,
      uniqueRefNo: e.uniqueRefNo,
      pinCode: e.pinCode,
      contactNumber: e.contact.mobile,
      customerKeyContacts: [{ ...e.contact, legalName: e.legalName, deleted: false }],
    });
  }
  h.sandbox.resetStats();
});
afterAll(async () => h?.close());

async function readCsv(path: string): Promise<Record<string, string>[]> {
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

describe('sync of a mixed file (valid, invalid, duplicated, existing unchanged, existing changed)', () => {
  it('--dry-run reads EnKash, writes nothing, and reports what would change field by field', async () => {
    const meta = await h.sync(FILE, { dryRun: true });
    expect(meta.state).toBe('done');
    expect(writeCalls(h.sandbox)).toBe(0);
    const results = await readCsv(join(meta.reportDir ?? '', 'results.csv'));
    // A dry run speaks in the conditional: nothing was created, updated or deactivated.
    const conditional: Record<string, string> = {
      created: 'would-create',
      updated: 'would-update',
      activated: 'would-activate',
      deactivated: 'would-deactivate',
    };
    expect(Object.fromEntries(results.map((r) => [r.row, r.outcome]))).toEqual(
      Object.fromEntries(Object.entries(expected.outcomes).map(([row, o]) => [row, conditional[o] ?? o])),
    );
    expect(meta.counts.created).toBe(0);
    expect(meta.counts['would-create']).toBe(2);
    const changed = results.find((r) => r.row === '7');
    expect(changed?.changes).toBe(
      'dry run: would change legalName: "Bharat Steel Works" → "Bharat Steel Works LLP"',
    );
    expect(results.find((r) => r.row === '8')?.changes).toBe(
      'dry run: would change status: ACTIVE → INACTIVE',
    );
    expect(h.sandbox.customers()).toHaveLength(3);
    h.sandbox.resetStats();
  });

  it('gives exactly the expected outcomes, report and EnKash state; a re-run makes zero write calls', async () => {
    const meta = await h.sync(FILE);
    expect(meta.state).toBe('done');
    expect(meta.blankRows).toBe(expected.blankRowsSkipped);
    expect(meta.totalsRows).toBe(expected.totalsRowsSkipped);

    const results = await readCsv(join(meta.reportDir ?? '', 'results.csv'));
    expect(Object.fromEntries(results.map((r) => [r.row, r.outcome]))).toEqual(expected.outcomes);
    for (const [row, type] of Object.entries(expected.errorTypes)) {
      expect(results.find((r) => r.row === row)?.errorType).toBe(type);
    }
    const updated = results.find((r) => r.row === '7');
    expect(updated?.changes).toContain('"Bharat Steel Works" → "Bharat Steel Works LLP"');

    const errors = await readCsv(join(meta.reportDir ?? '', 'errors.csv'));
    expect(errors.map((r) => r['Customer Code'])).toEqual(['C-BAD-1', 'C-DUP-1']);
    expect(errors[0]?.Error).toContain('GSTIN/UIN');

    const summary = JSON.parse(await readFile(join(meta.reportDir ?? '', 'summary.json'), 'utf8')) as {
      rowsRead: number;
      counts: Record<string, number>;
    };
    expect(summary.rowsRead).toBe(7);
    expect(Object.values(summary.counts).reduce((a, b) => a + b, 0)).toBe(7);

    const customers = h.sandbox.customers();
    const byRef = new Map(customers.map((c) => [c.uniqueRefNo, c]));
    expect(customers).toHaveLength(5);
    expect(customers.filter((c) => c.uniqueRefNo === 'C-DUP-1')).toHaveLength(1);
    expect(byRef.get('C-BAD-1')).toBeUndefined();
    expect(byRef.get('C-EXIST-CHG')?.legalName).toBe('Bharat Steel Works LLP');
    expect(byRef.get('C-EXIST-OFF')?.active).toBe(false);
    expect(byRef.get('C-NEW-1')?.panOrGstin).toBe('27AAPFU0939F1ZV');
    expect(byRef.get('C-NEW-1')?.customerKeyContacts?.[0]?.mobile).toBe('9876543210');

    const writesBefore = writeCalls(h.sandbox);
    // 2 creates (C-NEW-1, C-DUP-1), 1 PATCH (C-EXIST-CHG), 1 deactivate (C-EXIST-OFF); nothing else.
    expect(writesBefore).toBe(4);
    expect(h.sandbox.stats().requests.update).toEqual({ '200': 1 });
    const again = await h.sync(FILE);
    expect(again.counts).toMatchObject({ unchanged: 5, invalid: 2, created: 0, updated: 0 });
    expect(writeCalls(h.sandbox)).toBe(writesBefore);
  });
});
