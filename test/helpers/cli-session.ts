/**
 * The command line as a user runs it, for the CLI tests: `customer-sync` in a real process (through
 * tsx), with its own temp folder for state and reports, a random Redis prefix and a sandbox over HTTP,
 * all started before the file's tests and cleaned up after them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { cliArgv } from './cli-command.js';
import { REPO_ROOT, credentials } from './engine.js';
import { deletePrefix, randomPrefix, testRedis } from './redis.js';

export type CliResult = { code: number; stdout: string; stderr: string };

export type CliSession = {
  /** The temp folder: `state/` and `reports/` of every command run, and the test's own files. */
  readonly dir: string;
  readonly sandbox: Sandbox;
  /** The session's environment for a command run another way (under a pseudo-terminal). */
  env(): Record<string, string>;
  /** Runs `customer-sync ARGS`; `env` is added to the session's environment (and wins). */
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
};

export function useCliSession(options: {
  /** The temp folder's name starts with this. */
  name: string;
  /** Environment every command of the session gets, beside REDIS_PREFIX, STATE_DIR and REPORT_DIR. */
  env?: (sandbox: Sandbox) => Record<string, string>;
  /** A command still running after this is killed (and reported with code -1). */
  timeoutMs: number;
}): CliSession {
  const prefix = randomPrefix();
  let dir = '';
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), options.name));
    sandbox = await startSandbox({ port: 0, credentials: credentials() });
  });
  afterAll(async () => {
    await sandbox?.close();
    const redis = testRedis();
    await deletePrefix(redis, prefix);
    await redis.quit();
    await rm(dir, { recursive: true, force: true });
  });
  const started = (): Sandbox => {
    if (!sandbox) throw new Error('the CLI session is used before its beforeAll ran');
    return sandbox;
  };
  const sessionEnv = (): Record<string, string> => ({
    REDIS_PREFIX: prefix,
    STATE_DIR: join(dir, 'state'),
    REPORT_DIR: join(dir, 'reports'),
    LOG_LEVEL: 'warn',
    ...options.env?.(started()),
  });
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<CliResult>((done) => {
      execFile(
        process.execPath,
        cliArgv(args),
        {
          cwd: REPO_ROOT,
          env: { ...process.env, ...sessionEnv(), ...env },
          timeout: options.timeoutMs,
        },
        (err, stdout, stderr) => {
          // A process killed (timeout) or ended by a signal has no exit code: never mistaken for 0.
          const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
          done({ code, stdout, stderr });
        },
      );
    });
  return {
    get dir() {
      return dir;
    },
    get sandbox() {
      return started();
    },
    env: sessionEnv,
    cli,
  };
}
