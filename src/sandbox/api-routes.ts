/**
 * The EnKash routes: token and customer endpoints. Thin: read the request, call the service, send its
 * answer. The gate has already applied faults and checked the bearer token.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_PATHS } from '../contract/enkash-api.js';
import { tokenAnswer, type Account } from './auth.js';
import type { SandboxContext } from './context.js';
import { fail, type Answer } from './envelope.js';
import { hang, send } from './gate.js';
import type { EndpointName } from './stats.js';
import { validationFailure } from './validation.js';

/** Fastify's `:param` form of a contract path such as `/api/v0/customer/{customerId}`. */
export function routePath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ':$1');
}

/** method + Fastify path → endpoint name, for the statistics and the gate. */
export function endpointTable(deactivatePath: string): Map<string, EndpointName> {
  return new Map<string, EndpointName>([
    [`POST ${API_PATHS.token}`, 'token'],
    [`POST ${API_PATHS.create}`, 'create'],
    [`POST ${API_PATHS.search}`, 'search'],
    [`PATCH ${routePath(API_PATHS.update)}`, 'update'],
    [`DELETE ${routePath(API_PATHS.delete)}`, 'delete'],
    [`PUT ${routePath(API_PATHS.activate)}`, 'activate'],
    [`PUT ${routePath(deactivatePath)}`, 'deactivate'],
  ]);
}

export function registerApiRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const account = (request: FastifyRequest): Account => {
    const found = ctx.accounts.get(request);
    if (!found) throw new Error('the gate let a customer request through without an account');
    return found;
  };

  app.post(API_PATHS.token, async (request, reply) =>
    send(
      reply,
      tokenAnswer(
        {
          authorization: request.headers.authorization,
          contentType: request.headers['content-type'],
          body: request.body,
        },
        ctx.credentials,
        ctx.tokens,
        Date.now(),
      ),
    ),
  );

  app.post(API_PATHS.create, async (request, reply) => {
    if (ctx.random() < ctx.faults().failWriteRate) return send(reply, writeFailed());
    if (ctx.random() < ctx.faults().rejectWriteRate)
      return send(reply, refused('customerRequest', request.body));
    const result = ctx.service.create(account(request), request.body);
    if (result.created && ctx.random() < ctx.faults().hangCreateRate) {
      // The customer is committed; only the answer is lost, as when EnKash times out after the insert.
      ctx.stats.hungCreate();
      return hang(ctx, 'create');
    }
    return send(reply, result.answer);
  });

  app.post(API_PATHS.search, async (request, reply) =>
    send(reply, ctx.service.search(queryOf(request), request.body)),
  );

  app.patch(routePath(API_PATHS.update), async (request, reply) => {
    if (ctx.random() < ctx.faults().failWriteRate) return send(reply, writeFailed());
    if (ctx.random() < ctx.faults().rejectWriteRate)
      return send(reply, refused('customerUpdate', request.body));
    return send(
      reply,
      ctx.service.update(account(request), customerIdOf(request), queryOf(request), request.body),
    );
  });

  app.delete(routePath(API_PATHS.delete), async (request, reply) =>
    send(reply, ctx.service.remove(customerIdOf(request), queryOf(request))),
  );

  app.put(routePath(API_PATHS.activate), async (request, reply) =>
    send(reply, ctx.service.setActive(account(request), customerIdOf(request), queryOf(request), true)),
  );
  app.put(routePath(ctx.deactivatePath), async (request, reply) =>
    send(reply, ctx.service.setActive(account(request), customerIdOf(request), queryOf(request), false)),
  );
}

function customerIdOf(request: FastifyRequest): string {
  return (request.params as { customerId?: string }).customerId ?? '';
}

/** Query values as single strings: a repeated key keeps its last value. */
export function queryOf(request: FastifyRequest): Record<string, string | undefined> {
  const raw = (request.query ?? {}) as Record<string, string | string[] | undefined>;
  return Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [key, Array.isArray(value) ? value.at(-1) : value]),
  );
}

/** The `failWriteRate` fault: a 500 before anything is written, as the `failureRate` fault answers. */
function writeFailed(): Answer {
  return fail({ status: 500, errorType: 'SYSTEM_ERROR', message: 'Internal Server Error' });
}

/** The `rejectWriteRate` fault: a 400 naming every text field of the body, its value echoed back. */
function refused(object: string, body: unknown): Answer {
  const fields = typeof body === 'object' && body !== null ? Object.entries(body) : [];
  const subErrors = fields
    .filter(([, value]) => typeof value === 'string')
    .map(([field, value]) => ({ object, field, rejectedValue: value, message: 'is not acceptable' }));
  return fail(
    validationFailure(
      subErrors.length > 0
        ? subErrors
        : [{ object, field: 'body', rejectedValue: null, message: 'is not acceptable' }],
    ),
  );
}
