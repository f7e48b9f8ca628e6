/**
 * Review before write from the command line, as a user runs it (real processes, the sandbox over HTTP):
 * off a terminal a reading in doubt exits 3 with the plan printed and nothing written; `--map` then writes
 * the rows with their codes; the next file of the same shape is not held; the quick start is never held.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { REPO_ROOT, credentials } from '../helpers/engine.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';
import { INDIC_NAMES } from '../helpers/indic-names.js';

const run = promisify(execFile);
let dir: string;
let sandbox: Sandbox;
const prefix = randomPrefix();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-review-'));
  sandbox = await startSandbox({ port: 0, credentials: credentials() });
});
afterAll(async () => {
  await sandbox.close();
  const redis = testRedis();
  await deletePrefix(redis, prefix);
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          REDIS_PREFIX: prefix,
          ENKASH_BASE_URL: sandbox.url,
          STATE_DIR: join(dir, 'state'),
          REPORT_DIR: join(dir, 'reports'),
          LOG_LEVEL: 'warn',
        },
        timeout: 90_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const codes = () => sandbox.customers().map((c) => c.uniqueRefNo ?? '');

describe('customer-sync sync: review before write', () => {
  it('holds a key column matched only by a fuzzy header: exit 3, the plan printed, nothing written', async () => {
    const held = await cli(['sync', join(REPO_ROOT, 'fixtures/review/clerk-debtors.csv')]);
    expect(held.code).toBe(3);
    expect(held.stdout).toContain('Debtor ID');
    expect(held.stdout).toContain('fuzzy:party-words');
    expect(held.stderr).toContain('held for review, nothing written');
    expect(sandbox.customers()).toHaveLength(0);
  });

  it('`plan` shows the reading alone and writes nothing', async () => {
    const plan = await cli(['plan', join(REPO_ROOT, 'fixtures/review/two-code-columns.csv'), '--no-counts']);
    expect(plan.code).toBe(3);
    expect(plan.stdout).toContain('(unused: looks like codes)');
    expect(plan.stdout).toContain('no-match-key');
    expect(sandbox.customers()).toHaveLength(0);
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
    const next = join(dir, 'clerk-next.csv');
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
    const file = join(dir, 'indic.csv');
    const rows = INDIC_NAMES.map(
      (n, i) => `IN-${i + 1},"  ${n.name}  ",98450999${String(i).padStart(2, '0')}`,
    );
    await writeFile(file, `Customer Code,Party Name,Mobile\n${rows.join('\n')}\n`);
    const result = await cli(['sync', file]);
    expect(result.code).toBe(0);
    for (const [i, n] of INDIC_NAMES.entries()) {
      const customer = sandbox.customers().find((c) => c.uniqueRefNo === `IN-${i + 1}`);
      expect(customer?.legalName).toBe(n.name.normalize('NFC'));
      expect(customer?.legalName).toBe(n.name);
    }
  });
});
