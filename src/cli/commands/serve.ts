import type { Command } from 'commander';
import { buildApiServer } from '../../api/server.js';
import { loadConfig } from '../../config.js';
import { UserError } from '../../domain/errors.js';
import { startRuntime } from '../runtime.js';

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

function wholeNumber(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UserError(`${name} must be a whole number ≥ ${min}, not "${value}"`);
  return n;
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
  const runtime = await startRuntime({
    allowEmbeddedSandbox: flags.localWorker,
    say: (l) => console.error(l),
    redisWait: 'keep-trying',
  });
  const { app, config, logger } = runtime;
  try {
    if (flags.localWorker) app.startWorkers(concurrency === undefined ? {} : { concurrency });
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
    const bound = typeof address === 'object' && address ? address.port : port;
    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`;
    console.error(
      `customer-sync serve: ${url}/ (upload page), ${url}/docs (API), ${url}/admin/queues (queues)` +
        (flags.localWorker ? '' : '; rows are synced by `customer-sync worker` processes'),
    );
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    });
    logger.info({ event: 'serve_stopping' }, 'stopping: no new requests, finishing rows in flight');
    // Requests in flight get a grace period; a client holding a connection open does not hold the exit.
    const closing = server.close();
    setTimeout(() => server.server.closeAllConnections(), config.sync.shutdownTimeoutMs).unref();
    await closing;
  } finally {
    await runtime.close();
  }
}
