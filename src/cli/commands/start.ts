/**
 * `customer-sync start`: the API, a worker, the watched folder and the scheduler in one process, for
 * small deployments. Each part is the same code its own command runs; more workers can still be added as
 * `customer-sync worker` processes against the same Redis. Parts stop in reverse order of starting.
 */
import type { Command } from 'commander';
import { UserError } from '../../domain/errors.js';
import { loadJobDefinitions } from '../../schedule/job-definition.js';
import type { Runtime } from '../runtime.js';
import { listenApi, runService, startScheduler, startWatcher, type Stop } from '../service.js';
import { wholeNumber } from '../whole-number.js';
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
      const port = wholeNumber('--port', flags.port, 0);
      await runService('start', true, async (runtime, onStop) => {
        runtime.app.startWorkers();
        await startParts(runtime, flags, port, onStop);
      });
    });
}

async function startParts(
  { app, config }: Runtime,
  flags: StartFlags,
  port: number | undefined,
  onStop: (stop: Stop) => void,
): Promise<void> {
  const parts = ['worker'];
  const watchDir = flags.watch ?? config.watch.dir;
  if (watchDir) {
    const importOptions = { mode: config.sync.mode, dryRun: false, matchKey: config.sync.matchKey };
    const watcher = await startWatcher(app, config, watchDir, importOptions);
    onStop(() => watcher.close());
    parts.push(`watcher on ${watcher.layout.inbox}`);
  }
  if (flags.schedule && (await pathExists(config.paths.jobsDir))) {
    const { scheduler, added } = await startScheduler(app, await loadJobDefinitions(config.paths.jobsDir));
    onStop(() => scheduler.close());
    parts.push(`scheduler (${added.join(', ') || 'no enabled jobs'})`);
  }
  if (flags.api) {
    if (config.api.keys.length === 0 && !flags.insecureNoAuth) {
      throw new UserError(
        'API_KEYS is empty: set it (comma-separated keys), pass --insecure-no-auth for a local demo, or --no-api.',
      );
    }
    const api = await listenApi(app, config, flags, port);
    onStop(api.stop);
    parts.push(`API on ${api.host}:${String(api.port)}`);
  }
  console.error(`customer-sync start: ${parts.join('; ')}`);
}
