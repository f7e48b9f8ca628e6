/**
 * Review before write from the command line, as a user runs it (real processes, the sandbox over HTTP):
 * off a terminal a reading in doubt exits 3 with the plan printed and nothing written; `--map` then writes
 * the rows with their codes; the next file of the same shape is not held; the quick start is never held;
 * `--review` holds a file read without doubt, as the user asked.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/engine.js';
import { useCliSession } from '../helpers/cli-session.js';
import { INDIC_NAMES } from '../helpers/indic-names.js';

const session = useCliSession({
  name: 'cs-review-',
  env: (sandbox) => ({ ENKASH_BASE_URL: sandbox.url }),
  timeoutMs: 90_000,
});
const { cli } = session;

const codes = () => session.sandbox.customers().map((c) => c.uniqueRefNo ?? '');

describe('customer-sync sync: review before write', () => {
  it('holds a key column matched only by a fuzzy header: exit 3, the plan printed, nothing written', async () => {
    const held = await cli(['sync', join(REPO_ROOT, 'fixtures/review/clerk-debtors.csv')]);
    expect(held.code).toBe(3);
    expect(held.stdout).toContain('Debtor ID');
    expect(held.stdout).toContain('fuzzy:party-words');
    expect(held.stderr).toContain('held for review, nothing written');
    // The plan shown with what it would do, read from EnKash by a dry run: the repeated DR-101 is invalid.
    expect(held.stdout).toContain('Expected: would-create 4, would-update 0');
    expect(held.stdout).toContain('invalid 1');
    expect(session.sandbox.customers()).toHaveLength(0);
  });

  it("--review holds a file read without doubt, at the user's request: exit 3, nothing written", async () => {
    const before = session.sandbox.customers().length;
    const held = await cli(['sync', join(REPO_ROOT, 'fixtures/sync/mixed.csv'), '--review']);
    expect(held.code, held.stderr).toBe(3);
    expect(held.stdout).toContain('asked: you asked to review before applying');
    expect(held.stderr).toContain('held for review, nothing written');
    expect(session.sandbox.customers()).toHaveLength(before);
  });

  it('`plan` shows the reading alone and writes nothing', async () => {
    const plan = await cli(['plan', join(REPO_ROOT, 'fixtures/review/two-code-columns.csv'), '--no-counts']);
    expect(plan.code).toBe(3);
    expect(plan.stdout).toContain('(unused: looks like codes)');
    expect(plan.stdout).toContain('no-match-key');
    expect(session.sandbox.customers()).toHaveLength(0);
  });

  it('--map corrects the reading: the rows are written with their codes, the repeated code is one customer', async () => {
    const fixed = await cli([
      'sync',
      join(REPO_ROOT, 'fixtures/review/clerk-debtors.csv'),
      '--map',
      'Debtor ID=uniqueRefNo',
    ]);
    expect(fixed.stdout).toContain('created 4, invalid 1');
    expect(fixed.code).toBe(1); // the repeated DR-101 is invalid (DUPLICATE_IN_FILE), not a second customer
    expect(codes().sort()).toEqual(['DR-101', 'DR-102', 'DR-103', 'DR-104']);
  });

  it('the next file of the same shape is read by the saved mapping, without a hold', async () => {
    const next = join(session.dir, 'clerk-next.csv');
    await writeFile(
      next,
      'Debtor ID,Party Name,GSTIN,Mobile,City\nDR-201,Hampi Stone Crafts,,9845012401,Hosapete\nDR-202,Bidar Bidri Works,,9845012402,Bidar\n',
    );
    const second = await cli(['sync', next]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('saved-mapping');
    expect(codes()).toEqual(expect.arrayContaining(['DR-201', 'DR-202']));
    const list = await cli(['mappings', 'list']);
    expect(list.stdout).toContain('clerk-debtors.csv');
  });

  it('the README quick start is not held', async () => {
    const demo = await cli(['sync', join(REPO_ROOT, 'fixtures/demo/customers.csv')]);
    expect(demo.code).toBe(0);
    expect(demo.stderr).not.toContain('held for review');
  });

  it('Indic names with joiners and combining marks reach the sandbox unchanged', async () => {
    const file = join(session.dir, 'indic.csv');
    const rows = INDIC_NAMES.map(
      (n, i) => `IN-${i + 1},"  ${n.name}  ",98450999${String(i).padStart(2, '0')}`,
    );
    await writeFile(file, `Customer Code,Party Name,Mobile\n${rows.join('\n')}\n`);
    const result = await cli(['sync', file]);
    expect(result.code).toBe(0);
    for (const [i, n] of INDIC_NAMES.entries()) {
      const customer = session.sandbox.customers().find((c) => c.uniqueRefNo === `IN-${i + 1}`);
      expect(customer?.legalName).toBe(n.name.normalize('NFC'));
      expect(customer?.legalName).toBe(n.name);
    }
  });
});

describe('customer-sync sync: a workbook with customers on several sheets', () => {
  const DIFFERING = join(REPO_ROOT, 'fixtures/ingest/branch-sheets-differ.xlsx');
  const reportOf = (stdout: string) => /report: (\S+)/.exec(stdout)?.[1] ?? '';

  it('sheets in differing layouts hold the import: exit 3, both sheets named, nothing written', async () => {
    const before = session.sandbox.customers().length;
    const held = await cli(['sync', DIFFERING]);
    expect(held.code).toBe(3);
    expect(held.stdout).toContain('sheets-differ');
    expect(held.stdout).toContain('sheet "Mumbai"');
    expect(held.stdout).toContain('sheet "Pune"');
    expect(held.stderr).toContain('held for review, nothing written');
    expect(session.sandbox.customers()).toHaveLength(before);
    expect(codes().filter((c) => c.startsWith('PUN-') || c.startsWith('MUM-'))).toEqual([]);
  });

  it('--sheet picks one sheet of them: not held, only that sheet written', async () => {
    const one = await cli(['sync', DIFFERING, '--sheet', 'Pune']);
    expect(one.code).toBe(0);
    expect(codes()).toEqual(expect.arrayContaining(['PUN-1', 'PUN-2']));
    expect(codes().filter((c) => c.startsWith('MUM-'))).toEqual([]);
  });

  it('sheets of one layout sync together, each row reported on its sheet; a code on both sheets is one customer', async () => {
    const synced = await cli(['sync', join(REPO_ROOT, 'fixtures/ingest/branch-sheets.xlsx')]);
    expect(synced.stdout).toContain('Sheets not read: "Read me": no customer header row');
    expect(synced.stdout).toContain('"Spare": empty');
    expect(synced.stdout).toContain('created 4, invalid 2');
    expect(synced.code).toBe(1);
    expect(
      codes()
        .filter((c) => /^(MUM|DEL)-/.test(c))
        .sort(),
    ).toEqual(['DEL-1', 'DEL-3', 'MUM-1', 'MUM-2']);
    const report = reportOf(synced.stdout);
    const results = await readFile(join(report, 'results.csv'), 'utf8');
    const rows = results.trim().split(/\r?\n/).slice(1);
    // Each row keeps its number on its sheet: Mumbai 2-3, then Delhi 2-5.
    expect(rows.map((r) => r.split(',')[0])).toEqual(['2', '3', '2', '3', '4', '5']);
    const errors = await readFile(join(report, 'errors.csv'), 'utf8');
    expect(errors).toContain(
      'row 3 of sheet ""Delhi"": Mobile (column E, customerKeyContacts[0].mobile): ""98110"" has 5 digits',
    );
    expect(errors).toContain(
      'row 5 of sheet ""Delhi"": Customer Code (column A, uniqueRefNo): ""MUM-2"" also appears in row 3 of sheet ""Mumbai""',
    );
    // errors.csv is in the file's own columns, ready to fix and upload again.
    expect(errors.split(/\r?\n/)[0]).toBe(
      '\uFEFFCustomer Code,Customer Name,GSTIN,Contact Person,Mobile,Error',
    );
    expect(errors).toContain('DEL-2,Delhi Bad Mobile Co,');
    expect(results.startsWith('\uFEFFrow,sheet,')).toBe(true);
    expect(rows.map((r) => r.split(',')[1])).toEqual([
      'Mumbai',
      'Mumbai',
      'Delhi',
      'Delhi',
      'Delhi',
      'Delhi',
    ]);
  });
});
