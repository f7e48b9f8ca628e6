/**
 * The HTTP server of `customer-sync serve`: the import API, report downloads, probes, metrics, the
 * OpenAPI document at /docs, Bull Board at /admin/queues, and the finance page at /. Built but not
 * listening, so tests listen on port 0.
 *
 * Open without a key: /healthz, /readyz, the page and its assets, /docs (they hold no data). Everything
 * else needs `Authorization: Bearer <key>`.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { App } from '../app.js';
import { ADMIN_PATH, mountBullBoard } from './admin.js';
import { parseApiKeys, type ApiKey } from '../domain/api-keys.js';
import { FailureBrake, keyChecker, requireKey } from './auth.js';
import { errorBody, installErrorHandler } from './errors.js';
import { createMetrics } from './metrics.js';
import { metricsRoute, probeRoutes } from './routes/health.js';
import { enkashRateRoutes } from './routes/enkash-rate.js';
import { fixRoutes } from './routes/fixes.js';
import { importRoutes } from './routes/imports.js';
import { reviewRoutes } from './routes/review.js';
import { revertRoutes } from './routes/revert.js';
import { reportRoutes } from './routes/reports.js';
import { rowRoutes } from './routes/rows.js';
import { webRoutes } from './routes/web.js';

export type ApiServerOptions = {
  /**
   * Accepted Bearer keys (default: API_KEYS). A string is a bare key (an admin, as in API_KEYS). Empty is
   * refused unless `insecureNoAuth`.
   */
  apiKeys?: readonly (string | ApiKey)[];
  /** Serve with no authentication at all (a laptop demo); never in production. */
  insecureNoAuth?: boolean;
  uploadDir?: string;
  maxUploadBytes?: number;
};

/**
 * On every answer, /docs and /admin/queues included: no framing (clickjacking), no loads from elsewhere,
 * no referrer. Inline scripts and styles stay allowed: Bull Board's and Swagger UI's pages use them.
 */
const SECURITY_HEADERS: [string, string][] = [
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  [
    'content-security-policy',
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
      "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
      "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  ],
  ['referrer-policy', 'no-referrer'],
  ['cross-origin-opener-policy', 'same-origin'],
  ['cross-origin-resource-policy', 'same-origin'],
];

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * `--insecure-no-auth` answers anyone who reaches it, so it must be reachable only from this machine's
 * own pages: a Host that is not a loopback name (DNS rebinding), an Origin of another site or a
 * cross-site Sec-Fetch-Site (a page elsewhere posting to localhost) is refused.
 */
function refuseForeignRequests(app: App) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const host = hostName(request.headers.host ?? '');
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    const originHost = origin ? hostName(safeHost(origin)) : null;
    const foreign =
      !LOOPBACK_NAMES.has(host) ||
      (origin !== undefined && (originHost === null || !LOOPBACK_NAMES.has(originHost))) ||
      (typeof site === 'string' && site !== 'same-origin' && site !== 'none');
    if (!foreign) return;
    app.logger.warn(
      { event: 'api_foreign_request_refused', host: request.headers.host, origin, site },
      'request refused: --insecure-no-auth answers only this machine',
    );
    return reply
      .status(403)
      .send(
        errorBody('FORBIDDEN', 'this server runs without keys and answers only pages of 127.0.0.1/localhost'),
      );
  };
}

function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

function safeHost(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return '';
  }
}

/** Routes a probe or a person may reach without a key. */
const PUBLIC = new Set(['/healthz', '/readyz']);
/** Multipart overhead allowed above UPLOAD_MAX_BYTES before a body is refused by its length alone. */
const MULTIPART_SLACK_BYTES = 1024 * 1024;

export async function buildApiServer(app: App, options: ApiServerOptions = {}): Promise<FastifyInstance> {
  const keys = (options.apiKeys ?? app.config.api.keys).flatMap((k) =>
    typeof k === 'string' ? parseApiKeys(k).keys : [k],
  );
  if (keys.length === 0 && !options.insecureNoAuth) {
    throw new Error('no API key configured: set API_KEYS (comma-separated), or pass --insecure-no-auth');
  }
  const check = keys.length === 0 ? null : keyChecker(keys);
  const brake = new FailureBrake();
  const limits = {
    uploadDir: resolve(options.uploadDir ?? app.config.api.uploadDir),
    maxBytes: options.maxUploadBytes ?? app.config.api.maxUploadBytes,
  };
  await mkdir(limits.uploadDir, { recursive: true, mode: 0o700 });

  const server = Fastify({
    loggerInstance: app.logger.child({ component: 'api' }) as FastifyBaseLogger,
    // Uploads are streamed by multipart with their own limit; other bodies are tiny.
    bodyLimit: 64 * 1024,
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  installErrorHandler(server);
  server.decorateRequest('caller', null);
  server.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of SECURITY_HEADERS) reply.header(name, value);
  });
  if (options.insecureNoAuth) server.addHook('onRequest', refuseForeignRequests(app));
  await registerDocs(server);

  const metrics = createMetrics(app);
  server.addHook('onClose', async () => metrics.close());

  await server.register(probeRoutes, { app, check });
  await server.register(webRoutes);
  await server.register(async (scope) => {
    scope.addHook('onRequest', requireKey(check, brake));
    scope.addHook('onRequest', async (request) => {
      const length = Number(request.headers['content-length'] ?? 0);
      if (request.method === 'POST' && length > limits.maxBytes + MULTIPART_SLACK_BYTES) {
        const { ApiError } = await import('./errors.js');
        throw new ApiError(
          413,
          'TOO_LARGE',
          'the upload is larger than this server accepts (UPLOAD_MAX_BYTES)',
        );
      }
    });
    await scope.register(multipart, {
      limits: {
        fileSize: limits.maxBytes,
        files: 2,
        fields: 10,
        parts: 12,
        fieldSize: 256 * 1024,
        fieldNameSize: 100,
        headerPairs: 50,
      },
    });
    await scope.register(importRoutes, { app, limits });
    await scope.register(reviewRoutes, { app });
    await scope.register(revertRoutes, { app });
    await scope.register(fixRoutes, { app, uploadDir: limits.uploadDir });
    await scope.register(reportRoutes, { app });
    await scope.register(rowRoutes, { app });
    await scope.register(enkashRateRoutes, { app });
    await scope.register(metricsRoute, { metrics });
  });
  await mountBullBoard(server, app, check, brake);
  return server;
}

async function registerDocs(server: FastifyInstance): Promise<void> {
  await server.register(swagger, {
    openapi: {
      info: {
        title: 'customer-sync',
        version: '1',
        description: 'Sync a customer master from CSV/XLSX files into EnKash Accounts Receivable.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: (args) => {
      if (args.url.startsWith(ADMIN_PATH)) return { schema: { hide: true }, url: args.url };
      const out = jsonSchemaTransform(args);
      const schema = out.schema as Record<string, unknown>;
      const uploadBody = (args.route.config as { uploadBodyDoc?: unknown } | undefined)?.uploadBodyDoc;
      if (uploadBody) schema.body = uploadBody;
      if (PUBLIC.has(args.url)) schema.security = [];
      return out;
    },
  });
  await server.register(swaggerUi, { routePrefix: '/docs' });
}
