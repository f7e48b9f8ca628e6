import type { Command } from 'commander';
import { loadJobDefinitions } from '../../schedule/job-definition.js';
import { runService, startScheduler } from '../service.js';

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('Register the job definitions in JOBS_DIR as schedules and run them as they come due')
    .option('--no-local-worker', 'only run the jobs; running `customer-sync worker` processes sync the rows')
    .action(async (flags: { localWorker: boolean }) => {
      await runService('schedule', flags.localWorker, async ({ app, config }, onStop) => {
        // Definitions are validated before anything is registered: one bad file changes nothing.
        const jobs = await loadJobDefinitions(config.paths.jobsDir);
        if (flags.localWorker) app.startWorkers();
        const { scheduler, added, removed } = await startScheduler(app, jobs);
        onStop(() => scheduler.close());
        console.error(
          `scheduled: ${added.join(', ') || 'nothing'}` +
            (removed.length ? `; removed: ${removed.join(', ')}` : ''),
        );
      });
    });
}
