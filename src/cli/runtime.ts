/**
 * What every long-running command needs: config, a logger on stderr (stdout is for the command's own
 * output), the EnKash to talk to (the embedded sandbox when none is configured), and the App.
 */
import { resolve } from 'node:path';
import { pino } from 'pino';
import { createApp, type App } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { UserError } from '../domain/errors.js';
import { REDACT_PATHS, type Logger } from '../logger.js';
import { openRedis, type RedisWait } from '../queue/redis-connection.js';
import { sandboxOptionsFromConfig, startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/types.js';

export type Runtime = {
  config: Config;
  logger: Logger;
  app: App;
  sandbox: Sandbox | null;
  close(): Promise<void>;
};

/**
 * `quiet`: an interactive command (sync) shows its own progress; its log keeps to warnings and errors
 * unless LOG_LEVEL asks for debug or trace.
 */
export function stderrLogger(config: Config, quiet = false): Logger {
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  const level = quiet && !verbose && config.logLevel !== 'silent' ? 'warn' : config.logLevel;
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (process.stderr.isTTY) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, colorize: true, ignore: 'pid,hostname' },
      },
    });
  }
  return pino(options, pino.destination(2));
}

export async function startRuntime(options: {
  allowEmbeddedSandbox: boolean;
  say?: (line: string) => void;
  quiet?: boolean;
  /** Services (serve, worker, start, watch, schedule) wait for Redis; one-shot commands give up fast. */
  redisWait?: RedisWait;
  /** false: the command never calls EnKash (`jobs list`), so no embedded sandbox is started. */
  enkash?: boolean;
}) {
  const config = loadConfig();
  const logger = stderrLogger(config, options.quiet);
  if (!config.enkash.baseUrl && !options.allowEmbeddedSandbox) {
    throw new UserError(
      'ENKASH_BASE_URL is not set. Set it (and the ENKASH_* credentials) to the EnKash host, or to a ' +
        'running `customer-sync sandbox`.',
    );
  }
  // Redis before the sandbox: a missing Redis is said before anything else starts.
  const redis = await openRedis(config.redis.url, { wait: options.redisWait ?? 'fail-fast', logger });
  let sandbox: Sandbox | null = null;
  let baseUrl = config.enkash.baseUrl;
  let accountLabel: string | undefined;
  const stateFile = resolve(config.sandbox.stateFile ?? `${config.paths.stateDir}/sandbox-state.json`);
  if (!baseUrl && options.enkash === false) {
    // Nothing will call it; the label keeps account-scoped keys those of the embedded sandbox.
    baseUrl = 'http://embedded-sandbox.invalid';
    accountLabel = `embedded-sandbox:${stateFile}`;
  } else if (!baseUrl) {
    sandbox = await startSandbox({ ...sandboxOptionsFromConfig(config), port: 0, stateFile }).catch((err) => {
      redis.disconnect();
      throw err;
    });
    baseUrl = sandbox.url;
    // The embedded sandbox gets a new port each run; its identity is its state file.
    accountLabel = `embedded-sandbox:${stateFile}`;
    options.say?.(
      `No ENKASH_BASE_URL set: syncing with the built-in EnKash sandbox (customers kept in ${stateFile}).\n` +
        `Set ENKASH_BASE_URL and the ENKASH_* credentials to sync with EnKash itself.`,
    );
  }
  let app: App;
  try {
    app = await createApp(config, logger, {
      baseUrl,
      redis,
      ...(accountLabel ? { accountLabel } : {}),
    });
  } catch (err) {
    await sandbox?.close();
    throw err;
  }
  const runtime: Runtime = {
    config,
    logger,
    app,
    sandbox,
    async close() {
      await app.close();
      await sandbox?.close();
    },
  };
  return runtime;
}
