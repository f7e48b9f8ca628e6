/**
 * Rows to fix, in the page (src/sync/fix-rows.ts): list a finished import's rows to fix in the file's own
 * columns, check an edited row with the server's own validation, send the fixed rows as a follow-up
 * import linked to the first (`options.fixOf`). Reading is open to every role that may see the import;
 * checking and sending need the `change` role, as retry-failed and revert do (an uploader only for the
 * imports it may see).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { UserError } from '../../domain/errors.js';
import { FixRefused, type RowEdit } from '../../sync/fix-rows.js';
import { assertRole, callerOf } from '../auth.js';
import { ApiError } from '../errors.js';
import { importLinks } from '../import-view.js';
import { ErrorSchema, ImportIdParams, Submitted } from '../schemas.js';
import { mustGet } from './imports.js';

const CellError = z.object({
  /** The column's key in `cells` (its header as written), null when the field has no column. */
  column: z.string().nullable(),
  letter: z.string().optional(),
  field: z.string(),
  message: z.string(),
});

const RowsToFix = z.object({
  columns: z.array(
    z.object({
      key: z.string(),
      header: z.string(),
      letter: z.string(),
      field: z.string().nullable(),
    }),
  ),
  total: z.number().int(),
  offset: z.number().int(),
  rows: z.array(
    z.object({
      row: z.number().int(),
      sheet: z.string().optional(),
      cells: z.record(z.string(), z.string()),
      errors: z.array(CellError),
      warnings: z.array(z.string()).optional(),
    }),
  ),
});

const PageQuery = z.object({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

const Edit = z.object({
  row: z.number().int().min(1).describe("The row's number on its sheet, as rows-to-fix lists it"),
  sheet: z.string().max(200).optional(),
  cells: z
    .record(z.string().max(500), z.string().max(10_000))
    .describe('Column key → value; a column left out keeps its cell'),
});

const Checked = z.object({
  row: z.number().int(),
  sheet: z.string().optional(),
  ok: z.boolean(),
  errors: z.array(CellError),
  warnings: z.array(z.string()),
});

const FixesBody = z.object({ rows: z.array(Edit).min(1).max(5_000) });

/** Up to 5,000 rows of cells: more than the 64 KB every other JSON body gets. */
const FIXES_BODY_LIMIT = 8 * 1024 * 1024;

export const fixRoutes: FastifyPluginAsyncZod<{ app: App; uploadDir: string }> = async (
  server,
  { app, uploadDir },
) => {
  server.get(
    '/imports/:id/rows-to-fix',
    {
      schema: {
        summary: "A finished import's rows to fix (those of errors.csv) in the file's own columns",
        description:
          'Each row with its original cells by column key and its problems at the column they concern. ' +
          'Paged: `total` is every row to fix.',
        tags: ['fixes'],
        params: ImportIdParams,
        querystring: PageQuery,
        response: { 200: RowsToFix, 404: ErrorSchema, 409: ErrorSchema, 410: ErrorSchema },
      },
    },
    async (request) => {
      const meta = await mustGet(app, request.params.id, callerOf(request));
      const { offset, limit } = request.query;
      return { offset, ...(await refusals(() => app.fixes.rowsToFix(meta, { offset, limit }))) };
    },
  );

  server.post(
    '/imports/:id/rows-to-fix/check',
    {
      schema: {
        summary: 'Check an edited row with the import’s own reading and validation (nothing is written)',
        tags: ['fixes'],
        params: ImportIdParams,
        body: Edit,
        response: { 200: Checked, 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const meta = await mustGet(app, request.params.id, assertRole(request, 'change'));
      const [checked] = await refusals(() => app.fixes.check(meta, [request.body as RowEdit]));
      return checked as NonNullable<typeof checked>;
    },
  );

  server.post(
    '/imports/:id/fixes',
    {
      bodyLimit: FIXES_BODY_LIMIT,
      schema: {
        summary: 'Send fixed rows as a follow-up import (options.fixOf), with a change log in its report',
        description:
          'Every row is checked again (400 names the row and column of one still invalid). The rows are ' +
          'written in the file’s own columns to a CSV imported with the same mode, match key, reading ' +
          'and dry run as this import; its report adds fixes.csv (original, new, who, when).',
        tags: ['fixes'],
        params: ImportIdParams,
        body: FixesBody,
        response: { 202: Submitted, 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const meta = await mustGet(app, request.params.id, assertRole(request, 'change'));
      const by = callerOf(request).name;
      const edits = request.body.rows as RowEdit[];
      const submitted = await refusals(() => app.fixes.submit(meta, edits, { by, uploadDir }));
      if (submitted.duplicate) await app.store.addJoiner(submitted.importId, by);
      request.log.info(
        { event: 'api_fixes_submitted', importId: submitted.importId, fixOf: meta.id, rows: submitted.fixed },
        'fixed rows submitted',
      );
      const { importId, duplicate } = submitted;
      return reply.status(202).send({ importId, duplicate, links: importLinks(importId, true) });
    },
  );
};

async function refusals<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof FixRefused) throw new ApiError(err.status, err.code, err.message);
    // The kept file could not be read again as its import read it (its mapping file swept, …).
    if (err instanceof UserError) throw new ApiError(409, 'FILE_UNREADABLE', err.message);
    throw err;
  }
}
