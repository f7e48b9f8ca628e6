/**
 * Rows that failed on EnKash's side land in failed.csv, not errors.csv, and `customer-sync retry` syncs
 * exactly those again (`resume`, its twin for a cancelled import, refuses one that was not cancelled):
 * real CLI processes, real Redis, the sandbox over HTTP.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/engine.js';
import { useCliSession } from './helpers/cli-session.js';

const session = useCliSession({
  name: 'cs-retry-',
  env: (sandbox) => ({
    ENKASH_BASE_URL: sandbox.url,
    RETRY_ATTEMPTS: '1',
    ENKASH_BREAKER_THRESHOLD: '0',
  }),
  timeoutMs: 120_000,
});
const { cli } = session;

const lines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');

describe('failed.csv and customer-sync retry', () => {
  it('5xx rows go to failed.csv (not errors.csv); retry syncs only them, in a new linked import', async () => {
    // Writes fail (500) while reads work, so the import gets as far as sending every row.
    session.sandbox.setFaults({ failWriteRate: 1 });
    const first = await cli(['sync', join(REPO_ROOT, 'fixtures/demo/customers.csv')]);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toContain('failed 12');
    const importId = /retry the failed rows: customer-sync retry (imp-\S+)/.exec(first.stdout)?.[1];
    expect(importId).toBeDefined();
    const reportDir = /^report: (.+)$/m.exec(first.stdout)?.[1] ?? '';
    const failed = await lines(join(reportDir, 'failed.csv'));
    expect(failed).toHaveLength(13);
    expect(failed[0]).toMatch(/,Error$/);
    expect(failed[1]).toMatch(/row 2: .*\(HTTP 5\d\d\)/);
    expect(await lines(join(reportDir, 'errors.csv'))).toHaveLength(1);

    session.sandbox.setFaults({ failWriteRate: 0 });
    const again = await cli(['retry', importId!]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`12 failed row(s) of ${importId} again`);
    expect(again.stdout).toContain('created 12');
    expect(session.sandbox.customers()).toHaveLength(12);

    const nothing = await cli(['retry', /^report: .*\/(imp-[^/\s]+)$/m.exec(again.stdout)?.[1] ?? '']);
    expect(nothing.code, `${again.stdout}\n${nothing.stderr}`).toBe(0);
    expect(nothing.stdout).toMatch(/has no rows to retry/);

    // `resume` shares retry's follow-up: an import that was not cancelled has nothing to resume.
    const notCancelled = await cli(['resume', importId!]);
    expect(notCancelled.code, notCancelled.stdout).toBe(2);
    expect(notCancelled.stderr).toContain(`import ${importId} is done, not cancelled`);
  });

  it('an unknown import is one line, exit 2', async () => {
    const r = await cli(['retry', 'imp-nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^customer-sync: no import imp-nope in Redis/);
  });
});
