/**
 * `/__sandbox/*`: control and inspection for tests and benchmarks running in other processes. No auth,
 * not counted in the statistics, never subject to faults. Answers are plain JSON, not envelopes.
 */
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import { FaultsPatchSchema } from './faults.js';
import { RateLimitPatchSchema } from './rate-schedule.js';

export const ADMIN_PREFIX = '/__sandbox/';

export function registerAdminRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  app.get(`${ADMIN_PREFIX}stats`, async () => ctx.stats.snapshot(ctx.store.size));

  app.post(`${ADMIN_PREFIX}stats/reset`, async () => {
    ctx.stats.reset();
    return { ok: true };
  });

  app.get(`${ADMIN_PREFIX}faults`, async () => ctx.faults());

  app.post(`${ADMIN_PREFIX}faults`, async (request, reply) => {
    const parsed = FaultsPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      return reply.code(400).send({
        error: 'invalid faults',
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    return ctx.setFaults(parsed.data);
  });

  const rateLimit = () => ({ ratePerSec: ctx.faults().ratePerSec, pending: ctx.rateSchedule.pending() });

  app.get(`${ADMIN_PREFIX}rate-limit`, async () => rateLimit());

  // The limit now and/or later: `{ "ratePerSec": 50 }`, `{ "schedule": [{ "afterMs": 10000, "ratePerSec": 200 }] }`.
  app.post(`${ADMIN_PREFIX}rate-limit`, async (request, reply) => {
    const parsed = RateLimitPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      return reply.code(400).send({
        error: 'invalid rate limit',
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    if (parsed.data.ratePerSec !== undefined) ctx.setFaults({ ratePerSec: parsed.data.ratePerSec });
    if (parsed.data.schedule !== undefined) ctx.rateSchedule.set(parsed.data.schedule);
    return rateLimit();
  });

  app.post(`${ADMIN_PREFIX}expire-tokens`, async () => ({ expired: ctx.tokens.expireAll(Date.now()) }));

  app.get(`${ADMIN_PREFIX}tokens`, async () => ({ issued: ctx.tokens.issued() }));

  app.get(`${ADMIN_PREFIX}customers`, async () => [...ctx.store.all()]);

  app.post(`${ADMIN_PREFIX}reset`, async () => {
    ctx.reset();
    return { ok: true };
  });
}
