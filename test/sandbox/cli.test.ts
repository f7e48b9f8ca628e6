import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitFor, withTempDir } from './helpers.js';

const COMMAND = fileURLToPath(new URL('./fixtures/sandbox-command.ts', import.meta.url));

type Run = { child: ChildProcessWithoutNullStreams; output: () => string; exit: Promise<number | null> };

function runSandboxCommand(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', COMMAND, 'sandbox', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function baseUrlOf(run: Run): Promise<string> {
  return waitFor(() => /export ENKASH_BASE_URL=(\S+)/.exec(run.output())?.[1], 20_000);
}

describe('customer-sync sandbox', () => {
  it('prints the URL and credentials, serves, and stops cleanly on SIGTERM keeping its state', () =>
    withTempDir(async (dir) => {
      const stateFile = join(dir, 'state.json');
      const run = runSandboxCommand([
        '--port',
        '0',
        '--state',
        stateFile,
        '--rate-limit',
        '50',
        '--rate-limit-schedule',
        '20@1h',
      ]);
      try {
        const url = await baseUrlOf(run);
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        for (const text of [
          'sandbox-client',
          'sandbox-secret',
          'finance@example.com',
          'sandbox-password',
          'CEKSANDBX1',
        ]) {
          expect(run.output()).toContain(text);
        }
        const token = await fetch(`${url}/oauth/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=password&username=finance%40example.com&password=sandbox-password',
        });
        expect(token.status).toBe(200);
        expect(await (await fetch(`${url}/__sandbox/faults`)).json()).toMatchObject({ ratePerSec: 50 });
        expect(run.output()).toContain('rate changes:   20/s after 3600 s');
        const pending = (await (await fetch(`${url}/__sandbox/rate-limit`)).json()) as { pending: unknown[] };
        expect(pending.pending).toEqual([{ atEpochMs: expect.any(Number), ratePerSec: 20 }]);
      } finally {
        run.child.kill('SIGTERM');
      }
      expect(await run.exit).toBe(0);
      expect(run.output()).toContain('sandbox stopped (SIGTERM)');
      expect(JSON.parse(await readFile(stateFile, 'utf8'))).toMatchObject({ version: 1, customers: [] });
    }));

  it('refuses bad options with a plain message', async () => {
    const run = runSandboxCommand(['--port', '0', '--memory', '--failure-rate', '2']);
    expect(await run.exit).toBe(2);
    expect(run.output()).toMatch(/--failure-rate/);
    const both = runSandboxCommand(['--memory', '--state', 'x.json']);
    expect(await both.exit).toBe(2);
    expect(both.output()).toContain('not both');
    const schedule = runSandboxCommand(['--memory', '--rate-limit-schedule', '50@soon']);
    expect(await schedule.exit).toBe(2);
    expect(schedule.output()).toMatch(/--rate-limit-schedule: "50@soon" is not RATE@WHEN/);
  });
});
