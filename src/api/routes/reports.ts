/** Report downloads: 404 until the import's report folder is published (it appears whole or not at all). */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { App } from '../../app.js';
import { callerOf, mayAccess } from '../auth.js';
import { ApiError } from '../errors.js';
import { ErrorSchema, ReportParams, type ReportFile } from '../schemas.js';

const CONTENT_TYPES: Record<ReportFile, string> = {
  'results.csv': 'text/csv; charset=utf-8',
  'errors.csv': 'text/csv; charset=utf-8',
  'failed.csv': 'text/csv; charset=utf-8',
  'fixes.csv': 'text/csv; charset=utf-8',
  'results.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'summary.json': 'application/json; charset=utf-8',
};

export const reportRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  server.get(
    '/imports/:id/:file',
    {
      schema: {
        summary:
          'Download a report file: results.csv, results.xlsx, summary.json, errors.csv, failed.csv or ' +
          'fixes.csv (a follow-up of fixed rows)',
        tags: ['reports'],
        params: ReportParams,
        response: { 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { id, file } = request.params;
      const meta = await app.imports.get(id);
      if (!meta || !mayAccess(callerOf(request), meta))
        throw new ApiError(404, 'NOT_FOUND', `no import ${id}`);
      if (!meta.reportDir) {
        throw new ApiError(
          404,
          'REPORT_NOT_READY',
          `the report of import ${id} is not ready (${meta.state})`,
        );
      }
      const path = join(meta.reportDir, file);
      const size = await stat(path).then(
        (s) => s.size,
        () => null,
      );
      if (size === null) throw new ApiError(404, 'REPORT_NOT_READY', `${file} of import ${id} is not there`);
      // The id matches /^imp-[a-z0-9-]+$/ and the file name is from a fixed list: the name is safe as is.
      return reply
        .header('content-type', CONTENT_TYPES[file])
        .header('content-length', size)
        .header('content-disposition', `attachment; filename="${id}-${file}"`)
        .header('cache-control', 'no-store')
        .send(createReadStream(path) as never); // a stream: the 200 has no JSON schema to match
    },
  );
};
