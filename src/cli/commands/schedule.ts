import type { Command } from 'commander';
import { loadJobDefinitions } from '../../schedule/job-definition.js';
import { JobRunner } from '../../schedule/job-runner.js';
import { Scheduler } from '../../schedule/scheduler.js';
import { untilSignal } from '../../schedule/until-signal.js';
import { startRuntime } from '../runtime.js';

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('Register the job definitions in JOBS_DIR as schedules and run them as they come due')
    .option('--no-local-worker', 'only run the jobs; running `customer-sync worker` processes sync the rows')
    .action(async (flags: { localWorker: boolean }) => {
      const runtime = await startRuntime({
        allowEmbeddedSandbox: flags.localWorker,
        say: (l) => console.error(l),
        redisWait: 'keep-trying',
      });
      const { app, config, logger } = runtime;
      try {
        // Definitions are validated before anything is registered: one bad file changes nothing.
        const jobs = await loadJobDefinitions(config.paths.jobsDir);
        if (flags.localWorker) app.startWorkers();
        const scheduler = new Scheduler(app, new JobRunner(app));
        const { added, removed } = await scheduler.register(jobs);
        scheduler.startWorker();
        console.error(
          `scheduled: ${added.join(', ') || 'nothing'}` +
            (removed.length ? `; removed: ${removed.join(', ')}` : ''),
        );
        const signal = await untilSignal();
        logger.info({ event: 'schedule_stopping', signal }, 'stopping');
        await scheduler.close();
      } finally {
        await runtime.close();
      }
    });
}
