/**
 * The EnKash sandbox: a real HTTP server that honours EnKash's documented AR customer contract
 * (../../../shared/docs/enkash-api.md), with faults to inject and statistics to read. Tests, benchmarks,
 * `customer-sync sandbox` and the embedded demo all start it through {@link startSandbox}.
 *
 * Terminology:
 * - account: the EnKash user a client id and its tokens belong to; rate limits are per account.
 * - fault: a way the sandbox misbehaves on purpose (latency, 5xx, 429, hung answers, outages).
 * - admin endpoints: `/__sandbox/*`, for processes that cannot call the {@link Sandbox} object.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import { UserError } from '../domain/errors.js';
import { API_PATHS, type CustomerResponse } from '../contract/enkash-api.js';
import type { Logger } from '../logger.js';
import { routePath } from './api-routes.js';
import { TokenRegistry } from './auth.js';
import type { SandboxContext } from './context.js';
import { CustomerService } from './customer-service.js';
import { DEFAULT_FAULTS, applyFaultsPatch, parseFaultsPatch } from './faults.js';
import { RateLimiter } from './rate-limiter.js';
import { RateSchedule } from './rate-schedule.js';
import { buildServer } from './server.js';
import { DebouncedWriter, readStateFile, writeStateFileAtomic } from './state-file.js';
import { StatsRecorder } from './stats.js';
import { CustomerStore } from './store.js';
import type { Sandbox, SandboxFaults, SandboxOptions } from './types.js';

export type * from './types.js';
export { DEFAULT_FAULTS } from './faults.js';

const DEFAULT_TOKEN_TTL_SEC = 86_399;

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const persistence = await openState(options);
  const ctx = createContext(options, persistence.store);
  if (options.rateSchedule) ctx.rateSchedule.set(options.rateSchedule);
  const app = buildServer(ctx, options.logger);
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ port: options.port ?? 0, host });
  } catch (err) {
    ctx.rateSchedule.clear();
    await app.close();
    throw listenError(err, host, options.port ?? 0);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const url = `http://${urlHost(host)}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    stats: () => ctx.stats.snapshot(ctx.store.size),
    resetStats: () => ctx.stats.reset(),
    setFaults: (patch) => void ctx.setFaults(parseFaultsPatch(patch)),
    scheduleRateLimit: (steps) => ctx.rateSchedule.set(steps),
    faults: () => ctx.faults(),
    reset: () => ctx.reset(),
    expireTokens: () => void ctx.tokens.expireAll(Date.now()),
    issuedTokens: () => ctx.tokens.issued(),
    customers: () => structuredClone([...ctx.store.all()]) as CustomerResponse[],
    close: () =>
      (closing ??= (async () => {
        ctx.rateSchedule.clear();
        // forceCloseConnections destroys sockets held by hung requests, so this cannot wait for them.
        await app.close();
        await persistence.flush();
      })()),
  };
}

type OpenState = { store: CustomerStore; flush: () => Promise<void> };

async function openState(options: SandboxOptions): Promise<OpenState> {
  const path = options.stateFile;
  if (path === undefined) return { store: new CustomerStore(), flush: async () => {} };
  const snapshot = await readStateFile(path);
  const writer = new DebouncedWriter(
    () => writeStateFileAtomic(path, store.snapshot()),
    options.writeDebounceMs ?? 100,
    (err) => logWriteError(options.logger, path, err),
  );
  const store = new CustomerStore(() => writer.markDirty());
  if (snapshot) store.load(snapshot);
  // A new state file is written at once, so an unwritable path fails the start, not a later write.
  else
    await writeStateFileAtomic(path, store.snapshot()).catch((err: unknown) => {
      throw new UserError(`sandbox: cannot write the state file ${path}: ${(err as Error).message}`);
    });
  return { store, flush: () => writer.flush() };
}

function createContext(options: SandboxOptions, store: CustomerStore): SandboxContext {
  let faults: SandboxFaults = applyFaultsPatch(
    DEFAULT_FAULTS,
    parseFaultsPatch(options.faults ?? {}),
    Date.now(),
  );
  const ctx: SandboxContext = {
    credentials: options.credentials,
    tokens: new TokenRegistry(options.tokenTtlSec ?? DEFAULT_TOKEN_TTL_SEC),
    limiter: new RateLimiter(),
    stats: new StatsRecorder(),
    store,
    service: new CustomerService({ store, uniqueRefNo: options.uniqueRefNo ?? false }),
    accounts: new WeakMap(),
    faults: () => ({ ...faults }),
    setFaults: (patch) => (faults = applyFaultsPatch(faults, patch, Date.now())),
    rateSchedule: new RateSchedule((ratePerSec) => void ctx.setFaults({ ratePerSec })),
    reset: () => {
      store.clear();
      ctx.stats.reset();
      ctx.limiter.reset();
    },
    random: Math.random,
    deactivatePath: routePath(options.deactivatePath ?? API_PATHS.deactivate),
  };
  return ctx;
}

/** Options for the configured sandbox: `SANDBOX_*` for its behaviour, `ENKASH_*` for the credentials. */
export function sandboxOptionsFromConfig(config: Config, logger?: Logger): SandboxOptions {
  const { sandbox, enkash, paths } = config;
  return {
    port: sandbox.port,
    stateFile: sandbox.stateFile ?? defaultStateFile(paths.stateDir),
    credentials: {
      clientId: enkash.clientId,
      clientSecret: enkash.clientSecret,
      username: enkash.username,
      password: enkash.password,
      companyId: enkash.companyId,
    },
    tokenTtlSec: sandbox.tokenTtlSec,
    uniqueRefNo: sandbox.uniqueRefNo,
    deactivatePath: enkash.deactivatePath,
    faults: {
      ratePerSec: sandbox.ratePerSec,
      latencyMs: sandbox.latencyMs,
      jitterMs: sandbox.jitterMs,
      failureRate: sandbox.failureRate,
      hangCreateRate: sandbox.hangCreateRate,
    },
    ...(logger ? { logger } : {}),
  };
}

export function defaultStateFile(stateDir: string): string {
  return join(stateDir, 'sandbox-state.json');
}

function listenError(err: unknown, host: string, port: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new UserError(
      `sandbox: port ${port} on ${host} is already in use; choose another (--port or SANDBOX_PORT)`,
    );
  }
  if (code === 'EACCES') return new UserError(`sandbox: not allowed to listen on port ${port} of ${host}`);
  if (code === 'EADDRNOTAVAIL') return new UserError(`sandbox: ${host} is not an address of this machine`);
  return err instanceof Error ? err : new Error(String(err));
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function logWriteError(logger: Logger | undefined, path: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  if (logger) logger.error({ stateFile: path, err: message }, 'sandbox state write failed');
  else console.error(`sandbox: cannot write the state file ${path}: ${message}`);
}
