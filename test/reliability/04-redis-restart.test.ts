/**
 * Scenario 4: Redis restarted mid-import. The test runs its own `redis-server` (AOF, fsync always) and
 * points the submitting App and two real worker processes at it. At a third of the creates Redis is shut
 * down gracefully (SHUTDOWN), at two thirds it is killed (-9) and restarted from its AOF; each time it stays
 * down a few seconds. The import must finish without any process being restarted, with every row reported
 * once, no row lost and no customer created twice.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, writeCalls, type Harness } from '../helpers/engine.js';
import {
  checkReport,
  createsSeen,
  customersPerKey,
  finished,
  seconds,
  submitCustomers,
  syntheticKeys,
  waitUntil,
} from './helpers/imports.js';
import { OwnRedis, startWorkers } from './helpers/processes.js';
import { PROFILE, recordScenario, sized } from './helpers/scenario.js';

const ROWS = sized(600, 5000);
const R = sized(100, 200);
// Each outage outlasts WORKER_LOCK_MS: every job lock and per-customer lock expires while Redis is down,
// so BullMQ re-runs jobs whose first run is still alive (the hard case).
const LOCK_MS = sized(2000, 5000);
const DOWN_MS = sized(4000, 8000);

let h: Harness | undefined;
let redis: OwnRedis | undefined;
afterEach(async () => {
  // The harness first (it deletes its keys from this Redis), then the server and its AOF.
  if (redis && !redis.running) await redis.start();
  await h?.close();
  await redis?.close();
  h = undefined;
  redis = undefined;
});

describe(`scenario 4 (${PROFILE}): Redis restarted mid-import`, () => {
  it('resumes without restarting any process; no row lost, no duplicate customer', async () => {
    redis = await OwnRedis.start();
    const server = redis;
    h = await startHarness({
      localWorker: false,
      faults: { latencyMs: 40, jitterMs: 20 },
      env: {
        REDIS_URL: server.url,
        ENKASH_RATE_LIMIT_PER_SEC: String(R),
        WORKER_CONCURRENCY: '16',
        WORKER_LOCK_MS: String(LOCK_MS),
      },
    });
    const harness = h;
    const workers = await startWorkers(harness, 2);
    const exits: string[] = [];
    for (const w of workers) w.once('exit', (code, signal) => exits.push(`${code ?? signal}`));

    const started = Date.now();
    const id = await submitCustomers(harness, ROWS, 4);

    const outages: { kind: string; atCreates: number; downS: number; resumeS: number }[] = [];
    for (const [kind, share] of [
      ['SHUTDOWN', 1 / 3],
      ['kill -9', 2 / 3],
    ] as const) {
      await waitUntil(
        () => createsSeen(harness.sandbox) >= ROWS * share,
        120_000,
        `${Math.round(share * 100)} % of the creates`,
      );
      const atCreates = createsSeen(harness.sandbox);
      const down = Date.now();
      if (kind === 'SHUTDOWN') await server.shutdown();
      else await server.kill9();
      await sleep(DOWN_MS);
      await server.start();
      const up = Date.now();
      const before = createsSeen(harness.sandbox);
      // Progress again: a create the sandbox had not seen when Redis came back.
      const resumed = await waitUntil(
        () => createsSeen(harness.sandbox) > before,
        120_000,
        `creates after the ${kind} restart`,
      );
      outages.push({ kind, atCreates, downS: seconds(up - down), resumeS: seconds(resumed - up) });
    }

    const meta = await finished(harness, id, 180_000);
    const wallS = seconds(Date.now() - started);
    if (process.env.S4_LOGS) await writeFile(process.env.S4_LOGS, harness.logs.join(''));

    const report = await checkReport(meta, ROWS, harness.sandbox);
    const customers = customersPerKey(harness.sandbox, syntheticKeys(ROWS));
    const extraWrites = writeCalls(harness.sandbox) - ROWS;
    const alive = workers.filter((w: ChildProcess) => w.exitCode === null && w.signalCode === null).length;

    recordScenario({
      id: 4,
      title: 'Redis restarted mid-import (SHUTDOWN, then kill -9 with AOF reload)',
      promise:
        'The import resumes by itself when Redis is back (no process restarted); no row lost, no duplicate customer',
      figures: {
        rows: ROWS,
        ratePerSec: R,
        workerLockMs: LOCK_MS,
        importState: meta.state,
        reportLines: report.lines,
        rowsLost: report.rowsLost,
        rowsRepeated: report.rowsRepeated,
        duplicateCustomers: customers.duplicates,
        extraWriteCalls: extraWrites,
        failedRows: report.outcomes.failed ?? 0,
        workerProcessesRestarted: 0,
        workerProcessesExited: exits.length,
        ...Object.fromEntries(
          outages.flatMap((o, i) => [
            [`outage${i + 1}`, o.kind],
            [`outage${i + 1}AtCreates`, o.atCreates],
            [`outage${i + 1}DownSeconds`, o.downS],
            [`outage${i + 1}ResumeSeconds`, o.resumeS],
          ]),
        ),
        wallSeconds: wallS,
      },
      summary:
        `${ROWS.toLocaleString('en-US')} rows, Redis stopped twice (SHUTDOWN, kill -9) for ` +
        `${seconds(DOWN_MS)} s each: ${report.rowsLost} rows lost, ${customers.duplicates} duplicates, ` +
        `${report.lines.toLocaleString('en-US')}/${ROWS.toLocaleString('en-US')} report rows, 0 processes restarted; ` +
        `creates resumed ${outages.map((o) => `${o.resumeS} s`).join(' and ')} after Redis was back`,
    });

    expect(exits).toEqual([]);
    expect(alive).toBe(2);
    expect(meta.state).toBe('done');
    expect(report.lines).toBe(ROWS);
    expect(report.rowsLost).toBe(0);
    expect(report.rowsRepeated).toBe(0);
    expect(customers.duplicates, `customers created twice: ${customers.duplicateKeys.join(', ')}`).toBe(0);
    expect(customers.missing).toBe(0);
    expect(report.outcomes.failed ?? 0).toBe(0);
  });
});
