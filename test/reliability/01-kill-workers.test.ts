/**
 * Scenario 1: `kill -9` two of three worker processes when the sandbox has seen half of the creates of an
 * import, then start two new ones (as a supervisor would). Every row must end with exactly one report line
 * and one customer; the rows the killed processes held come back after WORKER_LOCK_MS (BullMQ's stalled
 * check) and are completed by the others.
 */
import { describe, expect, it } from 'vitest';
import { writeCalls } from '../helpers/engine.js';
import {
  checkReport,
  createsSeen,
  customersPerKey,
  finished,
  harnessPerTest,
  seconds,
  submitCustomers,
  syntheticKeys,
  waitUntil,
} from './helpers/imports.js';
import { exited, startWorkers } from './helpers/processes.js';
import { PROFILE, recordScenario, sized } from './helpers/scenario.js';

const ROWS = sized(1000, 10_000);
const R = sized(150, 200);
/** How long a killed worker's rows stay claimed before BullMQ hands them to another worker. */
const LOCK_MS = sized(3000, 5000);

const newHarness = harnessPerTest();

describe(`scenario 1 (${PROFILE}): kill -9 two of three workers mid-import`, () => {
  it('loses no row, creates no customer twice, reports every row once', async () => {
    const harness = await newHarness({
      localWorker: false,
      faults: { latencyMs: 50, jitterMs: 50 },
      env: {
        ENKASH_RATE_LIMIT_PER_SEC: String(R),
        WORKER_CONCURRENCY: '16',
        WORKER_LOCK_MS: String(LOCK_MS),
      },
    });
    const [a, b] = await startWorkers(harness, 3);

    const started = Date.now();
    const id = await submitCustomers(harness, ROWS, 1);
    const store = harness.app.store;

    await waitUntil(() => createsSeen(harness.sandbox) >= ROWS / 2, 300_000, 'half of the creates');
    // The rows in flight just before the kill: those of the killed processes come back as stalled jobs.
    const inFlight = (await harness.app.queues.rows.getActive())
      .map((job) => Number(/\.r(\d+)$/.exec(job.id ?? '')?.[1]))
      .filter((row) => row > 0);
    const doneAtKill = (await store.get(id))?.done ?? 0;
    const createsAtKill = createsSeen(harness.sandbox);
    const killedAt = Date.now();
    a!.kill('SIGKILL');
    b!.kill('SIGKILL');
    await Promise.all([exited(a!), exited(b!)]);

    // Progress again (the survivor), measured while the replacements start.
    const firstProgress = waitUntil(
      async () => ((await store.get(id))?.done ?? 0) > doneAtKill,
      300_000,
      'progress after the kill',
    );
    const restartedAt = Date.now();
    const restart = startWorkers(harness, 2).then(() => Date.now());
    const stalledRecovered = waitUntil(
      async () => (await store.rowsWithResults(id, inFlight)).size === inFlight.length,
      300_000,
      'the rows in flight at the kill to have results',
      100,
    );
    const [progressAt, readyAt, recoveredAt] = await Promise.all([firstProgress, restart, stalledRecovered]);

    const meta = await finished(harness, id, 600_000);
    const doneAt = Date.now();
    const report = await checkReport(meta, ROWS, harness.sandbox);
    const customers = customersPerKey(harness.sandbox, syntheticKeys(ROWS));
    const extraWrites = writeCalls(harness.sandbox) - ROWS;

    const figures = {
      rows: ROWS,
      ratePerSec: R,
      workerLockMs: LOCK_MS,
      createsSeenAtKill: createsAtKill,
      rowsInFlightAtKill: inFlight.length,
      importState: meta.state,
      reportLines: report.lines,
      rowsLost: report.rowsLost,
      rowsRepeated: report.rowsRepeated,
      duplicateCustomers: customers.duplicates,
      extraWriteCalls: extraWrites,
      failedRows: report.outcomes.failed ?? 0,
      killToFirstProgressSeconds: seconds(progressAt - killedAt),
      killToStalledRowsDoneSeconds: seconds(recoveredAt - killedAt),
      restartToWorkersReadySeconds: seconds(readyAt - restartedAt),
      restartToImportDoneSeconds: seconds(doneAt - readyAt),
      killToImportDoneSeconds: seconds(doneAt - killedAt),
      wallSeconds: seconds(doneAt - started),
    };
    recordScenario({
      id: 1,
      title: 'kill -9 two of three worker processes at 50 %, then restart them',
      promise: 'No row lost, no customer created twice, one report line per input row',
      figures,
      summary:
        `${ROWS.toLocaleString('en-US')} rows, 2 of 3 workers killed at ${createsAtKill.toLocaleString('en-US')} creates: ` +
        `${report.rowsLost} rows lost, ${customers.duplicates} duplicates, ${extraWrites} extra writes, ` +
        `${report.lines.toLocaleString('en-US')}/${ROWS.toLocaleString('en-US')} report rows; ` +
        `the killed workers' ${inFlight.length} in-flight rows done ${figures.killToStalledRowsDoneSeconds} s after the kill ` +
        `(WORKER_LOCK_MS = ${LOCK_MS}); import done ${figures.restartToImportDoneSeconds} s after the restarted workers were up`,
    });

    expect(meta.state).toBe('done');
    expect(report.lines).toBe(ROWS);
    expect(report.rowsLost).toBe(0);
    expect(report.rowsRepeated).toBe(0);
    expect(customers.duplicates, `customers created twice: ${customers.duplicateKeys.join(', ')}`).toBe(0);
    expect(customers.missing).toBe(0);
    expect(report.outcomes.failed ?? 0).toBe(0);
    expect(meta.counts.created).toBe(ROWS);
  });
});
