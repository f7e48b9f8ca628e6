/**
 * API-key authentication and roles. A key is compared with every configured key in constant time (on
 * sha256 digests, so lengths never leak either), and all keys are always compared, so timing says nothing
 * about which key was close. The key found is attached to the request (`request.apiKey`) and its name
 * to every log line of the request; never the key itself.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { allows, type ApiKey, type Role } from '../domain/api-keys.js';
import { ApiError, errorBody } from './errors.js';

/** Who made a request: the key's name and role (never the key). */
export type Caller = { name: string; role: Role };

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export type KeyCheck = (presented: string) => Caller | null;

/** `--insecure-no-auth`: everyone is this admin, and the logs say so. */
export const NO_AUTH_CALLER: Caller = { name: 'insecure-no-auth', role: 'admin' };

export function keyChecker(keys: readonly ApiKey[]): KeyCheck {
  const digests = keys.map((k) => ({ caller: { name: k.name, role: k.role }, digest: sha256(k.key) }));
  return (presented) => {
    const digest = sha256(presented);
    let found: Caller | null = null;
    for (const d of digests) if (timingSafeEqual(d.digest, digest) && found === null) found = d.caller;
    return found;
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The key from `Authorization: Bearer KEY`, or (for the browser-driven Bull Board) Basic `any:KEY`. */
export function presentedKey(header: string | undefined, allowBasic: boolean): string | null {
  if (!header) return null;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return null;
  if (/^bearer$/i.test(scheme ?? '')) return value;
  if (allowBasic && /^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

/**
 * Failed attempts per client address: each 401 after the first few is answered later, doubling up to
 * a few seconds, so guessing keys through the API is slow while a person who mistyped one barely notices.
 */
export class FailureBrake {
  private readonly failures = new Map<string, { count: number; lastMs: number }>();

  constructor(
    private readonly free = 3,
    private readonly baseMs = 250,
    private readonly maxMs = 4_000,
    private readonly forgetMs = 10 * 60_000,
  ) {}

  /** Records a failure of `client`; how long its answer should wait. */
  fail(client: string, nowMs = Date.now()): number {
    if (this.failures.size > 10_000) this.prune(nowMs);
    const before = this.failures.get(client);
    const count = before && nowMs - before.lastMs < this.forgetMs ? before.count + 1 : 1;
    this.failures.set(client, { count, lastMs: nowMs });
    if (count <= this.free) return 0;
    return Math.min(this.maxMs, this.baseMs * 2 ** (count - this.free - 1));
  }

  succeed(client: string): void {
    this.failures.delete(client);
  }

  private prune(nowMs: number): void {
    for (const [client, f] of this.failures)
      if (nowMs - f.lastMs >= this.forgetMs) this.failures.delete(client);
    // Still too many (a spray from many addresses): forget the oldest half rather than grow.
    if (this.failures.size > 10_000) {
      let drop = this.failures.size / 2;
      for (const client of this.failures.keys()) {
        if (drop-- <= 0) break;
        this.failures.delete(client);
      }
    }
  }
}

/**
 * An onRequest hook that answers 401 unless the request carries a valid key, and sets `request.caller`.
 * `basicRealm`: also accept HTTP Basic (password = key) and ask the browser for it, for pages a person
 * opens directly (Bull Board).
 */
export function requireKey(check: KeyCheck | null, brake: FailureBrake, basicRealm?: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (check === null) {
      identify(request, reply, NO_AUTH_CALLER);
      return;
    }
    const key = presentedKey(request.headers.authorization, basicRealm !== undefined);
    const caller = key === null ? null : check(key);
    if (caller) {
      brake.succeed(request.ip);
      identify(request, reply, caller);
      return;
    }
    const waitMs = key === null ? 0 : brake.fail(request.ip);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (basicRealm) reply.header('www-authenticate', `Basic realm="${basicRealm}", charset="UTF-8"`);
    else reply.header('www-authenticate', 'Bearer');
    return reply.status(401).send(
      errorBody(
        'UNAUTHORIZED',
        basicRealm
          ? // Bull Board is opened in a browser, which cannot send a Bearer header with every page and asset.
            (key === null ? 'an API key is needed. ' : 'this API key is not valid. ') +
              'Bull Board takes the same API keys as the API (API_KEYS): in a browser, sign in with any user ' +
              'name and an API key as the password; from a script, send "Authorization: Bearer <key>".'
          : key === null
            ? 'an API key is needed: send "Authorization: Bearer <key>"'
            : 'this API key is not valid',
      ),
    );
  };
}

/** Every log line of the request, Fastify's "request completed" included, names the key (never shows it). */
function identify(request: FastifyRequest, reply: FastifyReply, caller: Caller): void {
  request.caller = caller;
  request.log = request.log.child({ keyName: caller.name, role: caller.role });
  reply.log = request.log;
}

/** Refuses (403) a caller whose role may not do `action`; the message names the key and what is needed. */
export function assertRole(request: FastifyRequest, action: 'upload' | 'change' | 'admin'): Caller {
  const caller = callerOf(request);
  if (allows(caller.role, action)) return caller;
  throw new ApiError(
    403,
    'FORBIDDEN',
    `the key "${caller.name}" is a ${caller.role}: ` +
      (action === 'admin' ? 'an admin key is needed' : 'an uploader or admin key is needed for this'),
  );
}

/** The request's caller (set by requireKey, which runs before every route that asks). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new ApiError(401, 'UNAUTHORIZED', 'an API key is needed');
  return request.caller;
}

/** An uploader sees its own imports (submitted or joined); viewers and admins see all. */
export function mayAccess(
  caller: Caller,
  meta: { submittedBy: string; joinedBy: readonly string[] },
): boolean {
  return (
    caller.role !== 'uploader' || meta.submittedBy === caller.name || meta.joinedBy.includes(caller.name)
  );
}
