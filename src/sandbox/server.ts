/**
 * The sandbox's Fastify app: body parsers that behave like Spring's, envelope answers for every error and
 * unknown route, the gate on every request and the statistics on every answer.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from '../logger.js';
import { ADMIN_PREFIX, registerAdminRoutes } from './admin-routes.js';
import { endpointTable, registerApiRoutes } from './api-routes.js';
import type { SandboxContext } from './context.js';
import { fail } from './envelope.js';
import { createGate, send, type Classify } from './gate.js';

export function buildServer(ctx: SandboxContext, logger?: Logger): FastifyInstance {
  const app = (
    logger
      ? Fastify({
          loggerInstance: logger,
          // Benchmarks send thousands of requests a second: one log line each would drown everything.
          logController: new LogController({ disableRequestLogging: true }),
          forceCloseConnections: true,
        })
      : Fastify({ logger: false, forceCloseConnections: true })
  ) as FastifyInstance;
  registerParsers(app);
  const classify = classifier(ctx.deactivatePath);
  app.addHook('onRequest', createGate(ctx, classify));
  app.addHook('onResponse', async (request, reply) => {
    const endpoint = classify(request);
    if (endpoint !== 'admin') ctx.stats.answered(endpoint, reply.statusCode);
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'sandbox request failed');
    const errorType = status >= 500 ? 'SYSTEM_ERROR' : 'CLIENT_REQUEST_ERROR';
    return send(
      reply,
      fail({ status, errorType, message: status >= 500 ? 'Internal Server Error' : error.message }),
    );
  });
  // A wrong path must not read as "customer not found": RECORD_NOT_FOUND is kept for missing customers.
  app.setNotFoundHandler((request, reply) =>
    send(
      reply,
      fail({
        status: 404,
        errorType: 'CLIENT_REQUEST_ERROR',
        message: `No endpoint ${request.method} ${request.url.split('?')[0]}`,
      }),
    ),
  );
  registerApiRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  return app;
}

function classifier(deactivatePath: string): Classify {
  const table = endpointTable(deactivatePath);
  return (request: FastifyRequest) => {
    if (request.url.startsWith(ADMIN_PREFIX)) return 'admin';
    const url = request.routeOptions.url;
    return (url !== undefined && table.get(`${request.method} ${url}`)) || 'other';
  };
}

function registerParsers(app: FastifyInstance): void {
  // activate/deactivate carry no body, yet clients often send `Content-Type: application/json` anyway:
  // an empty JSON body is no body, not a 400.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body.toString())));
    },
  );
}
