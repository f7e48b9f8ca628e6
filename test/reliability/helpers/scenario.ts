/**
 * What every reliability scenario shares: its size under the current profile, and the figures it
 * measured. Figures are printed and written to tmp/reliability/<profile>/<id>.json, from which
 * `npx tsx scripts/guarantees-table.ts --write` renders the README's Guarantees table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Profile = 'ci' | 'full';

export const PROFILE: Profile = process.env.RELIABILITY_PROFILE === 'full' ? 'full' : 'ci';

/** The value for the current profile: small enough for `npm test`, or the full size. */
export function sized<T>(ci: T, full: T): T {
  return PROFILE === 'full' ? full : ci;
}

export type Figure = string | number | boolean;

export type ScenarioResult = {
  /** The scenario's number: 1..14 from issue 6, 15 from issue 17. */
  id: number;
  title: string;
  /** The promise, as the README states it. */
  promise: string;
  /** Measured figures by name: `{ rowsLost: 0, duplicateCustomers: 0, recoverSeconds: 4.2 }`. */
  figures: Record<string, Figure>;
  /** One line a reader of the README understands: "0 rows lost, 0 duplicates; recovered in 4.2 s". */
  summary: string;
};

const REPO_ROOT = new URL('../../..', import.meta.url).pathname;

export function recordScenario(result: ScenarioResult): void {
  const dir = join(REPO_ROOT, 'tmp', 'reliability', PROFILE);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${String(result.id).padStart(2, '0')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ ...result, profile: PROFILE, at: new Date().toISOString() }, null, 2)}\n`,
  );
  console.log(`[reliability ${result.id} · ${PROFILE}] ${result.title}: ${result.summary}`);
  console.log(`  figures: ${JSON.stringify(result.figures)}`);
}
