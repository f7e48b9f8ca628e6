import { realpath } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UserError } from '../../domain/errors.js';
import { SYNC_MODES, MATCH_KEYS } from '../../domain/types.js';
import { checkColumnOptions } from '../check-columns.js';
import { follow, followedExit, withFollowSession } from '../follow-import.js';
import { wholeNumber } from '../whole-number.js';
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

/** A held import's plan waits this long for its expected counts (a dry run reading EnKash). */
const COUNTS_WAIT_MS = 60_000;

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
  review?: boolean;
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
    .option('--review', 'show the reading plan and ask before any write, even when it is not in doubt')
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
  const concurrency = wholeNumber('--concurrency', flags.concurrency, 1);
  await checkColumnOptions(flags);
  return withFollowSession(flags.localWorker, async ({ app, config, stopped }) => {
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
        ...(flags.review ? { review: true } : {}),
      },
    });
    console.error(
      `import ${importId}: ${basename(filePath)}${flags.dryRun ? ' (dry run: nothing is written)' : ''}`,
    );
    let meta = await follow(app, importId, stopped);
    while (meta.state === 'needs-review') {
      printPlan(await app.imports.plan(importId, { waitForCountsMs: COUNTS_WAIT_MS }));
      if (!interactive() || !(await askApproval('Write with this reading?'))) {
        console.error(heldText(importId));
        return EXIT_HELD;
      }
      await app.imports.approve(importId);
      meta = await follow(app, importId, stopped);
    }
    if (meta.state === 'done') printPlan(await app.imports.plan(importId));
    return followedExit(meta, stopped);
  });
}
