/**
 * A held import's expected outcomes (would create / update / unchanged / activate / deactivate / invalid).
 * When an import is held for review, a dry run of the same file with the same reading is started beside it
 * (unlisted, its own report folder): it reads EnKash and writes nothing. The held import's plan names it
 * (`countedBy`); whoever shows the plan takes the counts from it once it is done, or says why there are
 * none (EnKash could not be read, still counting).
 */
import { isTerminal } from '../domain/import-lifecycle.js';
import { planWithCounts, type ReadingPlan } from '../ingest/plan/reading-plan.js';
import type { ImportMeta, ImportStore } from '../queue/import-store.js';
import { JOB_NAMES, importJobOptions, jobIds, type QueueSettings, type Queues } from '../queue/queues.js';
import { newImportId } from './import-id.js';

export type CountingDeps = { store: ImportStore; queues: Queues; settings: QueueSettings };

/** Starts the dry run that counts `held`'s expected outcomes; returns its import id. */
export async function startCounting(deps: CountingDeps, held: ImportMeta): Promise<string> {
  const id = newImportId();
  const { approved: _approved, ...options } = held.options;
  await deps.store.create({
    id,
    kind: 'sync',
    origin: held.origin,
    fileName: held.fileName,
    filePath: held.filePath,
    submittedBy: held.submittedBy,
    options: { ...options, dryRun: true, reportDir: `${held.options.reportDir}.expected` },
    listed: false,
  });
  await deps.queues.imports.add(
    JOB_NAMES.import,
    { importId: id },
    importJobOptions(deps.settings, jobIds.import(id)),
  );
  return id;
}

/** The plan with its expected counts from the counting dry run, and whether that is final. */
export function withExpected(
  plan: ReadingPlan,
  dry: ImportMeta | null,
): { plan: ReadingPlan; final: boolean } {
  if (plan.expected || !plan.countedBy) return { plan, final: true };
  if (!dry)
    return {
      plan: { ...plan, expectedWhyNot: 'the dry run that counted it is no longer kept' },
      final: true,
    };
  if (dry.state === 'done') {
    const read = {
      rows: dry.total ?? dry.done,
      blank: dry.blankRows,
      totals: dry.totalsRows,
      counts: dry.counts,
    };
    return { plan: planWithCounts(plan, read), final: true };
  }
  if (isTerminal(dry.state)) {
    const why = `EnKash could not be read for the expected counts (dry run ${dry.id} ${dry.state}${dry.error ? `: ${dry.error}` : ''})`;
    return { plan: { ...plan, expectedWhyNot: why }, final: true };
  }
  return {
    plan: { ...plan, expectedWhyNot: `being counted by dry run ${dry.id} (${dry.state})` },
    final: false,
  };
}
