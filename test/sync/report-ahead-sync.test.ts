/**
 * Imports through the engine with their reports written ahead (src/sync/report-ahead.ts), rows settling
 * out of order (jitter, failed writes, retries; blank rows, invalid rows, duplicates, several sheets): each
 * report is the one writeReport writes whole from the same results, byte for byte.
 */
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write-report.js';
import { ReportAhead } from '../../src/sync/report-ahead.js';
import { REPO_ROOT, startHarness, type Harness } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { expectSameReport } from '../report/helpers.js';

let h: Harness;
let ahead: ReportAhead;
/** The imports whose report was finished from the rows written ahead. */
const finishedAhead: string[] = [];

beforeAll(async () => {
  h = await startHarness({
    localWorker: false,
    faults: { jitterMs: 30, failWriteRate: 0.15, rejectWriteRate: 0.05 },
    env: { WORKER_CONCURRENCY: '16' },
  });
  ahead = new ReportAhead(
    { store: h.app.store, logger: h.app.logger },
    { minRows: 0, pollMs: 5, window: 16, busyShare: 1 },
  );
  const finish = ahead.finish.bind(ahead);
  // Finalize's report, and beside it the same report written whole from the same results.
  ahead.finish = async (id, end) => {
    const meta = await h.app.store.get(id);
    if (!meta) throw new Error(`no import ${id}`);
    const results = h.app.store.results(id, meta.lastRow, undefined, meta.sheetEnds);
    await writeReport({ ...end, dir: `${end.dir}-whole`, results });
    const files = await finish(id, end);
    if (files) finishedAhead.push(id);
    return files;
  };
  h.app.engine.reportAhead = ahead;
  h.app.startWorkers();
}, 60_000);
afterAll(async () => {
  await ahead?.close();
  await h?.close();
});

describe('reports written ahead through the engine', () => {
  it('are the reports written whole, for new, unchanged, changed, failed, invalid and blank rows', async () => {
    const csv = syntheticCsv(300, 7).split('\r\n');
    // Blank rows between the customers, an invalid GSTIN, a duplicate of row 2.
    csv.splice(40, 0, ',,,,,,,,,,', '');
    csv.splice(120, 1, csv[120]!.replace(/,[0-9A-Z]{15},/, ',27AAACE1234,'));
    csv.splice(200, 0, csv[1]!);
    const file = join(h.dir, 'customers.csv');
    await writeFile(file, csv.join('\r\n'));
    const first = await h.sync(file);
    // Again, a tenth changed: most rows are settled when they are read (unchanged), the rest by EnKash.
    const changed = csv.map((line, i) => (i > 0 && i % 10 === 0 ? line.replace(/Pvt/, 'Private') : line));
    await writeFile(file, changed.join('\r\n'));
    const again = await h.sync(file);
    const sheets = join(h.dir, 'branch-sheets.xlsx');
    await cp(join(REPO_ROOT, 'fixtures/ingest/branch-sheets.xlsx'), sheets);
    const workbook = await h.sync(sheets);
    const mixed = await h.sync(join(REPO_ROOT, 'fixtures/sync/mixed.csv'));

    const imports = [first, again, workbook, mixed];
    expect(imports.map((m) => m.state)).toEqual(['done', 'done', 'done', 'done']);
    expect(first.counts.failed + first.counts.invalid).toBeGreaterThan(0);
    expect(again.counts.unchanged).toBeGreaterThan(200);
    expect(finishedAhead).toEqual(imports.map((m) => m.id));
    for (const meta of imports) {
      const dir = meta.reportDir ?? '';
      await expectSameReport(dir, `${dir}-whole`);
    }
  }, 120_000);
});
