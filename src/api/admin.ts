/**
 * Bull Board for operators at /admin/queues. A person opens it in a browser, which cannot add a Bearer
 * header to page and asset loads, so this scope also takes HTTP Basic with the API key as the password
 * (the browser asks once and resends it).
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { requireKey, type FailureBrake, type KeyCheck } from './auth.js';
import { errorBody } from './errors.js';

export const ADMIN_PATH = '/admin/queues';

export async function mountBullBoard(
  server: FastifyInstance,
  app: App,
  check: KeyCheck | null,
  brake: FailureBrake,
): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(ADMIN_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(app.queues.imports), new BullMQAdapter(app.queues.rows)],
    // @bull-board/fastify 9.10.1 pins its own copy of @bull-board/api (9.10.1, beside our 9.10.2): the
    // types differ by a private field only, the runtime contract is the same.
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
  });
  await server.register(async (scope) => {
    scope.addHook('onRequest', requireKey(check, brake, 'customer-sync operators'));
    // Bull Board's own buttons (pause, retry, promote, clean, obliterate) are its API's writes: only an
    // admin's. A viewer sees the queues read-only; an uploader, who sees only its own imports, not at all.
    scope.addHook('onRequest', async (request, reply) => {
      const role = request.caller?.role;
      if (role === 'admin') return;
      const write = request.method !== 'GET' && request.method !== 'HEAD';
      if (role === 'viewer' && !write) return;
      return reply
        .status(403)
        .send(
          errorBody(
            'FORBIDDEN',
            role === 'viewer'
              ? `the key "${request.caller?.name ?? '?'}" is a viewer: Bull Board is read-only for it (an admin key can change queues)`
              : `the key "${request.caller?.name ?? '?'}" is an uploader: Bull Board needs a viewer or admin key`,
          ),
        );
    });
    await scope.register(adapter.registerPlugin(), { prefix: ADMIN_PATH });
  });
}
