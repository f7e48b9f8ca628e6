/**
 * Scenario 5: SIGTERM to every worker process mid-import, then new workers — twice in one import.
 * - At a third of the creates, with EnKash answering in 100–250 ms: the rows in flight finish within
 *   SHUTDOWN_TIMEOUT_MS and each process exits.
 * - At two thirds, with EnKash slowed to SHUTDOWN_TIMEOUT_MS + 2 s just before: the rows in flight cannot
 *   finish; past the timeout they are aborted and handed back to the queue without using an attempt.
 *   (The new workers start once the sandbox has answered those slow requests: a create that commits
 *   after the client gave up is scenario 2's subject.)
 * No job may stall (a stalled job is one a worker dropped without handing back), no row may be written
 * twice, and every row must be reported once.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueEvents } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/queue/queues.js';
import { writeCalls, type Harness } from '../helpers/engine.js';
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

const ROWS = sized(600, 5000);
const R = sized(100, 200);
const WORKERS = 2;
const SHUTDOWN_TIMEOUT_MS = 2000;
/** What a process may take past SHUTDOWN_TIMEOUT_MS: aborting, handing back, closing (5 s at most). */
const SHUTDOWN_MARGIN_MS = 8000;
const NORMAL = { latencyMs: 100, jitterMs: 150 };
const SLOW_MS = SHUTDOWN_TIMEOUT_MS + 2000;

const newHarness = harnessPerTest();
const events: QueueEvents[] = [];
// Runs before the harness closes (vitest runs after-hooks in reverse order).
afterEach(async () => {
  for (const e of events.splice(0)) await e.close();
});

type Stop = {
  phase: string;
  inFlight: number;
  shutdownMs: number[];
  exitCodes: (number | string)[];
  handedBack: boolean[];
};

describe(`scenario 5 (${PROFILE}): SIGTERM to all workers mid-import, then new workers`, () => {
  it('no stalled job, shutdown within SHUTDOWN_TIMEOUT_MS + margin, no row run twice', async () => {
    const harness = await newHarness({
      localWorker: false,
      faults: NORMAL,
      env: {
        ENKASH_RATE_LIMIT_PER_SEC: String(R),
        WORKER_CONCURRENCY: '16',
        WORKER_LOCK_MS: '5000',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      },
    });
    const prefix = harness.env.REDIS_PREFIX ?? '';
    const stalled: string[] = [];
    for (const name of [QUEUE_NAMES.rows, QUEUE_NAMES.imports]) {
      const qe = new QueueEvents(name, {
        connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null },
        prefix,
      });
      qe.on('stalled', ({ jobId }) => stalled.push(jobId));
      events.push(qe);
      await qe.waitUntilReady();
    }

    let workers = await startWorkers(harness, WORKERS);
    const started = Date.now();
    const id = await submitCustomers(harness, ROWS, 5);

    const stops: Stop[] = [];
    for (const [phase, share] of [
      ['in time', 1 / 3],
      ['past the timeout', 2 / 3],
    ] as const) {
      await waitUntil(() => createsSeen(harness.sandbox) >= ROWS * share, 300_000, `${phase}: creates`);
      let slowSince = 0;
      if (phase === 'past the timeout') {
        harness.sandbox.setFaults({ latencyMs: SLOW_MS, jitterMs: 0 });
        slowSince = Date.now();
        // Long enough for the rows in flight to be slow ones.
        await sleep(600);
      }
      const inFlight = await harness.app.queues.rows.getActiveCount();
      const stop = await sigtermAll(harness, workers);
      stops.push({ phase, inFlight, ...stop });
      if (slowSince > 0) {
        await sleep(Math.max(0, slowSince + SLOW_MS + 500 - Date.now()));
        harness.sandbox.setFaults(NORMAL);
      }
      workers = await startWorkers(harness, WORKERS);
    }

    const meta = await finished(harness, id, 300_000);
    const doneAt = Date.now();
    const report = await checkReport(meta, ROWS, harness.sandbox);
    const customers = customersPerKey(harness.sandbox, syntheticKeys(ROWS));
    const extraWrites = writeCalls(harness.sandbox) - ROWS;
    const allShutdowns = stops.flatMap((s) => s.shutdownMs);
    const longestMs = Math.max(...allShutdowns);

    const figures: Record<string, string | number | boolean> = {
      rows: ROWS,
      ratePerSec: R,
      workerProcesses: WORKERS,
      shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
      stalledJobs: stalled.length,
      longestShutdownMs: longestMs,
      rowsRunTwice: extraWrites,
      duplicateCustomers: customers.duplicates,
      reportLines: report.lines,
      rowsLost: report.rowsLost,
      rowsRepeated: report.rowsRepeated,
      failedRows: report.outcomes.failed ?? 0,
      importState: meta.state,
      wallSeconds: seconds(doneAt - started),
    };
    stops.forEach((s, i) => {
      figures[`stop${i + 1}`] = s.phase;
      figures[`stop${i + 1}RowsInFlight`] = s.inFlight;
      figures[`stop${i + 1}ShutdownMs`] = s.shutdownMs.join('/');
      figures[`stop${i + 1}HandedBack`] = s.handedBack.join('/');
      figures[`stop${i + 1}ExitCodes`] = s.exitCodes.join('/');
    });
    recordScenario({
      id: 5,
      title: 'SIGTERM to all workers mid-import (rows finishing in time, then rows outlasting the timeout)',
      promise:
        'A stopped worker finishes or hands back its rows within SHUTDOWN_TIMEOUT_MS: no stalled job, no row written twice',
      figures,
      summary:
        `${ROWS.toLocaleString('en-US')} rows, all ${WORKERS} workers stopped twice: ${stalled.length} stalled jobs, ` +
        `longest shutdown ${seconds(longestMs)} s (SHUTDOWN_TIMEOUT_MS = ${seconds(SHUTDOWN_TIMEOUT_MS)} s), ` +
        `${extraWrites} rows run twice, ${customers.duplicates} duplicates, ${report.rowsLost} rows lost, ` +
        `${report.lines.toLocaleString('en-US')}/${ROWS.toLocaleString('en-US')} report rows`,
    });

    expect(stalled).toEqual([]);
    for (const s of stops) expect(s.exitCodes.every((c) => c === 0)).toBe(true);
    expect(longestMs).toBeLessThanOrEqual(SHUTDOWN_TIMEOUT_MS + SHUTDOWN_MARGIN_MS);
    // The first stop's rows finish in time; the second's are handed back past the timeout.
    expect(stops[0]?.handedBack.some(Boolean)).toBe(false);
    expect(stops[1]?.handedBack.some(Boolean)).toBe(true);
    expect(extraWrites).toBe(0);
    expect(customers.duplicates, `customers created twice: ${customers.duplicateKeys.join(', ')}`).toBe(0);
    expect(meta.state).toBe('done');
    expect(report.lines).toBe(ROWS);
    expect(report.rowsLost).toBe(0);
    expect(report.rowsRepeated).toBe(0);
    expect(report.outcomes.failed ?? 0).toBe(0);
  });
});

/** SIGTERM to every process at once; each one's SIGTERM → exit time, exit code and `handedBack`. */
async function sigtermAll(harness: Harness, workers: ChildProcess[]) {
  const logStart = harness.logs.length;
  const sentAt = Date.now();
  const gone = workers.map((w) => exited(w));
  for (const w of workers) w.kill('SIGTERM');
  const exits = await Promise.all(gone);
  const stopped = harness.logs
    .slice(logStart)
    .join('')
    .split('\n')
    .filter((line) => line.includes('"worker_stopped"'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { pid: number; handedBack: boolean }];
      } catch {
        return [];
      }
    });
  return {
    shutdownMs: exits.map((e) => e.at - sentAt),
    exitCodes: exits.map((e) => e.code ?? e.signal ?? 'none'),
    handedBack: workers.map((w) => stopped.find((s) => s.pid === w.pid)?.handedBack ?? false),
  };
}
