/**
 * Scenario 3: every row job runs twice through the real path (BullMQ on Redis, HTTP to the sandbox):
 * - at the same time: before any row runs, each row job gets a twin with the same data under a second
 *   job id, queued right behind it, so workers take both together;
 * - one after the other: once the import is done, every row job is queued again under a third id.
 * Promise: one EnKash customer per key, one report line per row, one write per row.
 */
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { jobIds, type RowJobData } from '../../src/queue/queues.js';
import { eventually } from '../helpers/engine.js';
import {
  checkReport,
  customersPerKey,
  finished,
  harnessPerTest,
  ratio,
  sandboxCalls,
  seconds,
  submitCustomers,
} from './helpers/imports.js';
import { recordScenario, sized } from './helpers/scenario.js';

const newHarness = harnessPerTest();

type Run = { returned: string; starts: number };

function runs(jobs: Array<Job | undefined>): Run[] {
  return jobs.map((job) => ({
    returned: String(job?.returnvalue ?? 'missing'),
    starts: job?.attemptsStarted ?? 0,
  }));
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

describe('scenario 3: every row job runs twice', () => {
  it('concurrently and in sequence: one customer per key, one report line per row', async () => {
    const rows = sized(300, 3_000);
    // Two worker processes in all: this one and a spawned `customer-sync worker`.
    const h = await newHarness({ env: { ENKASH_RATE_LIMIT_PER_SEC: '200' } });
    const { rows: queue, imports } = h.app.queues;
    const other = h.spawnWorker();
    await h.workerReady(other);

    // Hold the rows until every row job exists, then queue each with its twin right behind it.
    await queue.pause();
    const started = Date.now();
    const id = await submitCustomers(h, rows, 3);
    await eventually(
      async () => ((await imports.getJobState(jobIds.import(id))) === 'completed' ? true : undefined),
      120_000,
      'the import job',
    );
    const originals = (await queue.getJobs(['wait', 'prioritized'])) as Job<RowJobData>[];
    expect(originals).toHaveLength(rows);
    originals.sort((a, b) => a.data.row - b.data.row);
    await queue.drain();
    await queue.addBulk(
      originals.flatMap((job) => [
        { name: job.name, data: job.data, opts: { ...job.opts, jobId: job.id! } },
        { name: job.name, data: job.data, opts: { ...job.opts, jobId: `${job.id!}.twin` } },
      ]),
    );
    await queue.resume();
    const meta = await finished(h, id);
    const concurrentSeconds = seconds(Date.now() - started);
    const afterConcurrent = { calls: sandboxCalls(h.sandbox), keys: customersPerKey(h.sandbox) };

    // In sequence: the same jobs once more, after the import is done.
    await queue.addBulk(
      originals.map((job) => ({
        name: job.name,
        data: job.data,
        opts: { ...job.opts, jobId: `${job.id!}.again` },
      })),
    );
    // Every execution over, including those still held back by the per-customer lock when the import
    // finished (their twin did the row).
    const ids = ['', '.twin', '.again'].flatMap((suffix) => originals.map((job) => `${job.id!}${suffix}`));
    await eventually(
      async () => {
        const states = await Promise.all(ids.map((jobId) => queue.getJobState(jobId)));
        return states.every((s) => s === 'completed' || s === 'failed') ? true : undefined;
      },
      120_000,
      'every row job execution',
    );
    const again = await Promise.all(originals.map((job) => queue.getJob(`${job.id!}.again`)));
    const first = runs(await Promise.all(originals.map((job) => queue.getJob(job.id!))));
    const twins = runs(await Promise.all(originals.map((job) => queue.getJob(`${job.id!}.twin`))));
    const repeats = runs(again);

    const calls = sandboxCalls(h.sandbox);
    const keys = customersPerKey(h.sandbox);
    const report = await checkReport(meta, rows, h.sandbox);
    const executions = [...first, ...twins, ...repeats];
    // Executions that found the row not yet recorded and went on to sync it (the rest stopped at the
    // results check). Beyond one per row: a twin that got the customer's lock after the first run
    // released it and before it recorded the row; it finds the customer and writes nothing.
    const synced = executions.filter((r) => r.returned !== 'already-done');
    const heldByLock = [...first, ...twins].filter((r) => r.starts > 1).length;
    recordScenario({
      id: 3,
      title: 'Every row job run twice, concurrently and in sequence',
      promise: 'one EnKash customer per key, one report line per row, one write per row',
      figures: {
        rows,
        rowJobExecutions: executions.length,
        executionsThatSynced: synced.length,
        executionsAlreadyDone: executions.filter((r) => r.returned === 'already-done').length,
        executionsByResult: JSON.stringify(tally(executions.map((r) => r.returned))),
        reportOutcomes: JSON.stringify(report.outcomes),
        twinPairsHeldByKeyLock: heldByLock,
        maxCustomersPerKey: keys.maxPerKey,
        duplicateCustomers: keys.duplicates,
        maxReportLinesPerRow: report.maxPerRow,
        reportLines: report.lines,
        rowsMissingFromReport: report.missingRows,
        writeCalls: calls.writes,
        writesPerRow: ratio(calls.writes, rows),
        writesFromRepeats: calls.writes - afterConcurrent.calls.writes,
        rowsFailed: meta.counts.failed ?? 0,
        secondsConcurrentPhase: concurrentSeconds,
      },
      summary:
        `${executions.length.toLocaleString('en')} executions of ${rows.toLocaleString('en')} row jobs: ` +
        `max ${keys.maxPerKey} customer per key, max ${report.maxPerRow} report line per row, ` +
        `${ratio(calls.writes, rows)} writes per row`,
    });

    expect(meta.state).toBe('done');
    expect(meta.counts).toMatchObject({ created: rows });
    expect(keys).toMatchObject({ customers: rows, maxPerKey: 1, duplicates: 0 });
    expect(afterConcurrent.keys).toEqual(keys);
    expect(report).toMatchObject({ lines: rows, maxPerRow: 1, missingRows: 0, outcomes: { created: rows } });
    expect(calls.writes).toBe(rows);
    // The row's own outcome is 'created'; a twin that found the customer its pair had just made (see above)
    // returns 'created' or 'unchanged' without a write, and its line is not recorded a second time.
    expect(synced.filter((r) => r.returned !== 'created' && r.returned !== 'unchanged')).toEqual([]);
    expect(synced.length - rows).toBeLessThanOrEqual(heldByLock);
    expect(repeats.every((r) => r.returned === 'already-done')).toBe(true);
  });
});
