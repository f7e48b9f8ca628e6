/**
 * One sync scenario of bench/sync: a fresh sandbox (in a process of its own, as EnKash's far side), one
 * `customer-sync worker` process (the engine, warm before the clock starts), an import of N new
 * customers submitted from here, and what EnKash saw, sampled every 100 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { RateStep } from '../../src/sandbox/rate-schedule.js';
import type { SandboxFaults } from '../../src/sandbox/types.js';
import { credentials } from '../../test/helpers/engine.js';
import { deletePrefix, randomPrefix, testRedis } from '../../test/helpers/redis.js';
import {
  SYNTHETIC_HEADERS,
  syntheticCsvLine,
  syntheticCustomer,
} from '../../test/helpers/synthetic-customers.js';
import { countCommands, type CommandCounts } from './redis-commands.js';
import { startSandboxProcess } from './sandbox-process.js';

const ROOT = new URL('../..', import.meta.url).pathname;

export type Env = Record<string, string>;

export type ScenarioSpec = {
  name: string;
  rows: number;
  faults: Partial<SandboxFaults>;
  /** Engine environment on top of the defaults (ENKASH_RATE_LIMIT_PER_SEC, ENKASH_RATE_ADAPTIVE…). */
  env: Env;
  rateSchedule?: RateStep[];
  /** A busy-looping process beside the engine for the whole import. */
  cpuHog?: boolean;
  /** The engine of another checkout (the peer at an older commit); default: this one. */
  engineRoot?: string;
  /** Counts the engine's Redis commands (MONITOR: slows Redis, so the run's timings are not figures). */
  countCommands?: boolean;
  /** `customer-sync worker` processes (default 1): the budget is shared by every process through Redis. */
  workers?: number;
};

export type Sample = { atMs: number; created: number; ratePerSec: number | null };

export type ScenarioResult = {
  name: string;
  rows: number;
  created: number;
  failed: number;
  /** From submit to the last row recorded. */
  wallMs: number;
  /** When the import was submitted (epoch ms): the clock's start, to read the workers' log against. */
  submittedAtMs: number;
  /** Creates answered 200 per second, from submit to the last create. */
  createsPerSec: number;
  requests: number;
  throttled: number;
  maxPerSecond: number;
  beforeRetryAfter: number;
  searches: number;
  samples: Sample[];
  /** CPU time (user + system) of the worker processes from submit to done. */
  workerCpuMs: number;
  commands?: CommandCounts;
};

export function envFor(dir: string, sandbox: { url: string }, extra: Env): Env {
  return {
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_PREFIX: randomPrefix(),
    ENKASH_BASE_URL: sandbox.url,
    REPORT_DIR: join(dir, 'reports'),
    STATE_DIR: join(dir, 'state'),
    JOB_SOURCE_ROOTS: dir,
    DATA_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export async function writeCsv(path: string, rows: number, changed: (i: number) => boolean = () => false) {
  const lines = [SYNTHETIC_HEADERS.join(',')];
  for (let i = 1; i <= rows; i++) {
    const c = syntheticCustomer(i, 5);
    if (changed(i)) c.legalName = `${c.legalName} (renamed)`;
    lines.push(syntheticCsvLine(c));
  }
  await writeFile(path, lines.join('\r\n') + '\r\n');
}

/** A `customer-sync worker` process, resolved once it takes work. */
export async function startWorker(env: Env, root = ROOT): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'worker'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // BENCH_WORKER_LOG=FILE keeps the workers' log lines (JSON) there, to read where a run's time went.
  const keep = process.env.BENCH_WORKER_LOG;
  if (keep) {
    const out = createWriteStream(keep, { flags: 'a' });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
  }
  await waitForLine(child, 'worker_started', 60_000, true);
  // A long-lived worker has its EnKash token before an import comes (an engine before worker_ready has
  // no such line: at most READY_WAIT_MS more).
  await waitForLine(child, 'worker_ready', READY_WAIT_MS, false);
  return child;
}

const READY_WAIT_MS = 3_000;

/** Resolves once `event` appears in the child's output so far (a line may share a chunk with the one before). */
function waitForLine(child: ChildProcess, event: string, ms: number, required: boolean): Promise<void> {
  const seen = outputOf(child);
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!seen.text.includes(event)) return;
      done();
      resolve();
    };
    const done = () => {
      clearTimeout(timer);
      seen.listeners.delete(check);
    };
    const timer = setTimeout(() => {
      done();
      if (required) reject(new Error(`worker: no ${event} within ${ms} ms`));
      else resolve();
    }, ms);
    seen.listeners.add(check);
    check();
  });
}

type Output = { text: string; listeners: Set<() => void> };
const outputs = new WeakMap<ChildProcess, Output>();

/** The child's output until its worker is ready (kept short: only the start-up lines are looked for). */
function outputOf(child: ChildProcess): Output {
  let out = outputs.get(child);
  if (out) return out;
  const o: Output = { text: '', listeners: new Set() };
  const onData = (d: Buffer) => {
    if (o.text.length < 64_000) o.text += d.toString('utf8');
    for (const l of [...o.listeners]) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  outputs.set(child, (out = o));
  return out;
}

/** CPU ms (user + system) a live process has used, from /proc (Linux). */
export async function processCpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return NaN;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces) start at ") ": utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

function total(byStatus: Record<string, number> | undefined): number {
  return Object.values(byStatus ?? {}).reduce((a, b) => a + b, 0);
}

export async function runScenario(dir: string, spec: ScenarioSpec): Promise<ScenarioResult> {
  const sandbox = await startSandboxProcess({ credentials: credentials(), faults: spec.faults });
  const env = envFor(dir, sandbox, spec.env);
  const app = await createApp(loadConfig(env), createLogger({ level: 'warn', pretty: false }), {
    baseUrl: sandbox.url,
  });
  const file = join(dir, `${spec.name.replace(/\W+/g, '-')}.csv`);
  await writeCsv(file, spec.rows);
  const workers = await Promise.all(
    Array.from({ length: spec.workers ?? 1 }, () => startWorker(env, spec.engineRoot)),
  );
  const cpuNow = async () =>
    (await Promise.all(workers.map((w) => processCpuMs(w.pid)))).reduce((a, b) => a + b);
  const counter = spec.countCommands ? await countCommands(env.REDIS_PREFIX ?? '') : undefined;
  const hog = spec.cpuHog ? spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }) : undefined;
  const samples: Sample[] = [];
  try {
    const cpuBefore = await cpuNow();
    const started = Date.now();
    if (spec.rateSchedule) await sandbox.scheduleRateLimit(spec.rateSchedule);
    const id = await app.imports.submit({
      filePath: file,
      origin: 'cli',
      options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo' },
    });
    let lastCreateAt = started;
    let lastCreated = 0;
    let meta;
    for (;;) {
      meta = await app.store.get(id);
      const created = (await sandbox.stats()).requests.create?.['200'] ?? 0;
      if (created > lastCreated) [lastCreated, lastCreateAt] = [created, Date.now()];
      const rate = await app.client.rateStatus().catch(() => null);
      samples.push({ atMs: Date.now() - started, created, ratePerSec: rate?.ratePerSec ?? null });
      if (meta && ['done', 'failed', 'cancelled'].includes(meta.state)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const wallMs = Date.now() - started;
    const workerCpuMs = (await cpuNow()) - cpuBefore;
    const commands = await counter?.stop();
    const stats = await sandbox.stats();
    const requests = stats.total - stats.tokenRequests;
    const throttled = Object.entries(stats.requests)
      .filter(([op]) => op !== 'token')
      .reduce((sum, [, byStatus]) => sum + (byStatus['429'] ?? 0), 0);
    return {
      name: spec.name,
      rows: spec.rows,
      created: meta.counts.created,
      failed: meta.counts.failed,
      wallMs,
      submittedAtMs: started,
      createsPerSec: lastCreated / ((lastCreateAt - started) / 1000),
      requests,
      throttled,
      maxPerSecond: stats.maxPerSecond,
      beforeRetryAfter: stats.requestsBeforeRetryAfter,
      searches: total(stats.requests.search),
      samples,
      workerCpuMs,
      ...(commands ? { commands } : {}),
    };
  } finally {
    await counter?.stop();
    hog?.kill('SIGKILL');
    await Promise.all(
      workers.map(async (worker) => {
        const exited = new Promise((r) => worker.once('exit', r));
        worker.kill('SIGTERM');
        await exited;
      }),
    );
    await app.close();
    await sandbox.close();
    await cleanup(env);
  }
}

export async function cleanup(env: Env) {
  const redis = testRedis();
  await deletePrefix(redis, env.REDIS_PREFIX ?? '');
  await redis.quit();
}
