/**
 * A real sync engine for integration tests: the sandbox over HTTP on a free port, Redis under a random
 * prefix, reports and state in a temp dir. Worker processes are real `customer-sync worker` processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/app.js';
import { SANDBOX_DEFAULTS, loadConfig } from '../../src/config.js';
import type { ImportMeta, ImportOptions } from '../../src/queue/import-store.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox, SandboxFaults } from '../../src/sandbox/types.js';
import { createLoggerTo } from '../../src/logger.js';
import { REPO_ROOT, cliArgv } from './cli-command.js';
import { normalPriority, raisePriority } from './priority.js';
import { deletePrefix, randomPrefix, testRedis } from './redis.js';

export { REPO_ROOT };

export type Harness = {
  sandbox: Sandbox;
  app: App;
  env: Record<string, string>;
  dir: string;
  logs: string[];
  sync(file: string, options?: Partial<ImportOptions>, timeoutMs?: number): Promise<ImportMeta>;
  spawnWorker(extraEnv?: Record<string, string>): ChildProcess;
  /** Resolves once the worker has logged that it is taking work. */
  workerReady(child: ChildProcess, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

export type HarnessOptions = {
  faults?: Partial<SandboxFaults>;
  env?: Record<string, string>;
  localWorker?: boolean;
  /**
   * The test measures what "EnKash saw" (requests per second, 429s): this process, which hosts the
   * sandbox, runs at a higher CPU priority where permitted, and the worker processes it spawns at the
   * normal one (see priority.ts). Use with `localWorker: false`, so the clients under test are the
   * spawned workers.
   */
  sandboxMeasures?: boolean;
};

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const ownNice = getPriority(0);
  if (opts.sandboxMeasures) raisePriority(0);
  const dir = await mkdtemp(join(tmpdir(), 'cs-sync-'));
  const sandbox = await startSandbox({
    port: 0,
    credentials: { ...credentials() },
    ...(opts.faults ? { faults: opts.faults } : {}),
  });
  const prefix = randomPrefix();
  const env: Record<string, string> = {
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_PREFIX: prefix,
    ENKASH_BASE_URL: sandbox.url,
    ENKASH_RATE_LIMIT_PER_SEC: '200',
    ENKASH_TIMEOUT_MS: '2000',
    RETRY_BASE_DELAY_MS: '20',
    RETRY_MAX_DELAY_MS: '300',
    REPORT_DIR: join(dir, 'reports'),
    STATE_DIR: join(dir, 'state'),
    JOB_SOURCE_ROOTS: dir,
    DATA_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...opts.env,
  };
  const config = loadConfig(env);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = await createApp(config, createLoggerTo(sink, 'info'), { baseUrl: sandbox.url });
  if (opts.localWorker !== false) app.startWorkers();
  const children: ChildProcess[] = [];

  return {
    sandbox,
    app,
    env,
    dir,
    logs,
    async sync(file, options = {}, timeoutMs = 60_000) {
      const id = await app.imports.submit({
        filePath: file,
        origin: 'cli',
        options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo', ...options },
      });
      const deadline = AbortSignal.timeout(timeoutMs);
      const meta = await app.imports.waitFor(id, () => undefined, { pollMs: 100, signal: deadline });
      if (!['done', 'failed', 'cancelled'].includes(meta.state)) {
        throw new Error(
          `import ${id} still ${meta.state} after ${timeoutMs} ms: ${JSON.stringify(meta.counts)}`,
        );
      }
      return meta;
    },
    spawnWorker(extraEnv = {}) {
      const child = spawn(process.execPath, cliArgv(['worker']), {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env, ...extraEnv, NODE_ENV: 'test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // A child inherits this thread's priority: the clients under test run at the normal one.
      if (opts.sandboxMeasures) normalPriority(child.pid, ownNice);
      child.stderr?.on('data', (d: Buffer) => logs.push(d.toString('utf8')));
      child.stdout?.on('data', (d: Buffer) => logs.push(d.toString('utf8')));
      children.push(child);
      return child;
    },
    workerReady(child, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('worker did not start')), timeoutMs);
        const onData = (d: Buffer) => {
          if (!d.toString('utf8').includes('worker_started')) return;
          clearTimeout(timer);
          child.stderr?.off('data', onData);
          resolve();
        };
        child.stderr?.on('data', onData);
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
    },
    async close() {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await app.close();
      await sandbox.close();
      const redis = testRedis(env.REDIS_URL);
      await deletePrefix(redis, prefix);
      await redis.quit();
      await rm(dir, { recursive: true, force: true });
      if (opts.sandboxMeasures) normalPriority(0, ownNice);
    },
  };
}

export function credentials() {
  return {
    clientId: SANDBOX_DEFAULTS.ENKASH_CLIENT_ID,
    clientSecret: SANDBOX_DEFAULTS.ENKASH_CLIENT_SECRET,
    username: SANDBOX_DEFAULTS.ENKASH_USERNAME,
    password: SANDBOX_DEFAULTS.ENKASH_PASSWORD,
    companyId: SANDBOX_DEFAULTS.ENKASH_COMPANY_ID,
  };
}

/** Polls `check` every `everyMs` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  label = 'condition',
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Total write calls the sandbox answered (creates, updates, status changes, deletes). */
export function writeCalls(sandbox: Sandbox): number {
  const r = sandbox.stats().requests;
  return ['create', 'update', 'activate', 'deactivate', 'delete']
    .map((op) => Object.values(r[op] ?? {}).reduce((a, b) => a + b, 0))
    .reduce((a, b) => a + b, 0);
}
