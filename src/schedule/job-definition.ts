/**
 * Nightly-sync job definitions: one JSON file per job in JOBS_DIR, validated at startup. Every problem
 * in every file is reported at once, naming the file and the field. Relative paths (a source folder, a
 * mapping file) are read from the directory the command runs in, like every other path the CLI takes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { UserError } from '../domain/errors.js';
import { SYNC_MODES, MATCH_KEYS } from '../domain/types.js';
import { loadMappingFile } from '../ingest/columns/mapping-file.js';
import { PRESETS, presetNames } from '../ingest/columns/presets.js';

export const DEFAULT_TIMEZONE = 'Asia/Kolkata';

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const ScheduleSchema = z
  .object({
    cron: z.string().min(1),
    timezone: z.string().default(DEFAULT_TIMEZONE).refine(validZone, 'is not an IANA time zone'),
  })
  .strict()
  .superRefine((s, ctx) => {
    try {
      CronExpressionParser.parse(s.cron, { tz: validZone(s.timezone) ? s.timezone : 'UTC' });
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['cron'],
        message: `is not a cron pattern: ${(err as Error).message}`,
      });
    }
  });

const FolderSourceSchema = z
  .object({ folder: z.string().min(1), glob: z.string().min(1).default('*') })
  .strict();
const UrlSourceSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    headers: z.record(z.string(), z.string()).optional(),
    timeoutMs: z.number().int().positive().default(120_000),
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(100 * 1024 * 1024),
  })
  .strict();

export const JobDefinitionSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, - and _ only'),
    description: z.string().optional(),
    /** false: not scheduled; `jobs run NAME` still runs it by hand. */
    enabled: z.boolean().default(true),
    source: z.union([FolderSourceSchema, UrlSourceSchema]),
    preset: z
      .string()
      .optional()
      .superRefine((name, ctx) => {
        if (name !== undefined && !PRESETS[name.trim().toLowerCase()])
          ctx.addIssue({
            code: 'custom',
            message: `unknown preset "${name}": choose one of ${presetNames().join(', ')}`,
          });
      }),
    mapping: z.string().optional(),
    sheet: z.string().optional(),
    mode: z.enum(SYNC_MODES).default('upsert'),
    matchKey: z.enum(MATCH_KEYS).default('uniqueRefNo'),
    schedule: ScheduleSchema,
    /** "HH:MM" in the schedule's time zone: by then a new export must be in the source folder. */
    expectedBy: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like "01:30"')
      .optional(),
    guardrails: z
      .object({
        maxChangeShare: z.number().min(0).max(1).optional(),
        minRowsShare: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((d) => !(d.preset && d.mapping), {
    message: 'give preset or mapping, not both',
    path: ['mapping'],
  });

export type JobDefinition = z.output<typeof JobDefinitionSchema> & { file: string };
export type FolderSource = z.output<typeof FolderSourceSchema>;
export type UrlSource = z.output<typeof UrlSourceSchema>;

export function isFolderSource(s: JobDefinition['source']): s is FolderSource {
  return 'folder' in s;
}

/** Parses one definition; problems come back as `file: field: message` lines. */
export function parseDefinition(file: string, text: string): JobDefinition | string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return [`${file}: not valid JSON (${(err as Error).message})`];
  }
  const parsed = JobDefinitionSchema.safeParse(json);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(file)'}: ${i.message}`);
  }
  const d = parsed.data;
  const source = isFolderSource(d.source) ? { ...d.source, folder: resolve(d.source.folder) } : d.source;
  return { ...d, source, ...(d.mapping ? { mapping: resolve(d.mapping) } : {}), file };
}

/** Every `*.json` directly in `dir` (sub-folders such as mappings/ are not definitions). */
export async function loadJobDefinitions(dir: string): Promise<JobDefinition[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    throw new UserError(`${dir}: no such folder of job definitions. Create it or set JOBS_DIR.`);
  }
  const problems: string[] = [];
  const jobs: JobDefinition[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const result = parseDefinition(file, await readFile(file, 'utf8'));
    if (Array.isArray(result)) problems.push(...result);
    else if (result.mapping && !(await mappingLoads(result.mapping, file, problems))) continue;
    else if (jobs.some((j) => j.name === result.name)) {
      problems.push(
        `${file}: name: "${result.name}" is already the name of ${jobs.find((j) => j.name === result.name)?.file}`,
      );
    } else jobs.push(result);
  }
  if (problems.length > 0) {
    throw new UserError(
      `Job definitions have problems; fix them and start again:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return jobs;
}

/** A job's mapping file is read now, not when the job first runs at night. */
async function mappingLoads(path: string, file: string, problems: string[]): Promise<boolean> {
  try {
    await loadMappingFile(path);
    return true;
  } catch (err) {
    problems.push(`${file}: mapping: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

export function findJob(jobs: JobDefinition[], name: string, dir: string): JobDefinition {
  const job = jobs.find((j) => j.name === name);
  if (!job) {
    const known = jobs.map((j) => j.name).join(', ') || 'none';
    throw new UserError(`no job named "${name}" in ${dir} (jobs: ${known})`);
  }
  return job;
}

/** The next run after `from`, in the job's time zone (the same computation BullMQ makes). */
export function nextRun(schedule: JobDefinition['schedule'], from = new Date()): Date {
  return CronExpressionParser.parse(schedule.cron, { tz: schedule.timezone, currentDate: from })
    .next()
    .toDate();
}
