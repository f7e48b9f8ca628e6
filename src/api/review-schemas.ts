/** The review-before-write routes' bodies and answers (src/api/routes/review.ts). */
import { z } from 'zod';
import { MATCH_SOURCES } from '../ingest/column-map.js';
import { DOUBT_RULES } from '../ingest/plan/doubt-rules.js';
import { EXPECTED_OUTCOMES } from '../ingest/plan/reading-plan.js';

export const PlanSchema = z.object({
  file: z.string(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().optional(),
  sheets: z.array(
    z.object({ name: z.string().optional(), headerRow: z.number().int(), headerSet: z.string() }),
  ),
  skippedSheets: z
    .array(z.object({ name: z.string(), reason: z.string() }))
    .optional()
    .describe('workbook sheets not read, and why (empty, a chart, notes or a summary, not picked, hidden)'),
  headerRow: z.number().int(),
  headerSet: z.string().describe('what a saved mapping profile is keyed by'),
  origin: z.string(),
  matchKey: z.string(),
  columns: z.array(
    z.object({
      column: z.string().describe('Excel column letter'),
      header: z.string(),
      target: z.string().nullable().describe('the field it feeds; null when unused'),
      source: z.enum(MATCH_SOURCES).optional(),
      confidence: z.number().optional(),
      rule: z.string().optional(),
      samples: z.array(z.string()),
      identifierLike: z.boolean().optional(),
    }),
  ),
  skipped: z.object({ aboveHeader: z.number(), blank: z.number(), totals: z.number() }).nullable(),
  expected: z.partialRecord(z.enum(EXPECTED_OUTCOMES), z.number()).nullable(),
  countedBy: z.string().optional().describe('a held import: the dry run that counts its expected outcomes'),
  expectedWhyNot: z
    .string()
    .optional()
    .describe('why expected is null: EnKash could not be read, or still counting'),
  rows: z.number().int().nullable(),
  doubts: z.array(
    z.object({ rule: z.enum(DOUBT_RULES), message: z.string(), columns: z.array(z.string()).optional() }),
  ),
  confirmed: z.boolean(),
});

export const PlanAnswer = z.object({ importId: z.string(), state: z.string(), plan: PlanSchema });

export const MappingBody = z.strictObject({
  columns: z
    .record(z.string().min(1), z.string().min(1).nullable())
    .describe(
      'header as written → field (uniqueRefNo, legalName, contact.mobile, address, …) or null to ignore',
    ),
});

export const Approved = z.object({ importId: z.string(), state: z.literal('queued') });
