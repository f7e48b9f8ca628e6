/** Probes and metrics. `/healthz`: the process answers. `/readyz`: it can do its work right now. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { presentedKey, type KeyCheck } from '../auth.js';
import type { ApiMetrics } from '../metrics.js';

const READY_TIMEOUT_MS = 5_000;

const Health = z.object({ status: z.literal('ok') });
const Ready = z.object({
  status: z.enum(['ready', 'not-ready']),
  /** Only for a caller with a valid API key: the reasons name keys, hosts and variables. */
  checks: z.object({ redis: z.string(), enkash: z.string() }).optional(),
});

/** Routes that answer without an API key (load balancers and orchestrators probe them). */
export const probeRoutes: FastifyPluginAsyncZod<{ app: App; check: KeyCheck | null }> = async (
  server,
  { app, check: keyCheck },
) => {
  server.get(
    '/healthz',
    { schema: { summary: 'The process is up', tags: ['health'], response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );

  server.get(
    '/readyz',
    {
      schema: {
        summary: 'Redis answers PING and an EnKash token can be had',
        tags: ['health'],
        response: { 200: Ready, 503: Ready },
      },
    },
    async (request, reply) => {
      const [redis, enkash] = await Promise.all([
        // Not connected: say so at once rather than after the timeout (the command would only queue).
        check(() =>
          app.redis.status === 'ready'
            ? app.redis.ping()
            : Promise.reject(new Error(`Redis is not connected (${app.redis.status})`)),
        ),
        // A cached shared token answers at once; otherwise this is the one token call for everybody.
        check(() => app.client.tokens.getToken(AbortSignal.timeout(READY_TIMEOUT_MS))),
      ]);
      const ready = redis === 'ok' && enkash === 'ok';
      // Anyone may probe; only a key holder (or a keyless demo) learns why it is not ready.
      const key = presentedKey(request.headers.authorization, false);
      const detailed = keyCheck === null || (key !== null && keyCheck(key) !== null);
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not-ready', ...(detailed ? { checks: { redis, enkash } } : {}) });
    },
  );
};

export const metricsRoute: FastifyPluginAsyncZod<{ metrics: ApiMetrics }> = async (server, { metrics }) => {
  server.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['health'] } },
    async (_request, reply) =>
      reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};

async function check(probe: () => Promise<unknown>): Promise<string> {
  try {
    await withTimeout(probe(), READY_TIMEOUT_MS);
    return 'ok';
  } catch (err) {
    return `error: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
