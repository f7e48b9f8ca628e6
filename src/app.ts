/**
 * The composition root: config → logger → Redis → sealer → EnKash client → stores → queues → services.
 * Entry points build one App and close it when they stop (in reverse order of creation).
 */
import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { EnkashClient, type CallRecord } from './enkash/client.js';
import type { Logger } from './logger.js';
import { CustomerRegistry } from './queue/customer-registry.js';
import { DiffStore } from './queue/diff-store.js';
import { ImportStore } from './queue/import-store.js';
import { KeyLock } from './queue/key-lock.js';
import { RowLedger } from './queue/row-ledger.js';
import { accountNamespace } from './queue/keys.js';
import { createQueues, type QueueSettings, type Queues } from './queue/queues.js';
import { isRedisConnectionError, openRedis, type RedisWait } from './queue/redis-connection.js';
import { MappingProfiles } from './queue/mapping-profiles.js';
import { loadSealer, type Sealer } from './queue/sealer.js';
import { ImportService } from './sync/import-service.js';
import { FixService } from './sync/fix-rows.js';
import { RevertService } from './sync/revert-service.js';
import { CancelWatch } from './sync/cancel-watch.js';
import { ReportAhead } from './sync/report-ahead.js';
import { startWorkers, type EngineDeps, type Workers } from './sync/workers.js';
import { startSweeper } from './retention/sweep.js';

const HOUR_MS = 3600 * 1000;

export type App = {
  config: Config;
  logger: Logger;
  redis: Redis;
  sealer: Sealer;
  client: EnkashClient;
  store: ImportStore;
  queues: Queues;
  imports: ImportService;
  /** Undo of an import (src/sync/revert-service.ts). */
  reverts: RevertService;
  /** Rows to fix, checked and sent as a follow-up import (src/sync/fix-rows.ts). */
  fixes: FixService;
  engine: EngineDeps;
  startWorkers(options?: { concurrency?: number }): Workers;
  /** Calls `listener` after every EnKash HTTP exchange of this process (metrics); returns an unsubscribe. */
  observeCalls(listener: (call: CallRecord) => void): () => void;
  close(): Promise<void>;
};

export type AppOptions = {
  /** The EnKash base URL to use (the embedded sandbox's when config has none). */
  baseUrl: string;
  /** What identifies the EnKash account for shared state (token, rate limit, fingerprints). */
  accountLabel?: string;
  /** One-shot commands give up on an absent Redis within seconds; services wait for it (default: fail-fast). */
  redisWait?: RedisWait;
  /** A connection already opened (with openRedis); the App owns it from here and closes it. */
  redis?: Redis;
};

export async function createApp(config: Config, logger: Logger, options: AppOptions): Promise<App> {
  const redis =
    options.redis ?? (await openRedis(config.redis.url, { wait: options.redisWait ?? 'fail-fast', logger }));
  // QUIT would wait in the offline queue for a Redis that is away: drop the connection instead.
  const closers: (() => Promise<unknown>)[] = [
    async () => (redis.status === 'ready' ? redis.quit() : redis.disconnect()),
  ];
  try {
    const sealer = await loadSealer(config.dataKey, config.paths.stateDir);
    const prefix = config.redis.prefix;
    const label = options.accountLabel ?? options.baseUrl;
    const account = accountNamespace(
      prefix,
      sealer.hash(`${label}|${config.enkash.username}|${config.enkash.companyId}`),
    );
    const callListeners = new Set<(call: CallRecord) => void>();
    const client = new EnkashClient({
      config: { ...config.enkash, baseUrl: options.baseUrl },
      redis,
      prefix: account,
      logger,
      sealer,
      onCall: (call) => {
        for (const listener of callListeners) listener(call);
      },
    });
    closers.unshift(() => client.close());
    const settings: QueueSettings = {
      prefix,
      attempts: config.sync.attempts,
      retentionSec: config.sync.retentionSec,
    };
    const store = new ImportStore(redis, prefix, sealer, config.sync.retentionSec);
    // Redis being away is said once per interval by openRedis, not once per connection and retry.
    const queues = createQueues(redis, prefix, (err) => {
      if (!isRedisConnectionError(err))
        logger.warn({ event: 'queue_error', err: err.message }, 'queue error (Redis)');
    });
    closers.unshift(() => queues.close());
    const locks = new KeyLock(redis, account, config.sync.lockMs);
    const entryTtlSec = config.sync.fingerprintTtlSec;
    const cancelWatch = new CancelWatch({ redis, prefix });
    closers.unshift(async () => cancelWatch.close());
    const reportAhead = new ReportAhead({ store, logger });
    closers.unshift(() => reportAhead.close());
    const engine: EngineDeps = {
      store,
      registry: new CustomerRegistry(redis, account, entryTtlSec),
      locks,
      ledger: new RowLedger({ redis, prefix, namespace: account, sealer, locks, entryTtlSec }),
      cancelWatch,
      sealer,
      client,
      queues,
      settings,
      retry: {
        attempts: config.sync.attempts,
        baseMs: config.sync.backoffBaseMs,
        maxMs: config.sync.backoffMaxMs,
      },
      companyId: config.enkash.companyId,
      logger,
      connection: redis,
      ratePerSec: config.enkash.ratePerSec,
      concurrency: config.sync.concurrency,
      rateLimitedMaxRetries: config.sync.rateLimitedMaxRetries,
      lockMs: config.sync.lockMs,
      reportTimezone: config.reportTimezone,
      profiles: new MappingProfiles(redis, prefix),
      diffs: new DiffStore(redis, prefix, sealer),
      reportAhead,
    };
    const imports = new ImportService(
      store,
      queues,
      settings,
      resolve(config.paths.reportDir),
      redis,
      engine.profiles,
      sealer,
    );
    const reportRoot = resolve(config.paths.reportDir);
    const reverts = new RevertService({ store, queues, settings, reportRoot, redis });
    const fixes = new FixService({
      store,
      profiles: engine.profiles,
      imports,
      ...(config.enkash.companyId ? { companyId: config.enkash.companyId } : {}),
    });
    const workers: Workers[] = [];
    return {
      config,
      logger,
      redis,
      sealer,
      client,
      store,
      queues,
      imports,
      reverts,
      fixes,
      engine,
      startWorkers(o = {}) {
        const w = startWorkers({ ...engine, concurrency: o.concurrency ?? engine.concurrency });
        if (workers.length === 0) {
          // The token in hand before the first row (a failure here is reported by the first call).
          void client.warmUp();
          const stop = startSweeper(
            { uploads: config.api.uploadDir, reports: config.paths.reportDir },
            config.paths.fileRetentionDays * 24 * HOUR_MS,
            logger,
          );
          closers.push(async () => stop());
        }
        workers.push(w);
        return w;
      },
      observeCalls(listener) {
        callListeners.add(listener);
        return () => callListeners.delete(listener);
      },
      async close() {
        // With Redis away nothing can be handed back or flushed, and BullMQ's close would wait for it
        // for ever: end the connection first, so every part closes at once.
        if (redis.status !== 'ready') redis.disconnect();
        for (const w of workers) await w.close(config.sync.shutdownTimeoutMs);
        for (const close of closers) await close();
      },
    };
  } catch (err) {
    await redis.quit();
    throw err;
  }
}
