import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextRun } from '../../src/schedule/job-definition.js';
import { JobRunner } from '../../src/schedule/job-runner.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import { eventually, startHarness, writeCalls, type Harness } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { customerCount } from '../watch/helpers.js';
import { definition, startWebhook, type Webhook } from './helpers.js';

let h: Harness;
let webhook: Webhook;
let runner: JobRunner;
let scheduler: Scheduler;
beforeAll(async () => {
  webhook = await startWebhook();
  // The webhook receiver is on loopback: allowed here by configuration, as an intranet receiver would be.
  h = await startHarness({ env: { ALERT_WEBHOOK_URL: webhook.url, OUTBOUND_ALLOW_PRIVATE: 'true' } });
  runner = new JobRunner(h.app);
  scheduler = new Scheduler(h.app, runner);
});
afterAll(async () => {
  await scheduler?.close();
  await h?.close();
  await webhook?.close();
});

async function exportFolder(name: string, csv: string): Promise<string> {
  const folder = join(h.dir, name);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'export.csv'), csv);
  return folder;
}

describe('nightly ERP sync', () => {
  it('registers a job with its time zone and runs it on its schedule', async () => {
    const folder = await exportFolder('tally', syntheticCsv(5, 21, 7000));
    const daily = definition({
      name: 'daily',
      source: { folder, glob: '*.csv' },
      schedule: { cron: '0 2 * * *' },
    });
    await scheduler.register([daily]);
    await scheduler.register([daily]); // idempotent
    const registered = await scheduler.queue.getJobSchedulers(0, -1);
    expect(registered.map((s) => s.key)).toEqual(['run.daily']);
    const s = registered[0];
    expect(s?.tz).toBe('Asia/Kolkata');
    const kolkata = nextRun(daily.schedule).getTime();
    expect(s?.next).toBe(kolkata);
    expect(new Date(kolkata).toISOString()).toMatch(/T20:30:00\.000Z$/); // 02:00 IST
    const utc = CronExpressionParser.parse('0 2 * * *', { tz: 'UTC' }).next().getTime();
    expect(kolkata).not.toBe(utc);

    const fast = definition({
      name: 'every-second',
      source: { folder, glob: 'export*.csv' },
      schedule: { cron: '* * * * * *', timezone: 'Asia/Kolkata' },
    });
    const { removed } = await scheduler.register([fast]);
    expect(removed).toEqual(['run.daily']);
    scheduler.startWorker();
    const record = await eventually(
      async () => {
        const r = await runner.runs.get('every-second');
        return r.outcome === 'imported' ? r : undefined;
      },
      10_000,
      'a scheduled run',
    );
    await scheduler.register([]);
    const meta = await h.app.imports.get(record.importId ?? '');
    expect(meta).toMatchObject({ origin: 'schedule', state: 'done', fileName: 'export.csv' });
    expect(meta?.counts.created).toBe(5);
  });

  it('holds a run that would change too much for approval, writing nothing until approved', async () => {
    await h.sync(await writeCsv('seed.csv', syntheticCsv(10, 22, 8000)));
    const folder = await exportFolder('busy', syntheticCsv(10, 23, 9000));
    const job = definition({
      name: 'guarded',
      source: { folder, glob: '*.csv' },
      schedule: { cron: '0 2 * * *' },
      guardrails: { maxChangeShare: 0.2, minRowsShare: 0.5 },
    });
    const customers = await customerCount(h.app);
    const writes = writeCalls(h.sandbox);
    const held = await runner.run(job);
    expect(held).toMatchObject({ outcome: 'awaiting-approval', rows: 10 });
    expect(held.reason).toMatch(/would change 10 customers/);
    expect(writeCalls(h.sandbox)).toBe(writes);
    expect(await customerCount(h.app)).toBe(customers);
    expect((await runner.runs.get('guarded')).outcome).toBe('awaiting-approval');
    expect(webhook.bodies.some((b) => b.kind === 'awaiting-approval' && b.job === 'guarded')).toBe(true);

    const approved = await runner.approve(job);
    expect(approved).toMatchObject({ outcome: 'imported', rows: 10 });
    expect(writeCalls(h.sandbox)).toBe(writes + 10);
    expect(await customerCount(h.app)).toBe(customers + 10);

    // A much shorter export than the last good run is held too (3 rows read, 10 before).
    await writeFile(join(folder, 'export-short.csv'), syntheticCsv(3, 23, 9000));
    await utimes(join(folder, 'export-short.csv'), new Date(), new Date(Date.now() + 1000));
    const short = await runner.run(job);
    expect(short).toMatchObject({ outcome: 'awaiting-approval', rows: 3 });
    expect(short.reason).toMatch(/read 3 rows/);
  });

  it('follows a real import of the same export already under way instead of a dry run (guardrails)', async () => {
    const csv = syntheticCsv(40, 23, 9000);
    const folder = await exportFolder('joined', csv);
    const uploaded = join(h.dir, 'uploaded-same-bytes.csv');
    await writeFile(uploaded, csv);
    const job = definition({
      name: 'guarded-joins',
      source: { folder, glob: '*.csv' },
      schedule: { cron: '0 2 * * *' },
      guardrails: { maxChangeShare: 0.01 },
    });
    const upload = await h.app.imports.submitOnce({
      filePath: uploaded,
      origin: 'api',
      options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo' },
    });
    const result = await runner.run(job);
    expect(result).toMatchObject({ outcome: 'imported', importId: upload.importId, rows: 40 });
    const dryRuns = [];
    for (const id of await h.app.store.list(0, 50)) {
      const meta = await h.app.store.get(id);
      if (meta?.origin === 'schedule' && meta.fileName === 'export.csv' && meta.filePath.startsWith(folder))
        dryRuns.push(id);
    }
    expect(dryRuns).toEqual([]);
  });

  it('raises an alert when the export has not arrived by its expected time', async () => {
    const folder = await exportFolder('late', syntheticCsv(2, 24, 9500));
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(join(folder, 'export.csv'), old, old);
    const job = definition({
      name: 'late',
      source: { folder, glob: '*.csv' },
      schedule: { cron: '0 2 * * *' },
      expectedBy: '01:30',
    });
    await scheduler.register([job]);
    const check = await scheduler.queue.getJobScheduler('expect.late');
    expect(check).toMatchObject({ pattern: '30 1 * * *', tz: 'Asia/Kolkata' });
    scheduler.startWorker();
    await scheduler.trigger('late', 'checkArrival');
    const alert = await eventually(
      async () => webhook.bodies.find((b) => b.kind === 'export-missing' && b.job === 'late'),
      10_000,
      'the webhook alert',
    );
    expect(String(alert.message)).toContain('no new export');
    await scheduler.register([]);

    await writeFile(join(folder, 'export-new.csv'), syntheticCsv(2, 24, 9500));
    expect(await runner.checkArrival(job)).toBe(true);
  });
});

async function writeCsv(name: string, content: string): Promise<string> {
  const path = join(h.dir, name);
  await writeFile(path, content);
  return path;
}
