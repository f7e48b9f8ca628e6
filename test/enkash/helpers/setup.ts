/**
 * What the EnKash client tests share: a config pointing at a given URL, a silent logger, one Redis
 * connection, and clients and prefixes that are closed and deleted after each test.
 */
import { Writable } from 'node:stream';
import { afterAll, afterEach } from 'vitest';
import type { Config } from '../../../src/config.js';
import { EnkashClient, type CallRecord } from '../../../src/enkash/client.js';
import { createLoggerTo, type Logger } from '../../../src/logger.js';
import { deletePrefix, randomPrefix, testRedis } from '../../helpers/redis.js';
import { enkashConfig } from './config.js';

export { CREDENTIALS, enkashConfig } from './config.js';

/** A logger whose lines are kept (to check what is and is not logged). */
export function capturingLogger(level = 'debug'): { logger: Logger; lines: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: createLoggerTo(sink, level), lines: () => text };
}

/** Registers the per-test cleanup hooks of one test file and returns its factories. */
export function useEnkashTestbed() {
  const redis = testRedis();
  const clients: EnkashClient[] = [];
  const prefixes: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    for (const prefix of prefixes.splice(0)) await deletePrefix(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  return {
    redis,
    prefix(): string {
      const prefix = randomPrefix();
      prefixes.push(prefix);
      return prefix;
    },
    /** Runs `cleanup` after the current test (in reverse order of registration). */
    defer(cleanup: () => Promise<unknown>): void {
      cleanups.push(cleanup);
    },
    client(
      baseUrl: string,
      options: { prefix: string; config?: Partial<Config['enkash']>; calls?: CallRecord[]; logger?: Logger },
    ): EnkashClient {
      const client = new EnkashClient({
        config: enkashConfig(baseUrl, options.config),
        redis,
        prefix: options.prefix,
        logger: options.logger ?? capturingLogger('silent').logger,
        onCall: (call) => options.calls?.push(call),
      });
      clients.push(client);
      return client;
    },
  };
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}
