/**
 * `POST /imports/:id/revert`: undo an import (src/sync/revert-service.ts). The same rules as
 * retry-failed: the `change` role, and an uploader only for the imports it may see.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { assertRole, callerOf } from '../auth.js';
import { ApiError } from '../errors.js';
import { importLinks } from '../import-view.js';
import { ErrorSchema, ImportIdParams, Submitted } from '../schemas.js';
import { mustGet } from './imports.js';

const RevertBody = z
  .object({
    dryRun: z
      .boolean()
      .default(false)
      .describe('Read EnKash and report what the revert would do (would-update, conflict, …); write nothing'),
  })
  // No body at all reaches the schema as null.
  .nullish();

export const revertRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  server.post(
    '/imports/:id/revert',
    {
      schema: {
        summary:
          'Undo an import: a new import, linked to it (revertOf), that puts back what it wrote; ' +
          'a field changed since is reported `conflict` and left as it is',
        description:
          'Each field the import changed goes back to its value before the import, an activation or ' +
          'deactivation is reversed, and the customers it created are deactivated (EnKash has no delete). ' +
          'Body optional: {"dryRun": true} reports and writes nothing.',
        tags: ['imports'],
        params: ImportIdParams,
        body: RevertBody,
        response: { 202: Submitted, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const meta = await mustGet(app, request.params.id, assertRole(request, 'change'));
      const answer = await app.reverts.revert(meta.id, {
        dryRun: request.body?.dryRun ?? false,
        origin: 'api',
        submittedBy: callerOf(request).name,
      });
      if (!answer.ok) {
        const status = answer.reason === 'not-found' ? 404 : 409;
        throw new ApiError(status, answer.reason.toUpperCase().replace(/-/g, '_'), answer.message);
      }
      request.log.info(
        { event: 'api_revert_submitted', importId: answer.importId, revertOf: meta.id },
        'revert submitted',
      );
      const { importId, duplicate } = answer;
      return reply.status(202).send({ importId, duplicate, links: importLinks(importId) });
    },
  );
};
