/**
 * The `customer-sync` command line. Each command lives in ./commands/<name>.ts and stays thin: parse the
 * options, call one service, format the output.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError } from '../config.js';
import { UserError } from '../domain/errors.js';
import { heapGrowingPercent, tuneHeap } from '../memory.js';
import { loadEnvFile } from './env-file.js';
import { registerJobs } from './commands/jobs.js';
import { registerReview } from './commands/review.js';
import { registerFollowUps } from './commands/retry.js';
import { registerRevert } from './commands/revert.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerSchedule } from './commands/schedule.js';
import { registerStart } from './commands/start.js';
import { registerServe } from './commands/serve.js';
import { registerSync } from './commands/sync.js';
import { registerTemplate } from './commands/template.js';
import { registerValidate } from './commands/validate.js';
import { registerWatch } from './commands/watch.js';
import { registerWorker } from './commands/worker.js';

/** package.json sits two folders up from both src/cli/main.ts and dist/cli/main.js. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `customer-sync ${pkg.version} (Node ${process.version})`;
}

export function buildProgram(): Command {
  const program = new Command('customer-sync')
    .description('Keep your EnKash AR customer master in step with your CSV/XLSX and ERP exports.')
    .version(version(), '-V, --version', 'print the version')
    .showHelpAfterError();
  registerSync(program);
  registerReview(program);
  registerFollowUps(program);
  registerRevert(program);
  registerValidate(program);
  registerTemplate(program);
  registerWorker(program);
  registerSandbox(program);
  registerServe(program);
  registerWatch(program);
  registerSchedule(program);
  registerJobs(program);
  registerStart(program);
  return program;
}

/** Prints a problem as one plain message; a stack trace only at LOG_LEVEL=debug. */
export function reportFatal(err: unknown): number {
  if (err instanceof UserError || err instanceof ConfigError) {
    console.error(`customer-sync: ${err.message}`);
    return err instanceof UserError ? err.exitCode : 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  console.error(`customer-sync: unexpected error: ${message}`);
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(err);
  else console.error('(set LOG_LEVEL=debug for details)');
  return 2;
}

async function main(): Promise<void> {
  // Everything customer-sync writes holds customers' personal data (uploads, reports, state, the
  // watched folder's notes, nightly downloads): files 0600 and folders 0700, whoever forgot a mode.
  process.umask(0o077);
  loadEnvFile();
  tuneHeap(heapGrowingPercent());
  await buildProgram().parseAsync(process.argv);
}

main().catch((err: unknown) => {
  process.exitCode = reportFatal(err);
});
