import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { UserError } from '../../domain/errors.js';
import { listenApi, runService } from '../service.js';
import { wholeNumber } from '../whole-number.js';

type ServeFlags = {
  port?: string;
  host?: string;
  concurrency?: string;
  localWorker: boolean;
  insecureNoAuth?: boolean;
};

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API, the upload page (/) and Bull Board (/admin/queues)')
    .option('--port <n>', 'port to listen on (default: API_PORT, 8080)')
    .option('--host <addr>', 'address to listen on (default: 0.0.0.0; 127.0.0.1 with --insecure-no-auth)')
    .option('--concurrency <n>', 'rows in flight in the in-process worker (default: WORKER_CONCURRENCY)')
    .option('--no-local-worker', 'only enqueue; running `customer-sync worker` processes do the work')
    .option('--insecure-no-auth', 'serve without API keys (a local demo only; listens on 127.0.0.1)')
    .action(async (flags: ServeFlags) => {
      await runServe(flags);
    });
}

async function runServe(flags: ServeFlags): Promise<void> {
  const port = wholeNumber('--port', flags.port, 0);
  const concurrency = wholeNumber('--concurrency', flags.concurrency, 1);
  // Refuse before connecting anywhere: an API open to anyone who can reach the port is never a default.
  if (loadConfig().api.keys.length === 0 && !flags.insecureNoAuth) {
    throw new UserError(
      'API_KEYS is empty: set it to one or more keys (comma-separated) that clients send as ' +
        '"Authorization: Bearer <key>", or pass --insecure-no-auth for a local demo.',
    );
  }
  // With workers in this process the embedded sandbox is usable; workers elsewhere could not reach it.
  const stopping = 'stopping: no new requests, finishing rows in flight';
  await runService(
    'serve',
    flags.localWorker,
    async ({ app, config }, onStop) => {
      if (flags.localWorker) app.startWorkers(concurrency === undefined ? {} : { concurrency });
      const api = await listenApi(app, config, flags, port);
      onStop(api.stop);
      const url = `http://${api.host === '0.0.0.0' ? '127.0.0.1' : api.host}:${api.port}`;
      console.error(
        `customer-sync serve: ${url}/ (upload page), ${url}/docs (API), ${url}/admin/queues (queues)` +
          (flags.localWorker ? '' : '; rows are synced by `customer-sync worker` processes'),
      );
    },
    stopping,
  );
}
