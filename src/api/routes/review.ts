/**
 * Review before write over HTTP: the reading plan of an import, a correction of its mapping (which makes
 * the plan again), and the approval that lets a held import write.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { App } from '../../app.js';
import { isOverrideField, unknownField } from '../../ingest/columns/reading-overrides.js';
import type { ReviewAnswer } from '../../sync/import-service.js';
import { assertRole, callerOf } from '../auth.js';
import { ApiError } from '../errors.js';
import { mustGet } from './imports.js';
import { Approved, MappingBody, PlanAnswer } from '../review-schemas.js';
import { ErrorSchema, ImportIdParams } from '../schemas.js';

export const reviewRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  server.get(
    '/imports/:id/plan',
    {
      schema: {
        summary:
          'How the file is read: sheets, header row, each column → field (source, confidence, samples), doubts',
        tags: ['review'],
        params: ImportIdParams,
        response: { 200: PlanAnswer, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      // Samples are the file's own data: only who may see the import sees its plan.
      const meta = await mustGet(app, request.params.id, callerOf(request));
      const plan = await app.imports.plan(meta.id);
      if (!plan)
        throw new ApiError(
          409,
          'NOT_READ_YET',
          `import ${meta.id} is ${meta.state}: its file is not read yet`,
        );
      return { importId: meta.id, state: meta.state, plan };
    },
  );

  server.put(
    '/imports/:id/mapping',
    {
      schema: {
        summary:
          'Correct the reading of a held import (header → field, null ignores a column); answers the new plan',
        tags: ['review'],
        params: ImportIdParams,
        body: MappingBody,
        response: { 200: PlanAnswer, 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      await mustGet(app, request.params.id, assertRole(request, 'change'));
      const { columns } = request.body;
      for (const [header, field] of Object.entries(columns)) {
        if (field !== null && !isOverrideField(field))
          throw new ApiError(400, 'UNKNOWN_FIELD', unknownField(`column "${header}"`, field));
      }
      const answer = await app.imports.remap(request.params.id, columns);
      if (!answer.ok || !answer.plan) throw refused(request.params.id, answer);
      return { importId: request.params.id, state: 'needs-review', plan: answer.plan };
    },
  );

  server.post(
    '/imports/:id/approve',
    {
      schema: {
        summary:
          'Approve the reading plan of a held import: it continues and writes; the reading is saved for files of the same shape',
        tags: ['review'],
        params: ImportIdParams,
        response: { 202: Approved, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      await mustGet(app, request.params.id, assertRole(request, 'change'));
      const answer = await app.imports.approve(request.params.id);
      if (!answer.ok) throw refused(request.params.id, answer);
      return reply.status(202).send({ importId: request.params.id, state: 'queued' as const });
    },
  );
};

function notFound(id: string): ApiError {
  return new ApiError(404, 'NOT_FOUND', `no import ${id} (imports are kept for JOB_RETENTION_SEC)`);
}

function refused(id: string, answer: ReviewAnswer): ApiError {
  if (answer.ok) return new ApiError(409, 'NOT_HELD', `import ${id} is not held for review`);
  if (answer.reason === 'not-found') return notFound(id);
  return new ApiError(409, 'NOT_HELD', `import ${id} is ${answer.state}, not held for review`);
}
