/**
 * `GET /imports/:id/rows`: the per-row results of a finished import as JSON, filtered by outcome and
 * paged, for the page's detail view (each update's fields before → after, under the file's own headers).
 * Read from the results the report was written from (kept as long as the import), never from the CSV.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { App } from '../../app.js';
import { sheetRow } from '../../domain/sheet-rows.js';
import { OUTCOMES, type RowResult } from '../../domain/types.js';
import { fieldHeader } from '../../ingest/plan/file-columns.js';
import type { ReadingPlan } from '../../ingest/plan/reading-plan.js';
import type { ImportMeta } from '../../queue/import-store.js';
import { callerOf } from '../auth.js';
import { ApiError } from '../errors.js';
import { RowsAnswer, RowsQuery, type RowViewT } from '../row-schemas.js';
import { ErrorSchema, ImportIdParams } from '../schemas.js';
import { mustGet } from './imports.js';

export const rowRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  server.get(
    '/imports/:id/rows',
    {
      schema: {
        summary:
          "A finished import's rows: outcome, errors, warnings and, for updates, each field before → after",
        tags: ['reports'],
        params: ImportIdParams,
        querystring: RowsQuery,
        response: { 200: RowsAnswer, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      // Row data is the file's own: only who may see the import sees its rows.
      const meta = await mustGet(app, request.params.id, callerOf(request));
      if (!meta.reportDir) {
        throw new ApiError(
          409,
          'NOT_FINISHED',
          `import ${meta.id} is ${meta.state}: its rows are shown once its report is written`,
        );
      }
      const { outcome, offset, limit } = request.query;
      const wanted = new Set<string>(outcome ?? OUTCOMES);
      // The counts by outcome are kept with the results (one script records both): the filter's total
      // without reading every row, and the reading stops once the page is full.
      const total = OUTCOMES.reduce((sum, o) => sum + (wanted.has(o) ? meta.counts[o] : 0), 0);
      const plan = await planOf(app, meta);
      const rows: RowViewT[] = [];
      let seen = 0;
      for await (const result of app.imports.results(meta)) {
        if (rows.length >= limit) break;
        if (!wanted.has(result.outcome)) continue;
        if (seen >= offset) rows.push(rowView(result, plan));
        seen += 1;
      }
      return { importId: meta.id, total, offset, limit, rows };
    },
  );
};

/** The reading plan that names the file's columns: a revert reads no file, its import's plan does. */
async function planOf(app: App, meta: ImportMeta): Promise<ReadingPlan | null> {
  const id = meta.kind === 'revert' ? meta.options.revertOf : meta.id;
  return id ? app.store.getPlan<ReadingPlan>(id) : null;
}

function rowView(r: RowResult, plan: ReadingPlan | null): RowViewT {
  return {
    row: sheetRow(r.row),
    ...(r.sheet ? { sheet: r.sheet } : {}),
    uniqueRefNo: r.uniqueRefNo,
    legalName: r.legalName,
    outcome: r.outcome,
    customerId: r.customerId,
    errorType: r.errorType,
    errors: r.errors,
    warnings: r.warnings ?? '',
    changes: (r.fieldChanges ?? []).map((c) => ({
      ...c,
      column: (plan && fieldHeader(plan, c.field)) ?? null,
    })),
    changesText: r.changes,
  };
}
