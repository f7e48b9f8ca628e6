import type { Command } from 'commander';
import { startRuntime } from '../runtime.js';
import { wholeNumber } from '../whole-number.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Run a long-lived worker that syncs queued imports (any number, on any hosts)')
    .option('--concurrency <n>', 'rows in flight in this process (default: WORKER_CONCURRENCY)')
    .action(async (flags: { concurrency?: string }) => {
      const concurrency = wholeNumber('--concurrency', flags.concurrency, 1);
      const runtime = await startRuntime({ allowEmbeddedSandbox: false, redisWait: 'keep-trying' });
      const { app, logger, config } = runtime;
      const workers = app.startWorkers(concurrency === undefined ? {} : { concurrency });
      logger.info(
        { event: 'worker_started', concurrency: concurrency ?? config.sync.concurrency, pid: process.pid },
        'worker started',
      );
      // Shares the fetch startWorkers began; says whether the first row will find a token waiting.
      void app.client
        .warmUp()
        .then((ready) =>
          logger.info(
            { event: 'worker_ready', enkashToken: ready },
            ready
              ? 'worker ready: EnKash token in hand'
              : 'worker ready: no EnKash token yet (the first call asks again)',
          ),
        );
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info({ event: 'worker_stopping', signal }, 'stopping: finishing rows in flight');
          resolve();
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      const started = Date.now();
      const { timedOut } = await workers.close(config.sync.shutdownTimeoutMs);
      await runtime.close();
      logger.info(
        { event: 'worker_stopped', ms: Date.now() - started, handedBack: timedOut },
        'worker stopped',
      );
    });
}
