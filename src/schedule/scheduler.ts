/**
 * Job definitions as BullMQ job schedulers on their own `schedules` queue (kept apart from the engine's
 * imports/rows queues and their workers), and a small Worker that runs what they produce. Two schedulers
 * per job: `run.NAME` (its cron) and, with `expectedBy`, `expect.NAME` (the arrival check). Registering
 * is idempotent, and schedulers whose definition is gone are removed. Every scheduler has `tz`: without
 * it, BullMQ follows the zone of whichever process computes the next run.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import type { JobDefinition } from './job-definition.js';
import type { JobRunner, RunnerApp } from './job-runner.js';

export const SCHEDULE_QUEUE = 'schedules';
export const SCHEDULE_JOBS = { run: 'run', checkArrival: 'check-arrival' } as const;

const PayloadSchema = z.object({ job: z.string() });

export const schedulerIds = {
  run: (name: string) => `run.${name}`,
  expect: (name: string) => `expect.${name}`,
};

/** "01:30" → "30 1 * * *". */
export function expectedByCron(expectedBy: string): string {
  const [hh, mm] = expectedBy.split(':');
  return `${Number(mm)} ${Number(hh)} * * *`;
}

export type Registered = { added: string[]; removed: string[] };

export class Scheduler {
  readonly queue: Queue;
  private worker: Worker | null = null;
  /** The definitions last registered: what the worker runs. */
  private readonly jobs = new Map<string, JobDefinition>();

  constructor(
    private readonly app: RunnerApp,
    private readonly runner: JobRunner,
  ) {
    this.queue = new Queue(SCHEDULE_QUEUE, { connection: app.redis, prefix: app.config.redis.prefix });
  }

  async register(jobs: JobDefinition[]): Promise<Registered> {
    this.jobs.clear();
    for (const job of jobs) this.jobs.set(job.name, job);
    const keep = new Set<string>();
    const retention = { age: this.app.config.sync.retentionSec, count: 1000 };
    for (const job of jobs.filter((j) => j.enabled)) {
      const tz = job.schedule.timezone;
      keep.add(schedulerIds.run(job.name));
      await this.queue.upsertJobScheduler(
        schedulerIds.run(job.name),
        { pattern: job.schedule.cron, tz },
        {
          name: SCHEDULE_JOBS.run,
          data: { job: job.name },
          opts: { removeOnComplete: retention, removeOnFail: retention },
        },
      );
      if (job.expectedBy) {
        keep.add(schedulerIds.expect(job.name));
        await this.queue.upsertJobScheduler(
          schedulerIds.expect(job.name),
          { pattern: expectedByCron(job.expectedBy), tz },
          {
            name: SCHEDULE_JOBS.checkArrival,
            data: { job: job.name },
            opts: { removeOnComplete: retention, removeOnFail: retention },
          },
        );
      }
    }
    const removed: string[] = [];
    for (const s of await this.queue.getJobSchedulers(0, -1)) {
      const id = s.key;
      if (keep.has(id)) continue;
      await this.queue.removeJobScheduler(id);
      removed.push(id);
    }
    return { added: [...keep], removed };
  }

  /** Runs scheduled jobs in this process, by the definitions last registered. */
  startWorker(concurrency = 4): void {
    if (this.worker) return;
    this.worker = new Worker(
      SCHEDULE_QUEUE,
      async (job: Job, _token?: string, signal?: AbortSignal) => {
        const { job: name } = PayloadSchema.parse(job.data);
        const def = this.jobs.get(name);
        if (!def)
          throw new Error(
            `job ${name} has no definition in this process; restart \`customer-sync schedule\``,
          );
        if (job.name === SCHEDULE_JOBS.checkArrival) return { arrived: await this.runner.checkArrival(def) };
        return this.runner.run(def, signal);
      },
      { connection: this.app.redis, prefix: this.app.config.redis.prefix, concurrency },
    );
    this.worker.on('failed', (job, err) =>
      this.app.logger.error(
        { event: 'schedule_job_failed', job: job?.data, err: err.message },
        'scheduled job failed',
      ),
    );
  }

  /** Adds one job to the queue now, as its scheduler would (what the worker runs is the same code). */
  async trigger(name: string, kind: keyof typeof SCHEDULE_JOBS = 'run'): Promise<Job> {
    return this.queue.add(SCHEDULE_JOBS[kind], { job: name }, { removeOnComplete: 100, removeOnFail: 100 });
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
