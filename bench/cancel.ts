/**
 * Cancel benchmark (issue 13): a 946-row import at a 10/s ceiling, cancelled once its rows are queued and
 * the first few are in EnKash. Before: the cancel only set the import's flag, and the queued row jobs
 * drained one limiter-paced job start each (the rows worker starts 2 × ceiling jobs a second). After:
 * the cancel takes them out of the queue (src/sync/cancel-rows.ts). Reports, per run, the time from the
 * cancel to `cancelled` and the writes EnKash saw after it (bounded by WORKER_CONCURRENCY). Runs "before"
 * (the flag alone, as the old cancel did) and "after" interleaved; the machine is shared, so read the
 * medians side by side. Run: `npx tsx bench/cancel.ts [pairs]` (Redis on 127.0.0.1:6379).
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startHarness, writeCalls } from '../test/helpers/engine.js';
import { syntheticCsv } from '../test/helpers/synthetic-customers.js';

const ROWS = 946;
const pairs = Number(process.argv[2] ?? 2);

type Run = { msToCancelled: number; writesAfterCancel: number; concurrency: number };

async function once(mode: 'before' | 'after'): Promise<Run> {
  const h = await startHarness({
    env: { ENKASH_RATE_LIMIT_PER_SEC: '10', LOG_LEVEL: 'warn' },
    faults: { latencyMs: 50 },
  });
  try {
    const file = join(h.dir, 'customers.csv');
    await writeFile(file, syntheticCsv(ROWS, 7));
    const id = await h.app.imports.submit({
      filePath: file,
      origin: 'cli',
      options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo' },
    });
    for (;;) {
      const meta = await h.app.imports.get(id);
      if (meta && meta.total === ROWS && meta.done >= 5) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const start = Date.now();
    if (mode === 'before') await h.app.store.set(id, { cancelRequested: 1 });
    else await h.app.imports.cancel(id);
    const writes = writeCalls(h.sandbox);
    const meta = await h.app.imports.waitFor(id, () => undefined, { pollMs: 50 });
    if (meta.state !== 'cancelled') throw new Error(`import ended ${meta.state}`);
    return {
      msToCancelled: Date.now() - start,
      writesAfterCancel: writeCalls(h.sandbox) - writes,
      concurrency: h.app.config.sync.concurrency,
    };
  } finally {
    await h.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const runs: Record<'before' | 'after', Run[]> = { before: [], after: [] };
for (let i = 0; i < pairs; i++) {
  for (const mode of ['before', 'after'] as const) {
    const run = await once(mode);
    runs[mode].push(run);
    console.log(JSON.stringify({ mode, ...run, load1: loadavg()[0]?.toFixed(1) }));
  }
}
for (const mode of ['before', 'after'] as const) {
  const r = runs[mode];
  console.log(
    `${mode}: cancel → cancelled median ${median(r.map((x) => x.msToCancelled))} ms; ` +
      `writes after the cancel median ${median(r.map((x) => x.writesAfterCancel))} ` +
      `(max ${Math.max(...r.map((x) => x.writesAfterCancel))}, concurrency ${r[0]?.concurrency})`,
  );
}
process.exit(0);
