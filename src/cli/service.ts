/**
 * How the long-running commands (serve, start, watch, schedule) run: a runtime that waits for Redis
 * (reconnecting for ever), their parts started in order, then at the first SIGINT/SIGTERM the parts
 * stopped in reverse order before the runtime closes.
 */
import { buildApiServer } from '../api/server.js';
import type { App } from '../app.js';
import type { Config } from '../config.js';
import { UserError } from '../domain/errors.js';
import type { JobDefinition } from '../schedule/job-definition.js';
import { JobRunner } from '../schedule/job-runner.js';
import { Scheduler } from '../schedule/scheduler.js';
import { untilSignal } from '../schedule/until-signal.js';
import { FolderWatcher, type WatchOptions } from '../watch/folder-watcher.js';
import { startRuntime, type Runtime } from './runtime.js';

export type Stop = () => Promise<void>;

export async function runService(
  name: string,
  allowEmbeddedSandbox: boolean,
  start: (runtime: Runtime, onStop: (stop: Stop) => void) => Promise<void>,
  stopping = 'stopping',
): Promise<void> {
  const runtime = await startRuntime({
    allowEmbeddedSandbox,
    say: (l) => console.error(l),
    redisWait: 'keep-trying',
  });
  const stops: Stop[] = [];
  try {
    await start(runtime, (stop) => stops.push(stop));
    const signal = await untilSignal();
    runtime.logger.info({ event: `${name}_stopping`, signal }, stopping);
  } finally {
    for (const stop of stops.reverse()) await stop();
    await runtime.close();
  }
}

/**
 * The HTTP API listening, for `serve` and `start`. Without keys it listens on loopback only. Its stop
 * gives requests in flight a grace period; a client holding a connection open does not hold the exit.
 */
export async function listenApi(
  app: App,
  config: Config,
  flags: { host?: string; insecureNoAuth?: boolean },
  port: number | undefined,
): Promise<{ host: string; port: number | undefined; stop: Stop }> {
  const server = await buildApiServer(app, { insecureNoAuth: flags.insecureNoAuth === true });
  const host = flags.host ?? (flags.insecureNoAuth ? '127.0.0.1' : '0.0.0.0');
  // Without keys, anyone who reaches the port could read and write every customer: loopback only.
  if (flags.insecureNoAuth && !['127.0.0.1', '::1', 'localhost'].includes(host)) {
    throw new UserError(
      `--insecure-no-auth listens on 127.0.0.1 only, not on ${host}: set API_KEYS to serve others`,
    );
  }
  await server.listen({ port: port ?? config.api.port, host });
  const address = server.server.address();
  const stop = async () => {
    const closing = server.close();
    setTimeout(() => server.server.closeAllConnections(), config.sync.shutdownTimeoutMs).unref();
    await closing;
  };
  return { host, port: typeof address === 'object' && address ? address.port : port, stop };
}

/** The watched folder on `dir`, with the configured timings, submitting with `importOptions`. */
export async function startWatcher(
  app: App,
  config: Config,
  dir: string,
  importOptions: WatchOptions['importOptions'],
): Promise<FolderWatcher> {
  const { stableMs, rescanMs, requireMarker } = config.watch;
  const watcher = new FolderWatcher(app, { dir, stableMs, rescanMs, requireMarker, importOptions });
  await watcher.start();
  return watcher;
}

/** The nightly jobs registered as BullMQ job schedulers (idempotent), and the worker that runs them. */
export async function startScheduler(app: App, jobs: JobDefinition[]) {
  const scheduler = new Scheduler(app, new JobRunner(app));
  const registered = await scheduler.register(jobs);
  scheduler.startWorker();
  return { scheduler, ...registered };
}
