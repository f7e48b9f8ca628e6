/**
 * What `sync` and `retry` share once they submit an import: a runtime whose workers do the work in this
 * process (unless --no-local-worker), Ctrl-C that stops following while the import goes on in Redis,
 * the progress while it runs, and its outcome printed as the exit code.
 */
import type { Command } from 'commander';
import type { App } from '../app.js';
import { isTerminal } from '../domain/import-lifecycle.js';
import { hasRowsToFixOrRetry } from '../domain/types.js';
import type { ImportMeta } from '../queue/import-store.js';
import { countsText, createProgress, type RateLine } from './progress.js';
import { startRuntime, type Runtime } from './runtime.js';

/**
 * The command line shared by the commands that act on one import and follow it (`retry`, `revert`,
 * `approve`): the import id, --no-local-worker for when running `customer-sync worker` processes do the
 * work, and the exit code from `run`.
 */
export function followedImportCommand<F extends { localWorker: boolean }>(
  program: Command,
  name: string,
  description: string,
  run: (importId: string, flags: F) => Promise<number>,
): Command {
  return program
    .command(name)
    .description(description)
    .argument('<import-id>', 'the import, as `sync` or the API printed it (imp-…)')
    .option('--no-local-worker', 'only enqueue; running `customer-sync worker` processes do the work')
    .action(async (importId: string, flags: F) => {
      process.exitCode = await run(importId, flags);
    });
}

/** The runtime, and the signal that says the user asked to stop following (SIGINT/SIGTERM). */
export type FollowSession = Runtime & { stopped: AbortSignal };

export async function withFollowSession(
  localWorker: boolean,
  body: (session: FollowSession) => Promise<number>,
): Promise<number> {
  const runtime = await startRuntime({
    allowEmbeddedSandbox: localWorker,
    say: (l) => console.error(l),
    quiet: true,
  });
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body({ ...runtime, stopped: abort.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runtime.close();
  }
}

/** Shows an import's progress until it ends (or waits for review). */
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

/** The exit code of a followed import: 2 when following was interrupted, else its outcome, printed. */
export function followedExit(meta: ImportMeta, stopped: AbortSignal): number {
  if (stopped.aborted && !isTerminal(meta.state)) {
    console.error(
      `interrupted: import ${meta.id} goes on in Redis; run \`customer-sync worker\` to finish it`,
    );
    return 2;
  }
  return printOutcome(meta);
}

function printOutcome(meta: ImportMeta): number {
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
    ...(meta.counts.failed > 0 ? [retryHint(meta)] : []),
  ];
  console.log(lines.join('\n'));
  if (meta.error) return 2;
  return hasRowsToFixOrRetry(meta.counts) ? 1 : 0;
}

/** A revert has no file to retry rows of: reverting again puts back what is left (the rest is unchanged). */
function retryHint(meta: ImportMeta): string {
  const { revertOf } = meta.options;
  return meta.kind === 'revert' && revertOf
    ? `revert again for the failed rows: customer-sync revert ${revertOf}`
    : `retry the failed rows: customer-sync retry ${meta.id}`;
}
