/** The import routes: thin, each one call to the ImportService. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { App } from '../../app.js';
import type { ImportMeta } from '../../queue/import-store.js';
import { submitFollowUp } from '../../sync/follow-up.js';
import { assertRole, callerOf, mayAccess, type Caller } from '../auth.js';
import { ApiError } from '../errors.js';
import { listImports, ListQuery } from '../import-list.js';
import { importLinks, importView } from '../import-view.js';
import { Cancelled, ErrorSchema, ImportIdParams, ImportList, ImportView, Submitted } from '../schemas.js';
import { UPLOAD_BODY_DOC } from '../upload-fields.js';
import { receiveUpload, type UploadLimits } from '../upload.js';

export type ImportRoutesOptions = { app: App; limits: UploadLimits };

export const importRoutes: FastifyPluginAsyncZod<ImportRoutesOptions> = async (server, { app, limits }) => {
  const view = (meta: ImportMeta) => importView(meta, app.config.reportTimezone);
  server.post(
    '/imports',
    {
      schema: {
        summary: 'Upload a CSV or XLSX file of customers and start an import',
        description:
          'multipart/form-data: one file part (its type is read from its content) and the fields below. ' +
          'An identical file with the same options already being imported answers that import (duplicate).',
        tags: ['imports'],
        consumes: ['multipart/form-data'],
        response: { 202: Submitted, 400: ErrorSchema, 403: ErrorSchema, 413: ErrorSchema, 415: ErrorSchema },
      },
      // Multipart bodies are read by receiveUpload (zod-validated there); this only documents them.
      config: { uploadBodyDoc: UPLOAD_BODY_DOC },
    },
    async (request, reply) => {
      assertRole(request, 'upload');
      const upload = await receiveUpload(request, limits);
      const { fields } = upload;
      const submitted = await app.imports
        .submitOnce({
          filePath: upload.filePath,
          fileName: upload.fileName,
          origin: 'api',
          submittedBy: callerOf(request).name,
          options: {
            mode: fields.mode ?? app.config.sync.mode,
            dryRun: fields.dryRun,
            ...(fields.review ? { review: true } : {}),
            matchKey: fields.matchKey ?? app.config.sync.matchKey,
            ...(fields.preset ? { preset: fields.preset } : {}),
            ...(fields.sheet ? { sheet: fields.sheet } : {}),
            ...(upload.mappingPath ? { mapping: upload.mappingPath } : {}),
          },
        })
        .catch(async (err: unknown) => {
          await upload.discard();
          throw err;
        });
      // The import already under way reads its own copy of these bytes.
      if (submitted.duplicate) {
        await upload.discard();
        await app.store.addJoiner(submitted.importId, callerOf(request).name);
      }
      request.log.info({ event: 'api_import_submitted', ...submitted }, 'import submitted');
      return reply.status(202).send({ ...submitted, links: importLinks(submitted.importId) });
    },
  );

  server.get(
    '/imports',
    {
      schema: {
        summary: 'Recent imports, newest first; filtered by state, kind, dryRun, submittedBy, q (file name)',
        tags: ['imports'],
        querystring: ListQuery,
        response: { 200: ImportList },
      },
    },
    async (request) => {
      const { offset, limit } = request.query;
      const { imports, more } = await listImports(app, callerOf(request), request.query);
      return { offset, limit, imports: imports.map(view), more };
    },
  );

  server.get(
    '/imports/:id',
    {
      schema: {
        summary: 'One import: state, progress, counts by outcome, timings, errors',
        tags: ['imports'],
        params: ImportIdParams,
        response: { 200: ImportView, 404: ErrorSchema },
      },
    },
    async (request) => view(await mustGet(app, request.params.id, callerOf(request))),
  );

  for (const [path, kind, summary] of FOLLOW_UP_ROUTES) {
    server.post(
      `/imports/:id/${path}`,
      {
        schema: {
          summary,
          tags: ['imports'],
          params: ImportIdParams,
          response: {
            202: Submitted,
            403: ErrorSchema,
            404: ErrorSchema,
            409: ErrorSchema,
            410: ErrorSchema,
          },
        },
      },
      async (request, reply) => {
        const caller = assertRole(request, 'change');
        const meta = await mustGet(app, request.params.id, caller);
        const answer = await submitFollowUp(app.imports, meta, kind, {
          origin: 'api',
          submittedBy: caller.name,
        });
        if (!answer.ok) {
          const status = answer.reason === 'file-gone' ? 410 : 409;
          throw new ApiError(status, answer.reason.toUpperCase().replace(/-/g, '_'), answer.message);
        }
        request.log.info(
          { event: `api_${kind.replace('-', '_')}_submitted`, importId: answer.importId, of: meta.id },
          answer.message,
        );
        const { importId, duplicate } = answer;
        return reply.status(202).send({ importId, duplicate, links: importLinks(importId) });
      },
    );
  }

  server.delete(
    '/imports/:id',
    {
      schema: {
        summary: 'Cancel the rows not yet sent (they end skipped; the report is still written)',
        tags: ['imports'],
        params: ImportIdParams,
        response: { 202: Cancelled, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = assertRole(request, 'change');
      const meta = await mustGet(app, request.params.id, caller);
      if (!(await app.imports.cancel(meta.id, caller.name))) {
        throw new ApiError(409, 'ALREADY_FINISHED', `import ${meta.id} is already ${meta.state}`);
      }
      return reply.status(202).send({ importId: meta.id, cancelRequested: true as const });
    },
  );
};

/** The follow-up imports (src/sync/follow-up.ts): the same file, some rows of a finished import. */
const FOLLOW_UP_ROUTES = [
  [
    'retry-failed',
    'retry-failed',
    'A new import of the same file, of only the rows that failed in this one (retryOf)',
  ],
  [
    'resume',
    'resume',
    'A cancelled import: a new import of the same file, of the rows its cancel left unsent (resumeOf); ' +
      '409 NOT_CANCELLED, NOTHING_TO_RESUME; 410 FILE_GONE',
  ],
] as const;

/**
 * An import the caller may see: an uploader sees the imports its key submitted or joined; others (and
 * an import it may not see) are answered 404, so ids of other people's imports cannot be probed.
 */
export async function mustGet(app: App, id: string, caller: Caller): Promise<ImportMeta> {
  const meta = await app.imports.get(id);
  if (!meta || !mayAccess(caller, meta))
    throw new ApiError(404, 'NOT_FOUND', `no import ${id} (imports are kept for JOB_RETENTION_SEC)`);
  return meta;
}
