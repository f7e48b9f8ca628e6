/** The API's request and response shapes, one zod schema each (fastify validates and documents them). */
import { z } from 'zod';
import { OUTCOMES, SYNC_MODES, MATCH_KEYS } from '../domain/types.js';
import { SHOWN_STATES } from '../domain/import-lifecycle.js';

export const ImportIdParams = z.object({
  id: z
    .string()
    .max(64)
    .regex(/^imp-[a-z0-9-]+$/, 'is not an import id (imp-…)'),
});

/**
 * A query parameter naming several of `values`, comma-separated (`state=failed,cancelled`); absent or
 * empty is no filter (undefined).
 */
export function commaList<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z
    .string()
    .max(1000)
    .optional()
    .transform((v) =>
      v === undefined || v.trim() === '' ? undefined : v.split(',').map((part) => part.trim()),
    )
    .pipe(z.array(z.enum(values)).optional())
    .describe(`${what}, comma-separated: ${values.join(', ')}`);
}

export const REPORT_FILES = [
  'results.csv',
  'results.xlsx',
  'summary.json',
  'errors.csv',
  'failed.csv',
  'fixes.csv',
] as const;
export type ReportFile = (typeof REPORT_FILES)[number];

export const ReportParams = ImportIdParams.extend({ file: z.enum(REPORT_FILES) });

export const Links = z.object({
  self: z.string(),
  'results.csv': z.string(),
  'results.xlsx': z.string(),
  'summary.json': z.string(),
  'errors.csv': z.string(),
  'failed.csv': z.string(),
  retryFailed: z.string(),
  /** POST: a cancelled import's unsent rows as a new import (resumeOf). */
  resume: z.string(),
  revert: z.string(),
  /** GET: the per-row results as JSON, with before → after for updates. */
  rows: z.string(),
  /** The rows to fix, in the file's own columns (GET), checked (POST …/check) and sent (POST …/fixes). */
  rowsToFix: z.string(),
  fixes: z.string(),
  /** A follow-up of rows fixed in the page: its change log. */
  'fixes.csv': z.string().optional(),
});

/** A stored time (UTC, ISO 8601) and the same moment in REPORT_TIMEZONE: `2026-12-06 17:45:03 +05:30`. */
const local = (what: string) => z.string().describe(`${what} in timeZone, with the offset`);

export const ImportView = z.object({
  id: z.string(),
  /** The API key's name, `watch`, `schedule:<job>` or `cli`. */
  submittedBy: z.string(),
  /** `revert`: undoes what another import wrote (options.revertOf); reads no file. */
  kind: z.enum(['sync', 'validate', 'revert']),
  /** `cancelling`: cancel accepted, the rows already in flight are finishing (not a stored state). */
  state: z.enum(SHOWN_STATES),
  stateReason: z
    .string()
    .optional()
    .describe(
      "why, in plain words: a failed import's error (a refused file says so), who cancelled it and when, " +
        'what holds it for review, a file read only in part',
    ),
  fileName: z.string(),
  origin: z.string(),
  options: z.object({
    mode: z.enum(SYNC_MODES),
    dryRun: z.boolean(),
    matchKey: z.enum(MATCH_KEYS),
    preset: z.string().optional(),
    sheet: z.string().optional(),
    retryOf: z.string().optional(),
    /** A resume: the cancelled import whose unsent rows it sends. */
    resumeOf: z.string().optional(),
    /** Submitted with `review`: held before any write even with no doubt about its reading. */
    review: z.boolean().optional(),
    /** A revert: the import whose writes it undoes. */
    revertOf: z.string().optional(),
    /** A follow-up of rows fixed in the page: the import they were rows of. */
    fixOf: z.string().optional(),
    onlyRowCount: z.number().int().optional(),
  }),
  progress: z.object({
    parsed: z.number().int(),
    total: z.number().int().nullable(),
    done: z.number().int(),
  }),
  counts: z.record(z.enum(OUTCOMES), z.number().int()),
  blankRows: z.number().int(),
  totalsRows: z.number().int(),
  /** REPORT_TIMEZONE (default Asia/Kolkata): the zone of the `timings.*Local` times. */
  timeZone: z.string(),
  timings: z.object({
    createdAt: z.string(),
    createdAtLocal: local('createdAt'),
    startedAt: z.string().optional(),
    startedAtLocal: local('startedAt').optional(),
    parsedAt: z.string().optional(),
    parsedAtLocal: local('parsedAt').optional(),
    finishedAt: z.string().optional(),
    finishedAtLocal: local('finishedAt').optional(),
  }),
  sheet: z.string().optional(),
  warnings: z.array(z.string()),
  error: z.string().optional(),
  cancelRequested: z.boolean(),
  reportReady: z.boolean(),
  links: Links,
});
export type ImportViewT = z.infer<typeof ImportView>;

export const Submitted = z.object({ importId: z.string(), duplicate: z.boolean(), links: Links });

export const ImportList = z.object({
  offset: z.number().int(),
  limit: z.number().int(),
  imports: z.array(ImportView),
  more: z.boolean().describe('more imports match after this page'),
});

export const Cancelled = z.object({ importId: z.string(), cancelRequested: z.literal(true) });

export const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
