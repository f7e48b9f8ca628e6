/**
 * The OAuth token, fetched once for every process of a deployment.
 *
 * EnKash locks an account after 3 consecutive failed logins (enkash-api.md, "Authentication"), so:
 * - single flight: the token lives in Redis; a Redis lock lets exactly one process fetch while the others
 *   poll for the result, and an in-process promise lets one process's concurrent calls share one wait;
 * - refresh before expiry, while the old token still works for everybody else;
 * - after a 401, {@link TokenProvider.invalidate} drops the shared token only if it is the one refused,
 *   so N calls refused with the same token cause one fetch;
 * - refused credentials leave a marker in Redis: nobody asks again until it expires or is cleared.
 *
 * The token is kept in Redis sealed with the deployment's DATA_KEY (Redis is often shared and dumped, and a
 * bearer token is a live credential for the whole EnKash account), next to an HMAC of it that the
 * compare-and-delete after a 401 matches on. It is never logged: the logger redacts `accessToken` /
 * `authorization` by key.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { extendOwned, releaseOwned, takeOwned } from '../redis/owned-key.js';
import { RedisScript } from '../redis/redis-script.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { API_PATHS, TokenResponseSchema } from '../contract/enkash-api.js';
import { EnkashError, badResponse, errorFromResponse, isSuccess } from './errors.js';
import type { HttpAnswer, HttpTransport } from './http-transport.js';
import { enkashKeys, type EnkashKeys } from './keys.js';
import { sleep } from './sleep.js';

/** Compare-and-delete of the shared token by its id (HMAC). */
const DELETE_TOKEN_IF_ID = RedisScript.load('deleteTokenIfId-1');

/** How long a process reuses the shared token it read before reading it again. */
const CACHE_MS = 1_000;

/** Token endpoint statuses that mean "these credentials are wrong" (Spring OAuth2: 400 invalid_grant). */
const REFUSED_CREDENTIALS = new Set([400, 401, 403]);

type Shared = { accessToken: string; ttlMs: number; refreshBelowMs: number };

/** How the shared token is kept in Redis: the deployment's Sealer (src/queue/sealer.ts) fits. */
export type TokenSealer = {
  seal(value: unknown): string;
  open<T>(sealed: string): T;
  /** A stable, non-reversible name for the token (an HMAC). */
  hash(value: string): string;
};

/** For a bare client without a data key (tests of the client alone): the token as it is, a plain hash. */
const IN_CLEAR: TokenSealer = {
  seal: (value) => JSON.stringify(value),
  open: <T>(sealed: string) => JSON.parse(sealed) as T,
  hash: (value) => createHash('sha256').update(value).digest('base64url'),
};

export type TokenProviderDeps = {
  config: Config['enkash'];
  redis: Redis;
  prefix: string;
  transport: HttpTransport;
  logger: Logger;
  /** Seals the token in Redis; every process of a deployment must use the same key. */
  sealer?: TokenSealer;
};

export class TokenProvider {
  private readonly keys: EnkashKeys;
  private readonly lockTtlMs: number;
  private readonly sealer: TokenSealer;
  private inflight: Promise<string> | undefined;
  /** The shared token as last read, reused until `until` (performance.now()): see {@link getToken}. */
  private cached: { token: string; until: number } | undefined;

  constructor(private readonly deps: TokenProviderDeps) {
    this.keys = enkashKeys(deps.prefix);
    this.sealer = deps.sealer ?? IN_CLEAR;
    this.lockTtlMs = deps.config.timeoutMs + 5_000;
  }

  /** A token valid now. Concurrent callers share one lookup; the caller's signal only ends its own wait. */
  async getToken(signal?: AbortSignal): Promise<string> {
    // Read from Redis at most once per CACHE_MS (or until the token is due for its refresh): a read per
    // call was a round trip per EnKash request. A 401 drops it here too (invalidate).
    const cached = this.cached;
    if (cached && performance.now() < cached.until) return cached.token;
    this.inflight ??= this.resolve().finally(() => {
      this.inflight = undefined;
    });
    return raceAbort(this.inflight, signal);
  }

  /**
   * After EnKash refused `badToken` (401): drop it if it is still the shared one, then return another.
   * Loops because a lookup that started before the drop may still hand back the refused token.
   */
  async replaceRejected(badToken: string, signal?: AbortSignal): Promise<string> {
    await this.invalidate(badToken);
    for (let round = 0; round < 3; round += 1) {
      const token = await this.getToken(signal);
      if (token !== badToken) return token;
      await this.invalidate(badToken);
    }
    throw new EnkashError({
      kind: 'auth',
      operation: 'token',
      httpStatus: null,
      errorType: 'UNAUTHORIZED',
      message: 'EnKash keeps refusing a token it has just issued',
    });
  }

  /** Compare-and-delete: only the token that was refused is dropped, never a newer one. */
  async invalidate(badToken: string): Promise<boolean> {
    if (this.cached?.token === badToken) this.cached = undefined;
    const id = this.sealer.hash(badToken);
    return Number(await DELETE_TOKEN_IF_ID.run(this.deps.redis, [this.keys.token], [id])) === 1;
  }

  /** Lets processes ask for a token again after the credentials were fixed. */
  async clearAuthFailure(): Promise<boolean> {
    return (await this.deps.redis.del(this.keys.authFailed)) === 1;
  }

  private async resolve(): Promise<string> {
    let pollMs = 10;
    for (;;) {
      const readAt = performance.now();
      const shared = await this.readShared();
      if (shared && shared.ttlMs > shared.refreshBelowMs) {
        const until = readAt + Math.min(CACHE_MS, shared.ttlMs - shared.refreshBelowMs);
        this.cached = { token: shared.accessToken, until };
        return shared.accessToken;
      }
      const owner = randomBytes(12).toString('hex');
      if (await takeOwned(this.deps.redis, this.keys.tokenLock, owner, this.lockTtlMs)) {
        return this.fetchAsOwner(owner);
      }
      // Another process is fetching; the old token, if any, is still valid until its TTL ends.
      if (shared && shared.ttlMs > 0) return shared.accessToken;
      await sleep(pollMs);
      pollMs = Math.min(pollMs * 2, 200);
    }
  }

  private async fetchAsOwner(owner: string): Promise<string> {
    // Renew the lock while the fetch waits for a rate slot or a 429 pause, so nobody else starts one.
    const renew = setInterval(() => {
      void extendOwned(this.deps.redis, this.keys.tokenLock, owner, this.lockTtlMs).catch(() => undefined);
    }, this.lockTtlMs / 3);
    renew.unref();
    try {
      // Whoever held the lock before us may have just stored a token: check before asking EnKash.
      const shared = await this.readShared();
      if (shared && shared.ttlMs > shared.refreshBelowMs) return shared.accessToken;
      return await this.fetchAndStore();
    } finally {
      clearInterval(renew);
      await releaseOwned(this.deps.redis, this.keys.tokenLock, owner).catch(() => undefined);
    }
  }

  private async readShared(): Promise<Shared | undefined> {
    const results = await this.deps.redis
      .multi()
      .hmget(this.keys.token, 'sealed', 'refreshBelowMs')
      .pttl(this.keys.token)
      .get(this.keys.authFailed)
      .exec();
    const [token, ttl, failed] = (results ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    if (typeof failed === 'string') throw this.authFailedError(failed);
    // A token stored in clear by an older version has no `sealed` field: it is simply fetched again.
    const [sealed, refreshBelowMs] = (token ?? []) as Array<string | null>;
    if (!sealed) return undefined;
    return {
      accessToken: this.openShared(sealed),
      ttlMs: Number(ttl),
      refreshBelowMs: Number(refreshBelowMs ?? 0),
    };
  }

  private openShared(sealed: string): string {
    try {
      return this.sealer.open<string>(sealed);
    } catch {
      throw new EnkashError({
        kind: 'auth',
        operation: 'token',
        httpStatus: null,
        errorType: 'UNAUTHORIZED',
        message:
          'the shared EnKash token in Redis cannot be opened with this DATA_KEY: every process of a ' +
          'deployment needs the same DATA_KEY',
      });
    }
  }

  private async fetchAndStore(): Promise<string> {
    const { config, transport, logger } = this.deps;
    const answer = await transport.send({
      operation: 'token',
      method: 'POST',
      path: API_PATHS.token,
      headers: {
        authorization: `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        username: config.username,
        password: config.password,
        grant_type: 'password',
        clientId: config.companyId,
      }).toString(),
      nonIdempotent: false,
    });
    if (REFUSED_CREDENTIALS.has(answer.status)) throw await this.recordAuthFailure(answer);
    if (!isSuccess(answer.status)) throw errorFromResponse(this.facts(answer));
    const parsed = TokenResponseSchema.safeParse(answer.body);
    if (!parsed.success) throw badResponse({ ...this.facts(answer), problem: 'no access token' });
    const lifetimeMs = Math.max(1_000, parsed.data.expiresInSec * 1000);
    // A margin longer than the lifetime would make every token stale at birth (short-lived sandbox tokens).
    const refreshBelowMs = Math.min(config.tokenRefreshMarginSec * 1000, Math.floor(lifetimeMs / 10));
    await this.deps.redis
      .multi()
      .hset(this.keys.token, {
        sealed: this.sealer.seal(parsed.data.accessToken),
        id: this.sealer.hash(parsed.data.accessToken),
        refreshBelowMs,
      })
      .pexpire(this.keys.token, lifetimeMs)
      .exec();
    logger.info({ event: 'enkash token', expiresInSec: parsed.data.expiresInSec }, 'enkash token fetched');
    return parsed.data.accessToken;
  }

  private async recordAuthFailure(answer: HttpAnswer): Promise<EnkashError> {
    const { config } = this.deps;
    const remote = errorFromResponse(this.facts(answer));
    const reason = `HTTP ${answer.status}${remote.requestId ? `, requestId ${remote.requestId}` : ''}`;
    const cooldownSec = Math.max(1, config.authFailureCooldownSec);
    await this.deps.redis.set(this.keys.authFailed, reason, 'EX', cooldownSec);
    this.deps.logger.error(
      { event: 'enkash auth failed', status: answer.status, cooldownSec },
      'enkash refused the credentials',
    );
    return this.authFailedError(reason, remote.requestId);
  }

  private authFailedError(reason: string, requestId = ''): EnkashError {
    return new EnkashError({
      kind: 'auth',
      operation: 'token',
      httpStatus: null,
      errorType: 'AUTH_FAILED',
      requestId,
      message:
        `EnKash refused the credentials (${reason}). Check ENKASH_USERNAME, ENKASH_PASSWORD, ` +
        `ENKASH_CLIENT_ID and ENKASH_CLIENT_SECRET (and ENKASH_COMPANY_ID). EnKash locks an account after ` +
        `3 failed logins, so no process will ask for a token for ENKASH_AUTH_FAILURE_COOLDOWN_SEC ` +
        `(${this.deps.config.authFailureCooldownSec} s). Once fixed, clear the marker: ` +
        `redis-cli DEL '${this.keys.authFailed}'.`,
    });
  }

  private facts(answer: HttpAnswer) {
    return { operation: 'token', ...answer, nowMs: Date.now(), nonIdempotent: false };
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
