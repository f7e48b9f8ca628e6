/** The command line as a user runs it: real processes, real files, the sandbox over HTTP. */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../src/sandbox/index.js';
import type { Sandbox } from '../src/sandbox/types.js';
import { REPO_ROOT, credentials } from './helpers/engine.js';
import { deletePrefix, randomPrefix, testRedis } from './helpers/redis.js';

const run = promisify(execFile);
let dir: string;
let sandbox: Sandbox;
const prefix = randomPrefix();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-cli-'));
  sandbox = await startSandbox({ port: 0, credentials: credentials() });
});
afterAll(async () => {
  await sandbox.close();
  const redis = testRedis();
  await deletePrefix(redis, prefix);
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          REDIS_PREFIX: prefix,
          STATE_DIR: join(dir, 'state'),
          REPORT_DIR: join(dir, 'reports'),
          LOG_LEVEL: 'warn',
          ...env,
        },
        timeout: 170_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('customer-sync CLI', () => {
  it('validate: exit 0 when every row is valid, 1 when any is invalid, 2 when the file cannot be read', async () => {
    const ok = await cli(['validate', join(REPO_ROOT, 'fixtures/demo/customers.csv')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid 12, invalid 0');
    const bad = await cli([
      'validate',
      join(REPO_ROOT, 'fixtures/sync/mixed.csv'),
      '--report-dir',
      join(dir, 'v'),
    ]);
    expect(bad.code).toBe(1);
    expect((await readdir(join(dir, 'v'))).sort()).toEqual([
      'errors.csv',
      'failed.csv',
      'results.csv',
      'results.xlsx',
      'summary.json',
    ]);
    const junk = join(dir, 'junk.csv');
    await writeFile(junk, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x00, 0x9c, 0x01]));
    const unreadable = await cli(['validate', junk]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('junk.csv');
    expect(unreadable.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('sync: exit 1 when a row is invalid, with the report path; exit 2 for a missing file', async () => {
    const env = { ENKASH_BASE_URL: sandbox.url };
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
