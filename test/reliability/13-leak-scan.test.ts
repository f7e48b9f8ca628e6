/**
 * Scenario 13: leak scan. Synthetic personal data goes through every path that handles it, under faults:
 * an upload through the HTTP API, processed by a local App and a spawned worker process (both at
 * LOG_LEVEL=debug), with invalid rows, a share of 5xx answers, creates that commit and never answer, writes
 * EnKash refuses with 400 echoing the values back (sandbox fault rejectWriteRate), every token expired
 * mid-import; then a second import through the CLI path that updates rows (with more refusals), two of
 * whose customers were deleted in EnKash behind our back; then the paths where a file's cells become free
 * text (issue 17): a headerless file (its first data row would be quoted as "headers"), a file with
 * personal data in its header cells, and a nightly job whose export is headerless, which fails and
 * alerts a captured webhook. Afterwards every log line, every webhook body
 * and every key and value under the deployment's Redis prefix (strings, hashes, lists, sets, sorted sets,
 * streams) is searched for the input's mobiles, e-mails, PANs, GSTINs and account numbers, the invalid
 * values, every OAuth token the sandbox issued, and the credentials and keys. The report files hold the
 * user's own data by design and are left out; that they exist nowhere else is checked.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../src/api/server.js';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { pathExists } from '../../src/domain/path-exists.js';
import { createLoggerTo } from '../../src/logger.js';
import { definition, startWebhook, type Webhook } from '../schedule/helpers.js';
import { JobRunner } from '../../src/schedule/job-runner.js';
import { REPO_ROOT, credentials, startHarness, type Harness } from '../helpers/engine.js';
import { testRedis } from '../helpers/redis.js';
import {
  SYNTHETIC_HEADERS,
  syntheticCsvLine,
  syntheticCustomer,
  type SyntheticCustomer,
} from '../helpers/synthetic-customers.js';
import { dumpPrefix, hitsByKind, scan, type Haystack, type Needle } from './helpers/leak-scan.js';
import { PROFILE, recordScenario, sized } from './helpers/scenario.js';

const ROWS = sized(150, 2000);
const SEED = 13;
const REPORT_FILES = new Set(['results.csv', 'results.xlsx', 'summary.json', 'errors.csv']);

let h: Harness | undefined;
let app: App | undefined;
let server: FastifyInstance | undefined;
let webhook: Webhook | undefined;
afterAll(async () => {
  await webhook?.close();
  if (server) {
    const closing = server.close();
    server.server.closeAllConnections();
    await closing;
  }
  await app?.close();
  await h?.close();
});

/** Rows whose values our validation refuses: their values end up in validation messages. */
function invalidRows(start: number): { lines: string[]; needles: Needle[] } {
  const a = syntheticCustomer(start, SEED);
  const b = syntheticCustomer(start + 1, SEED);
  const c = syntheticCustomer(start + 2, SEED);
  const badMobile = `5${a.mobile.slice(1, 9)}`; // 9 digits, starts with 5
  const badEmail = `accounts${start + 1}.example.in`;
  const badGstin = `${c.gstin.slice(0, 14)}${c.gstin.endsWith('Z') ? 'Y' : 'Z'}`; // wrong check character
  const badAccount = `${b.accountNumber}X7`;
  return {
    lines: [
      syntheticCsvLine({ ...a, mobile: badMobile }),
      syntheticCsvLine({ ...b, email: badEmail, accountNumber: badAccount }),
      syntheticCsvLine({ ...c, gstin: badGstin }),
    ],
    needles: [
      { kind: 'invalid mobile', value: badMobile },
      { kind: 'invalid e-mail', value: badEmail },
      { kind: 'invalid GSTIN', value: badGstin },
      { kind: 'invalid account number', value: badAccount },
    ],
  };
}

function personalNeedles(customers: SyntheticCustomer[]): Needle[] {
  return customers.flatMap((c) => [
    { kind: 'mobile', value: c.mobile },
    { kind: 'e-mail', value: c.email },
    { kind: 'PAN', value: c.pan },
    { kind: 'GSTIN', value: c.gstin },
    { kind: 'account number', value: c.accountNumber },
  ]);
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe(`scenario 13 (${PROFILE}): leak scan`, () => {
  it('finds no personal data, token or secret in the logs or in Redis', async () => {
    const started = Date.now();
    webhook = await startWebhook();
    h = await startHarness({
      localWorker: false,
      faults: { failureRate: 0.12, hangCreateRate: 0.03, rejectWriteRate: 0.04 },
      env: {
        LOG_LEVEL: 'debug',
        ENKASH_TIMEOUT_MS: '1500',
        RETRY_ATTEMPTS: '3',
        WORKER_CONCURRENCY: '16',
        ALERT_WEBHOOK_URL: webhook.url,
        OUTBOUND_ALLOW_PRIVATE: 'true',
      },
    });
    const harness = h;
    // The local App logs at debug too (the harness's own App, which only submits, logs at info).
    const localLogs: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        localLogs.push(chunk.toString('utf8'));
        done();
      },
    });
    const local = await createApp(loadConfig(harness.env), createLoggerTo(sink, 'debug'), {
      baseUrl: harness.sandbox.url,
    });
    app = local;
    local.startWorkers();
    const worker = harness.spawnWorker({ LOG_LEVEL: 'debug' });
    await harness.workerReady(worker, 90_000);

    const apiKey = randomBytes(16).toString('hex');
    const uploadDir = join(harness.dir, 'uploads');
    await mkdir(uploadDir, { recursive: true });
    server = await buildApiServer(local, { apiKeys: [apiKey], uploadDir });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    const apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    // Import 1: the file through the API.
    const customers = Array.from({ length: ROWS }, (_, i) => syntheticCustomer(i + 1, SEED));
    const invalid = invalidRows(ROWS + 1);
    const inputDir = join(harness.dir, 'input');
    await mkdir(inputDir, { recursive: true });
    const file1 = [SYNTHETIC_HEADERS.join(','), ...customers.map(syntheticCsvLine), ...invalid.lines].join(
      '\r\n',
    );
    const form = new FormData();
    form.append('file', new Blob([file1]), 'customers.csv');
    const uploaded = await fetch(`${apiUrl}/imports`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(uploaded.status).toBe(202);
    const { importId: first } = (await uploaded.json()) as { importId: string };

    // Every token dies once a third of the rows are done: the next calls get 401 and one refresh.
    let expiredAt = -1;
    const meta1 = await local.imports.waitFor(
      first,
      (m) => {
        if (expiredAt < 0 && m.done >= ROWS / 3) {
          expiredAt = m.done;
          harness.sandbox.expireTokens();
        }
      },
      { pollMs: 100, signal: AbortSignal.timeout(300_000) },
    );
    expect(meta1.state).toBe('done');

    // Import 2 (the CLI path): changed addresses for the first rows, two of whose customers were deleted
    // in EnKash meanwhile, and more refused writes.
    const changed = customers.slice(0, 30).map((c) => ({ ...c, address: `${c.address} (new)` }));
    harness.sandbox.setFaults({ failureRate: 0 });
    const byRef = new Map(harness.sandbox.customers().map((c) => [c.uniqueRefNo, c.customerId]));
    for (const c of changed.slice(0, 2)) {
      const id = byRef.get(c.code);
      if (id) await local.client.deleteCustomer(id);
    }
    harness.sandbox.setFaults({ failureRate: 0.12, rejectWriteRate: 0.15 });
    const file2 = join(inputDir, 'changed.csv');
    await writeFile(file2, [SYNTHETIC_HEADERS.join(','), ...changed.map(syntheticCsvLine)].join('\r\n'));
    const meta2 = await harness.sync(file2, {}, 300_000);
    expect(meta2.state).toBe('done');

    // Where cells become free text. (a) A headerless file: its first row is all the "headers" there are.
    harness.sandbox.setFaults({ failureRate: 0, rejectWriteRate: 0, hangCreateRate: 0 });
    const headerless = Array.from({ length: 3 }, (_, i) => syntheticCustomer(ROWS + 100 + i, SEED));
    const headerlessCsv = headerless.map(syntheticCsvLine).join('\r\n');
    const form3 = new FormData();
    form3.append('file', new Blob([headerlessCsv]), 'no-headers.csv');
    const uploaded3 = await fetch(`${apiUrl}/imports`, {
      method: 'POST',
      body: form3,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(uploaded3.status).toBe(202);
    const { importId: third } = (await uploaded3.json()) as { importId: string };
    const meta3 = await local.imports.waitFor(third, () => undefined, {
      pollMs: 100,
      signal: AbortSignal.timeout(120_000),
    });
    expect(meta3.state).toBe('failed');
    // (b) Personal data in header cells (unused columns land in the warnings).
    const inHeaders = syntheticCustomer(ROWS + 200, SEED);
    const file4 = join(inputDir, 'pii-headers.csv');
    const extraHeaders = [inHeaders.mobile, inHeaders.email, inHeaders.gstin, inHeaders.accountNumber];
    await writeFile(
      file4,
      [
        [...SYNTHETIC_HEADERS, ...extraHeaders].join(','),
        ...customers.slice(0, 3).map((c) => `${syntheticCsvLine(c)},a,b,c,d`),
      ].join('\r\n'),
    );
    const meta4 = await harness.sync(file4, {}, 120_000);
    expect(meta4.state).toBe('done');
    // (c) A nightly job whose export is headerless: the run fails and alerts the webhook.
    const nightly = Array.from({ length: 3 }, (_, i) => syntheticCustomer(ROWS + 300 + i, SEED));
    const exportDir = join(harness.dir, 'erp-export');
    await mkdir(exportDir, { recursive: true });
    await writeFile(join(exportDir, 'customers.csv'), nightly.map(syntheticCsvLine).join('\r\n'));
    const run = await new JobRunner(local).run(
      definition({
        name: 'nightly-leak',
        source: { folder: exportDir, glob: 'customers.csv' },
        mode: 'upsert',
        schedule: { cron: '0 2 * * *', timezone: 'Asia/Kolkata' },
      }),
    );
    expect(run.outcome).toBe('failed');
    expect(webhook.bodies.length).toBeGreaterThan(0);

    // Let the worker write its last lines, then stop it (its shutdown logs are scanned too).
    worker.kill('SIGTERM');
    await exitOf(worker);

    const c = credentials();
    const tokens = harness.sandbox.issuedTokens();
    const needles: Needle[] = [
      ...personalNeedles(customers),
      ...personalNeedles([...headerless, inHeaders, ...nightly]),
      ...invalid.needles,
      ...tokens.map((t) => ({ kind: 'OAuth token', value: t })),
      { kind: 'client secret', value: c.clientSecret },
      { kind: 'password', value: c.password },
      { kind: 'basic auth', value: Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64') },
      { kind: 'DATA_KEY', value: harness.env.DATA_KEY ?? 'unset-data-key' },
      { kind: 'API key', value: apiKey },
    ];

    const logs: Haystack[] = [
      ...[...harness.logs, ...localLogs].map((text, i) => ({ where: `log #${i}`, text })),
      ...webhook.bodies.map((body, i) => ({ where: `webhook POST #${i}`, text: JSON.stringify(body) })),
    ];
    const redis = testRedis(harness.env.REDIS_URL);
    const keys = await dumpPrefix(redis, harness.env.REDIS_PREFIX ?? '');
    await redis.quit();

    // Files: the report folders are the user's; nothing else under the run's folder may hold report files,
    // and no other file (state, temp) may hold the needles. Uploads are the user's input, kept by design.
    const reportDirs = [meta1, meta2, meta3, meta4].map((m) => m.reportDir ?? m.options.reportDir);
    const files = await filesUnder(harness.dir);
    const strayReports = files.filter(
      (f) => REPORT_FILES.has(f.split('/').pop() ?? '') && !reportDirs.some((d) => f.startsWith(`${d}/`)),
    );
    // Nor outside it: the default report folder of the working directory, the system temp folder.
    for (const id of [meta1.id, meta2.id]) {
      if (await pathExists(join(REPO_ROOT, 'reports', id))) strayReports.push(join(REPO_ROOT, 'reports', id));
      for (const name of await readdir(tmpdir()))
        if (name.includes(id)) strayReports.push(join(tmpdir(), name));
    }
    const otherFiles: Haystack[] = [];
    for (const f of files) {
      if (reportDirs.some((d) => f.startsWith(`${d}/`)) || f.startsWith(`${uploadDir}/`)) continue;
      if (f.startsWith(`${inputDir}/`) || f.startsWith(`${exportDir}/`)) continue;
      // The nightly job's private copies of its export are the user's input, like uploads.
      if (f.startsWith(`${join(harness.env.STATE_DIR ?? '', 'schedule')}/`)) continue;
      otherFiles.push({ where: `file ${relative(harness.dir, f)}`, text: await readFile(f, 'utf8') });
    }

    const logHits = scan(logs, needles);
    const redisHits = scan(keys, needles);
    const fileHits = scan(otherFiles, needles);
    const stats = harness.sandbox.stats();
    const logLines = logs.reduce((n, l) => n + l.text.split('\n').filter(Boolean).length, 0);
    const debugLines = logs.reduce((n, l) => n + (l.text.match(/"level":20/g)?.length ?? 0), 0);
    console.log(`  import 1: ${JSON.stringify(meta1.counts)}; import 2: ${JSON.stringify(meta2.counts)}`);
    const redisBytes = keys.reduce((n, k) => n + k.text.length, 0);
    for (const hit of [...logHits, ...redisHits, ...fileHits].slice(0, 20)) {
      console.log(`  LEAK ${hit.kind} in ${hit.where}: …${hit.excerpt}…`);
    }
    const totalHits = logHits.length + redisHits.length + fileHits.length;
    recordScenario({
      id: 13,
      title: 'Leak scan',
      promise:
        'No mobile, e-mail, PAN/GSTIN, bank account number, OAuth token or credential in the logs or in Redis',
      figures: {
        rows: ROWS + invalid.lines.length + changed.length,
        logLines,
        debugLines,
        redisKeys: keys.length,
        redisBytesScanned: redisBytes,
        needles: needles.length,
        tokensIssued: tokens.length,
        sandbox5xx: ['500', '502', '503'].reduce(
          (n, s) => n + Object.values(stats.requests).reduce((m, byStatus) => m + (byStatus[s] ?? 0), 0),
          0,
        ),
        sandbox400: Object.values(stats.requests).reduce((m, byStatus) => m + (byStatus['400'] ?? 0), 0),
        sandbox401: Object.values(stats.requests).reduce((m, byStatus) => m + (byStatus['401'] ?? 0), 0),
        hungCreates: stats.hungCreates,
        failedRows: (meta1.counts.failed ?? 0) + (meta2.counts.failed ?? 0),
        invalidRows: meta1.counts.invalid ?? 0,
        strayReportFiles: strayReports.length,
        logHits: logHits.length,
        redisHits: redisHits.length,
        fileHits: fileHits.length,
        hitsByKind: JSON.stringify(hitsByKind([...logHits, ...redisHits, ...fileHits])),
        seconds: Math.round((Date.now() - started) / 100) / 10,
      },
      summary:
        `${totalHits} hits for ${needles.length} values (personal data of ${ROWS + invalid.lines.length} rows, ` +
        `${tokens.length} OAuth tokens, credentials) in ${logLines.toLocaleString('en-US')} log lines at debug ` +
        `and ${keys.length} Redis keys; report files only in the report folders`,
    });
    expect(stats.hungCreates + (stats.requests.create?.['400'] ?? 0)).toBeGreaterThan(0);
    expect(debugLines).toBeGreaterThan(0);
    expect(strayReports).toEqual([]);
    expect(logHits).toEqual([]);
    expect(redisHits).toEqual([]);
    expect(fileHits).toEqual([]);
  });
});
