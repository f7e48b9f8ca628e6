/** What customer-sync writes is private: the CLI runs with umask 077 (files 0600, folders 0700). */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgv } from './helpers/cli-command.js';
import { REPO_ROOT } from './helpers/engine.js';
import { syntheticCsv } from './helpers/synthetic-customers.js';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-modes-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('file modes', () => {
  it('writes report files 0600 in folders 0700, whatever umask the shell had, with no server path', async () => {
    const file = join(dir, 'customers.csv');
    await writeFile(file, syntheticCsv(3, 91, 1));
    const reportDir = join(dir, 'out', 'report');
    await run(
      'sh',
      [
        '-c',
        `umask 022 && "${process.execPath}" ${cliArgv(['validate', file, '--report-dir', reportDir])
          .map((a) => `"${a}"`)
          .join(' ')}`,
      ],
      { cwd: REPO_ROOT, env: { ...process.env, STATE_DIR: join(dir, 'state'), LOG_LEVEL: 'silent' } },
    ).catch((err: { code?: number }) => {
      if (err.code !== 1) throw err; // 1: some rows invalid, the report is still written
    });
    expect((await stat(reportDir)).mode & 0o777).toBe(0o700);
    const names = await readdir(reportDir);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect((await stat(join(reportDir, name))).mode & 0o777, name).toBe(0o600);
    // No server path in a report: it is mailed and shared.
    expect(await readFile(join(reportDir, 'summary.json'), 'utf8')).not.toContain(dir);
  });
});
