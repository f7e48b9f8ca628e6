/**
 * `customer-sync revert IMPORT_ID [--dry-run]`: real CLI processes, real Redis, the sandbox over HTTP.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../src/sandbox/index.js';
import type { Sandbox } from '../src/sandbox/types.js';
import { REPO_ROOT, credentials, writeCalls } from './helpers/engine.js';
import { deletePrefix, randomPrefix, testRedis } from './helpers/redis.js';
import { call, getToken } from './sandbox/helpers.js';

const prefix = randomPrefix();
let dir: string;
let sandbox: Sandbox;
const HEADER = 'Customer Code,Legal Name,Contact Person,Mobile,Address,Status';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-revert-'));
  sandbox = await startSandbox({ port: 0, credentials: credentials() });
  await writeFile(
    join(dir, 'first.csv'),
    `${HEADER}\r\nC-1,Narmada Traders,Ravi Kumar,9876522001,1 Hill Road,Active\r\n`,
  );
  await writeFile(
    join(dir, 'second.csv'),
    `${HEADER}\r\nC-1,Narmada Traders LLP,Ravi Kumar,9876522001,1 Hill Road,Active\r\n` +
      `C-2,Godavari Foods,Amit Patel,9876522002,2 Hill Road,Active\r\n`,
  );
});
afterAll(async () => {
  await sandbox.close();
  const redis = testRedis();
  await deletePrefix(redis, prefix);
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          REDIS_PREFIX: prefix,
          STATE_DIR: join(dir, 'state'),
          REPORT_DIR: join(dir, 'reports'),
          ENKASH_BASE_URL: sandbox.url,
          LOG_LEVEL: 'warn',
        },
        timeout: 120_000,
      },
      (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
    );
  });
}

const importIdOf = (stdout: string) => /^report: .*\/(imp-[^/\s]+)$/m.exec(stdout)?.[1] ?? '';
const byRef = (ref: string) => sandbox.customers().find((c) => c.uniqueRefNo === ref);

describe('customer-sync revert', () => {
  it('--dry-run writes nothing; the revert puts the fields back and deactivates what it created', async () => {
    expect((await cli(['sync', join(dir, 'first.csv')])).code).toBe(0);
    const second = await cli(['sync', join(dir, 'second.csv')]);
    expect(second.code, second.stderr).toBe(0);
    const id = importIdOf(second.stdout);
    expect(byRef('C-1')?.legalName).toBe('Narmada Traders LLP');

    const writes = writeCalls(sandbox);
    const dry = await cli(['revert', id, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would-update 1/);
    expect(dry.stdout).toMatch(/would-deactivate 1/);
    expect(writeCalls(sandbox)).toBe(writes);

    const undo = await cli(['revert', id]);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stderr).toContain(`revert of ${id}, 2 row(s) it wrote`);
    expect(undo.stdout).toMatch(/updated 1/);
    expect(byRef('C-1')?.legalName).toBe('Narmada Traders');
    expect(byRef('C-2')?.active).toBe(false);
  });

  it('a row changed since is conflict: exit 1, the customer left as it is', async () => {
    const again = await cli(['sync', join(dir, 'second.csv')]);
    expect(again.code, again.stderr).toBe(0);
    const c1 = byRef('C-1');
    // An edit in EnKash after the import: the sandbox's own API, as EnKash's screens would.
    const token = await getToken(sandbox);
    const patched = await call(sandbox, 'PATCH', `/api/v0/customer/${c1?.customerId ?? ''}`, {
      token,
      body: { legalName: 'Narmada Traders (edited)' },
    });
    expect(patched.status).toBe(200);
    const edited = byRef('C-1');
    const undo = await cli(['revert', importIdOf(again.stdout)]);
    expect(undo.code, undo.stdout).toBe(1);
    expect(undo.stdout).toMatch(/conflict 1/);
    expect(byRef('C-1')).toEqual(edited);
  });

  it('an unknown import is one line, exit 2', async () => {
    const r = await cli(['revert', 'imp-nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^customer-sync: no import imp-nope in Redis/);
  });
});
