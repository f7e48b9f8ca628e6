import { realpath } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UserError } from '../../domain/errors.js';
import { isTerminal } from '../../domain/import-lifecycle.js';
import { SUCCESS_OUTCOMES, SYNC_MODES, OUTCOMES, MATCH_KEYS } from '../../domain/types.js';
import type { ImportMeta } from '../../queue/import-store.js';
import { countsText, createProgress, type RateLine } from '../progress.js';
import { checkColumnOptions } from '../check-columns.js';
import type { App } from '../../app.js';
import {
  askApproval,
  collectMap,
  EXIT_HELD,
  heldText,
  interactive,
  MAP_HELP,
  mapOption,
  printPlan,
} from '../review.js';
import { startRuntime } from '../runtime.js';

type SyncFlags = {
  mode?: (typeof SYNC_MODES)[number];
  dryRun?: boolean;
  preset?: string;
  mapping?: string;
  sheet?: string;
  reportDir?: string;
  concurrency?: string;
  localWorker: boolean;
  matchKey?: (typeof MATCH_KEYS)[number];
  map?: string[];
  yes?: boolean;
};

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('Sync a CSV/XLSX file of customers into EnKash and write a per-row report')
    .argument('<file>', 'CSV or XLSX file')
    .addOption(
      new Option('--mode <mode>', 'what to do with each customer (default: SYNC_MODE, upsert)').choices(
        SYNC_MODES,
      ),
    )
    .option('--dry-run', 'read EnKash, write nothing, report what would change')
    .option('--preset <name>', 'the file is an export of: tally, zoho-books, busy, sap-b1, marg')
    .option('--mapping <file>', 'a JSON mapping file naming the columns (overrides everything)')
    .option('--sheet <name>', 'the XLSX sheet to read (default: the first with customer data)')
    .option('--report-dir <dir>', 'where to write the report (default: REPORT_DIR/<import id>)')
    .option('--concurrency <n>', 'rows in flight in this process (default: WORKER_CONCURRENCY)')
    .addOption(
      new Option('--match-key <field>', 'how rows find their customer (default: MATCH_KEY)').choices(
        MATCH_KEYS,
      ),
    )
    .option('--map <HEADER=field>', MAP_HELP, collectMap)
    .option('--yes', 'accept the reading plan as shown: a reading in doubt does not hold the import')
    .option('--no-local-worker', 'only enqueue; running `customer-sync worker` processes do the work')
    .action(async (file: string, flags: SyncFlags) => {
      process.exitCode = await runSync(file, flags);
    });
}

async function runSync(file: string, flags: SyncFlags): Promise<number> {
  // The file named on the command line is the user's choice: a link there is followed once, here, and
  // everything after reads the real file without following links (src/ingest/read/safe-open.ts).
  const filePath = await realpath(resolve(file)).catch(() => {
    throw new UserError(`${file}: no such file`);
  });
  const map = mapOption(flags.map);
  const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new UserError(`--concurrency must be a whole number ≥ 1, not "${flags.concurrency}"`);
  }
  await checkColumnOptions(flags);
  const runtime = await startRuntime({
    allowEmbeddedSandbox: flags.localWorker,
    say: (l) => console.error(l),
    quiet: true,
  });
  const { app, config } = runtime;
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (flags.localWorker) app.startWorkers(concurrency === undefined ? {} : { concurrency });
    const importId = await app.imports.submit({
      filePath,
      fileName: basename(file),
      origin: 'cli',
      options: {
        mode: flags.mode ?? config.sync.mode,
        dryRun: flags.dryRun === true,
        matchKey: flags.matchKey ?? config.sync.matchKey,
        ...(flags.preset ? { preset: flags.preset } : {}),
        ...(flags.mapping ? { mapping: resolve(flags.mapping) } : {}),
        ...(flags.sheet ? { sheet: flags.sheet } : {}),
        ...(flags.reportDir ? { reportDir: resolve(flags.reportDir) } : {}),
        ...(map ? { map } : {}),
        ...(flags.yes ? { approved: true } : {}),
      },
    });
    console.error(
      `import ${importId}: ${basename(filePath)}${flags.dryRun ? ' (dry run: nothing is written)' : ''}`,
    );
    let meta = await follow(app, importId, abort.signal);
    while (meta.state === 'needs-review') {
      printPlan(await app.imports.plan(importId));
      if (!interactive() || !(await askApproval('Write with this reading?'))) {
        console.error(heldText(importId));
        return EXIT_HELD;
      }
      await app.imports.approve(importId);
      meta = await follow(app, importId, abort.signal);
    }
    if (meta.state === 'done') printPlan(await app.imports.plan(importId));
    if (abort.signal.aborted && !isTerminal(meta.state)) {
      console.error(
        `interrupted: import ${importId} goes on in Redis; run \`customer-sync worker\` to finish it`,
      );
      return 2;
    }
    return printOutcome(meta);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runtime.close();
  }
}

/** Shows an import's progress until it ends (or waits for review); shared by `sync` and `retry`. */
export async function follow(app: App, importId: string, signal: AbortSignal): Promise<ImportMeta> {
  // The shared rate, read once a second beside the import's own progress.
  let rate: RateLine | undefined;
  const readRate = () =>
    void app.client
      .rateStatus()
      .then((s) => (rate = s))
      .catch(() => undefined);
  readRate();
  const rateTimer = setInterval(readRate, 1000);
  const progress = createProgress(process.stderr, () => rate);
  const meta = await app.imports
    .waitFor(importId, (m) => progress.update(m), { signal })
    .finally(() => clearInterval(rateTimer));
  progress.stop();
  return meta;
}

export function printOutcome(meta: ImportMeta): number {
  if (meta.state === 'failed') {
    console.error(`customer-sync: ${meta.error ?? 'the import failed'}`);
    return 2;
  }
  const lines = [
    `${meta.fileName}: ${meta.total ?? meta.done} rows — ${countsText(meta) || 'nothing to do'}`,
    ...(meta.error ? [`the file could not be read to the end: ${meta.error}`] : []),
    `report: ${meta.reportDir}`,
    `  results.csv, results.xlsx, summary.json, errors.csv (rows to fix and upload again), ` +
      `failed.csv (rows that failed on EnKash's side, to retry)`,
    ...(meta.counts.failed > 0 ? [`retry the failed rows: customer-sync retry ${meta.id}`] : []),
  ];
  console.log(lines.join('\n'));
  if (meta.error) return 2;
  const bad = OUTCOMES.some((o) => !SUCCESS_OUTCOMES.has(o) && o !== 'skipped' && meta.counts[o] > 0);
  return bad ? 1 : 0;
}
