/**
 * A synthetic import on a real engine, as the reliability scenarios run it: the harness for one test,
 * the file submitted, the import waited for, and the figures read back from the sandbox and the report
 * (customers per key, report lines per row, sandbox calls).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterEach } from 'vitest';
import type { ImportMeta } from '../../../src/queue/import-store.js';
import type { Sandbox } from '../../../src/sandbox/types.js';
import { eventually, startHarness, writeCalls, type Harness } from '../../helpers/engine.js';
import { syntheticCsv } from '../../helpers/synthetic-customers.js';

/**
 * Registers an afterEach that closes the harness the test started; returns the function that starts it.
 * Call at a test file's top level: `const newHarness = harnessPerTest();`, then in a test
 * `const h = await newHarness({ ... })`.
 */
export function harnessPerTest(): (opts?: Parameters<typeof startHarness>[0]) => Promise<Harness> {
  let current: Harness | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (opts) => (current = await startHarness(opts));
}

/** Writes `rows` synthetic customers to a CSV in the harness's dir and submits it (upsert by uniqueRefNo). */
export async function submitCustomers(h: Harness, rows: number, seed: number): Promise<string> {
  const file = join(h.dir, `customers-${seed}-${rows}.csv`);
  await writeFile(file, syntheticCsv(rows, seed));
  return h.app.imports.submit({
    filePath: file,
    origin: 'cli',
    options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo' },
  });
}

/** The uniqueRefNo syntheticCsv(rows, seed) gives its customers. */
export function syntheticKeys(rows: number): string[] {
  return Array.from({ length: rows }, (_, i) => `CUST-${String(i + 1).padStart(6, '0')}`);
}

/** Polls `check` every `everyMs` until it is true; returns the epoch ms it became true. */
export function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  label: string,
  everyMs = 50,
): Promise<number> {
  return eventually(async () => ((await check()) ? Date.now() : undefined), timeoutMs, label, everyMs);
}

/** Resolves once the import has at least `rows` rows done. */
export async function rowsDone(
  h: Harness,
  id: string,
  rows: number,
  timeoutMs = 120_000,
): Promise<ImportMeta> {
  return eventually(
    async () => {
      const meta = await h.app.store.get(id);
      return meta && meta.done >= rows ? meta : undefined;
    },
    timeoutMs,
    `${rows} rows of ${id} done`,
  );
}

/** Resolves with the import once it is over (done, failed or cancelled). */
export async function finished(h: Harness, id: string, timeoutMs = 180_000): Promise<ImportMeta> {
  return eventually(
    async () => {
      const meta = await h.app.store.get(id);
      return meta && ['done', 'failed', 'cancelled'].includes(meta.state) ? meta : undefined;
    },
    timeoutMs,
    `import ${id} to finish`,
  );
}

export type CustomersPerKey = {
  /** Customers in the sandbox. */
  customers: number;
  /** Distinct uniqueRefNo among them. */
  keys: number;
  /** The most customers for one uniqueRefNo (must be 1). */
  maxPerKey: number;
  /** Customers beyond the first for any uniqueRefNo (must be 0). */
  duplicates: number;
  /** Expected keys with no customer. */
  missing: number;
  /** The keys with more than one customer (the first 20), to trace a failure. */
  duplicateKeys: string[];
};

/** EnKash customers per match key (uniqueRefNo), against the keys the input file holds (if given). */
export function customersPerKey(sandbox: Sandbox, expectedKeys: readonly string[] = []): CustomersPerKey {
  const customers = sandbox.customers();
  const perKey = new Map<string, number>();
  for (const c of customers) {
    const key = c.uniqueRefNo ?? '';
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  let duplicates = 0;
  const duplicateKeys: string[] = [];
  for (const [key, n] of perKey) {
    duplicates += Math.max(0, n - 1);
    if (n > 1 && duplicateKeys.length < 20) duplicateKeys.push(key);
  }
  return {
    customers: customers.length,
    keys: perKey.size,
    maxPerKey: perKey.size > 0 ? Math.max(...perKey.values()) : 0,
    duplicates,
    missing: expectedKeys.filter((k) => !perKey.has(k)).length,
    duplicateKeys,
  };
}

export type ReportLine = { row: string; uniqueRefNo: string; outcome: string; errors: string };

export type ReportCheck = {
  /** Lines in results.csv. */
  lines: number;
  /** The most lines for one row (must be 1). */
  maxPerRow: number;
  /** Input rows less the distinct rows the report has lines for. */
  missingRows: number;
  /** Input rows with no line, or whose customer is missing in the sandbox (must be 0). */
  rowsLost: number;
  /** Input rows with more than one line (must be 0). */
  rowsRepeated: number;
  /** Lines by outcome. */
  outcomes: Record<string, number>;
};

/** The lines of the import's results.csv (the report the user downloads). */
export async function reportLines(meta: ImportMeta): Promise<ReportLine[]> {
  if (!meta.reportDir) throw new Error(`import ${meta.id} has no report (${meta.state})`);
  const text = (await readFile(join(meta.reportDir, 'results.csv'), 'utf8')).replace(/^\uFEFF/, '');
  return Papa.parse<ReportLine>(text, { header: true, skipEmptyLines: true }).data;
}

/**
 * Compares the import's report with its input: row numbers 2..rows+1 (a header line, then one customer
 * per line, as syntheticCsv writes them) each with exactly one line, and each row's customer present in
 * the sandbox.
 */
export async function checkReport(meta: ImportMeta, rows: number, sandbox: Sandbox): Promise<ReportCheck> {
  const lines = await reportLines(meta);
  const perRow = new Map<string, ReportLine[]>();
  const outcomes: Record<string, number> = {};
  for (const line of lines) {
    perRow.set(line.row, [...(perRow.get(line.row) ?? []), line]);
    outcomes[line.outcome] = (outcomes[line.outcome] ?? 0) + 1;
  }
  const inSandbox = new Set(sandbox.customers().map((c) => c.uniqueRefNo));
  let rowsLost = 0;
  let rowsRepeated = 0;
  for (let row = 2; row <= rows + 1; row++) {
    const got = perRow.get(String(row)) ?? [];
    if (got.length > 1) rowsRepeated += 1;
    const first = got[0];
    if (!first || !inSandbox.has(first.uniqueRefNo)) rowsLost += 1;
  }
  return {
    lines: lines.length,
    maxPerRow: Math.max(0, ...[...perRow.values()].map((l) => l.length)),
    missingRows: rows - perRow.size,
    rowsLost,
    rowsRepeated,
    outcomes,
  };
}

/** Create requests the sandbox has received (whatever their answer). */
export function createsSeen(sandbox: Sandbox): number {
  return Object.values(sandbox.stats().requests.create ?? {}).reduce((a, b) => a + b, 0);
}

/** Requests the sandbox received (all answers), and those to write endpoints. */
export function sandboxCalls(sandbox: Sandbox): { total: number; writes: number } {
  return { total: sandbox.stats().total, writes: writeCalls(sandbox) };
}

/** Write requests EnKash answered with a 2xx. */
export function successfulWrites(sandbox: Sandbox): number {
  const { requests } = sandbox.stats();
  return ['create', 'update', 'activate', 'deactivate', 'delete']
    .map((op) =>
      Object.entries(requests[op] ?? {})
        .filter(([status]) => status.startsWith('2'))
        .reduce((a, [, n]) => a + n, 0),
    )
    .reduce((a, b) => a + b, 0);
}

/** Resolves with the time (ms epoch) at which the next successful write is seen after now. */
export async function nextSuccessfulWrite(sandbox: Sandbox, timeoutMs = 120_000): Promise<number> {
  const before = successfulWrites(sandbox);
  return waitUntil(() => successfulWrites(sandbox) > before, timeoutMs, 'a successful write', 100);
}

/** Seconds with one decimal, for figures. */
export const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** n / d with three decimals, for figures. */
export const ratio = (n: number, d: number) => Math.round((n / d) * 1000) / 1000;
