import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function submit(harness: Harness, rows: number, seed: number): Promise<string> {
  const file = join(harness.dir, `customers-${seed}.csv`);
  await writeFile(file, syntheticCsv(rows, seed));
  return harness.app.imports.submit({
    filePath: file,
    origin: 'cli',
    options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo' },
  });
}

async function writeRows(harness: Harness, rows: number, seed: number): Promise<string> {
  const name = `rows-${seed}.csv`;
  await writeFile(join(harness.dir, name), syntheticCsv(rows, seed));
  return name;
}

async function finished(harness: Harness, id: string, timeoutMs: number) {
  return eventually(
    async () => {
      const meta = await harness.app.store.get(id);
      return meta && ['done', 'failed'].includes(meta.state) ? meta : undefined;
    },
    timeoutMs,
    `import ${id} to finish`,
  );
}

describe('worker processes', () => {
  it('two worker processes never make the sandbox see more than R requests in any second', async () => {
    const R = 40;
    h = await startHarness({
      localWorker: false,
      faults: { ratePerSec: R, latencyMs: 100, jitterMs: 50 },
      env: { ENKASH_RATE_LIMIT_PER_SEC: String(R), WORKER_CONCURRENCY: '16' },
    });
    // Measure the steady state: two processes compiling TypeScript at once starve a 2-core machine and
    // stall the sandbox's own event loop, which then stamps queued arrivals together.
    await Promise.all([h.workerReady(h.spawnWorker()), h.workerReady(h.spawnWorker())]);
    const id = await submit(h, 240, 21);
    const meta = await finished(h, id, 60_000);
    const stats = h.sandbox.stats();
    expect(meta.counts.created).toBe(240);
    expect(stats.maxPerSecond).toBeLessThanOrEqual(R);
    expect(stats.requests.create?.['429'] ?? 0).toBe(0);
    // Latency does not bind throughput: the limit is used, not left idle.
    expect(stats.maxPerSecond).toBeGreaterThanOrEqual(R * 0.8);
  });

  it('keeps R requests per second going at 300 ms per call (latency does not bind throughput)', async () => {
    const R = 60;
    h = await startHarness({
      faults: { ratePerSec: R, latencyMs: 300 },
      // No WORKER_CONCURRENCY: the default is sized from the rate budget (R × 0.5 s = 30 rows in flight).
      // The fixed rate: this is about rows in flight, not about the adaptive rate's climb to R (bench/sync).
      env: { ENKASH_RATE_LIMIT_PER_SEC: String(R), ENKASH_RATE_ADAPTIVE: 'false' },
    });
    const started = Date.now();
    const meta = await h.sync(join(h.dir, await writeRows(h, 300, 41)), {}, 60_000);
    const seconds = (Date.now() - started) / 1000;
    expect(meta.counts.created).toBe(300);
    expect(h.sandbox.stats().maxPerSecond).toBeLessThanOrEqual(R);
    // One process at the old fixed 16 rows in flight could not pass 16 / 0.3 s ≈ 53 requests per second.
    expect(h.sandbox.stats().maxPerSecond).toBeGreaterThanOrEqual(R * 0.8);
    expect(300 / seconds).toBeGreaterThan((16 / 0.3) * 0.75);
  });

  it('kill -9 of a worker mid-import, then a restart: the import completes with no duplicate and no row missing', async () => {
    h = await startHarness({
      localWorker: false,
      faults: { latencyMs: 30 },
      env: { ENKASH_RATE_LIMIT_PER_SEC: '150', WORKER_CONCURRENCY: '8', WORKER_LOCK_MS: '2000' },
    });
    const rows = 600;
    const a = h.spawnWorker();
    h.spawnWorker();
    const id = await submit(h, rows, 31);
    const harness = h;
    await eventually(async () => ((await harness.app.store.get(id))?.done ?? 0) >= 150 || undefined, 60_000);
    a.kill('SIGKILL');
    h.spawnWorker();
    const meta = await finished(h, id, 90_000);
    expect(meta.state).toBe('done');
    expect(meta.counts.created).toBe(rows);
    const refs = h.sandbox.customers().map((c) => c.uniqueRefNo);
    expect(refs).toHaveLength(rows);
    expect(new Set(refs).size).toBe(rows);
    const text = (await readFile(join(meta.reportDir ?? '', 'results.csv'), 'utf8')).replace(/^\uFEFF/, '');
    const lines = Papa.parse<{ row: string }>(text, { header: true, skipEmptyLines: true }).data;
    expect(lines.map((l) => Number(l.row))).toEqual(Array.from({ length: rows }, (_, i) => i + 2));
  });
});
