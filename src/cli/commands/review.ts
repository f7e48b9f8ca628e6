/**
 * Review before write, from the command line: `plan FILE` (the reading plan alone, nothing written),
 * `approve IMPORT_ID` (a held import continues), `mappings list | show | forget` (saved profiles).
 */
import { realpath } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UserError } from '../../domain/errors.js';
import { isTerminal } from '../../domain/import-lifecycle.js';
import { MATCH_KEYS } from '../../domain/types.js';
import { ingestFile } from '../../ingest/ingest-file.js';
import { planWithCounts } from '../../ingest/plan/reading-plan.js';
import { MappingProfiles, type MappingProfile } from '../../queue/mapping-profiles.js';
import { followedImportCommand } from '../follow-import.js';
import { countsText } from '../progress.js';
import { collectMap, EXIT_HELD, MAP_HELP, mapOption, printPlan } from '../review.js';
import { startRuntime } from '../runtime.js';

type PlanFlags = {
  sheet?: string;
  preset?: string;
  mapping?: string;
  map?: string[];
  matchKey?: (typeof MATCH_KEYS)[number];
  counts: boolean;
};

export function registerReview(program: Command): void {
  program
    .command('plan')
    .description(
      'Show how a file would be read (sheets, header row, columns, doubts) and what it would do; writes nothing',
    )
    .argument('<file>', 'CSV or XLSX file')
    .option('--sheet <name>', 'the XLSX sheet to read')
    .option('--preset <name>', 'the file is an export of: tally, zoho-books, busy, sap-b1, marg')
    .option('--mapping <file>', 'a JSON mapping file naming the columns (overrides everything)')
    .option('--map <HEADER=field>', MAP_HELP, collectMap)
    .addOption(
      new Option('--match-key <field>', 'how rows find their customer (default: MATCH_KEY)').choices(
        MATCH_KEYS,
      ),
    )
    .option('--no-counts', 'only the reading: do not read EnKash for the expected outcomes')
    .action(async (file: string, flags: PlanFlags) => {
      process.exitCode = await runPlan(file, flags);
    });

  followedImportCommand(
    program,
    'approve',
    'Approve the reading plan of an import held for review: it continues and writes',
    (importId, flags) => runApprove(importId, flags.localWorker),
  );

  const mappings = program
    .command('mappings')
    .description('Saved mapping profiles (approved readings by header set)');
  mappings
    .command('list')
    .description('every saved profile, newest first')
    .action(async () => {
      process.exitCode = await withProfiles(async (profiles) => {
        const all = await profiles.list();
        if (all.length === 0) console.log('no saved mappings');
        for (const p of all) {
          const used = Object.values(p.columns).filter((f) => f !== null).length;
          console.log(
            `${p.headerSet}  ${p.savedAt}  ${used} columns used  from ${p.fileName} (${p.importId})`,
          );
        }
        return 0;
      });
    });
  mappings
    .command('show')
    .argument('<id>', PROFILE_ID)
    .description('one profile: header → field')
    .action(async (id: string) => {
      process.exitCode = await withProfile(id, async (p) => {
        console.log(`${p.headerSet}: saved ${p.savedAt} by import ${p.importId} (${p.fileName})`);
        for (const [header, field] of Object.entries(p.columns))
          console.log(`  ${header} → ${field ?? '(unused)'}`);
      });
    });
  mappings
    .command('forget')
    .argument('<id>', PROFILE_ID)
    .description('remove a profile: the next file of that shape is read, and reviewed, afresh')
    .action(async (id: string) => {
      process.exitCode = await withProfile(id, async (p, profiles) => {
        if (!(await profiles.forget(p.headerSet))) throw new UserError(`no saved mapping "${id}"`);
        console.log(`forgot ${p.headerSet} (${p.fileName})`);
      });
    });
}

const PROFILE_ID = 'a profile id (or its unique beginning)';

/** One saved profile, found by its id or the id's unique beginning, or a message naming the list. */
function withProfile(
  id: string,
  fn: (profile: MappingProfile, profiles: MappingProfiles) => Promise<void>,
): Promise<number> {
  return withProfiles(async (profiles) => {
    const p = await profiles.find(id);
    if (!p) throw new UserError(`no saved mapping "${id}" (customer-sync mappings list shows them)`);
    await fn(p, profiles);
    return 0;
  });
}

async function withProfiles(fn: (profiles: MappingProfiles) => Promise<number>): Promise<number> {
  const runtime = await startRuntime({ allowEmbeddedSandbox: true, quiet: true });
  try {
    return await fn(new MappingProfiles(runtime.app.redis, runtime.config.redis.prefix));
  } finally {
    await runtime.close();
  }
}

/**
 * The first screen (mapping and samples) comes from the file's first rows alone; then, unless
 * `--no-counts`, a dry run through the engine reads EnKash and adds the expected outcomes.
 */
async function runPlan(file: string, flags: PlanFlags): Promise<number> {
  const path = await realpath(resolve(file)).catch(() => {
    throw new UserError(`${file}: no such file`);
  });
  const runtime = await startRuntime({ allowEmbeddedSandbox: true, quiet: true });
  try {
    const { app, config } = runtime;
    const map = mapOption(flags.map);
    const matchKey = flags.matchKey ?? config.sync.matchKey;
    const options = {
      ...(flags.sheet ? { sheet: flags.sheet } : {}),
      ...(flags.preset ? { preset: flags.preset } : {}),
      ...(flags.mapping ? { mapping: resolve(flags.mapping) } : {}),
      ...(map ? { map } : {}),
    };
    const ingested = await ingestFile(path, {
      fileName: basename(file),
      matchKey,
      ...options,
      savedMapping: async (headerSet) => (await app.engine.profiles.get(headerSet))?.columns,
    });
    await ingested.close();
    printPlan(ingested.plan);
    const inDoubt = ingested.plan.doubts.length > 0;
    if (!flags.counts) return inDoubt ? EXIT_HELD : 0;
    app.startWorkers();
    const importId = await app.imports.submit({
      filePath: path,
      fileName: basename(file),
      origin: 'cli',
      options: { mode: config.sync.mode, dryRun: true, matchKey, ...options },
    });
    const meta = await app.imports.waitFor(importId, () => undefined);
    const plan = await app.imports.plan(importId);
    if (meta.state !== 'done' || !plan) {
      console.error(
        `expected outcomes not known: the dry run ended ${meta.state}${meta.error ? `: ${meta.error}` : ''}`,
      );
      return 2;
    }
    const read = {
      rows: meta.total ?? meta.done,
      blank: meta.blankRows,
      totals: meta.totalsRows,
      counts: meta.counts,
    };
    const full = planWithCounts(plan, read);
    console.log(`Expected (dry run ${importId}, report in ${meta.reportDir ?? ''}): ${countsText(meta)}`);
    console.log(
      `Skipped rows: ${full.skipped?.aboveHeader ?? 0} above the header, ${read.blank} blank, ${read.totals} totals`,
    );
    return inDoubt ? EXIT_HELD : 0;
  } finally {
    await runtime.close();
  }
}

async function runApprove(importId: string, localWorker: boolean): Promise<number> {
  const runtime = await startRuntime({ allowEmbeddedSandbox: localWorker, quiet: true });
  try {
    const { app } = runtime;
    const answer = await app.imports.approve(importId);
    if (!answer.ok) {
      throw new UserError(
        answer.reason === 'not-found'
          ? `no import ${importId} (imports are kept JOB_RETENTION_SEC)`
          : `import ${importId} is ${answer.state}, not held for review`,
      );
    }
    console.error(`import ${importId}: approved; the reading is saved for files of the same shape`);
    if (!localWorker) return 0;
    app.startWorkers();
    const meta = await app.imports.waitFor(importId, () => undefined);
    if (!isTerminal(meta.state)) return EXIT_HELD;
    console.log(`${meta.fileName}: ${meta.total ?? meta.done} rows — ${countsText(meta) || 'nothing to do'}`);
    console.log(`report: ${meta.reportDir ?? ''}`);
    return meta.state === 'done' ? 0 : 2;
  } finally {
    await runtime.close();
  }
}
