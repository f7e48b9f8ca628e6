/** `GET /enkash/rate`: the EnKash request rate every process shares, for the web page and operators. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';

const RateView = z.object({
  ratePerSec: z.number(),
  ceilingPerSec: z.number().nullable(),
  phase: z.enum(['start', 'hold', 'probe', 'fixed']),
  limitEstimatePerSec: z.number().nullable().optional(),
  reason: z.string().optional(),
  changedAt: z.string().optional(),
});

export const enkashRateRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  server.get(
    '/enkash/rate',
    {
      schema: {
        summary:
          'The EnKash request rate now: found at run time (adaptive) or fixed, its ceiling, and why it last changed',
        tags: ['enkash'],
        response: { 200: RateView },
      },
    },
    async () => app.client.rateStatus(),
  );
};
