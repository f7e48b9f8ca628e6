/**
 * Review before write from the command line, as a user runs it (real processes, the sandbox over HTTP):
 * off a terminal a reading in doubt exits 3 with the plan printed and nothing written; `--map` then writes
 * the rows with their codes; the next file of the same shape is not held; the quick start is never held.
 */
import { writeFile } from 'node:fs/promises';
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
    expect(session.sandbox.customers()).toHaveLength(0);
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
