/**
 * The first hour in production, as a new user meets it: real CLI processes, a Redis that is not there
 * (a closed port) and then is (a real redis-server started on that port), `.env`, `--version`, a preset
 * typo, jobs. Nothing waits on wall-clock bounds: processes are awaited, readiness is polled with a
 * generous deadline.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgv } from './helpers/cli-command.js';
import { REPO_ROOT } from './helpers/engine.js';
import { deletePrefix, randomPrefix, testRedis } from './helpers/redis.js';

const DEMO = join(REPO_ROOT, 'fixtures/demo/customers.csv');
const prefix = randomPrefix();
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-first-hour-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  const redis = testRedis();
  await deletePrefix(redis, prefix);
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
});

type Result = { code: number | null; stdout: string; stderr: string };

/** Runs the CLI to its end. A process that hangs is killed at the deadline and the test fails on its code. */
function cli(args: string[], env: Record<string, string | undefined> = {}, cwd = REPO_ROOT): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      cliArgv(args),
      {
        cwd,
        env: baseEnv(env),
        timeout: 90_000,
      },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number | string }).code ?? null) : 0;
        resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
      },
    );
  });
}

function baseEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_PREFIX: prefix,
    STATE_DIR: join(dir, 'state'),
    REPORT_DIR: join(dir, 'reports'),
    JOBS_DIR: join(dir, 'no-jobs'),
    LOG_LEVEL: 'info',
    ...env,
  };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return merged;
}

/** A port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, deadlineMs = 60_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Redis not there', () => {
  it('a one-shot command says so in one line naming REDIS_URL (password masked) and exits 2 by itself', async () => {
    const port = await closedPort();
    for (const args of [
      ['sync', DEMO],
      ['jobs', 'list'],
    ]) {
      const r = await cli(args, {
        REDIS_URL: `redis://:s3cret-pw@127.0.0.1:${port}`,
        JOBS_DIR: join(REPO_ROOT, 'jobs'),
      });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      const problem = r.stderr.split('\n').filter((l) => l.startsWith('customer-sync:'));
      expect(problem).toEqual([
        `customer-sync: Redis is not answering at redis://:***@127.0.0.1:${port} (REDIS_URL): ` +
          `connect ECONNREFUSED 127.0.0.1:${port}. Start Redis (\`redis-server\`, or \`docker compose up -d redis\`) ` +
          `or set REDIS_URL to the Redis customer-sync should use.`,
      ]);
      expect(r.stderr).not.toContain('s3cret-pw');
      expect(r.stderr).not.toContain('Unhandled error event');
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('serve keeps trying, says so once per interval, answers /readyz 503, and is ready once Redis comes', async () => {
    const port = await closedPort();
    const serve = spawn(process.execPath, cliArgv(['serve', '--port', '0', '--insecure-no-auth']), {
      cwd: REPO_ROOT,
      env: baseEnv({ REDIS_URL: `redis://127.0.0.1:${port}` }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(serve);
    let stderr = '';
    serve.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await until(
      async () => /customer-sync serve: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr)?.[1],
      'serve to listen',
    );
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as { checks: { redis: string } };
    expect(body.checks.redis).toMatch(/^error: Redis is not connected/);
    const unreachable = stderr.split('\n').filter((l) => l.includes('"event":"redis_unreachable"'));
    expect(unreachable.length).toBeGreaterThanOrEqual(1);
    expect(unreachable[0]).toContain('(REDIS_URL)');

    const redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    children.push(redis);
    try {
      await until(
        async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined),
        '/readyz 200',
      );
      expect(stderr).toContain('"event":"redis_back"');
      serve.kill('SIGTERM');
      const [code] = (await once(serve, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      redis.kill('SIGKILL');
    }
  });
});

describe('configuration', () => {
  it('reads .env from the working folder; a variable set in the environment wins', async () => {
    const cwd = join(dir, 'with-env');
    await mkdir(cwd, { recursive: true });
    await writeFile(
      join(cwd, '.env'),
      `# from the file\nREPORT_DIR=${join(dir, 'env-reports')}\nLOG_LEVEL=warn\n`,
    );
    const fromFile = await cli(['validate', DEMO], { REPORT_DIR: undefined }, cwd);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(await readdir(join(dir, 'env-reports'))).toHaveLength(1);

    const fromEnv = await cli(['validate', DEMO], { REPORT_DIR: join(dir, 'real-env-reports') }, cwd);
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(await readdir(join(dir, 'real-env-reports'))).toHaveLength(1);
    expect(await readdir(join(dir, 'env-reports'))).toHaveLength(1);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`customer-sync ${pkg.version} (Node ${process.version})`);
  });
});

describe('checked before anything starts', () => {
  it('an unknown preset lists the known ones, before Redis or the sandbox is touched', async () => {
    const port = await closedPort();
    const xlsx = join(REPO_ROOT, 'fixtures/ingest/branch-sheets.xlsx');
    const r = await cli(['sync', '--preset', 'tallyprime', xlsx], { REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'customer-sync: unknown preset "tallyprime": choose one of tally, zoho-books, busy, sap-b1, marg',
    );
    const mapping = await cli(['sync', '--mapping', join(dir, 'nope.json'), DEMO], {
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    expect(mapping.code).toBe(2);
    expect(mapping.stderr.trim()).toBe(`customer-sync: mapping file not found: ${join(dir, 'nope.json')}`);
  });

  it('the validator refuses the unknown preset by name too (not as a damaged workbook)', async () => {
    const r = await cli([
      'validate',
      '--preset',
      'tallyprime',
      join(REPO_ROOT, 'fixtures/ingest/branch-sheets.xlsx'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'unknown preset "tallyprime": choose one of tally, zoho-books, busy, sap-b1, marg',
    );
    expect(r.stderr).not.toContain('damaged');
  });

  it('job definitions: an unknown preset or a missing mapping file stops `jobs list` before Redis', async () => {
    const jobs = join(dir, 'bad-jobs');
    await mkdir(jobs, { recursive: true });
    const job = {
      name: 'nightly',
      source: { folder: join(REPO_ROOT, 'fixtures/demo'), glob: 'customers*.csv' },
      schedule: { cron: '0 2 * * *', timezone: 'Asia/Kolkata' },
    };
    await writeFile(join(jobs, 'a.json'), JSON.stringify({ ...job, preset: 'tallyprime' }));
    await writeFile(
      join(jobs, 'b.json'),
      JSON.stringify({ ...job, name: 'other', mapping: join(dir, 'gone.json') }),
    );
    const r = await cli(['jobs', 'list'], {
      JOBS_DIR: jobs,
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${join(jobs, 'a.json')}: preset: unknown preset "tallyprime": choose one of tally, zoho-books, busy, sap-b1, marg`,
    );
    expect(r.stderr).toContain(
      `${join(jobs, 'b.json')}: mapping: mapping file not found: ${join(dir, 'gone.json')}`,
    );
    expect(r.stderr).not.toContain('Redis');
  });
});

describe('jobs', () => {
  it('`jobs run` prints the counts and the report path; `jobs list` starts no sandbox', async () => {
    const jobs = join(dir, 'jobs');
    await mkdir(jobs, { recursive: true });
    await writeFile(
      join(jobs, 'demo.json'),
      JSON.stringify({
        name: 'demo',
        enabled: false,
        source: { folder: join(REPO_ROOT, 'fixtures/demo'), glob: 'customers*.csv' },
        schedule: { cron: '0 2 * * *', timezone: 'Asia/Kolkata' },
      }),
    );
    const env = { JOBS_DIR: jobs, STATE_DIR: join(dir, 'jobs-state'), LOG_LEVEL: 'warn' };
    const run = await cli(['jobs', 'run', 'demo'], env);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^demo: imported, 12 rows, import imp-/);
    expect(lines[1]).toBe('  created 12');
    const reportDir = /^ {2}report: (.+)$/.exec(lines[2] ?? '')?.[1];
    expect(reportDir).toBeDefined();
    expect(await readdir(reportDir!)).toEqual(expect.arrayContaining(['results.csv', 'summary.json']));

    const list = await cli(['jobs', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('demo  (');
    expect(list.stdout).toMatch(/last run {3}.*: imported, 12 rows/);
    expect(list.stderr).not.toMatch(/sandbox/i);
  });
});
