/**
 * API-key authentication. A key is compared with every configured key in constant time (on sha256 digests,
 * so lengths never leak either), and all keys are always compared, so timing says nothing about which
 * key was close.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

export type KeyCheck = (presented: string) => boolean;

export function keyChecker(keys: readonly string[]): KeyCheck {
  const digests = keys.map((k) => createHash('sha256').update(k).digest());
  return (presented) => {
    const digest = createHash('sha256').update(presented).digest();
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, digest) || ok;
    return ok;
  };
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
 * A preHandler that answers 401 unless the request carries a valid key. `basicRealm`: also accept HTTP
 * Basic (password = key) and ask the browser for it, for pages a person opens directly (Bull Board).
 */
export function requireKey(check: KeyCheck | null, basicRealm?: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (check === null) return; // --insecure-no-auth
    const key = presentedKey(request.headers.authorization, basicRealm !== undefined);
    if (key !== null && check(key)) return;
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
