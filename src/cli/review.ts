/**
 * What `sync`, `plan` and `approve` share about review before write: the `--map` option, showing a plan,
 * and the question asked on a terminal when an import is held.
 */
import { createInterface } from 'node:readline/promises';
import { parseMapArgument, type ColumnOverrides } from '../ingest/columns/reading-overrides.js';
import { formatPlan } from '../ingest/plan/format-plan.js';
import type { ReadingPlan } from '../ingest/plan/reading-plan.js';

/** Exit code of an import held for review: nothing written. */
export const EXIT_HELD = 3;

/** commander's collector for a repeatable `--map "HEADER=field"`. */
export function collectMap(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const MAP_HELP =
  'correct the reading: column HEADER feeds field (repeatable; field "-" ignores the column), e.g. --map "Acct Cd=uniqueRefNo"';

export function mapOption(args: readonly string[] | undefined): ColumnOverrides | undefined {
  if (!args || args.length === 0) return undefined;
  return Object.fromEntries(args.map(parseMapArgument));
}

export function printPlan(plan: ReadingPlan | null): void {
  if (plan) console.log(formatPlan(plan));
}

/** Both ends are a terminal (a person can answer); CI and pipes are never asked. */
export function interactive(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true && process.env.CI !== 'true';
}

export async function askApproval(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export function heldText(importId: string): string {
  return (
    `held for review, nothing written: import ${importId} waits in state needs-review.\n` +
    `  Correct the reading with --map "HEADER=field" and run again, accept it as shown with --yes,\n` +
    `  or approve this import: customer-sync approve ${importId}`
  );
}
