/**
 * What the EnKash-fault scenarios (2, 3, 6, 7) share: a synthetic file submitted to a real engine, the
 * import watched while faults are switched on and off, and the figures read back from the sandbox and
 * the report.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { ImportMeta } from '../../../src/queue/import-store.js';
import type { Sandbox } from '../../../src/sandbox/types.js';
import { eventually, type Harness } from '../../helpers/engine.js';
import { syntheticCsv } from '../../helpers/synthetic-customers.js';

const WRITES = ['create', 'update', 'activate', 'deactivate', 'delete'] as const;

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

/** EnKash customers per match key (uniqueRefNo): the most for one key, and how many are extra. */
export function customersPerKey(sandbox: Sandbox): {
  customers: number;
  maxPerKey: number;
  duplicates: number;
} {
  const perKey = new Map<string, number>();
  const customers = sandbox.customers();
  for (const c of customers) perKey.set(c.uniqueRefNo ?? '', (perKey.get(c.uniqueRefNo ?? '') ?? 0) + 1);
  const counts = [...perKey.values()];
  return {
    customers: customers.length,
    maxPerKey: counts.length > 0 ? Math.max(...counts) : 0,
    duplicates: counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
  };
}

/** Requests the sandbox received (all answers), and those to write endpoints. */
export function sandboxCalls(sandbox: Sandbox): { total: number; writes: number } {
  const { requests, total } = sandbox.stats();
  const writes = WRITES.map((op) => Object.values(requests[op] ?? {}).reduce((a, b) => a + b, 0));
  return { total, writes: writes.reduce((a, b) => a + b, 0) };
}

/** Write requests EnKash answered with a 2xx. */
export function successfulWrites(sandbox: Sandbox): number {
  const { requests } = sandbox.stats();
  return WRITES.map((op) =>
    Object.entries(requests[op] ?? {})
      .filter(([status]) => status.startsWith('2'))
      .reduce((a, [, n]) => a + n, 0),
  ).reduce((a, b) => a + b, 0);
}

/** Resolves with the time (ms epoch) at which the next successful write is seen after now. */
export async function nextSuccessfulWrite(sandbox: Sandbox, timeoutMs = 120_000): Promise<number> {
  const before = successfulWrites(sandbox);
  return eventually(
    () => Promise.resolve(successfulWrites(sandbox) > before ? Date.now() : undefined),
    timeoutMs,
    'a successful write',
  );
}

/** The import's results.csv: lines per input row (the most for one row) and rows with no line. */
export async function reportLines(
  meta: ImportMeta,
  rows: number,
): Promise<{ lines: number; maxPerRow: number; missingRows: number; outcomes: Record<string, number> }> {
  const text = (await readFile(join(meta.reportDir ?? '', 'results.csv'), 'utf8')).replace(/^\uFEFF/, '');
  const records = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
  const perRow = new Map<string, number>();
  const outcomes: Record<string, number> = {};
  for (const r of records) {
    perRow.set(r.row ?? '', (perRow.get(r.row ?? '') ?? 0) + 1);
    outcomes[r.outcome ?? ''] = (outcomes[r.outcome ?? ''] ?? 0) + 1;
  }
  return {
    lines: records.length,
    maxPerRow: perRow.size > 0 ? Math.max(...perRow.values()) : 0,
    missingRows: rows - perRow.size,
    outcomes,
  };
}

export const seconds = (ms: number) => Math.round(ms / 100) / 10;

export const ratio = (n: number, d: number) => Math.round((n / d) * 1000) / 1000;
