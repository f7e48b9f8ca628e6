/**
 * bench/sync — the sync engine against the sandbox, side by side with its baseline, in one run.
 *
 *   (a) first import of 10,000 rows, sandbox at R = 200 req/s with 100 ms latency, two worker processes:
 *       achieved write rate as a share of R (target ≥ 0.9).
 *   (b) re-sync of 100,000 existing customers of which 1 % changed: EnKash calls and wall time of the
 *       engine, beside a straightforward per-row "search, then create or update" loop on the same data
 *       (target ≥ 50× fewer calls).
 *
 * Run: `npx tsx bench/sync.ts [--rows-a N] [--rows-b N]` (Redis on 127.0.0.1:6379).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { ingestFile } from '../src/ingest/ingest-file.js';
import { newCustomer } from '../src/sandbox/customer-record.js';
import { startSandbox } from '../src/sandbox/index.js';
import { writeStateFileAtomic } from '../src/sandbox/state-file.js';
import type { Sandbox } from '../src/sandbox/types.js';
import { diffCustomer } from '../src/plan/diff.js';
import type { ValidRow } from '../src/domain/types.js';
import { credentials } from '../test/helpers/engine.js';
import { deletePrefix, randomPrefix, testRedis } from '../test/helpers/redis.js';
import {
  SYNTHETIC_HEADERS,
  syntheticCsvLine,
  syntheticCustomer,
} from '../test/helpers/synthetic-customers.js';

const ROOT = new URL('..', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    'rows-a': { type: 'string', default: '10000' },
    'rows-b': { type: 'string', default: '100000' },
  },
});

type Env = Record<string, string>;

function envFor(dir: string, sandbox: Sandbox, extra: Env): Env {
  return {
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_PREFIX: randomPrefix(),
    ENKASH_BASE_URL: sandbox.url,
    REPORT_DIR: join(dir, 'reports'),
    STATE_DIR: join(dir, 'state'),
    DATA_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

async function writeCsv(path: string, rows: number, changed: (i: number) => boolean = () => false) {
  const lines = [SYNTHETIC_HEADERS.join(',')];
  for (let i = 1; i <= rows; i++) {
    const c = syntheticCustomer(i, 5);
    if (changed(i)) c.legalName = `${c.legalName} (renamed)`;
    lines.push(syntheticCsvLine(c));
  }
  await writeFile(path, lines.join('\r\n') + '\r\n');
}

function spawnWorker(env: Env): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'worker'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitDone(app: App, id: string, onTick?: () => void) {
  for (;;) {
    const meta = await app.store.get(id);
    onTick?.();
    if (meta && ['done', 'failed', 'cancelled'].includes(meta.state)) return meta;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function calls(sandbox: Sandbox): number {
  const { requests } = sandbox.stats();
  return Object.entries(requests)
    .filter(([op]) => op !== 'token')
    .reduce((sum, [, byStatus]) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
}

async function benchFirstImport(dir: string, rows: number) {
  const R = 200;
  const sandbox = await startSandbox({
    port: 0,
    credentials: credentials(),
    faults: { ratePerSec: R, latencyMs: 100 },
  });
  const env = envFor(dir, sandbox, { ENKASH_RATE_LIMIT_PER_SEC: String(R), WORKER_CONCURRENCY: '48' });
  const app = await createApp(loadConfig(env), createLogger({ level: 'warn', pretty: false }), {
    baseUrl: sandbox.url,
  });
  const workers = [spawnWorker(env), spawnWorker(env)];
  const file = join(dir, 'first-import.csv');
  await writeCsv(file, rows);
  try {
    const started = Date.now();
    const id = await app.imports.submit({
      filePath: file,
      origin: 'cli',
      options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo' },
    });
    let firstWrite = 0;
    let lastWrite = 0;
    let lastCount = 0;
    const meta = await waitDone(app, id, () => {
      const created = sandbox.stats().requests.create?.['200'] ?? 0;
      if (created > 0 && firstWrite === 0) firstWrite = Date.now();
      if (created > lastCount) {
        lastCount = created;
        lastWrite = Date.now();
      }
    });
    const wallMs = Date.now() - started;
    const writes = sandbox.stats().requests.create?.['200'] ?? 0;
    const rate = writes / ((lastWrite - firstWrite) / 1000);
    return {
      rows,
      created: meta.counts.created,
      wallMs,
      writes,
      writeRate: rate,
      shareOfR: rate / R,
      maxPerSecond: sandbox.stats().maxPerSecond,
      R,
      firstWriteAfterMs: firstWrite - started,
    };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await app.close();
    await sandbox.close();
    await cleanup(env);
  }
}

/** The 100,000 customers as EnKash would hold them after an earlier sync of the same file. */
async function seedState(dir: string, file: string): Promise<string> {
  const stateFile = join(dir, 'seed-state.json');
  const ingested = await ingestFile(file, { fileName: 'seed.csv', matchKey: 'uniqueRefNo' });
  const customers = [];
  let id = 1;
  const actor = { username: credentials().username, companyId: credentials().companyId };
  for await (const event of ingested.events()) {
    if (event.kind !== 'row' || event.parsed.kind !== 'valid') continue;
    const customerId = `KC${String(id).padStart(14, '0')}`;
    customers.push(newCustomer(event.parsed.customer, { id, customerId }, actor, new Date()));
    id += 1;
  }
  await writeStateFileAtomic(stateFile, { version: 1, nextId: id, customers });
  return stateFile;
}

/** The baseline: one search per row, then a create or a PATCH — what a straightforward script does. */
async function naiveLoop(app: App, file: string, concurrency: number) {
  const ingested = await ingestFile(file, { fileName: 'resync.csv', matchKey: 'uniqueRefNo' });
  const rows: ValidRow[] = [];
  for await (const e of ingested.events())
    if (e.kind === 'row' && e.parsed.kind === 'valid') rows.push(e.parsed);
  let next = 0;
  let changed = 0;
  async function lane() {
    while (next < rows.length) {
      const row = rows[next++];
      if (!row) break;
      const page = await app.client.searchCustomers({ uniqueRefNo: row.key.value }, { limit: 1, offset: 0 });
      const found = page.data[0];
      if (!found) await app.client.createCustomer(row.customer);
      else {
        const diff = diffCustomer(row, found);
        if (diff.changes.length > 0) {
          changed += 1;
          await app.client.updateCustomer(found.customerId, diff.patch);
        }
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return changed;
}

async function benchResync(dir: string, rows: number) {
  const R = 2000;
  const seedFile = join(dir, 'seed.csv');
  const resyncFile = join(dir, 'resync.csv');
  await writeCsv(seedFile, rows);
  await writeCsv(resyncFile, rows, (i) => i % 100 === 0);
  type Figures = { calls: number; wallMs: number; changed: number };
  const results: { engine?: Figures; naive?: Figures } = {};
  for (const variant of ['engine', 'naive'] as const) {
    const stateFile = await seedState(dir, seedFile);
    const sandbox = await startSandbox({
      port: 0,
      credentials: credentials(),
      stateFile,
      faults: { latencyMs: 5 },
    });
    const env = envFor(dir, sandbox, { ENKASH_RATE_LIMIT_PER_SEC: String(R), WORKER_CONCURRENCY: '64' });
    const app = await createApp(loadConfig(env), createLogger({ level: 'warn', pretty: false }), {
      baseUrl: sandbox.url,
    });
    try {
      const started = Date.now();
      let changed: number;
      if (variant === 'engine') {
        app.startWorkers();
        const id = await app.imports.submit({
          filePath: resyncFile,
          origin: 'cli',
          options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo' },
        });
        const meta = await waitDone(app, id);
        changed = meta.counts.updated;
      } else {
        changed = await naiveLoop(app, resyncFile, 64);
      }
      results[variant] = { calls: calls(sandbox), wallMs: Date.now() - started, changed };
    } finally {
      await app.close();
      await sandbox.close();
      await cleanup(env);
    }
  }
  return { rows, R, ...results };
}

async function cleanup(env: Env) {
  const redis = testRedis();
  await deletePrefix(redis, env.REDIS_PREFIX ?? '');
  await redis.quit();
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'cs-bench-sync-'));
  try {
    const a = await benchFirstImport(dir, Number(args['rows-a']));
    console.log('\n(a) first import', JSON.stringify(a));
    const b = await benchResync(dir, Number(args['rows-b']));
    console.log('(b) re-sync', JSON.stringify(b));
    const engine = b.engine ?? { calls: 0, wallMs: 0, changed: 0 };
    const naive = b.naive ?? { calls: 0, wallMs: 0, changed: 0 };
    console.log(`
| bench | figure | target |
|---|---|---|
| (a) ${a.rows} rows, R = ${a.R}/s, 100 ms latency, 2 workers | ${a.writeRate.toFixed(1)} writes/s = **${a.shareOfR.toFixed(2)} × R**; max ${a.maxPerSecond} req in any 1 s; wall ${(a.wallMs / 1000).toFixed(1)} s; first write after ${a.firstWriteAfterMs} ms | ≥ 0.9 × R, never > R |
| (b) re-sync ${b.rows} customers, 1 % changed: engine | ${engine.calls} calls, ${(engine.wallMs / 1000).toFixed(1)} s, ${engine.changed} updated | |
| (b) same data: per-row search-then-write loop | ${naive.calls} calls, ${(naive.wallMs / 1000).toFixed(1)} s, ${naive.changed} updated | |
| (b) ratio | **${(naive.calls / Math.max(1, engine.calls)).toFixed(0)}× fewer calls**, ${(naive.wallMs / Math.max(1, engine.wallMs)).toFixed(1)}× faster | ≥ 50× fewer calls |
`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
