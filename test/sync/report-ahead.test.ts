/**
 * The report written while the import runs (src/sync/report-ahead.ts): the same files as writeReport's
 * from the same results, whatever order the rows settle in; and whenever it cannot stand for the whole
 * report, nothing of it is left and finalize is told to write the report whole.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportState } from '../../src/domain/import-lifecycle.js';
import type { RowResult } from '../../src/domain/types.js';
import { ReportAhead, type ReportAheadOptions } from '../../src/sync/report-ahead.js';
import { writeReport, type ReportEnd } from '../../src/report/write-report.js';
import { expectSameReport, iterate, listDir, result, summary, tempDir } from '../report/helpers.js';

class FakeStore {
  readonly results = new Map<number, RowResult>();
  readonly states = new Map<string, ImportState>();
  async resultsAt(_id: string, rows: readonly number[]) {
    return rows.map((r) => this.results.get(r) ?? null);
  }
  async resultCount() {
    return this.results.size;
  }
  async state(id: string) {
    return this.states.get(id) ?? 'running';
  }
  async getPlan<T>(): Promise<T | null> {
    return null;
  }
}

const silent = { warn: () => undefined };
const FAST: ReportAheadOptions = { minRows: 0, pollMs: 2, window: 4, busyShare: 1 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resolves once `check` holds (within 3 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 3000; !(await check()); await sleep(10))
    if (Date.now() > deadline) throw new Error('never held');
}
const folders = async () => (await listDir(root)).length;

const ROWS: RowResult[] = [
  result(1, 'created'),
  result(2, 'unchanged'),
  result(3, 'invalid', { errors: 'GSTIN/UIN: "27AAACE1234" has 11 characters; a GSTIN has 15' }),
  result(5, 'updated', { changes: 'legalName: "A" → "B"' }),
  result(6, 'failed'),
  result(8, 'failed', { httpStatus: 422, errorType: 'VALIDATION_ERROR', errors: 'pinCode refused' }),
  result(9, 'skipped', { errors: 'duplicate of row 1' }),
  result(10, 'unchanged', { legalName: 'Two\nLines Ltd' }),
  ...[11, 12, 13, 15, 16, 17, 19, 20].map((row) => result(row, 'unchanged')),
];

function end(dir: string): ReportEnd {
  return {
    dir,
    summary: summary(ROWS.length),
    sourceHeaders: ['Customer Code', 'Customer Name', 'GSTIN/UIN'],
    sourceRows: async function* (rows) {
      for (const r of ROWS) if (rows.has(r.row)) yield { row: r.row, values: [`C-${r.row}`, 'x', 'y'] };
    },
  };
}

let root: string;
let cleanup: () => Promise<void>;
let store: FakeStore;
beforeEach(async () => {
  ({ root, cleanup } = await tempDir());
  store = new FakeStore();
});
afterEach(async () => cleanup());

describe('the report written ahead', () => {
  it('writes the rows settled before the end, in order, and its report is writeReport’s byte for byte', async () => {
    const ahead = new ReportAhead({ store, logger: silent }, FAST);
    const dir = join(root, 'imp-1');
    const follower = ahead.begin('imp-1', dir);
    follower.expect(ROWS.slice(0, 9));
    // Settled out of order: nothing past row 2 is written while row 3 has no result.
    for (const i of [1, 0, 4, 5]) store.results.set(ROWS[i]!.row, ROWS[i]!);
    await until(async () => follower.rowsWritten === 2);
    await sleep(30);
    expect(follower.rowsWritten).toBe(2);
    follower.expect(ROWS.slice(9));
    follower.parsed();
    for (const r of ROWS.slice(2).reverse()) store.results.set(r.row, r);
    await until(async () => follower.rowsWritten === ROWS.length);

    const files = await ahead.finish('imp-1', end(dir));
    expect(files?.counts).toMatchObject({ unchanged: 10, invalid: 1, failed: 2, skipped: 1 });
    await writeReport({ ...end(join(root, 'whole')), results: iterate(ROWS) });
    await expectSameReport(dir, join(root, 'whole'));
    expect(await listDir(root)).toEqual(['imp-1', 'whole']);
  });

  it('finishes the rows still unwritten when finalize asks, even with the event loop busy', async () => {
    // busyShare 0: the rest of the process always counts as busy, so nothing is written ahead.
    const ahead = new ReportAhead({ store, logger: silent }, { ...FAST, busyShare: 0 });
    const dir = join(root, 'imp-1');
    const follower = ahead.begin('imp-1', dir);
    follower.expect(ROWS);
    follower.parsed();
    for (const r of ROWS) store.results.set(r.row, r);
    await sleep(30);
    expect(follower.rowsWritten).toBe(0);
    expect((await ahead.finish('imp-1', end(dir)))?.counts.unchanged).toBe(10);
    await writeReport({ ...end(join(root, 'whole')), results: iterate(ROWS) });
    await expectSameReport(dir, join(root, 'whole'));
  });

  it('cannot stand for the report: finalize writes it whole, and nothing of it is left', async () => {
    const cases: Record<string, (f: ReturnType<ReportAhead['begin']>) => void> = {
      // The import job did not read the whole file (it failed, or was retried elsewhere).
      'not parsed': (f) => f.expect(ROWS),
      // A result for a row the import job never handed over.
      'a row it was not told of': (f) => {
        f.expect(ROWS.slice(1));
        f.parsed();
      },
      'a row handed over twice': (f) => {
        f.expect(ROWS);
        f.expect(ROWS.slice(-1));
        f.parsed();
      },
    };
    for (const [name, hand] of Object.entries(cases)) {
      const ahead = new ReportAhead({ store, logger: silent }, FAST);
      for (const r of ROWS) store.results.set(r.row, r);
      const dir = join(root, name.replace(/\W/g, '-'));
      const follower = ahead.begin('imp-1', dir);
      hand(follower);
      await sleep(20);
      expect(await ahead.finish('imp-1', end(dir)), name).toBeNull();
      expect(await listDir(root), name).toEqual([]);
    }
  });

  it('a finalize in another process ends it; so do a retried import job and the process closing', async () => {
    const ahead = new ReportAhead({ store, logger: silent }, FAST);
    for (const r of ROWS) store.results.set(r.row, r);
    const first = ahead.begin('imp-1', join(root, 'imp-1'));
    first.expect(ROWS);
    await until(async () => (await readdir(root)).some((n) => n.startsWith('imp-1.tmp-')));
    // The import job runs again: the first attempt's follower is dropped.
    const again = ahead.begin('imp-1', join(root, 'imp-1'));
    again.expect(ROWS);
    ahead.begin('imp-2', join(root, 'imp-2')).expect(ROWS);
    await until(async () => (await folders()) === 2);
    // imp-1 done elsewhere: its follower sees it within a second and removes its folder.
    store.states.set('imp-1', 'done');
    await until(async () => (await folders()) === 1);
    expect(await ahead.finish('imp-1', end(join(root, 'imp-1')))).toBeNull();
    await ahead.close();
    expect(await listDir(root)).toEqual([]);
  });

  it('begins nothing below minRows: finalize writes such a report whole', async () => {
    const ahead = new ReportAhead({ store, logger: silent }, { ...FAST, minRows: 1000 });
    for (const r of ROWS) store.results.set(r.row, r);
    const follower = ahead.begin('imp-1', join(root, 'imp-1'));
    follower.expect(ROWS);
    follower.parsed();
    await sleep(20);
    expect(await listDir(root)).toEqual([]);
    expect(await ahead.finish('imp-1', end(join(root, 'imp-1')))).toBeNull();
  });
});
