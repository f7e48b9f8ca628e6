/** The command line as a user runs it: real processes, real files, the sandbox over HTTP. */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/engine.js';
import { useCliSession } from './helpers/cli-session.js';

const session = useCliSession({
  name: 'cs-cli-',
  timeoutMs: 170_000,
});
const { cli } = session;

describe('customer-sync CLI', () => {
  it('validate: exit 0 when every row is valid, 1 when any is invalid, 2 when the file cannot be read', async () => {
    const ok = await cli(['validate', join(REPO_ROOT, 'fixtures/demo/customers.csv')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid 12, invalid 0');
    const bad = await cli([
      'validate',
      join(REPO_ROOT, 'fixtures/sync/mixed.csv'),
      '--report-dir',
      join(session.dir, 'v'),
    ]);
    expect(bad.code).toBe(1);
    expect((await readdir(join(session.dir, 'v'))).sort()).toEqual([
      'errors.csv',
      'failed.csv',
      'results.csv',
      'results.xlsx',
      'summary.json',
    ]);
    const junk = join(session.dir, 'junk.csv');
    await writeFile(junk, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x00, 0x9c, 0x01]));
    const unreadable = await cli(['validate', junk]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('junk.csv');
    expect(unreadable.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('sync: exit 1 when a row is invalid, with the report path; exit 2 for a missing file', async () => {
    const env = { ENKASH_BASE_URL: session.sandbox.url };
    const result = await cli(['sync', join(REPO_ROOT, 'fixtures/sync/mixed.csv')], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/mixed\.csv: 7 rows — created 5, invalid 2/);
    expect(result.stdout).toContain('report: ');
    const missing = await cli(['sync', 'nope.csv'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv: no such file');
  });

  it('sync with no ENKASH_BASE_URL uses the embedded sandbox, says so, and keeps its state between runs', async () => {
    const file = join(REPO_ROOT, 'fixtures/demo/customers.csv');
    const first = await cli(['sync', file], { ENKASH_BASE_URL: '' });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('built-in EnKash sandbox');
    expect(first.stdout).toContain('created 12');
    const second = await cli(['sync', file], { ENKASH_BASE_URL: '' });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('unchanged 12');
  });
});
