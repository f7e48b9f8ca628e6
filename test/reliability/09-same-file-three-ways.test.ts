/**
 * Scenario 9: the same file, at the same moment, through every entry point: uploaded twice through the
 * HTTP API (the real Fastify app), dropped into the watched folder (a FolderWatcher configured as
 * `customer-sync watch` configures it), and arriving as the nightly export (a job definition in a temp
 * JOBS_DIR whose source folder holds the file, run by the JobRunner as `customer-sync jobs run` runs it).
 * Two rounds, each with its own file: all four submissions started together (whichever comes first
 * starts the import), then the first upload answered before the other three start. The promise: one
 * import per file, no duplicate customer, and every entry point answers with that one import (the second
 * upload says it joined it; the watcher and the job log that they joined it). A third round has the upload
 * first and the job with guardrails (whose run is otherwise a dry run first): it joins too.
 */
import { mkdir, readdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../src/api/server.js';
import { findJob, loadJobDefinitions } from '../../src/schedule/job-definition.js';
import { JobRunner } from '../../src/schedule/job-runner.js';
import { FolderWatcher } from '../../src/watch/folder-watcher.js';
import { eventually, startHarness, type Harness } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { PROFILE, recordScenario, sized } from './helpers/scenario.js';

const ROWS = sized(300, 2000);
const R = 100;

let h: Harness | undefined;
let server: FastifyInstance | undefined;
let watcher: FolderWatcher | undefined;
afterAll(async () => {
  await watcher?.close();
  if (server) {
    const closing = server.close();
    server.server.closeAllConnections();
    await closing;
  }
  await h?.close();
});

type Answer = { importId: string; duplicate: boolean };

/** The harness App's JSON log lines with `event`. */
function logEvents(harness: Harness, event: string): Record<string, unknown>[] {
  return harness.logs
    .flatMap((chunk) => chunk.split('\n'))
    .filter((l) => l.includes(`"event":"${event}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe(`scenario 9 (${PROFILE}): the same file three ways at once`, () => {
  it('makes one import and no duplicate customer; every entry point answers with that import', async () => {
    h = await startHarness({
      faults: { latencyMs: 20, jitterMs: 20 },
      env: { ENKASH_RATE_LIMIT_PER_SEC: String(R) },
    });
    const harness = h;
    const { app } = harness;

    // The HTTP API.
    const apiKey = 'scenario-9-key-0123456789abcdef';
    server = await buildApiServer(app, { apiKeys: [apiKey], uploadDir: join(harness.dir, 'uploads') });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    const apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const upload = async (content: string): Promise<Answer & { status: number }> => {
      const form = new FormData();
      form.append('file', new Blob([content]), 'customers.csv');
      const reply = await fetch(`${apiUrl}/imports`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${apiKey}` },
      });
      return { status: reply.status, ...((await reply.json()) as Answer) };
    };

    // The watched folder, with the options `customer-sync watch` gives it.
    const watchDir = join(harness.dir, 'watched');
    watcher = new FolderWatcher(app, {
      dir: watchDir,
      stableMs: 2_000,
      rescanMs: 1_000,
      requireMarker: false,
      importOptions: { mode: app.config.sync.mode, dryRun: false, matchKey: app.config.sync.matchKey },
    });
    await watcher.start();

    // The nightly export: a job definition in a JOBS_DIR whose source folder gets the same file.
    const jobsDir = join(harness.dir, 'jobs');
    const exportDir = join(harness.dir, 'erp-export');
    await mkdir(jobsDir, { recursive: true });
    await mkdir(exportDir, { recursive: true });
    await writeFile(
      join(jobsDir, 'nightly-erp.json'),
      JSON.stringify({
        name: 'nightly-erp',
        source: { folder: exportDir, glob: 'customers-*.csv' },
        mode: 'upsert',
        schedule: { cron: '0 2 * * *', timezone: 'Asia/Kolkata' },
      }),
    );
    // The README's sample job has guardrails: its run is first a dry run, held when it changes too much.
    await writeFile(
      join(jobsDir, 'nightly-erp-guarded.json'),
      JSON.stringify({
        name: 'nightly-erp-guarded',
        source: { folder: exportDir, glob: 'customers-*.csv' },
        mode: 'upsert',
        schedule: { cron: '0 2 * * *', timezone: 'Asia/Kolkata' },
        guardrails: { maxChangeShare: 0.2, minRowsShare: 0.5 },
      }),
    );
    const jobs = await loadJobDefinitions(jobsDir);
    const plainJob = findJob(jobs, 'nightly-erp', jobsDir);
    const guardedJob = findJob(jobs, 'nightly-erp-guarded', jobsDir);
    const runner = new JobRunner(app);

    /**
     * One file through all four submissions. `apiFirst`: the first upload is answered before the other
     * three start (they arrive while its import runs); otherwise all four start together.
     */
    const round = async (n: number, apiFirst: boolean, job = plainJob) => {
      const content = syntheticCsv(ROWS, 9, 1 + n * ROWS);
      const name = `customers-${n}.csv`;
      const seen = new Set(await app.store.list(0, 1000));
      // Written beforehand beside the inbox (an mtime older than the stability interval), then renamed
      // in: the watcher may take it at once.
      const staged = join(watchDir, name);
      await writeFile(staged, content);
      const past = new Date(Date.now() - 60_000);
      await utimes(staged, past, past);
      await writeFile(join(exportDir, `customers-export-${n}.csv`), content);
      const drop = () => rename(staged, join(watchDir, 'inbox', name));

      const t0 = Date.now();
      let first: Answer & { status: number };
      let second: Answer & { status: number };
      let run: Awaited<ReturnType<JobRunner['run']>>;
      if (apiFirst) {
        first = await upload(content);
        [second, , run] = await Promise.all([upload(content), drop(), runner.run(job)]);
      } else {
        [first, second, , run] = await Promise.all([
          upload(content),
          upload(content),
          drop(),
          runner.run(job),
        ]);
      }
      const seconds = (Date.now() - t0) / 1000;

      // The watched file is settled once its import has ended: in done/ with the report beside it.
      const doneNames = await eventually(
        async () => {
          const names = await readdir(join(watchDir, 'done'));
          return names.some((f) => f.endsWith(`__${name}`)) ? names : undefined;
        },
        120_000,
        `${name} in done/`,
      );
      const watchSubmitted = logEvents(harness, 'watch_submitted').filter((e) => e.file === name);

      const ids = (await app.store.list(0, 1000)).filter((id) => !seen.has(id));
      const imported = (await Promise.all(ids.map((id) => app.store.get(id)))).filter((m) => m !== null);
      const theImport = imported[0];
      const codes = new Set(
        content
          .split('\r\n')
          .slice(1)
          .map((l) => l.split(',')[0]),
      );
      const customers = harness.sandbox.customers().filter((c) => codes.has(c.uniqueRefNo ?? ''));
      const perRef = new Map<string, number>();
      for (const c of customers) perRef.set(c.uniqueRefNo ?? '', (perRef.get(c.uniqueRefNo ?? '') ?? 0) + 1);
      const duplicates = [...perRef.values()].reduce((k, v) => k + (v - 1), 0);
      const reportLines = theImport?.reportDir
        ? (await readFile(join(theImport.reportDir, 'results.csv'), 'utf8')).split('\r\n').filter(Boolean)
            .length - 1
        : -1;
      const apiAnswers = [first, second];
      const winner = theImport?.origin ?? 'none';
      const answers = {
        api: apiAnswers.map((a) => `${a.status} ${a.duplicate ? 'joined' : 'new'}`).join(', '),
        watch: watchSubmitted.map((e) => (e.joined ? 'joined' : 'new')).join(','),
        job: `${run.outcome}${run.importId === theImport?.id ? '' : ` other import ${run.importId}`}`,
      };
      const jobJoined = logEvents(harness, 'schedule_joined').filter((e) => e.importId === theImport?.id);
      console.log(
        `  round ${n} (${apiFirst ? 'API first' : 'all at once'}, job ${job.name}): ${imported.length} import(s), first ${winner}; ` +
          `API ${answers.api}; watch ${answers.watch}; job ${answers.job}${jobJoined.length ? ' (joined)' : ''}; ` +
          `${duplicates} duplicates; ${seconds.toFixed(1)} s`,
      );

      expect(imported).toHaveLength(1);
      expect(theImport?.state).toBe('done');
      expect(duplicates).toBe(0);
      expect(customers).toHaveLength(ROWS);
      expect(reportLines).toBe(ROWS);
      for (const a of apiAnswers) {
        expect(a.status).toBe(202);
        expect(a.importId).toBe(theImport?.id);
      }
      // Exactly one entry point started the import; every other one was told it joined it.
      expect(apiAnswers.filter((a) => !a.duplicate)).toHaveLength(winner === 'api' ? 1 : 0);
      if (apiFirst) expect(first.duplicate).toBe(false);
      expect(watchSubmitted).toHaveLength(1);
      expect(watchSubmitted[0]).toMatchObject({ importId: theImport?.id, joined: winner !== 'watch' });
      expect(doneNames.filter((f) => f.endsWith(`__${name}.report`))).toHaveLength(1);
      expect(run).toMatchObject({ outcome: 'imported', importId: theImport?.id });
      expect(jobJoined).toHaveLength(winner === 'schedule' ? 0 : 1);
      return { imports: imported.length, duplicates, winner, answers, seconds };
    };

    const together = await round(1, false);
    const apiFirst = await round(2, true);
    const guarded = await round(3, true, guardedJob);

    recordScenario({
      id: 9,
      title: 'The same file three ways at once',
      promise:
        'Uploaded twice, dropped in the watched folder and fetched by the nightly job at once: one import',
      figures: {
        rows: ROWS,
        importsCreatedAllAtOnce: together.imports,
        duplicateCustomersAllAtOnce: together.duplicates,
        firstSubmittedBy: together.winner,
        apiAnswersAllAtOnce: together.answers.api,
        watchAnswerAllAtOnce: together.answers.watch,
        jobAnswerAllAtOnce: together.answers.job,
        importsCreatedApiFirst: apiFirst.imports,
        duplicateCustomersApiFirst: apiFirst.duplicates,
        apiAnswersApiFirst: apiFirst.answers.api,
        watchAnswerApiFirst: apiFirst.answers.watch,
        jobAnswerApiFirst: apiFirst.answers.job,
        importsCreatedGuardedJob: guarded.imports,
        jobAnswerGuardedJob: guarded.answers.job,
        secondsAllAtOnce: Math.round(together.seconds * 10) / 10,
        secondsApiFirst: Math.round(apiFirst.seconds * 10) / 10,
      },
      summary:
        `${together.imports} import and ${together.duplicates} duplicate customers for ${ROWS.toLocaleString('en-US')} ` +
        `rows (all four at once: ${together.winner} first, the others joined it); with the upload first: ` +
        `${apiFirst.imports} import, ${apiFirst.duplicates} duplicates, second upload "${apiFirst.answers.api.split(', ')[1]}", ` +
        `watched file and nightly job joined (a job with guardrails too: ${guarded.imports} import, no dry run)`,
    });
  });
});
