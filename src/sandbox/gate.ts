/**
 * What happens to every non-admin request before its handler runs, in the order a real deployment would
 * apply it: counted on arrival → outage → 429 storm → per-account rate limit → latency → bearer token →
 * injected 5xx. It runs in `onRequest`, before the body is parsed, so a malformed body cannot dodge a
 * 401 or a 429.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, decodeBasic } from './auth.js';
import type { SandboxContext } from './context.js';
import { fail, unauthorized, type Answer } from './envelope.js';
import { failureStatus, latencyMs, retryAfterHeader } from './faults.js';
import { HUNG, type EndpointName } from './stats.js';
import type { SandboxFaults } from './types.js';

export type Classify = (request: FastifyRequest) => EndpointName | 'admin';

export function createGate(ctx: SandboxContext, classify: Classify) {
  return async function gate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const endpoint = classify(request);
    if (endpoint === 'admin') return;
    const arrivedMs = performance.now();
    ctx.stats.arrive(endpoint, arrivedMs);
    const faults = ctx.faults();
    const isCustomerCall = endpoint !== 'token' && endpoint !== 'other';

    if (Date.now() < faults.outageUntil) {
      if (faults.outageKind === 'timeout') return hang(ctx, endpoint);
      return send(reply, fail({ status: 503, errorType: 'SYSTEM_ERROR', message: 'Service Unavailable' }));
    }
    if (isCustomerCall && Date.now() < faults.rateLimitedUntil) {
      return send(reply, tooManyRequests(ctx, faults.rateLimitedUntil - Date.now(), faults));
    }
    const admission = ctx.limiter.admit(accountKey(request, ctx), faults.ratePerSec, arrivedMs);
    const delayMs = latencyMs(faults, ctx.random);
    if (delayMs > 0) await sleep(delayMs);
    if (!admission.admitted) {
      const waitMs = arrivedMs + admission.retryAfterMs - performance.now();
      return send(reply, tooManyRequests(ctx, waitMs, faults));
    }
    if (!isCustomerCall) return;

    const token = bearerToken(request.headers.authorization);
    const account = token === null ? null : ctx.tokens.verify(token, Date.now());
    if (!account) {
      const message = token === null ? 'Full authentication is required' : 'Invalid or expired access token';
      return send(reply, fail(unauthorized(message)));
    }
    ctx.accounts.set(request, account);
    if (ctx.random() < faults.failureRate) {
      const status = failureStatus(ctx.random);
      return send(reply, fail({ status, errorType: 'SYSTEM_ERROR', message: 'Internal Server Error' }));
    }
  };
}

export function send(reply: FastifyReply, answer: Answer): FastifyReply {
  reply.code(answer.status);
  if (answer.headers) reply.headers(answer.headers);
  return reply.send(answer.body);
}

/** Never answers: the socket stays open until the client gives up or the sandbox closes. */
export function hang(ctx: SandboxContext, endpoint: EndpointName): Promise<never> {
  ctx.stats.answered(endpoint, HUNG);
  return new Promise<never>(() => {});
}

function tooManyRequests(ctx: SandboxContext, waitMs: number, faults: SandboxFaults): Answer {
  const nowEpochMs = Date.now();
  const retryAfter = retryAfterHeader(waitMs, faults.retryAfterFormat, nowEpochMs);
  ctx.stats.throttled(retryAfterEpochMs(retryAfter, nowEpochMs), performance.now(), nowEpochMs);
  // No 429 is documented: the envelope is the sandbox's guess, the status and Retry-After are what count.
  return fail({
    status: 429,
    errorType: 'CLIENT_REQUEST_ERROR',
    message: 'Too Many Requests',
    headers: { 'retry-after': retryAfter },
  });
}

/** The moment a Retry-After header (delta-seconds or HTTP-date) names. */
function retryAfterEpochMs(header: string, nowEpochMs: number): number {
  return /^\d+$/.test(header) ? nowEpochMs + Number(header) * 1000 : Date.parse(header);
}

/**
 * The account a request counts against: the client id of a token request, the owner of a bearer token
 * (live or expired); anything else is counted per remote address.
 */
function accountKey(request: FastifyRequest, ctx: SandboxContext): string {
  const basic = decodeBasic(request.headers.authorization);
  if (basic) return `client:${basic.clientId}`;
  const token = bearerToken(request.headers.authorization);
  const account = token === null ? null : ctx.tokens.accountOf(token);
  return account ? `client:${account.clientId}` : `anonymous:${request.ip}`;
}
