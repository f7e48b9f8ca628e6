/**
 * Review before write: the import job calls this once the file's reading plan is made, before any row is
 * enqueued. A plan in doubt holds the import in `needs-review` with nothing written; an approved or
 * corrected reading is saved as the header set's mapping profile, so the next file of the same shape is
 * read the same way without a hold.
 */
import type { Logger } from '../logger.js';
import type { IngestedFile } from '../ingest/ingest-file.js';
import type { Doubt } from '../ingest/plan/doubt-rules.js';
import { planReading, type ReadingPlan } from '../ingest/plan/reading-plan.js';
import type { ImportMeta, ImportOptions } from '../queue/import-store.js';
import { startCounting, type CountingDeps } from './expected-counts.js';
import type { MappingProfiles } from '../queue/mapping-profiles.js';

export type ReviewDeps = CountingDeps & { profiles: MappingProfiles; logger: Logger };

/** Why the submitter's own request holds an import: the plan shows it as a doubt like any other. */
export const ASKED_DOUBT: Doubt = { rule: 'asked', message: 'you asked to review before applying' };

/**
 * The plan the gate judges: the reading's own doubts, and `asked` when the import was submitted with
 * `review` — not for a dry run (it writes nothing: there is nothing to apply) nor once approved.
 */
export function gatedPlan(plan: ReadingPlan, options: ImportOptions): ReadingPlan {
  const asked = options.review === true && !options.dryRun && !options.approved;
  return asked ? { ...plan, doubts: [...plan.doubts, ASKED_DOUBT] } : plan;
}

/** The doubts as the import's meta keeps them (rule and message). */
export function metaDoubts(plan: ReadingPlan): ImportMeta['doubts'] {
  return plan.doubts.map(({ rule, message }) => ({ rule, message }));
}

/** True when the import is now held for review (the caller stops: nothing may be written). */
export async function reviewGate(deps: ReviewDeps, meta: ImportMeta, file: IngestedFile): Promise<boolean> {
  const { options } = meta;
  const plan = gatedPlan(file.plan, options);
  const doubts = metaDoubts(plan);
  // A dry run writes nothing, so it never waits: it reports what the reading as guessed would do, and
  // its plan carries the doubts (a nightly job's guardrails hold on them).
  const held = doubts.length > 0 && !options.approved && !options.dryRun;
  // Held: a dry run beside it counts what it would do, for whoever reviews the plan.
  await deps.store.setPlan(
    meta.id,
    held ? { ...plan, countedBy: await startCounting(deps, meta) } : plan,
    doubts,
  );
  if (held) {
    await deps.store.setState(meta.id, 'needs-review', { heldAt: new Date().toISOString() });
    deps.logger.info(
      { importId: meta.id, event: 'import_held', doubts: doubts.map((d) => d.rule) },
      'held for review: nothing written',
    );
    return true;
  }
  // A person chose this reading (approved it, or corrected it with --map / the mapping endpoint): it is
  // the header set's profile from now on. A mapping file is its own profile and is not copied.
  // A follow-up of fixed rows repeats its first import's reading as corrections: nobody chose it anew.
  if (!options.dryRun && !options.mapping && !options.fixOf && (options.approved || options.map)) {
    await deps.profiles.save({
      headerSet: plan.headerSet,
      columns: planReading(plan),
      savedAt: new Date().toISOString(),
      importId: meta.id,
      fileName: meta.fileName,
    });
  }
  return false;
}
