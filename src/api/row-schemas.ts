/** `GET /imports/{id}/rows`: an import's per-row results as JSON (src/api/routes/rows.ts). */
import { z } from 'zod';
import { OUTCOMES } from '../domain/types.js';
import { commaList } from './schemas.js';

export const RowsQuery = z.object({
  outcome: commaList(OUTCOMES, 'only rows with these outcomes'),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const RowChange = z.object({
  field: z.string().describe('the EnKash field (legalName, panOrGstin, customerKeyContacts, status, …)'),
  column: z
    .string()
    .nullable()
    .describe("the file's header(s) that feed it, as the reading plan read them; null when not known"),
  before: z.string().describe('its value in EnKash before the import'),
  after: z.string().describe('the value the import wrote (a dry run: would write)'),
});

export const RowView = z.object({
  row: z.number().int().describe('the row number on its sheet, as the user sees it in Excel'),
  sheet: z.string().optional(),
  uniqueRefNo: z.string(),
  legalName: z.string(),
  outcome: z.enum(OUTCOMES),
  customerId: z.string(),
  errorType: z.string(),
  errors: z.string().describe('every problem of the row, joined with "; "'),
  warnings: z.string(),
  changes: z.array(RowChange).describe('updates (and dry-run updates): each field before → after'),
  changesText: z.string().describe("results.csv's changes cell (notes on creates included)"),
});
export type RowViewT = z.infer<typeof RowView>;

export const RowsAnswer = z.object({
  importId: z.string(),
  total: z.number().int().describe('rows that match the filter'),
  offset: z.number().int(),
  limit: z.number().int(),
  rows: z.array(RowView),
});
