import { realpath } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config.js';
import { MATCH_KEYS } from '../../domain/types.js';
import { UserError } from '../../domain/errors.js';
import { FileReadError } from '../../ingest/raw-row.js';
import { validateFile } from '../../sync/validate-file.js';

type ValidateFlags = {
  sheet?: string;
  preset?: string;
  mapping?: string;
  reportDir?: string;
  matchKey?: (typeof MATCH_KEYS)[number];
};

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'Check a CSV/XLSX file offline (no Redis, no network) and write the same report a sync writes',
    )
    .argument('<file>', 'CSV or XLSX file')
    .option('--sheet <name>', 'the XLSX sheet to read (default: the first with customer data)')
    .option('--preset <name>', 'the file is an export of: tally, zoho-books, busy, sap-b1, marg')
    .option('--mapping <file>', 'a JSON mapping file naming the columns (overrides everything)')
    .option('--report-dir <dir>', 'where to write the report (default: REPORT_DIR/validate-<file>-<time>)')
    .addOption(
      new Option('--match-key <field>', 'the key duplicates are found by (default: MATCH_KEY)').choices(
        MATCH_KEYS,
      ),
    )
    .action(async (file: string, flags: ValidateFlags) => {
      process.exitCode = await runValidate(file, flags);
    });
}

async function runValidate(file: string, flags: ValidateFlags): Promise<number> {
  const config = loadConfig();
  // The file named on the command line is the user's choice: a link there is followed once, here, and
  // everything after reads the real file without following links (src/ingest/read/safe-open.ts).
  const path = await realpath(resolve(file)).catch(() => {
    throw new UserError(`${file}: no such file`);
  });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const stem = basename(path)
    .replace(/\.[^.]+$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_');
  const reportDir = resolve(flags.reportDir ?? `${config.paths.reportDir}/validate-${stem}-${stamp}`);
  let files;
  try {
    files = await validateFile(path, {
      matchKey: flags.matchKey ?? config.sync.matchKey,
      companyId: config.enkash.companyId,
      reportDir,
      timezone: config.reportTimezone,
      ...(flags.sheet ? { sheet: flags.sheet } : {}),
      ...(flags.preset ? { preset: flags.preset } : {}),
      ...(flags.mapping ? { mapping: resolve(flags.mapping) } : {}),
    });
  } catch (err) {
    if (err instanceof FileReadError) throw new UserError(err.message, 2);
    throw err;
  }
  const { valid, invalid } = files.counts;
  console.log(`${basename(path)}: ${valid + invalid} rows — valid ${valid}, invalid ${invalid}`);
  console.log(`report: ${files.dir}`);
  if (invalid > 0)
    console.log(`  errors.csv lists the ${invalid} rows to fix, with the reason in the Error column`);
  return invalid > 0 ? 1 : 0;
}
