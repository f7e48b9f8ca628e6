/**
 * Opening the Redis connection, and saying so plainly when Redis is not there.
 *
 * Two ways to wait, because two kinds of process start:
 * - `fail-fast` (one-shot commands: sync, jobs, retry, watch forget): a user at a terminal waits a few
 *   seconds at most, then reads one line naming REDIS_URL and what to do; the command exits 2.
 * - `keep-trying` (services: serve, worker, start, watch, schedule): an orchestrator may start them before
 *   Redis, and Redis may restart under them. They come up at once, reconnect for ever, and log one line
 *   per interval while Redis is away (`/readyz` answers 503 meanwhile), and one line when it is back.
 * Either way ioredis never prints "Unhandled error event": the connection always has an error listener.
 */
import { Redis } from 'ioredis';
import { UserError } from '../domain/errors.js';
import type { Logger } from '../logger.js';

export type RedisWait = 'fail-fast' | 'keep-trying';

/** How long a one-shot command waits for Redis before giving up (the CLI then exits 2). */
export const FAIL_FAST_MS = 3_000;
/** How often a service says Redis is still away. */
export const UNREACHABLE_LOG_EVERY_MS = 10_000;

/** The URL with its password (and a user's name beside it) replaced, for messages and logs. */
export function maskRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(REDIS_URL is not a URL)';
  }
}

export function redisUnreachableMessage(url: string, cause: Error | undefined): string {
  const why = cause?.message ? `: ${cause.message}` : '';
  return (
    `Redis is not answering at ${maskRedisUrl(url)} (REDIS_URL)${why}. Start Redis (\`redis-server\`, or ` +
    `\`docker compose up -d redis\`) or set REDIS_URL to the Redis customer-sync should use.`
  );
}

export class RedisUnreachableError extends UserError {
  constructor(url: string, cause: Error | undefined) {
    super(redisUnreachableMessage(url, cause), 2);
    this.name = 'RedisUnreachableError';
  }
}

/** Reconnect delays: quick at first, then every second (ioredis calls this for every retry). */
const retryDelay = (times: number): number => Math.min(times * 100, 1_000);

export async function openRedis(
  url: string,
  options: { wait: RedisWait; logger: Logger; failFastMs?: number; logEveryMs?: number },
): Promise<Redis> {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    retryStrategy: retryDelay,
    // ioredis waits this long for a socket that already failed to say "closed" (it never does), which
    // would hold a failing command's exit for 2 s.
    disconnectTimeout: 200,
  });
  let lastError: Error | undefined;
  let lastLoggedAt = 0;
  let away = false;
  const every = options.logEveryMs ?? UNREACHABLE_LOG_EVERY_MS;
  redis.on('error', (err: Error) => {
    lastError = err;
    if (options.wait !== 'keep-trying') return;
    away = true;
    if (Date.now() - lastLoggedAt < every) return;
    lastLoggedAt = Date.now();
    options.logger.error(
      { event: 'redis_unreachable', redis: maskRedisUrl(url), err: err.message },
      `${redisUnreachableMessage(url, err)} Retrying every second.`,
    );
  });
  redis.on('ready', () => {
    if (!away) return;
    away = false;
    lastLoggedAt = 0;
    options.logger.info({ event: 'redis_back', redis: maskRedisUrl(url) }, 'Redis answers again');
  });
  // The outcome is read from the events above; connect()'s own rejection would say only "closed".
  redis.connect().catch(() => {});
  if (options.wait === 'keep-trying') return redis;

  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), options.failFastMs ?? FAIL_FAST_MS);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!ready) {
    redis.disconnect();
    throw new RedisUnreachableError(url, lastError);
  }
  return redis;
}

/** Errors that mean "Redis is away", already reported once per interval by {@link openRedis}. */
export function isRedisConnectionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (
    code &&
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'].includes(code)
  )
    return true;
  return err instanceof Error && /Connection is closed|connect ETIMEDOUT/i.test(err.message);
}
