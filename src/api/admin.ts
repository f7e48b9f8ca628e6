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
import { requireKey, type KeyCheck } from './auth.js';

export const ADMIN_PATH = '/admin/queues';

export async function mountBullBoard(
  server: FastifyInstance,
  app: App,
  check: KeyCheck | null,
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
    scope.addHook('onRequest', requireKey(check, 'customer-sync operators'));
    await scope.register(adapter.registerPlugin(), { prefix: ADMIN_PATH });
  });
}
