/**
 * `customer-sync start`: the API, a worker, the watched folder and the scheduler in one process, for
 * small deployments. Each part is the same code its own command runs; more workers can still be added as
 * `customer-sync worker` processes against the same Redis. Parts stop in reverse order of starting.
 */
import type { Command } from 'commander';
import { buildApiServer } from '../../api/server.js';
import { UserError } from '../../domain/errors.js';
import { loadJobDefinitions } from '../../schedule/job-definition.js';
import { JobRunner } from '../../schedule/job-runner.js';
import { Scheduler } from '../../schedule/scheduler.js';
import { untilSignal } from '../../schedule/until-signal.js';
import { FolderWatcher } from '../../watch/folder-watcher.js';
import { startRuntime, type Runtime } from '../runtime.js';
import { pathExists } from '../../domain/path-exists.js';

type StartFlags = {
  port?: string;
  host?: string;
  watch?: string;
  api: boolean;
  schedule: boolean;
  insecureNoAuth?: boolean;
};

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'Run the API, a worker, the watched folder (WATCH_DIR) and the scheduler (JOBS_DIR) in one process',
    )
    .option('--port <n>', 'API port (default: API_PORT)')
    .option('--host <addr>', 'API address (default: 0.0.0.0; 127.0.0.1 with --insecure-no-auth)')
    .option('--watch <dir>', 'the watched folder (default: WATCH_DIR; neither: no watcher)')
    .option('--no-api', 'do not serve the HTTP API')
    .option('--no-schedule', 'do not run the nightly jobs')
    .option('--insecure-no-auth', 'serve the API without keys (a local demo only; listens on 127.0.0.1)')
    .action(async (flags: StartFlags) => {
      const port = flags.port === undefined ? undefined : Number(flags.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0)) {
        throw new UserError(`--port must be a whole number ≥ 0, not "${flags.port}"`);
      }
      const runtime = await startRuntime({
        allowEmbeddedSandbox: true,
        say: (l) => console.error(l),
        redisWait: 'keep-trying',
      });
      const stops: (() => Promise<void>)[] = [];
      try {
        runtime.app.startWorkers();
        await startParts(runtime, flags, port, stops);
        const signal = await untilSignal();
        runtime.logger.info({ event: 'start_stopping', signal }, 'stopping');
      } finally {
        for (const stop of stops.reverse()) await stop();
        await runtime.close();
      }
    });
}

async function startParts(
  { app, config }: Runtime,
  flags: StartFlags,
  port: number | undefined,
  stops: (() => Promise<void>)[],
): Promise<void> {
  const parts = ['worker'];
  const watchDir = flags.watch ?? config.watch.dir;
  if (watchDir) {
    const watcher = new FolderWatcher(app, {
      dir: watchDir,
      stableMs: config.watch.stableMs,
      rescanMs: config.watch.rescanMs,
      requireMarker: config.watch.requireMarker,
      importOptions: { mode: config.sync.mode, dryRun: false, matchKey: config.sync.matchKey },
    });
    await watcher.start();
    stops.push(() => watcher.close());
    parts.push(`watcher on ${watcher.layout.inbox}`);
  }
  if (flags.schedule && (await pathExists(config.paths.jobsDir))) {
    const scheduler = new Scheduler(app, new JobRunner(app));
    const { added } = await scheduler.register(await loadJobDefinitions(config.paths.jobsDir));
    scheduler.startWorker();
    stops.push(() => scheduler.close());
    parts.push(`scheduler (${added.join(', ') || 'no enabled jobs'})`);
  }
  if (flags.api) {
    if (config.api.keys.length === 0 && !flags.insecureNoAuth) {
      throw new UserError(
        'API_KEYS is empty: set it (comma-separated keys), pass --insecure-no-auth for a local demo, or --no-api.',
      );
    }
    const server = await buildApiServer(app, { insecureNoAuth: flags.insecureNoAuth === true });
    const host = flags.host ?? (flags.insecureNoAuth ? '127.0.0.1' : '0.0.0.0');
    // Without keys, anyone who reaches the port could read and write every customer: loopback only.
    if (flags.insecureNoAuth && !['127.0.0.1', '::1', 'localhost'].includes(host)) {
      throw new UserError(
        `--insecure-no-auth listens on 127.0.0.1 only, not on ${host}: set API_KEYS to serve others`,
      );
    }
    await server.listen({ port: port ?? config.api.port, host });
    stops.push(async () => void (await server.close()));
    const address = server.server.address();
    parts.push(`API on ${host}:${typeof address === 'object' && address ? address.port : String(port)}`);
  }
  console.error(`customer-sync start: ${parts.join('; ')}`);
}
