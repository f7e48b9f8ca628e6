/**
 * The watched folder's review/ part: a file whose import is held for review (its reading is in doubt)
 * waits there with its plan beside it (CLAIM.plan.txt for people, CLAIM.plan.json for tools) and its
 * sidecar. Once the import is approved (API, web page, `customer-sync approve`) or cancelled, the next
 * rescan moves it back to processing/, where it is settled like any other file.
 */
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatPlan } from '../ingest/plan/format-plan.js';
import type { ReadingPlan } from '../ingest/plan/reading-plan.js';
import type { ImportService } from '../sync/import-service.js';
import { SIDECAR_SUFFIX, type Layout } from './folders.js';

export const PLAN_SUFFIXES = ['.plan.txt', '.plan.json'] as const;

export function reviewDir(l: Layout): string {
  return join(l.root, 'review');
}

/** Plan first, then the sidecar, then the file: a file in review/ always has its plan beside it. */
export async function holdForReview(
  l: Layout,
  claimName: string,
  importId: string,
  plan: ReadingPlan | null,
): Promise<void> {
  const dir = reviewDir(l);
  const text = plan ? formatPlan(plan) : '(the plan is not available)';
  const how =
    `\n\nNothing was written. Approve the reading with \`customer-sync approve ${importId}\`, ` +
    `POST /imports/${importId}/approve or the web page; correct it with PUT /imports/${importId}/mapping.\n`;
  await writeFile(join(dir, `${claimName}.plan.txt`), text + how);
  if (plan) await writeFile(join(dir, `${claimName}.plan.json`), JSON.stringify(plan, null, 2));
  await rename(join(l.processing, claimName + SIDECAR_SUFFIX), join(dir, claimName + SIDECAR_SUFFIX)).catch(
    () => undefined,
  );
  await rename(join(l.processing, claimName), join(dir, claimName));
}

/**
 * Files in review/ whose import is no longer held, moved back to processing/ (sidecar first); returns
 * their claim names for the watcher to settle.
 */
export async function releaseReviewed(
  l: Layout,
  imports: Pick<ImportService, 'get'>,
  importIdOf: (claimName: string) => Promise<string | undefined>,
): Promise<string[]> {
  const dir = reviewDir(l);
  const names = await readdir(dir).catch(() => [] as string[]);
  const released: string[] = [];
  for (const name of names) {
    if (name.endsWith(SIDECAR_SUFFIX) || PLAN_SUFFIXES.some((s) => name.endsWith(s))) continue;
    const importId = await importIdOf(name);
    const meta = importId ? await imports.get(importId) : null;
    if (meta && meta.state === 'needs-review') continue;
    await rename(join(dir, name + SIDECAR_SUFFIX), join(l.processing, name + SIDECAR_SUFFIX)).catch(
      () => undefined,
    );
    await rename(join(dir, name), join(l.processing, name));
    for (const suffix of PLAN_SUFFIXES) await rm(join(dir, name + suffix), { force: true });
    released.push(name);
  }
  return released;
}
