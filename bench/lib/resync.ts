/**
 * The re-sync benchmark: 100,000 customers already in EnKash (seeded into the sandbox's state file), a
 * file in which 1 % changed, synced by the engine, beside a straightforward per-row "search, then create
 * or update" loop on the same data.
 */
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { ValidRow } from '../../src/domain/types.js';
import { ingestFile } from '../../src/ingest/ingest-file.js';
import { createLogger } from '../../src/logger.js';
import { diffCustomer } from '../../src/plan/diff.js';
import { newCustomer } from '../../src/sandbox/customer-record.js';
import { writeStateFileAtomic } from '../../src/sandbox/state-file.js';
import type { SandboxFaults, SandboxStats } from '../../src/sandbox/types.js';
import { credentials } from '../../test/helpers/engine.js';
import { startSandboxProcess } from './sandbox-process.js';
import { cleanup, envFor, writeCsv, type Env } from './sync-scenario.js';

function calls({ requests }: SandboxStats): number {
  return Object.entries(requests)
    .filter(([op]) => op !== 'token')
    .reduce((sum, [, byStatus]) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
}

async function waitDone(app: App, id: string) {
  // BENCH_RATE_LOG=1: each change of the adaptive rate, with the time since submission.
  const started = Date.now();
  let told = '';
  for (let i = 0; ; i += 1) {
    const meta = await app.store.get(id);
    if (meta && ['done', 'failed', 'cancelled'].includes(meta.state)) return meta;
    if (process.env.BENCH_RATE_LOG && i % 4 === 0) {
      const status = await app.client.rateStatus();
      const reason = 'reason' in status ? status.reason : '';
      if (reason !== told) console.log(`${((Date.now() - started) / 1000).toFixed(1)} s: ${(told = reason)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
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

export type ResyncVariant = {
  name: string;
  /** 'naive': the per-row loop through the same client; 'engine': an import. */
  kind: 'engine' | 'naive';
  faults: Partial<SandboxFaults>;
  env: Env;
  /**
   * The account's rate already learned, as any earlier run on it leaves it (the state is kept per account
   * for 30 days): before the clock, calls beyond the limit until the adaptive rate has met it once; the
   * sandbox's statistics are reset after.
   */
  warmRate?: boolean;
};

export type ResyncFigures = {
  name: string;
  calls: number;
  wallMs: number;
  changed: number;
  maxPerSecond: number;
  throttled: number;
};

/** Lookups of a key nobody has, 64 at a time, until the adaptive rate has met EnKash's limit; then its pause. */
async function learnRate(app: App): Promise<void> {
  const deadline = Date.now() + 30_000;
  const learned = async () => {
    const status = await app.client.rateStatus();
    return 'limitEstimatePerSec' in status && status.limitEstimatePerSec !== null;
  };
  const lane = async () => {
    while (Date.now() < deadline && !(await learned())) {
      await app.client
        .searchCustomers({ uniqueRefNo: 'bench-warm-up' }, { limit: 1, offset: 0 })
        .catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 64 }, lane));
  const status = await app.client.rateStatus();
  console.log(`rate learned: ${'reason' in status ? status.reason : JSON.stringify(status)}`);
  // The Retry-After of the 429 that taught it, and the sandbox's window, pass before the clock starts.
  await new Promise((r) => setTimeout(r, 2_500));
}

/** Each variant on its own freshly seeded sandbox, one after the other, in this process. */
export async function benchResync(
  dir: string,
  rows: number,
  variants: ResyncVariant[],
): Promise<ResyncFigures[]> {
  const seedFile = join(dir, 'seed.csv');
  const resyncFile = join(dir, 'resync.csv');
  await writeCsv(seedFile, rows);
  await writeCsv(resyncFile, rows, (i) => i % 100 === 0);
  const results: ResyncFigures[] = [];
  for (const variant of variants) {
    const stateFile = await seedState(dir, seedFile);
    // In a process of its own, as EnKash is (bench/lib/sandbox-child.ts): its searches over 100,000
    // customers and its answers are not the engine's CPU.
    const sandbox = await startSandboxProcess({
      credentials: credentials(),
      stateFile,
      // The state file only seeds the sandbox. Written back on every change (a debounced JSON.stringify of
      // 100,000 customers, 134 MB, up to a fifth of the time), it stalled the sandbox for 0.9-1.2 s at a
      // time and bunched its answers: not EnKash's behaviour. It is written once, on close, after the clock.
      writeDebounceMs: 3_600_000,
      faults: variant.faults,
    });
    const env = envFor(dir, sandbox, { LOG_LEVEL: 'warn', ...variant.env });
    const app = await createApp(loadConfig(env), createLogger({ level: 'warn', pretty: false }), {
      baseUrl: sandbox.url,
    });
    try {
      if (variant.warmRate) {
        await learnRate(app);
        await sandbox.resetStats();
      }
      const started = Date.now();
      let changed: number;
      if (variant.kind === 'engine') {
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
      const stats = await sandbox.stats();
      const throttled = Object.values(stats.requests).reduce(
        (sum, byStatus) => sum + (byStatus['429'] ?? 0),
        0,
      );
      results.push({
        name: variant.name,
        calls: calls(stats),
        wallMs: Date.now() - started,
        changed,
        maxPerSecond: stats.maxPerSecond,
        throttled,
      });
    } finally {
      await app.close();
      await sandbox.close();
      await cleanup(env);
    }
  }
  return results;
}
