/**
 * `GET /imports`: the newest imports, filtered (state, kind, dry run, submitter, file name) and paged
 * among the matches. An uploader's list is its own imports. With a filter (or for an uploader) the list
 * looks through the newest {@link SCAN_LIMIT} imports kept; past that, older matches are not found.
 */
import { z } from 'zod';
import type { App } from '../app.js';
import { SHOWN_STATES, shownState } from '../domain/import-lifecycle.js';
import type { ImportMeta } from '../queue/import-store.js';
import { mayAccess, type Caller } from './auth.js';
import { commaList } from './schemas.js';

export const IMPORT_KINDS = ['sync', 'validate', 'revert'] as const;

export const ListQuery = z.object({
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  state: commaList(
    SHOWN_STATES,
    'only imports in these states (as shown: `cancelling` apart from `cancelled`)',
  ),
  kind: commaList(IMPORT_KINDS, 'only imports of these kinds'),
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .describe('true: only dry runs; false: only imports that write'),
  submittedBy: z
    .string()
    .max(100)
    .optional()
    .describe("only imports submitted by this key's name (or `watch`, `schedule:<job>`, `cli`)"),
  q: z.string().max(200).optional().describe('only files whose name contains this (any letter case)'),
});
export type ListQueryT = z.output<typeof ListQuery>;

/** How many of the newest imports a filtered list looks through. */
export const SCAN_LIMIT = 5_000;
const PAGE = 200;

export async function listImports(
  app: App,
  caller: Caller,
  query: ListQueryT,
): Promise<{ imports: ImportMeta[]; more: boolean }> {
  const { offset, limit } = query;
  const matches = matcher(caller, query);
  if (!matches) {
    // No filter: the index pages by itself; one more tells whether a next page exists.
    const page = await app.imports.list(offset, limit + 1);
    return { imports: page.slice(0, limit), more: page.length > limit };
  }
  const found: ImportMeta[] = [];
  for (let at = 0; at < SCAN_LIMIT && found.length <= offset + limit; at += PAGE) {
    const page = await app.imports.list(at, PAGE);
    found.push(...page.filter(matches));
    if (page.length < PAGE) break;
  }
  return { imports: found.slice(offset, offset + limit), more: found.length > offset + limit };
}

/** The filter as one test, or null when the list needs none (an admin or viewer, no filter given). */
function matcher(caller: Caller, q: ListQueryT): ((meta: ImportMeta) => boolean) | null {
  const tests: ((meta: ImportMeta) => boolean)[] = [];
  if (caller.role === 'uploader') tests.push((m) => mayAccess(caller, m));
  const { state, kind, dryRun, submittedBy } = q;
  if (state) tests.push((m) => state.includes(shownState(m.state, m.cancelRequested)));
  if (kind) tests.push((m) => kind.includes(m.kind));
  if (dryRun !== undefined) tests.push((m) => m.options.dryRun === dryRun);
  if (submittedBy) tests.push((m) => m.submittedBy === submittedBy);
  const text = q.q?.trim().toLowerCase();
  if (text) tests.push((m) => m.fileName.toLowerCase().includes(text));
  return tests.length === 0 ? null : (m) => tests.every((t) => t(m));
}
