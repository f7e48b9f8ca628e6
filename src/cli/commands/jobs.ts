import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { hasRowsToFixOrRetry } from '../../domain/types.js';
import type { Runtime } from '../runtime.js';
import {
  findJob,
  isFolderSource,
  loadJobDefinitions,
  nextRun,
  type JobDefinition,
} from '../../schedule/job-definition.js';
import { countsText } from '../progress.js';
import { JobRunner, type RunResult } from '../../schedule/job-runner.js';
import { Scheduler, schedulerIds } from '../../schedule/scheduler.js';
import { startRuntime } from '../runtime.js';

export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('Show, run and approve the nightly-sync jobs in JOBS_DIR');
  jobs
    .command('list')
    .description('Each job: schedule, time zone, next run, last run')
    .action(async () => {
      // Every definition is checked (presets, mapping files) before Redis is asked anything.
      const defs = await loadJobDefinitions(loadConfig().paths.jobsDir);
      // Listing talks to Redis only: no EnKash, so no sandbox and no banner about one.
      await withRuntime(false, (rt) => list(rt, defs), false);
    });
  for (const what of ['run', 'approve'] as const) {
    jobs
      .command(what)
      .description(RUN_NOW[what])
      .argument('<name>', 'the job name')
      .action(async (name: string) => {
        const job = await definition(name);
        await withRuntime(true, (rt) => runNow(rt, job, what));
      });
  }
}

/** The two commands that write a job's file now, in this process, and wait for it. */
const RUN_NOW = {
  run: 'Run a job now (in this process) and wait for it; prints the counts and the report',
  approve: 'Write the file of a run held for approval by its guardrails',
} as const;

async function definition(name: string): Promise<JobDefinition> {
  const dir = loadConfig().paths.jobsDir;
  return findJob(await loadJobDefinitions(dir), name, dir);
}

async function withRuntime(
  workers: boolean,
  body: (rt: Runtime) => Promise<number>,
  enkash = true,
): Promise<void> {
  const runtime = await startRuntime({
    allowEmbeddedSandbox: true,
    say: (l) => console.error(l),
    enkash,
  });
  try {
    if (workers) runtime.app.startWorkers();
    process.exitCode = await body(runtime);
  } finally {
    await runtime.close();
  }
}

async function list({ app, config }: Runtime, defs: JobDefinition[]): Promise<number> {
  const runner = new JobRunner(app);
  const scheduler = new Scheduler(app, runner);
  try {
    for (const job of defs) {
      const record = await runner.runs.get(job.name);
      const registered = await scheduler.queue.getJobScheduler(schedulerIds.run(job.name));
      const source = isFolderSource(job.source)
        ? `${job.source.folder}/${job.source.glob}`
        : new URL(job.source.url).host;
      const state = !job.enabled
        ? 'disabled'
        : registered
          ? 'scheduled'
          : 'not registered (run `customer-sync schedule`)';
      console.log(
        [
          `${job.name}  (${job.file})`,
          `  schedule   ${job.schedule.cron}  ${job.schedule.timezone}  — ${state}`,
          `  next run   ${job.enabled ? localTime(nextRun(job.schedule), job.schedule.timezone) : '—'}`,
          `  source     ${source}${job.expectedBy ? `  (expected by ${job.expectedBy})` : ''}`,
          `  last run   ${record.lastRunAt ? `${localTime(new Date(record.lastRunAt), job.schedule.timezone)}: ${record.outcome}` : 'never'}` +
            `${record.rows !== undefined ? `, ${record.rows} rows` : ''}${record.importId ? `, import ${record.importId}` : ''}`,
          ...(record.reason ? [`  reason     ${record.reason}`] : []),
        ].join('\n'),
      );
    }
    if (defs.length === 0) console.log(`no job definitions in ${config.paths.jobsDir}`);
    return 0;
  } finally {
    await scheduler.close();
  }
}

async function runNow({ app }: Runtime, job: JobDefinition, what: keyof typeof RUN_NOW): Promise<number> {
  const runner = new JobRunner(app);
  console.error(`${what === 'run' ? 'running' : 'approving'} ${job.name} …`);
  const result: RunResult = what === 'run' ? await runner.run(job) : await runner.approve(job);
  const parts = [
    `${job.name}: ${result.outcome}`,
    ...(result.rows !== undefined ? [`${result.rows} rows`] : []),
    ...(result.importId ? [`import ${result.importId}`] : []),
  ];
  console.log(parts.join(', '));
  if (result.reason) console.log(`  ${result.reason}`);
  if (result.outcome === 'awaiting-approval')
    console.log(`  approve with: customer-sync jobs approve ${job.name}`);
  if (result.outcome !== 'imported') return result.outcome === 'awaiting-approval' ? 1 : 2;
  const meta = result.importId ? await app.imports.get(result.importId) : null;
  if (!meta) return 0;
  console.log(`  ${countsText(meta) || 'nothing to do'}`);
  if (meta.reportDir) console.log(`  report: ${meta.reportDir}`);
  // As `sync`: 1 when any row is invalid or failed, so a cron wrapper notices.
  return meta.state === 'failed' ? 2 : hasRowsToFixOrRetry(meta.counts) ? 1 : 0;
}

function localTime(date: Date, timeZone: string): string {
  return `${date.toLocaleString('sv-SE', { timeZone })} ${timeZone}`;
}
